package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
)

// stdioEnv, set to 1, makes the test binary a stdio server (for the
// ServeStdio test, which starts this binary as its subprocess).
const stdioEnv = "SERVER_TEST_STDIO"

// childAuthEnv, set to "magic", gives the Forking children the
// magic-word authenticator.
const childAuthEnv = "SERVER_TEST_CHILD_AUTH"

// TestMain lets this test binary be a Forking or StartChild child, or a
// stdio server, and otherwise runs the tests and fails on leaked
// goroutines.
func TestMain(m *testing.M) {
	if childServer().ServeChild() {
		os.Exit(0)
	}
	if os.Getenv(stdioEnv) == "1" {
		srv := &server.Server{Service: &testService{}, Logger: quietLogger()}
		if err := srv.ServeStdio(); err != nil {
			fmt.Fprintln(os.Stderr, "stdio server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// childServer is the server a child of this binary serves.
func childServer() *server.Server {
	s := &server.Server{Service: &testService{}, Kind: server.Forking, Logger: quietLogger()}
	if os.Getenv(childAuthEnv) == "magic" {
		s.Authenticator = magicWord("abracadabra")
		s.HandshakeTimeout = 300 * time.Millisecond // as TestMagicWordAuthenticator's parent
	}
	return s
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// testService is what the tests serve.
type testService struct {
	running, peak atomic.Int64
	release       chan struct{} // when set, Block waits for it
}

// Add adds.
func (*testService) Add(a, b int) int { return a + b }

// Pid returns the serving process's id (Forking children differ).
func (*testService) Pid() int { return os.Getpid() }

// Sleep holds a request for ms milliseconds, counting how many run at
// once.
func (s *testService) Sleep(ctx context.Context, ms int) (int, error) {
	n := s.running.Add(1)
	defer s.running.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
		return ms, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Block waits until the test closes release.
func (s *testService) Block(ctx context.Context) (string, error) {
	s.running.Add(1)
	defer s.running.Add(-1)
	select {
	case <-s.release:
		return "released", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Crash ends the serving process (a Forking child) abruptly.
func (*testService) Crash() { os.Exit(3) }

// Panic panics, as a buggy handler would.
func (*testService) Panic() { panic("handler bug") }

// Fail returns a Python ValueError.
func (*testService) Fail() error { return fmt.Errorf("bad value: %w", vinegar.ErrValueError) }

// Whoami returns the common name of the client's verified certificate,
// or what a custom authenticator recorded.
func (*testService) Whoami(ctx context.Context) string {
	c, ok := rpyc.ConnFromContext(ctx)
	if !ok {
		return "(no conn)"
	}
	switch v := c.Credentials().(type) {
	case *server.TLSCredentials:
		return v.Subject.CommonName
	case string:
		return v
	case nil:
		return "(none)"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// magicWord is the rpyc docs' example authenticator: the client sends a
// magic word and a newline first, and anything else is refused. It reads
// one byte at a time: what follows the newline is the client's first
// RPyC frame, which an authenticator must not consume.
func magicWord(word string) server.Authenticator {
	return server.AuthenticatorFunc(func(ctx context.Context, nc net.Conn) (net.Conn, any, error) {
		var got []byte
		b := make([]byte, 1)
		for len(got) <= len(word) {
			if _, err := io.ReadFull(nc, b); err != nil {
				return nil, nil, fmt.Errorf("reading the magic word: %w", err)
			}
			if b[0] == '\n' {
				break
			}
			got = append(got, b[0])
		}
		if string(got) != word {
			return nil, nil, errors.New("wrong magic word")
		}
		return nc, "magic:" + word, nil
	})
}
