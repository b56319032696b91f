package server_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/server/servertest"
)

// TestMagicWordAuthenticator: the rpyc docs' example. The right word gets
// served and its credentials reach the service; a wrong word is dropped
// without disturbing the others; so is a client that says nothing, after
// HandshakeTimeout, and it does not hold up Accept meanwhile.
func TestMagicWordAuthenticator(t *testing.T) {
	for _, kind := range []server.Kind{server.Threaded, server.Forking} {
		t.Run(kind.String(), func(t *testing.T) {
			if kind == server.Forking {
				t.Setenv(childAuthEnv, "magic")
			}
			srv := &server.Server{Service: &testService{}, Kind: kind, Authenticator: magicWord("abracadabra"),
				HandshakeTimeout: 300 * time.Millisecond, Logger: quietLogger()}
			l := listen(t, "tcp4")
			addr := l.Addr().String()
			serve(t, srv, l)

			silent, err := net.Dial("tcp", addr) // says nothing
			if err != nil {
				t.Fatal(err)
			}
			defer silent.Close()

			good := magicClient(t, addr, "abracadabra")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			who, err := rpyc.As[string](call(ctx, good, "whoami"))
			if err != nil || who != "magic:abracadabra" {
				t.Fatalf("whoami = %q, %v; want magic:abracadabra", who, err)
			}

			bad, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer bad.Close()
			_, _ = io.WriteString(bad, "opensesame\n")
			_ = bad.SetReadDeadline(time.Now().Add(5 * time.Second))
			if n, err := bad.Read(make([]byte, 1)); err == nil {
				t.Fatalf("wrong word: read %d bytes, want the connection closed", n)
			}
			_ = silent.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := silent.Read(make([]byte, 1)); err == nil || isTimeout(err) {
				t.Fatalf("silent client: %v, want it dropped after HandshakeTimeout", err)
			}
			mustAdd(t, good)
		})
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// magicClient connects, says word, and speaks RPyC.
func magicClient(t *testing.T, addr, word string) *rpyc.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(nc, word+"\n"); err != nil {
		t.Fatal(err)
	}
	c, err := rpyc.Connect(nc, nil, &rpyc.Config{Layout: 6})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestTLS: mutual TLS with NewTLSAuthenticator. A client with a
// certificate from the CA is served and its subject reaches the service;
// one without a certificate, one whose certificate was signed by a leaf
// that sits in the CA file, and a plain-TCP client are refused, and the
// server keeps serving.
func TestTLS(t *testing.T) {
	certs, err := servertest.NewCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	auth, err := server.NewTLSAuthenticator(certs.ServerFile, certs.ServerKeyFile, certs.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Service: &testService{}, Authenticator: auth, Logger: quietLogger()}
	l := listen(t, "tcp4")
	addr := l.Addr().String()
	serve(t, srv, l)

	alice := tlsClient(t, addr, certs, certs.ClientFile, certs.ClientKeyFile)
	if alice.err != nil {
		t.Fatalf("client with a CA-signed certificate: %v", alice.err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	who, err := rpyc.As[string](call(ctx, alice.conn, "whoami"))
	if err != nil || who != "alice" {
		t.Fatalf("whoami = %q, %v; want alice", who, err)
	}

	for _, tc := range []struct {
		name, cert, key, alert string
	}{
		{"no certificate", "", "", "certificate required"},
		{"signed by a leaf in the CA file", certs.RogueClientFile, certs.RogueClientKeyFile, "unknown certificate authority"},
	} {
		r := tlsClient(t, addr, certs, tc.cert, tc.key)
		if r.err == nil || !strings.Contains(r.err.Error(), tc.alert) {
			t.Errorf("%s: got %v, want the alert %q", tc.name, r.err, tc.alert)
		}
	}
	plain, err := rpyc.Dial(ctx, addr, &rpyc.Config{Layout: 6})
	if err == nil {
		_, err = call(ctx, plain, "add", 1, 2)
		_ = plain.Close()
	}
	if err == nil {
		t.Error("plain-TCP client served on the TLS port")
	}
	mustAdd(t, alice.conn)
}

type tlsResult struct {
	conn *rpyc.Conn
	err  error
}

// tlsClient connects with TLS, trusting the test CA and presenting
// cert/key when given, and makes one call (TLS 1.3 reports a refused
// client certificate only then).
func tlsClient(t *testing.T, addr string, certs *servertest.Certs, cert, key string) tlsResult {
	t.Helper()
	pem, err := os.ReadFile(certs.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cfg := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	if cert != "" {
		kp, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			t.Fatal(err)
		}
		// Send it whatever CAs the server names, as OpenSSL clients do
		// (Go's client would send none for an unnamed issuer).
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &kp, nil }
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nc, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return tlsResult{err: err}
	}
	c, err := rpyc.Connect(nc, nil, &rpyc.Config{Layout: 6})
	if err != nil {
		return tlsResult{err: err}
	}
	if _, err := call(ctx, c, "add", 1, 1); err != nil {
		// The handshake error is what the reader saw first.
		_ = c.Close()
		_, rerr := nc.Read(make([]byte, 1))
		if rerr != nil && !errors.Is(rerr, net.ErrClosed) {
			err = rerr
		}
		return tlsResult{err: errors.Join(err, c.Err())}
	}
	t.Cleanup(func() { _ = c.Close() })
	return tlsResult{conn: c}
}

// TestLoadCAPoolNeedsCA: a CA file with no CA certificate is refused with
// an error that names it.
func TestLoadCAPoolNeedsCA(t *testing.T) {
	certs, err := servertest.NewCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = server.LoadCAPool(certs.RogueFile)
	if !errors.Is(err, server.ErrNoCA) || !strings.Contains(err.Error(), certs.RogueFile) {
		t.Fatalf("LoadCAPool(leaf only) = %v, want ErrNoCA naming the file", err)
	}
}
