package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/stream"
	"github.com/rpyc-go/rpyc/vinegar"
)

// observed is one request as an interceptor saw it.
type observed struct {
	handler  message.Handler
	target   string
	duration time.Duration
	err      error
}

// TestInterceptor: Server.Interceptor sees each request's handler, target
// name, duration and error.
func TestInterceptor(t *testing.T) {
	var mu sync.Mutex
	var seen []observed
	srv := &server.Server{Service: &testService{}, Logger: quietLogger(),
		Interceptor: func(ctx context.Context, info *rpyc.RequestInfo, next func(context.Context) (any, error)) (any, error) {
			start := time.Now()
			v, err := next(ctx)
			mu.Lock()
			seen = append(seen, observed{info.Handler, info.Target, time.Since(start), err})
			mu.Unlock()
			return v, err
		}}
	l := listen(t, "tcp4")
	serve(t, srv, l)
	c := dial(t, l.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := call(ctx, c, "sleep", 30); err != nil {
		t.Fatal(err)
	}
	if _, err := call(ctx, c, "fail"); !errors.Is(err, vinegar.ErrValueError) {
		t.Fatalf("fail() = %v, want a ValueError", err)
	}
	mu.Lock()
	defer mu.Unlock()
	var sleep, fail *observed
	for i := range seen {
		switch seen[i].target {
		case "sleep":
			sleep = &seen[i]
		case "fail":
			fail = &seen[i]
		}
	}
	if sleep == nil || fail == nil {
		t.Fatalf("interceptor saw %+v, want the sleep and fail calls", seen)
	}
	if sleep.handler != message.HandleCallAttr || sleep.err != nil || sleep.duration < 30*time.Millisecond {
		t.Errorf("sleep seen as %+v, want HANDLE_CALLATTR, no error, at least 30ms", *sleep)
	}
	if !errors.Is(fail.err, vinegar.ErrValueError) {
		t.Errorf("fail seen with error %v, want the ValueError", fail.err)
	}
}

// recorder is a Registrar that records what the server told it.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) Register(_ context.Context, aliases []string, addr string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "register "+strings.Join(aliases, ",")+" "+addr)
	return nil
}

func (r *recorder) Unregister(_ context.Context, addr string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "unregister "+addr)
	return nil
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// TestRegistrar: registered on Serve under the service's aliases, again
// at each interval, unregistered on Shutdown.
func TestRegistrar(t *testing.T) {
	rec := &recorder{}
	srv := &server.Server{Service: &testService{}, Registrar: rec, RegisterInterval: 50 * time.Millisecond, Logger: quietLogger()}
	l := listen(t, "tcp4")
	addr := l.Addr().String()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	waitFor(t, "three registrations", func() bool { return len(rec.list()) >= 3 })
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, server.ErrServerClosed) {
		t.Fatalf("Serve = %v, want ErrServerClosed", err)
	}
	ev := rec.list()
	want := "register TEST " + addr
	if ev[0] != want || ev[1] != want {
		t.Errorf("events %q, want them to start with %q twice", ev, want)
	}
	if last := ev[len(ev)-1]; last != "unregister "+addr {
		t.Errorf("last event %q, want unregister %s", last, addr)
	}
}

// TestMemoryBudget: connections share the server's budget (1 GiB by
// default), unless their Config sets one.
func TestMemoryBudget(t *testing.T) {
	srv := &server.Server{Service: &testService{}}
	if b := srv.Budget(); b == nil || b.Limit() != server.DefaultMemoryBudget {
		t.Fatalf("default budget %v, want %d bytes", b, server.DefaultMemoryBudget)
	}
	if b := (&server.Server{MemoryBudget: -1}).Budget(); b != nil {
		t.Fatalf("MemoryBudget -1 gave a budget of %d", b.Limit())
	}
	var got *rpyc.Budget
	srv.Service = rpyc.ServiceFactory(func(c *rpyc.Conn) any {
		cfg := c.Config()
		got = cfg.Limits.Budget
		return &testService{}
	})
	srv.Logger = quietLogger()
	l := listen(t, "tcp4")
	serve(t, srv, l)
	mustAdd(t, dial(t, l.Addr().String()))
	if got != srv.Budget() {
		t.Fatalf("connection budget %p, want the server's %p", got, srv.Budget())
	}
}

// TestStartChild: a child process of this binary serves the service over
// a socket pair; closing the connection ends it.
func TestStartChild(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := server.StartChild(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := rpyc.As[int](call(ctx, c, "pid"))
	if err != nil || pid == os.Getpid() || pid == 0 {
		t.Fatalf("pid() = %d, %v; want the child's pid", pid, err)
	}
	mustAdd(t, c)
	_ = c.Close()
	// Until it is reaped: a race-enabled child sleeps 1 s at exit, and
	// StartChild's goroutines end when it is gone.
	waitFor(t, "the child to exit and be reaped", func() bool {
		_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
		return os.IsNotExist(err)
	})
}

// TestServeStdio: this test binary, started as a stdio server, serves a
// Go client over its standard input and output.
func TestServeStdio(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), stdioEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c, err := rpyc.Connect(stream.Pipe(out, in), nil, &rpyc.Config{Layout: 6})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, c)
	_ = c.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("stdio server exited with %v, want 0 after its client closed", err)
	}
}

// TestTextHandlerStacks: a multi-line attribute (a panic stack) is
// written below its record, one line each, not escaped.
func TestTextHandlerStacks(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(server.NewTextHandler(&buf, nil))
	log.Error("rpyc: handler panicked", "panic", "boom", "stack", "goroutine 7 [running]:\nmain.f()\n\t/src/main.go:12 +0x1d\n")
	got := buf.String()
	for _, want := range []string{`msg="rpyc: handler panicked" panic=boom stack=(below)`, "\n  stack:\n\tgoroutine 7 [running]:\n\tmain.f()\n\t\t/src/main.go:12 +0x1d\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("log output\n%s\nlacks %q", got, want)
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for the logger's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestPanicStackReadable: a handler's panic, logged through a server
// logger built on NewTextHandler, shows its stack as lines, not as one
// quoted string; the client gets an exception and the server serves on.
func TestPanicStackReadable(t *testing.T) {
	var out lockedBuffer
	srv := &server.Server{Service: &testService{}, Logger: slog.New(server.NewTextHandler(&out, nil))}
	l := listen(t, "tcp4")
	serve(t, srv, l)
	c := dial(t, l.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := call(ctx, c, "panic"); err == nil {
		t.Fatal("panic() returned normally")
	}
	mustAdd(t, c)
	logs := out.String()
	if !strings.Contains(logs, "stack=(below)") || !strings.Contains(logs, "\n\tgoroutine ") || strings.Contains(logs, `\n\t`) {
		t.Errorf("panic log is not readable:\n%s", logs)
	}
}

// TestServeStdioGarbage: garbage on standard input ends a stdio server
// with an error (it does not hang or crash).
func TestServeStdioGarbage(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), stdioEnv+"=1")
	cmd.Stdin = strings.NewReader("\xff\xff\xff\xff\x00GET / HTTP/1.1\r\n\r\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(stderr.String(), "stdio server:") {
			t.Fatalf("stdio server after garbage: exit %v, stderr %q; want an error exit", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("stdio server still running 30 s after garbage")
	}
}
