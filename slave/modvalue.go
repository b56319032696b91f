package slave

import (
	"context"
	"slices"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/slave/python"
)

// codeHost is how code reaches what the interpreter does not implement:
// the Go modules (and the values they return) through the connection's
// own object model, so an attribute, method, default or keyword argument
// works from code exactly as it does from a Python client, with no work
// per module; and the client's objects (netrefs) through the
// connection.
type codeHost struct {
	s    *SlaveService
	conn *rpyc.Conn
}

// Import is import name: the connection's module (getmodule).
func (h *codeHost) Import(ctx context.Context, name string) (any, error) {
	return h.s.module(name)
}

func (h *codeHost) GetAttr(ctx context.Context, obj any, name string) (any, error) {
	if ip, ok := obj.(inPlacer); ok && slices.Contains(ip.RPyCInPlace(), name) {
		return &inPlaceMethod{h: h, obj: obj, name: name}, nil
	}
	if _, isSys := obj.(*sysModule); isSys {
		switch name {
		case "exc_info":
			return python.ExcInfo, nil
		case "exception":
			return python.Exception, nil
		}
	}
	return h.conn.LocalGetattr(ctx, obj, name)
}

func (h *codeHost) SetAttr(ctx context.Context, obj any, name string, value any) error {
	return h.conn.LocalSetattr(ctx, obj, name, value)
}

func (h *codeHost) DelAttr(ctx context.Context, obj any, name string) error {
	return h.conn.LocalDelattr(ctx, obj, name)
}

func (h *codeHost) Call(ctx context.Context, fn any, args []any, kw rpyc.Kwargs) (any, error) {
	if m, ok := fn.(*inPlaceMethod); ok {
		return m.Call(ctx, kw, args...)
	}
	return h.conn.LocalCall(ctx, fn, args, kw)
}

func (h *codeHost) CallMethod(ctx context.Context, obj any, name string, args []any, kw rpyc.Kwargs) (any, error) {
	return h.conn.LocalCallMethod(ctx, obj, name, args, kw)
}

func (h *codeHost) Dir(ctx context.Context, obj any) ([]string, error) {
	return h.conn.LocalDir(ctx, obj)
}

func (h *codeHost) Repr(ctx context.Context, obj any) (string, error) {
	return h.conn.LocalRepr(ctx, obj)
}

func (h *codeHost) Str(ctx context.Context, obj any) (string, error) {
	return h.conn.LocalStr(ctx, obj)
}

// Write is print's output to a stream that is not an object of the
// code: the server's sys.stdout, or a client's file (redirected_stdio),
// flushed so output appears as it is printed.
func (h *codeHost) Write(ctx context.Context, stream any, text string) error {
	if err := writeStream(ctx, stream, text); err != nil {
		return err
	}
	flushStream(ctx, stream)
	return nil
}

// Stdout is this connection's sys.stdout as it is now.
func (h *codeHost) Stdout(ctx context.Context) (any, error) { return h.s.sys.Stdout, nil }

// Stdin is this connection's sys.stdin as it is now.
func (h *codeHost) Stdin(ctx context.Context) (any, error) { return h.s.sys.Stdin, nil }

// inPlacer is a Go object some of whose methods change their argument in
// place (random.shuffle): their Python names.
type inPlacer interface {
	RPyCInPlace() []string
}

// inPlaceMethod is such a method as code gets it: code passes its lists
// to it by reference (python.ByReference), so the method changes the
// code's own list, as Python's does.
type inPlaceMethod struct {
	h    *codeHost
	obj  any
	name string
}

// RPyCByReference marks the method for the interpreter.
func (m *inPlaceMethod) RPyCByReference() {}

// RPyCNames makes Call the method's __call__.
func (m *inPlaceMethod) RPyCNames() map[string]string { return map[string]string{"Call": "__call__"} }

// Call calls the method.
func (m *inPlaceMethod) Call(ctx context.Context, kw rpyc.Kwargs, args ...any) (any, error) {
	return m.h.conn.LocalCallMethod(ctx, m.obj, m.name, args, kw)
}

// GoString is Python's repr of a bound method.
func (m *inPlaceMethod) GoString() string {
	return "<bound method " + m.name + " of " + pyRepr(m.obj) + ">"
}
