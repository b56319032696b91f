//go:build unix

package interop

import (
	"context"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/server"
)

// sleepService is whoService with a long call that counts while running.
type sleepService struct {
	whoService
	running atomic.Int64
}

// Sleep sleeps for secs seconds, or until the connection ends.
func (s *sleepService) Sleep(ctx context.Context, secs float64) (float64, error) {
	s.running.Add(1)
	defer s.running.Add(-1)
	select {
	case <-time.After(time.Duration(secs * float64(time.Second))):
		return secs, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// TestServerShutdownPython: Shutdown with a Python client's call in
// flight lets it complete (the client gets its result), while an idle
// Python client is disconnected at once; Shutdown then returns nil.
func TestServerShutdownPython(t *testing.T) {
	Python(t)
	svc := &sleepService{}
	srv := &server.Server{Service: svc}
	host, port := startGoServerTCP(t, srv)
	busy := Start(t, PeerOptions{Script: "server_sleeper.py", Args: []string{host, port, "1.5"}})
	idle := Start(t, PeerOptions{Script: "server_sleeper.py", Layout6: true, Args: []string{host, port, "0"}})
	if err := idle.Wait(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the busy call to start", func() bool { return svc.running.Load() == 1 })
	begin := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v, want nil", err)
	}
	took := time.Since(begin)
	if err := busy.Wait(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(busy.Stdout)
	if !strings.Contains(string(out), "slept 1.5") {
		t.Fatalf("the call in flight during Shutdown got %q, want its result", out)
	}
	t.Logf("Shutdown returned after %v, when the call in flight completed", took.Round(time.Millisecond))
}

// TestServerClientKilledMidCallPython: a Python client killed (SIGKILL)
// during a call leaves nothing behind: the handler's context ends, the
// connection is dropped, and TestMain's goroutine check finds nothing.
func TestServerClientKilledMidCallPython(t *testing.T) {
	Python(t)
	svc := &sleepService{}
	srv := &server.Server{Service: svc}
	host, port := startGoServerTCP(t, srv)
	before := runtime.NumGoroutine()
	p := Start(t, PeerOptions{Script: "server_sleeper.py", Args: []string{host, port, "30"}})
	waitUntil(t, "the call to start", func() bool { return svc.running.Load() == 1 })
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	waitUntil(t, "the handler to end", func() bool { return svc.running.Load() == 0 })
	waitUntil(t, "the connection to be dropped", func() bool { return srv.Connections() == 0 })
	waitUntil(t, "the connection's goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
