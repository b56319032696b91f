package server_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/server/servertest"
)

// EchoService is what the server serves: Python clients call r.echo(x).
type EchoService struct{}

// Echo returns its argument.
func (EchoService) Echo(x any) any { return x }

// A server for Python (or Go) clients, stopped gracefully.
func ExampleServer() {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &server.Server{Service: EchoService{}}
	go srv.Serve(l)

	ctx := context.Background()
	conn, _ := rpyc.Dial(ctx, l.Addr().String(), nil)
	root, _ := conn.Root(ctx)
	v, _ := root.CallMethod(ctx, "echo", "hi")
	fmt.Println(v, srv.Connections())
	conn.Close()

	sctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	fmt.Println(srv.Shutdown(sctx))
	// Output:
	// hi 1
	// <nil>
}

// readmeServerKinds is the README's "Server kinds" block, compiled here.
func readmeServerKinds(ctx context.Context) {
	// Python's ThreadPoolServer: at most 8 requests run at once across all
	// clients; the rest wait. Connections are capped at 1,000 (Accept waits).
	srv := &server.Server{
		Service:        EchoService{},
		Kind:           server.ThreadPool,
		PoolSize:       8,
		MaxConnections: 1000,
		IdleTimeout:    10 * time.Minute,
	}
	l, _ := net.Listen("tcp6", "[::1]:18861") // or "unix", or any net.Listener
	log.Fatal(srv.Serve(l))
}

// readmeForking is the README's process-per-connection block, compiled
// here.
func readmeForking(ctx context.Context) {
	srv := &server.Server{Service: EchoService{}, Kind: server.Forking}
	if srv.ServeChild() { // first thing in main: a child serves its client here
		return
	}
	log.Fatal(srv.ListenAndServe(ctx, "127.0.0.1:18861"))
}

// readmeTLS is the README's TLS block, compiled here.
func readmeTLS(ctx context.Context) {
	// Mutual TLS: clients need a certificate signed by a CA in ca.pem.
	auth, err := server.NewTLSAuthenticator("server.pem", "server.key", "ca.pem")
	if err != nil {
		log.Fatal(err)
	}
	srv := &server.Server{Service: WhoService{}, Authenticator: auth}
	log.Fatal(srv.ListenAndServe(ctx, "127.0.0.1:18861"))
}

// WhoService tells a TLS client who the server thinks it is.
type WhoService struct{}

// Whoami returns the verified client certificate's common name.
func (WhoService) Whoami(ctx context.Context) string {
	c, _ := rpyc.ConnFromContext(ctx)
	if tc, ok := c.Credentials().(*server.TLSCredentials); ok {
		return tc.Subject.CommonName
	}
	return "anonymous"
}

// readmeShutdown is the README's graceful-shutdown block, compiled here.
func readmeShutdown(srv *server.Server) {
	// Stop accepting, close idle clients now, let calls in flight finish
	// for up to 30 s, then cut what is left.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Printf("shutdown cut calls short: %v", err)
	}
}

var _ = []any{readmeServerKinds, readmeForking, readmeTLS, readmeShutdown}

// Mutual TLS: a client with a certificate from the CA is served, and the
// service sees who it is.
func ExampleNewTLSAuthenticator() {
	dir, _ := os.MkdirTemp("", "certs")
	defer os.RemoveAll(dir)
	certs, _ := servertest.NewCerts(dir) // a throw-away CA, server and client

	auth, err := server.NewTLSAuthenticator(certs.ServerFile, certs.ServerKeyFile, certs.CAFile)
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &server.Server{Service: WhoService{}, Authenticator: auth}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()

	// The client side: trust the CA, present alice's certificate.
	pem, _ := os.ReadFile(certs.CAFile)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	alice, _ := tls.LoadX509KeyPair(certs.ClientFile, certs.ClientKeyFile)
	nc, err := tls.Dial("tcp", l.Addr().String(), &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{alice}})
	if err != nil {
		fmt.Println(err)
		return
	}
	conn, _ := rpyc.Connect(nc, nil, nil)
	defer conn.Close()
	ctx := context.Background()
	root, _ := conn.Root(ctx)
	who, err := root.CallMethod(ctx, "whoami")
	fmt.Println(who, err)
	// Output: alice <nil>
}

// rpyc's documented example of a custom authenticator: the client sends
// a magic word first.
func ExampleAuthenticatorFunc() {
	magic := server.AuthenticatorFunc(func(ctx context.Context, nc net.Conn) (net.Conn, any, error) {
		word := make([]byte, 6)
		if _, err := io.ReadFull(nc, word); err != nil || string(word) != "MAGIC\n" {
			return nil, nil, fmt.Errorf("wrong magic word %q", word)
		}
		return nc, "knows the word", nil
	})
	srv := &server.Server{Service: EchoService{}, Authenticator: magic, Logger: slog.New(slog.DiscardHandler)}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()

	nc, _ := net.Dial("tcp", l.Addr().String())
	io.WriteString(nc, "MAGIC\n")
	conn, _ := rpyc.Connect(nc, nil, nil)
	defer conn.Close()
	ctx := context.Background()
	root, _ := conn.Root(ctx)
	fmt.Println(root.CallMethod(ctx, "echo", "let in"))
	// Output: let in <nil>
}

// A thread pool bounds requests across all connections.
func ExampleServer_threadPool() {
	srv := &server.Server{Service: EchoService{}, Kind: server.ThreadPool, PoolSize: 4}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()
	ctx := context.Background()
	conn, _ := rpyc.Dial(ctx, l.Addr().String(), nil)
	defer conn.Close()
	root, _ := conn.Root(ctx)
	fmt.Println(root.CallMethod(ctx, "echo", 42))
	// Output: 42 <nil>
}

// Shutdown returns at once when the clients are idle: they are closed.
func ExampleServer_Shutdown() {
	srv := &server.Server{Service: EchoService{}}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	ctx := context.Background()
	conn, _ := rpyc.Dial(ctx, l.Addr().String(), nil) // connected, idle
	defer conn.Close()

	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	err := srv.Shutdown(sctx) // returns without waiting for the minute
	<-conn.Done()
	fmt.Println(err, conn.Closed())
	// Output: <nil> true
}

// A program whose server runs each client in its own process calls
// ServeChild first thing in main.
func ExampleServer_ServeChild() {
	srv := &server.Server{Service: EchoService{}, Kind: server.Forking}
	if srv.ServeChild() {
		return // this process was started for one client, now gone
	}
	// The parent: listen and serve as usual; each client gets a child.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()
}

// StartChild runs the program's service in a child process and connects
// to it (Python's connect_multiprocess).
func ExampleStartChild() {
	// In main, before anything else: a child serves here.
	srv := &server.Server{Service: EchoService{}}
	if srv.ServeChild() {
		return
	}
	ctx := context.Background()
	conn, err := server.StartChild(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close() // ends the child
}

// Readable panic stacks in the logs.
func ExampleNewTextHandler() {
	var buf bytes.Buffer
	logger := slog.New(server.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // no time, for a stable output
			}
			return a
		},
	}))
	logger.Error("rpyc: handler panicked", "panic", "boom", "stack", "goroutine 7 [running]:\nmain.f()\n\t/src/main.go:12")
	fmt.Print(strings.ReplaceAll(buf.String(), "\t", "    "))
	// Output:
	// level=ERROR msg="rpyc: handler panicked" panic=boom stack=(below)
	//   stack:
	//     goroutine 7 [running]:
	//     main.f()
	//         /src/main.go:12
}
