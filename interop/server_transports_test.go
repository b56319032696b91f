//go:build unix

package interop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/server/servertest"
)

// whoService is served to Python clients by the server tests: add, and
// whoami, which reports the connection's credentials.
type whoService struct{}

// Add adds.
func (whoService) Add(a, b int) int { return a + b }

// Whoami returns the verified client certificate's common name.
func (whoService) Whoami(ctx context.Context) string {
	c, ok := rpyc.ConnFromContext(ctx)
	if !ok {
		return "(no conn)"
	}
	if cr, ok := c.Credentials().(*server.TLSCredentials); ok {
		return cr.Subject.CommonName
	}
	return fmt.Sprintf("(%T)", c.Credentials())
}

// startGoServer serves whoService with srv on l until the test ends.
func startGoServer(t *testing.T, srv *server.Server, l net.Listener) {
	t.Helper()
	if srv.Service == nil {
		srv.Service = whoService{}
	}
	if srv.Logger == nil {
		srv.Logger = slog.New(server.NewTextHandler(&testWriter{t: t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	t.Cleanup(func() {
		_ = srv.Close()
		if err := <-errc; err != nil && !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
}

// startGoServerTCP is startGoServer on a fresh 127.0.0.1 listener; it
// returns the listener's host and port.
func startGoServerTCP(t *testing.T, srv *server.Server) (host, port string) {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	startGoServer(t, srv, l)
	host, port, _ = net.SplitHostPort(l.Addr().String())
	return host, port
}

// testWriter sends server logs to the test log.
type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestServerTransportsPython: Python rpyc 5.3 clients, as is and in the
// 6.x layout, over TCP v4, TCP v6 and a Unix socket, for every server kind
// that serves more than one client.
func TestServerTransportsPython(t *testing.T) {
	Python(t)
	for _, kind := range []server.Kind{server.Threaded, server.ThreadPool} {
		for _, network := range []string{"tcp4", "tcp6", "unix"} {
			t.Run(kind.String()+"/"+network, func(t *testing.T) {
				var l net.Listener
				var err error
				switch network {
				case "tcp4":
					l, err = net.Listen("tcp4", "127.0.0.1:0")
				case "tcp6":
					l, err = net.Listen("tcp6", "[::1]:0")
				default:
					l, err = net.Listen("unix", filepath.Join(t.TempDir(), "srv.sock"))
				}
				if err != nil {
					t.Fatal(err)
				}
				startGoServer(t, &server.Server{Kind: kind}, l)
				var args []string
				if network == "unix" {
					args = []string{"unix", l.Addr().String()}
				} else {
					host, port, _ := net.SplitHostPort(l.Addr().String())
					args = []string{"tcp", host, port}
				}
				for _, layout6 := range []bool{false, true} {
					if out := Run(t, "server_client.py", layout6, args...); !strings.Contains(out, "add 42") {
						t.Errorf("layout6=%v: %q, want add 42", layout6, out)
					}
				}
			})
		}
	}
}

// TestServerTLSPython: Python's ssl_connect against the TLS
// authenticator, with mutual TLS. A client certificate from the CA is
// served and its subject reaches the service; no certificate gets the
// alert "certificate required"; a certificate signed by a leaf that sits
// in the CA file gets "unknown ca"; a plain-TCP client is refused; the
// server serves on throughout. Without a CA file, a client without a
// certificate is served.
func TestServerTLSPython(t *testing.T) {
	Python(t)
	certs, err := servertest.NewCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mutual, err := server.NewTLSAuthenticator(certs.ServerFile, certs.ServerKeyFile, certs.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	host, port := startGoServerTCP(t, &server.Server{Authenticator: mutual})
	for _, layout6 := range []bool{false, true} {
		out := Run(t, "server_client.py", layout6, "ssl", host, port, certs.CAFile, certs.ClientFile, certs.ClientKeyFile, "whoami")
		if !strings.Contains(out, "add 42") || !strings.Contains(out, "whoami alice") {
			t.Errorf("layout6=%v, client certificate: %q, want add 42 and whoami alice", layout6, out)
		}
	}
	for _, tc := range []struct {
		name  string
		args  []string
		alert string
	}{
		{"no client certificate", []string{"ssl", host, port, certs.CAFile}, "certificate required"},
		{"signed by a leaf in the CA file", []string{"ssl", host, port, certs.CAFile, certs.RogueClientFile, certs.RogueClientKeyFile}, "unknown ca"},
		{"plain TCP", []string{"tcp", host, port}, ""},
	} {
		out := Run(t, "server_client.py", false, append([]string{"refused"}, tc.args...)...)
		if !strings.HasPrefix(out, "refused ") || !strings.Contains(out, tc.alert) {
			t.Errorf("%s: Python saw %q, want a refusal with %q", tc.name, strings.TrimSpace(out), tc.alert)
		} else {
			t.Logf("%s: Python saw %s", tc.name, strings.TrimSpace(out))
		}
	}
	out := Run(t, "server_client.py", true, "ssl", host, port, certs.CAFile, certs.ClientFile, certs.ClientKeyFile, "whoami")
	if !strings.Contains(out, "whoami alice") {
		t.Errorf("after the refused clients: %q, want whoami alice", out)
	}

	oneway, err := server.NewTLSAuthenticator(certs.ServerFile, certs.ServerKeyFile, "")
	if err != nil {
		t.Fatal(err)
	}
	host2, port2 := startGoServerTCP(t, &server.Server{Authenticator: oneway})
	if out := Run(t, "server_client.py", false, "ssl", host2, port2, certs.CAFile); !strings.Contains(out, "add 42") {
		t.Errorf("server-only TLS without a client certificate: %q, want add 42", out)
	}
}

// TestServerStdioPython: Python's connect_subproc starts the conformance
// server in -mode stdio and talks to it over its standard input and
// output, in both layouts.
func TestServerStdioPython(t *testing.T) {
	Python(t)
	bin := conformanceBinary(t)
	for _, layout6 := range []bool{false, true} {
		if out := Run(t, "server_client.py", layout6, "subproc", bin, "-mode", "stdio"); !strings.Contains(out, "add 42") {
			t.Errorf("layout6=%v: %q, want add 42", layout6, out)
		}
	}
}

// TestServerConformanceFlags: the conformance example's -ipv6, -unix and
// -mode flags run the real server kinds for Python clients: -ipv6 listens
// on an IPv6 socket, -mode oneshot serves exactly one client and exits.
func TestServerConformanceFlags(t *testing.T) {
	Python(t)
	s := startConformance(t, "-ipv6", "-host", "::1", "-mode", "pool")
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil || host != "::1" {
		t.Fatalf("-ipv6 announced %q, want [::1]:PORT", s.Addr)
	}
	for _, layout6 := range []bool{false, true} {
		if out := Run(t, "server_client.py", layout6, "tcp", host, port); !strings.Contains(out, "add 42") {
			t.Errorf("-ipv6, layout6=%v: %q", layout6, out)
		}
	}

	one := startConformance(t, "-mode", "oneshot")
	one.mayExit = true
	host, port, _ = net.SplitHostPort(one.Addr)
	if out := Run(t, "server_client.py", true, "tcp", host, port); !strings.Contains(out, "add 42") {
		t.Errorf("oneshot: %q", out)
	}
	select {
	case <-one.done:
		if one.werr != nil {
			t.Errorf("oneshot server exited with %v", one.werr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("oneshot server still running after its client left")
	}
	if nc, err := net.DialTimeout("tcp", one.Addr, time.Second); err == nil {
		_ = nc.Close()
		t.Error("oneshot server still accepts after its client")
	}

	fork := startConformance(t, "-mode", "forking")
	host, port, _ = net.SplitHostPort(fork.Addr)
	for _, layout6 := range []bool{false, true} {
		if out := Run(t, "server_client.py", layout6, "tcp", host, port); !strings.Contains(out, "add 42") {
			t.Errorf("forking, layout6=%v: %q", layout6, out)
		}
	}
}

// TestServerForkingTLSPython: the conformance example in -mode forking
// with mutual TLS: the handshake runs in each client's child process, a
// Python client with a certificate is served, one without gets the alert
// "certificate required", and the server serves on.
func TestServerForkingTLSPython(t *testing.T) {
	Python(t)
	certs, err := servertest.NewCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := startConformance(t, "-mode", "forking", "-ssl-certfile", certs.ServerFile, "-ssl-keyfile", certs.ServerKeyFile, "-ssl-cafile", certs.CAFile)
	host, port, _ := net.SplitHostPort(s.Addr)
	if out := Run(t, "server_client.py", false, "refused", "ssl", host, port, certs.CAFile); !strings.Contains(out, "certificate required") {
		t.Errorf("without a client certificate: %q, want the alert certificate required", out)
	}
	for _, layout6 := range []bool{false, true} {
		if out := Run(t, "server_client.py", layout6, "ssl", host, port, certs.CAFile, certs.ClientFile, certs.ClientKeyFile); !strings.Contains(out, "add 42") {
			t.Errorf("layout6=%v: %q, want add 42", layout6, out)
		}
	}
	if err := s.Alive(); err != nil {
		t.Fatal(err)
	}
}
