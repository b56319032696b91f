package reconnect_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/reconnect"
	"github.com/rpyc-go/rpyc/server"
)

// nodeService is what the test servers serve: it says which server it is,
// hands out objects by reference, and calls back its subscribers.
type nodeService struct {
	name string

	mu   sync.Mutex
	subs []*rpyc.Netref
}

// Whoami names the server.
func (s *nodeService) Whoami() string { return s.name }

// Add adds.
func (s *nodeService) Add(a, b int) int { return a + b }

// Sleep waits secs seconds, or until the call is cancelled.
func (s *nodeService) Sleep(ctx context.Context, secs float64) (float64, error) {
	t := time.NewTimer(time.Duration(secs * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
		return secs, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// NewCounter returns a fresh object, by reference.
func (s *nodeService) NewCounter() *counter { return &counter{} }

// Subscribe keeps fn, to be called by Fire.
func (s *nodeService) Subscribe(fn *rpyc.Netref) {
	s.mu.Lock()
	s.subs = append(s.subs, fn)
	s.mu.Unlock()
}

// Fire calls every subscriber with msg and returns how many answered.
func (s *nodeService) Fire(ctx context.Context, msg string) int {
	s.mu.Lock()
	subs := append([]*rpyc.Netref(nil), s.subs...)
	s.mu.Unlock()
	n := 0
	for _, fn := range subs {
		if _, err := fn.Call(ctx, s.name+": "+msg); err == nil {
			n++
		}
	}
	return n
}

// counter is an object held by reference.
type counter struct{ n atomic.Int64 }

// Incr adds one and returns the count.
func (c *counter) Incr() int64 { return c.n.Add(1) }

// testServer is a server.Server on a loopback port, which a test may
// kill and start again on the same port.
type testServer struct {
	t    *testing.T
	name string
	addr string
	reg  server.Registrar // announces the server when set

	mu   sync.Mutex
	srv  *server.Server
	done chan struct{}
}

// quiet discards log lines: a test that kills servers makes many.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// startServer serves a nodeService called name on addr ("" picks a free
// loopback port) until the test ends.
func startServer(t *testing.T, name, addr string) *testServer {
	t.Helper()
	return startRegistered(t, name, addr, nil)
}

// startRegistered is startServer with the server announced through reg
// (registered on Serve, unregistered when killed).
func startRegistered(t *testing.T, name, addr string, reg server.Registrar) *testServer {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s := &testServer{t: t, name: name, reg: reg}
	s.listen(addr)
	t.Cleanup(s.kill)
	return s
}

func (s *testServer) listen(addr string) {
	s.t.Helper()
	var l net.Listener
	var err error
	// A port just freed may linger a moment; try for a while.
	for range 100 {
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("listen on %s: %v", addr, err)
	}
	srv := &server.Server{Service: &nodeService{name: s.name}, Logger: quiet, Registrar: s.reg}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	s.mu.Lock()
	s.srv, s.done = srv, done
	if s.addr == "" { // set once, before any reader: a restart keeps it
		s.addr = l.Addr().String()
	}
	s.mu.Unlock()
}

// kill closes the server and every connection to it (each client sees
// its connection end), as a process that died would.
func (s *testServer) kill() {
	s.mu.Lock()
	srv, done := s.srv, s.done
	s.srv = nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	_ = srv.Close()
	<-done
}

// restart starts the server again on the same address, with fresh state.
func (s *testServer) restart() {
	s.kill()
	s.listen(s.addr)
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dial makes a reconnect.Client that the test closes at its end, and
// checks that whoami answers want.
func dial(ctx context.Context, t *testing.T, opts *reconnect.Options, want string) *reconnect.Client {
	t.Helper()
	c, err := reconnect.Dial(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if who, err := c.Call(ctx, "whoami"); err != nil || who != want {
		t.Fatalf("whoami = %v, %v; want %s", who, err, want)
	}
	return c
}

// callUntil calls whoami until it succeeds, and returns the answer and
// every error seen on the way.
func callUntil(ctx context.Context, t *testing.T, c interface {
	Call(context.Context, string, ...any) (any, error)
}) (string, []error) {
	t.Helper()
	var errs []error
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		v, err := c.Call(cctx, "whoami")
		cancel()
		if err == nil {
			return v.(string), errs
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			t.Fatalf("no successful call before the test's deadline; errors: %v", errs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
