package slave_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/slave"
	"github.com/rpyc-go/rpyc/stream"
	"github.com/rpyc-go/rpyc/vinegar"
)

// pair serves the classic service over an in-memory pipe and returns the
// Go classic client of it; both ends close at cleanup.
func pair(t *testing.T, opts *slave.Options) (*classic.Conn, context.Context) {
	t.Helper()
	c, _, ctx := serve(t, opts)
	return c, ctx
}

// serve is pair that also gives the server's end of the connection.
func serve(t *testing.T, opts *slave.Options) (*classic.Conn, *rpyc.Conn, context.Context) {
	t.Helper()
	a, b := stream.MemPipe()
	srv, err := rpyc.NewServerConn(b, slave.New(opts), slave.Config(nil))
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	c, err := classic.ConnectStream(ctx, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = c.Close()
		_ = srv.Close()
	})
	return c, srv, ctx
}

// wantPyErr checks that err is the Python exception class named.
func wantPyErr(t *testing.T, err error, class string) {
	t.Helper()
	var e *vinegar.Exception
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want a remote %s", err, err, class)
	}
	if got := e.QualName(); got != "builtins."+class && got != class {
		t.Fatalf("got %s: %v, want %s", got, err, class)
	}
}

// call calls module.fn(args...) on the server.
func call(t *testing.T, c *classic.Conn, ctx context.Context, path string, args ...any) any {
	t.Helper()
	v, err := c.Call(ctx, path, args...)
	if err != nil {
		t.Fatalf("%s%v: %v", path, args, err)
	}
	return v
}
