package rpyc

import (
	"context"

	"github.com/rpyc-go/rpyc/brine"
)

// Observing our own requests, and carrying metadata to the peer.
//
// Config.Outgoing is the client half of what Config.Interceptor is for
// the server half: it sees each request this side sends and its outcome,
// which is what client-side metrics and tracing need. It may also hand
// back a few bytes of metadata (a trace context) to travel with the
// request. They travel in the request's seq: the message is
// (REQUEST, (seq, metadata), payload) instead of (REQUEST, seq,
// payload). A Go peer's engine takes the pair apart, replies under the
// plain seq, and gives the bytes to its Interceptor (RequestMetadata);
// a Python peer would echo the pair in its reply, but is never sent one:
// an Outgoing hook returns metadata only to a peer that said it reads
// it (package otelrpyc asks once per connection, with a ping Python
// answers as any ping). Without a hook nothing changes on the wire, and
// the cost is one nil check per request.

// Outgoing observes each request this side sends and waits for a reply
// to (Config.Outgoing). It is called on the sending goroutine before the
// request is written, with the caller's context (context.Background()
// for async requests, which take none). It returns the metadata to send
// with the request (nil: none; only to a peer known to read it, see
// RequestMetadata) and a function the connection calls exactly once with
// the request's outcome: nil or the error the caller got (a remote
// exception, a timeout, a lost connection). For a synchronous request
// done runs on the caller's goroutine before the call returns; for an
// async one, on a goroutine of its own when the result is ready.
// Requests sent without a reply to wait for (HANDLE_DEL, HANDLE_CLOSE)
// are not observed.
type Outgoing func(ctx context.Context, info *RequestInfo) (meta []byte, done func(err error))

type requestMetadataKey struct{}

// RequestMetadata returns the metadata the peer's Outgoing hook sent
// with the request being served, from the context an Interceptor (and
// the handler after it) receives; nil when there is none, as with every
// request of a Python peer.
func RequestMetadata(ctx context.Context) []byte {
	b, _ := ctx.Value(requestMetadataKey{}).([]byte)
	return b
}

func withRequestMetadata(ctx context.Context, meta []byte) context.Context {
	return context.WithValue(ctx, requestMetadataKey{}, meta)
}

// maxRequestMetadata bounds the metadata a peer may attach to one
// request; larger metadata is dropped (the request is served without).
const maxRequestMetadata = 8 << 10

// splitSeq takes a request's seq apart: (seq, metadata) as an Outgoing
// hook sends it, or a plain seq. The metadata is copied (the decoder's
// bytes alias the frame).
func splitSeq(seq any) (any, []byte) {
	t, ok := seq.(brine.Tuple)
	if !ok || len(t) != 2 {
		return seq, nil
	}
	n, ok1 := t[0].(int64)
	meta, ok2 := t[1].([]byte)
	if !ok1 || !ok2 {
		return seq, nil
	}
	if len(meta) > maxRequestMetadata {
		return n, nil
	}
	return n, append([]byte(nil), meta...)
}

// outgoingInfo describes one of our requests for the Outgoing hook.
func (c *Conn) outgoingInfo(p outgoing) *RequestInfo {
	return &RequestInfo{Conn: c, Handler: p.handler(), Target: p.target()}
}

// observe tells the Outgoing hook, if any, of request p: the metadata
// to send with it and the function to call with its outcome.
func (c *Conn) observe(ctx context.Context, p outgoing) ([]byte, func(error)) {
	if c.cfg.Outgoing == nil {
		return nil, nil
	}
	return c.cfg.Outgoing(ctx, c.outgoingInfo(p))
}
