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

// TestShutdownIdleReturnsAtOnce: idle clients do not hold Shutdown (its
// context is long, and it must not wait it out).
func TestShutdownIdleReturnsAtOnce(t *testing.T) {
	for _, kind := range []server.Kind{server.Threaded, server.ThreadPool, server.Forking} {
		t.Run(kind.String(), func(t *testing.T) {
			srv := &server.Server{Service: &testService{}, Kind: kind, Logger: quietLogger()}
			l := listen(t, "tcp4")
			serve(t, srv, l)
			var conns []*rpyc.Conn
			for i := 0; i < 5; i++ {
				c := dial(t, l.Addr().String())
				mustAdd(t, c)
				conns = append(conns, c)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- srv.Shutdown(ctx) }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Shutdown = %v, want nil", err)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("Shutdown with idle clients still waiting after 15 s")
			}
			for _, c := range conns {
				select {
				case <-c.Done():
				case <-time.After(5 * time.Second):
					t.Fatal("client still connected after Shutdown")
				}
			}
		})
	}
}

// TestShutdownCompletesCallsInFlight: a call in flight finishes with its
// result; new connections are refused meanwhile; Shutdown then returns nil.
func TestShutdownCompletesCallsInFlight(t *testing.T) {
	svc := &testService{release: make(chan struct{})}
	srv := &server.Server{Service: svc, Logger: quietLogger()}
	l := listen(t, "tcp4")
	addr := l.Addr().String()
	serve(t, srv, l)
	busy := dial(t, addr)
	idle := dial(t, addr)
	mustAdd(t, idle)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res := make(chan any, 1)
	go func() {
		v, err := call(ctx, busy, "block")
		if err != nil {
			v = err
		}
		res <- v
	}()
	waitFor(t, "the call to start", func() bool { return svc.running.Load() == 1 })
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(ctx) }()
	select {
	case <-idle.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("idle client not closed at once by Shutdown")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("Shutdown still accepts connections")
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a call in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(svc.release)
	if v := <-res; v != "released" {
		t.Fatalf("call in flight got %v, want its result", v)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown = %v, want nil", err)
	}
}

// TestShutdownDeadline: a call that outlives Shutdown's context is cut,
// and Shutdown returns the context's error.
func TestShutdownDeadline(t *testing.T) {
	svc := &testService{release: make(chan struct{})}
	srv := &server.Server{Service: svc, Logger: quietLogger()}
	l := listen(t, "tcp4")
	serve(t, srv, l)
	c := dial(t, l.Addr().String())
	res := startBlock(t, svc, c)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want context.DeadlineExceeded", err)
	}
	if err := <-res; err == nil {
		t.Fatal("call survived a Shutdown whose context ended")
	}
}

// TestCloseImmediate: Close cuts calls in flight at once.
func TestCloseImmediate(t *testing.T) {
	svc := &testService{release: make(chan struct{})}
	srv := &server.Server{Service: svc, Logger: quietLogger()}
	l := listen(t, "tcp4")
	serve(t, srv, l)
	c := dial(t, l.Addr().String())
	res := startBlock(t, svc, c)
	_ = srv.Close()
	select {
	case err := <-res:
		if err == nil {
			t.Fatal("call in flight succeeded after Close")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("call still running after Close")
	}
	if n := srv.Connections(); n != 0 {
		t.Errorf("Connections() = %d after Close, want 0", n)
	}
}

// TestClientKilledMidCall: a client that vanishes during a call leaves
// nothing behind (the goroutine check in TestMain covers the rest).
func TestClientKilledMidCall(t *testing.T) {
	svc := &testService{release: make(chan struct{})}
	srv := &server.Server{Service: svc, Logger: quietLogger()}
	l := listen(t, "tcp4")
	serve(t, srv, l)
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c, err := rpyc.Connect(nc, nil, &rpyc.Config{Layout: 6})
	if err != nil {
		t.Fatal(err)
	}
	startBlock(t, svc, c)
	_ = nc.(*net.TCPConn).SetLinger(0)
	_ = nc.Close() // RST, as a killed process's socket
	waitFor(t, "the handler to end", func() bool { return svc.running.Load() == 0 })
	waitFor(t, "the connection to be dropped", func() bool { return srv.Connections() == 0 })
	_ = c.Close()
}

// TestIdleTimeout: a client that goes quiet (a half-open peer looks the
// same) is dropped after IdleTimeout, and nothing of it stays behind.
func TestIdleTimeout(t *testing.T) {
	srv := &server.Server{Service: &testService{}, IdleTimeout: 200 * time.Millisecond, Logger: quietLogger()}
	l := listen(t, "tcp4")
	serve(t, srv, l)
	c := dial(t, l.Addr().String())
	mustAdd(t, c)
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("idle client still connected 10 s after a 200 ms IdleTimeout")
	}
	waitFor(t, "the server to drop the connection", func() bool { return srv.Connections() == 0 })
}

// startBlock makes a block() call on c and returns, once it runs on the
// server, the channel that gets its error.
func startBlock(t *testing.T, svc *testService, c *rpyc.Conn) <-chan error {
	t.Helper()
	res := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := call(ctx, c, "block")
		res <- err
	}()
	waitFor(t, "the call to start", func() bool { return svc.running.Load() == 1 })
	return res
}
