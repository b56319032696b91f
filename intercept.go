package rpyc

import (
	"context"

	"github.com/rpyc-go/rpyc/message"
)

// RequestInfo describes one request the peer made, for an Interceptor.
type RequestInfo struct {
	// Conn is the connection the request came on.
	Conn *Conn
	// Handler is the protocol operation (message.HandleCallAttr for a
	// method call, message.HandleGetAttr for an attribute read, ...).
	Handler message.Handler
	// Target is the name the request is about: the method for a method
	// call ("add"), the attribute for getattr/setattr/delattr, and empty
	// when the request names none (a call of a callable, GETROOT, PING).
	Target string
}

// Interceptor wraps the serving of each request the peer makes (see
// Config.Interceptor). It must call next, at most once, to serve the
// request, and return what next returned or an error of its own; the
// time next takes is the request's service time. A pool server uses one
// to bound requests across connections; metrics and tracing use one to
// observe them.
type Interceptor func(ctx context.Context, info *RequestInfo, next func(context.Context) (any, error)) (any, error)

// requestTarget names what a request is about, for interceptors and error
// messages: the attribute or method name where the operation takes one.
func requestTarget(op message.Handler, args []any) string {
	switch op {
	case message.HandleGetAttr, message.HandleSetAttr, message.HandleDelAttr, message.HandleCallAttr:
		if len(args) > 1 {
			if s, err := attrName(args[1]); err == nil {
				return s
			}
		}
	}
	return ""
}
