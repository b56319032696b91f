package server_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
)

// TestKindsTransports: every kind serves Go clients over TCP v4, v6 and
// a Unix socket.
func TestKindsTransports(t *testing.T) {
	for _, kind := range []server.Kind{server.Threaded, server.ThreadPool, server.Forking} {
		for _, network := range []string{"tcp4", "tcp6", "unix"} {
			t.Run(kind.String()+"/"+network, func(t *testing.T) {
				srv := &server.Server{Service: &testService{}, Kind: kind, Logger: quietLogger()}
				var l net.Listener
				var err error
				if network == "unix" {
					l, err = net.Listen("unix", filepath.Join(t.TempDir(), "s.sock"))
					if err != nil {
						t.Fatal(err)
					}
				} else {
					l = listen(t, network)
				}
				addr := l.Addr().String()
				serve(t, srv, l)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				var c *rpyc.Conn
				if network == "unix" {
					c, err = rpyc.DialUnix(ctx, addr, nil)
					if err != nil {
						t.Fatal(err)
					}
					defer c.Close()
				} else {
					c = dial(t, addr)
				}
				mustAdd(t, c)
			})
		}
	}
}

// TestThreadPoolBound: a pool of 3 runs at most 3 requests at once across
// connections, and every request is served.
func TestThreadPoolBound(t *testing.T) {
	svc := &testService{}
	srv := &server.Server{Service: svc, Kind: server.ThreadPool, PoolSize: 3, Logger: quietLogger()}
	l := listen(t, "tcp4")
	serve(t, srv, l)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 8; i++ {
		c := dial(t, l.Addr().String())
		for j := 0; j < 5; j++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := call(ctx, c, "sleep", 50); err != nil {
					errs <- err
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if p := svc.peak.Load(); p != 3 {
		t.Errorf("peak concurrent requests = %d, want 3 (the pool size)", p)
	}
}

// TestOneShot: the server serves its first client, refuses a second,
// and Serve returns nil when the first is gone.
func TestOneShot(t *testing.T) {
	srv := &server.Server{Service: &testService{}, Kind: server.OneShot, Logger: quietLogger()}
	l := listen(t, "tcp4")
	addr := l.Addr().String()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpyc.Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, c)
	if c2, err := rpyc.Dial(ctx, addr, &rpyc.Config{Layout: 6}); err == nil {
		_, err = call(ctx, c2, "add", 1, 2)
		_ = c2.Close()
		if err == nil {
			t.Error("a second client was served by a OneShot server")
		}
	}
	_ = c.Close()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("OneShot Serve returned %v after its client left, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("OneShot Serve still running after its client left")
	}
	// Shut down before any client: ErrServerClosed.
	srv2 := &server.Server{Service: &testService{}, Kind: server.OneShot, Logger: quietLogger()}
	l2 := listen(t, "tcp4")
	go func() { errc <- srv2.Serve(l2) }()
	time.Sleep(50 * time.Millisecond)
	_ = srv2.Close()
	if err := <-errc; !errors.Is(err, server.ErrServerClosed) {
		t.Errorf("OneShot Serve after Close = %v, want ErrServerClosed", err)
	}
}

// TestOneShotMaxConnections: MaxConnections does not stop a OneShot
// server from returning once its client is gone (its one connection
// takes a slot like any other and gives it back).
func TestOneShotMaxConnections(t *testing.T) {
	srv := &server.Server{Service: &testService{}, Kind: server.OneShot, MaxConnections: 1, Logger: quietLogger()}
	l := listen(t, "tcp4")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	c := dial(t, l.Addr().String())
	mustAdd(t, c)
	_ = c.Close()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("OneShot Serve returned %v after its client left, want nil", err)
		}
	case <-time.After(10 * time.Second):
		_ = srv.Close()
		t.Fatal("OneShot Serve with MaxConnections still running after its client left")
	}
}

// TestForkingChildCrash: each client gets its own process, and a child
// that dies takes only its own client with it.
func TestForkingChildCrash(t *testing.T) {
	srv := &server.Server{Service: &testService{}, Kind: server.Forking, Logger: quietLogger()}
	l := listen(t, "tcp4")
	serve(t, srv, l)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var conns []*rpyc.Conn
	pids := map[int]bool{}
	for i := 0; i < 4; i++ {
		c := dial(t, l.Addr().String())
		pid, err := rpyc.As[int](call(ctx, c, "pid"))
		if err != nil {
			t.Fatal(err)
		}
		pids[pid] = true
		conns = append(conns, c)
	}
	if len(pids) != 4 {
		t.Fatalf("4 clients served by %d processes, want 4", len(pids))
	}
	if _, err := call(ctx, conns[0], "crash"); err == nil {
		t.Fatal("crash returned normally")
	}
	for _, c := range conns[1:] {
		mustAdd(t, c)
	}
	mustAdd(t, dial(t, l.Addr().String()))
	waitFor(t, "the crashed child to be reaped", func() bool { return srv.Connections() == 4 })
}

// TestMaxConnections: with MaxConnections 1, a second client waits (it is
// not refused) until the first leaves.
func TestMaxConnections(t *testing.T) {
	srv := &server.Server{Service: &testService{}, MaxConnections: 1, Logger: quietLogger()}
	l := listen(t, "tcp4")
	serve(t, srv, l)
	c1 := dial(t, l.Addr().String())
	mustAdd(t, c1)
	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c2, err := rpyc.Dial(ctx, l.Addr().String(), &rpyc.Config{Layout: 6})
		if err != nil {
			got <- err
			return
		}
		defer c2.Close()
		_, err = call(ctx, c2, "add", 1, 2)
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second client served while the first was connected (err %v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	_ = c1.Close()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("second client after the first left: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("second client never served")
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestListenAndServeUnix: a stale socket file left by a crashed server is
// replaced, clients are served, and the file is gone after Close.
func TestListenAndServeUnix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rpyc.sock")
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	_ = stale.Close() // the file stays, as after a crash
	srv := &server.Server{Service: &testService{}, Logger: quietLogger()}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServeUnix(context.Background(), path) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var c *rpyc.Conn
	waitFor(t, "the server to listen", func() bool {
		c, err = rpyc.DialUnix(ctx, path, nil)
		return err == nil
	})
	mustAdd(t, c)
	_ = c.Close()
	_ = srv.Close()
	if err := <-errc; !errors.Is(err, server.ErrServerClosed) {
		t.Fatalf("ListenAndServeUnix = %v, want ErrServerClosed", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("socket file still there after Close: %v", err)
	}
}
