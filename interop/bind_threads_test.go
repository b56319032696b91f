//go:build unix

package interop

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/server"
)

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// rpyc6Path is the real rpyc 6.0.1, kept in ../shared/peers as a test
// peer for what exists only in rpyc 6 (bind_threads); a user's clone has
// no ../shared, and the tests that need it skip saying so.
func rpyc6Path(t *testing.T) string {
	t.Helper()
	root := ScriptPath(".")
	for dir := root; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "..", "shared", "peers", "rpyc-6.0.1")
		if st, err := os.Stat(filepath.Join(p, "rpyc", "__init__.py")); err == nil && !st.IsDir() {
			return p
		}
		if isModuleRoot(dir) {
			break
		}
	}
	t.Skip("rpyc 6.0.1 is not here (../shared/peers/rpyc-6.0.1, beside the repository): bind_threads exists only in rpyc 6; CI has it")
	return ""
}

// bindService is what the Python client calls with bind_threads on.
type bindService struct{}

func (bindService) Add(a, b int) int { return a + b }

// CallBack calls fn(n): Python runs it on the thread that waits.
func (bindService) CallBack(ctx context.Context, fn *rpyc.Netref, n int) (any, error) {
	return fn.Call(ctx, n)
}

// Recurse calls fn(n-1), which calls Recurse again: n deep each way.
func (bindService) Recurse(ctx context.Context, n int, fn *rpyc.Netref) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	v, err := rpyc.As[int](fn.Call(ctx, n-1))
	return v + 1, err
}

// Python's rpyc 6.0.1 client with bind_threads on against our server,
// which learns the thread-id prefix from the first message: calls, a
// callback that must run on the Python thread that waits, nested
// callbacks 50 deep each way, eight Python threads with callbacks at
// once, an exception.
func TestBindThreadsPythonClient(t *testing.T) {
	lib := rpyc6Path(t)
	host, port := startGoServerTCP(t, &server.Server{Service: bindService{}, Logger: quietLog()})
	addr := net.JoinHostPort(host, port)
	p := Start(t, PeerOptions{Script: "bind_threads_client.py", Args: []string{addr},
		Env: []string{"PYTHONPATH=" + lib}})
	if err := p.Wait(90 * time.Second); err != nil {
		t.Fatalf("bind_threads client: %v\n%s\n%s", err, p.Output(), p.Stderr())
	}
	out := p.Output()
	for _, check := range []string{"calls", "callback on the waiting thread", "nested callbacks 50 deep", "8 threads with callbacks", "exception"} {
		if !strings.Contains(out, "ok "+check+"\n") {
			t.Errorf("check %q did not pass:\n%s\n%s", check, out, p.Stderr())
		}
	}
}

// Our client with BindThreads against Python's rpyc 6.0.1 server with
// bind_threads on: calls, a callback on the thread that waits, nested
// callbacks both ways, concurrent calls from many goroutines.
func TestBindThreadsPythonServer(t *testing.T) {
	lib := rpyc6Path(t)
	p := Start(t, PeerOptions{Script: "bind_threads_server.py", Env: []string{"PYTHONPATH=" + lib}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := rpyc.Dial(ctx, p.Addr, &rpyc.Config{BindThreads: true, Layout: message.LayoutV6})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	root, err := conn.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := rpyc.As[string](root.CallMethod(ctx, "version")); err != nil || !strings.HasPrefix(v, "6.") {
		t.Fatalf("version: %q %v", v, err)
	}
	if got, err := rpyc.As[int](root.CallMethod(ctx, "add", 2, 3)); err != nil || got != 5 {
		t.Fatalf("add: %v %v", got, err)
	}
	cb := func(ctx context.Context, n int) (int, error) { return n * 10, nil }
	if got, err := rpyc.As[int](root.CallMethod(ctx, "call_back", cb, 4)); err != nil || got != 40 {
		t.Fatalf("call_back: %v %v", got, err)
	}
	var rec func(ctx context.Context, n int) (int, error)
	rec = func(ctx context.Context, n int) (int, error) {
		return rpyc.As[int](root.CallMethod(ctx, "recurse", n, rec))
	}
	if got, err := rpyc.As[int](root.CallMethod(ctx, "recurse", 30, rec)); err != nil || got != 30 {
		t.Fatalf("nested callbacks 30 deep: %v %v", got, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				cb := func(ctx context.Context, n int) (int, error) { return n + g, nil }
				got, err := rpyc.As[int](root.CallMethod(ctx, "call_back", cb, i))
				if err == nil && got != i+g {
					err = fmt.Errorf("goroutine %d: call_back(%d) = %d", g, i, got)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, err := root.CallMethod(ctx, "add", 1, "x"); err == nil {
		t.Error("add(1, 'x'): no error")
	}
}
