package server_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
)

// serve runs srv on l until the test ends, then closes it and checks
// that Serve returned as documented.
func serve(t *testing.T, srv *server.Server, l net.Listener) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	t.Cleanup(func() {
		_ = srv.Close()
		select {
		case err := <-errc:
			if err != nil && !errors.Is(err, server.ErrServerClosed) {
				t.Errorf("Serve returned %v, want nil or ErrServerClosed", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after Close")
		}
	})
}

// listen opens a loopback TCP listener.
func listen(t *testing.T, network string) net.Listener {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "tcp6" {
		addr = "[::1]:0"
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatalf("listen %s %s: %v", network, addr, err)
	}
	return l
}

// dial connects a Go client and closes it when the test ends.
func dial(t *testing.T, addr string) *rpyc.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpyc.Dial(ctx, addr, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// call makes one method call on c's root.
func call(ctx context.Context, c *rpyc.Conn, method string, args ...any) (any, error) {
	root, err := c.Root(ctx)
	if err != nil {
		return nil, err
	}
	return root.CallMethod(ctx, method, args...)
}

// mustAdd checks that c's server adds.
func mustAdd(t *testing.T, c *rpyc.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := rpyc.As[int](call(ctx, c, "add", 40, 2))
	if err != nil || v != 42 {
		t.Fatalf("add(40, 2) = %v, %v; want 42", v, err)
	}
}
