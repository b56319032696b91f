package rpyc_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/stream"
)

// factoryCalc is the service the factory tests reach.
type factoryCalc struct{}

// Add adds.
func (factoryCalc) Add(a, b int64) int64 { return a + b }

// childEnv makes this test binary, started again by
// TestFactorySubprocessGo, serve factoryCalc on its stdin/stdout.
const childEnv = "RPYC_FACTORY_STDIO_CHILD"

// init runs the stdio child before any test or TestMain when the binary
// was started as one: it connects over its standard pipes, serves until
// the parent closes, and exits.
func init() {
	mode := os.Getenv(childEnv)
	if mode == "" {
		return
	}
	c, err := rpyc.ConnectStdPipes(factoryCalc{}, nil)
	if err != nil {
		os.Stderr.WriteString("stdio child: " + err.Error() + "\n")
		os.Exit(2)
	}
	os.Stderr.WriteString("stdio child: serving\n")
	<-c.Done()
	if mode == "hang" { // a program that does not exit on end of input
		time.Sleep(time.Hour)
	}
	os.Exit(0)
}

func addOnce(t *testing.T, c *rpyc.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatalf("Root: %v", err)
	}
	v, err := root.CallMethod(ctx, "add", 2, 3)
	if err != nil || v != int64(5) {
		t.Fatalf("add(2, 3) = %v, %v; want 5", v, err)
	}
}

// TestFactoryThread: ConnectThread serves a Go service in-process; the
// client reaches it and closing the client ends both sides.
func TestFactoryThread(t *testing.T) {
	c, err := rpyc.ConnectThread(factoryCalc{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	addOnce(t, c)
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestFactorySubprocessGo: ConnectSubprocess starts a Go program (this
// test binary) that serves with ConnectStdPipes; the program's stderr
// reaches the given writer, and Close reaps it.
func TestFactorySubprocessGo(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	c, err := rpyc.ConnectSubprocess(context.Background(), []string{exe},
		&rpyc.SubprocessOptions{Env: append(os.Environ(), childEnv+"=1"), Stderr: &stderr}, nil)
	if err != nil {
		t.Fatalf("ConnectSubprocess: %v", err)
	}
	addOnce(t, c)
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if !strings.Contains(stderr.String(), "stdio child: serving") {
		t.Errorf("child stderr %q lacks its line", stderr.String())
	}
}

// TestFactorySubprocessKilled: a program that does not exit when its
// input ends is killed after ExitGrace, and its stderr went to the
// connection's logger.
func TestFactorySubprocessKilled(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuilder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	c, err := rpyc.ConnectSubprocess(context.Background(), []string{exe},
		&rpyc.SubprocessOptions{Env: append(os.Environ(), childEnv+"=hang"), ExitGrace: 100 * time.Millisecond},
		&rpyc.Config{Logger: log})
	if err != nil {
		t.Fatalf("ConnectSubprocess: %v", err)
	}
	addOnce(t, c)
	if err := c.Close(); err != nil { // returns once the child is reaped
		t.Errorf("Close: %v", err)
	}
	if !strings.Contains(logs.String(), `line="stdio child: serving"`) {
		t.Errorf("the child's stderr line is not in the log:\n%s", logs.String())
	}
}

// syncBuilder is a strings.Builder safe for concurrent writers.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFactoryPipesGo: ConnectPipes between two Go sides over os.Pipe pairs.
func TestFactoryPipesGo(t *testing.T) {
	r1, w1, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := rpyc.NewServerConn(stream.Pipe(r2, w1), factoryCalc{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer srv.Close()
	c, err := rpyc.ConnectPipes(context.Background(), r1, w2, nil, nil)
	if err != nil {
		t.Fatalf("ConnectPipes: %v", err)
	}
	addOnce(t, c)
	c.Close()
}

// TestFactoryNotRPyC: the errors for peers that are not RPyC, over a
// stream that cannot be redialled and over TCP.
func TestFactoryNotRPyC(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil)) // Info and up
	_, err := rpyc.Dial(context.Background(), addr, &rpyc.Config{Logger: log})
	if !errors.Is(err, channel.ErrNotRPyC) || !strings.Contains(err.Error(), addr+` does not speak RPyC: it sent "HTTP/1.1 400`) {
		t.Errorf("Dial(http server) = %v, want a NotRPyCError quoting HTTP/1.1 400", err)
	}
	// The error is the caller's to report: the failed first request
	// leaves no warning of its own in the log.
	if strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the failed dial logged a warning:\n%s", logs.String())
	}

	a, b := net.Pipe()
	peerDone := make(chan struct{})
	go func() { // an SMTP server: it speaks first, then reads on
		defer close(peerDone)
		_, _ = b.Write([]byte("220 smtp.example ESMTP ready\r\n"))
		_, _ = io.Copy(io.Discard, b)
		_ = b.Close()
	}()
	defer func() { <-peerDone }()
	_, err = rpyc.ConnectPipes(context.Background(), a, a, nil, nil)
	if !errors.Is(err, channel.ErrNotRPyC) || !strings.Contains(err.Error(), `"220 smtp`) {
		t.Errorf("ConnectPipes(smtp) = %v, want a NotRPyCError quoting 220 smtp", err)
	}
}

// TestFactoryLayoutErrorText: the error for a wrong layout over a stream
// names the layout tried and the setting to change.
func TestFactoryLayoutErrorText(t *testing.T) {
	e := &rpyc.LayoutError{Addr: "pipes", Tried: message.LayoutV6, Peer: message.LayoutV5, Err: rpyc.ErrClosed}
	want := "rpyc: pipes hung up on the first request, sent in the rpyc 6.x message layout; it speaks rpyc 5.x: set Config.Layout = message.LayoutV5"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, rpyc.ErrClosed) {
		t.Error("LayoutError does not match ErrClosed")
	}
}

// TestFactorySSHOptionErrors: SSH options that cannot work fail before
// any network I/O, with ErrSSHConfig.
func TestFactorySSHOptionErrors(t *testing.T) {
	_, err := rpyc.DialSSH(context.Background(), "127.0.0.1:1", "127.0.0.1:2",
		&rpyc.SSHOptions{User: "u", KeyFiles: []string{"/nonexistent/key"}}, nil)
	if !errors.Is(err, rpyc.ErrSSHConfig) {
		t.Errorf("missing key file: %v, want ErrSSHConfig", err)
	}
}
