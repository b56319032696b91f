package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/server"
)

// TestServeUntil: a cancelled context stops the server gracefully, and a
// one-shot server that stops by itself is a clean end too.
func TestServeUntil(t *testing.T) {
	for _, kind := range []server.Kind{server.Threaded, server.OneShot} {
		srv := &server.Server{Service: &testService{}, Kind: kind}
		l := listen(t, "tcp4")
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.ServeUntil(ctx, l, time.Second) }()
		c := dial(t, l.Addr().String())
		mustAdd(t, c)
		if kind == server.OneShot {
			c.Close() // its one client goes: the server stops by itself
		} else {
			cancel()
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%v: ServeUntil returned %v, want nil", kind, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%v: ServeUntil did not return", kind)
		}
		cancel()
		c.Close()
	}
}
