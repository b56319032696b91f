// Command conformance serves the conformance service of CONFORMANCE.md:
// every part of the RPyC object model, for Python's rpyc or the Go client
// to check against.
//
//	go run ./examples/conformance -host 127.0.0.1 -port 18870
//
// It prints "listening on HOST:PORT" (or "listening on unix:PATH") once it
// accepts connections, and stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/stream"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		os.Exit(1)
	}
}

func run() error {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 18870, "TCP port (0 picks a free one)")
	mode := flag.String("mode", "threaded", "threaded|pool|oneshot")
	unixPath := flag.String("unix", "", "listen on this Unix socket instead of TCP")
	register := flag.Bool("register", false, "announce to a registry (not available yet)")
	flag.String("registry-host", "", "registry address (not available yet)")
	flag.Int("registry-port", 18811, "registry port (not available yet)")
	flag.String("registry-type", "UDP", "UDP|TCP (not available yet)")
	keyFile := flag.String("ssl-keyfile", "", "TLS private key (PEM)")
	certFile := flag.String("ssl-certfile", "", "TLS certificate (PEM)")
	caFile := flag.String("ssl-cafile", "", "CA bundle; when set, clients must present a certificate")
	verbose := flag.Bool("v", false, "log connections and protocol errors to stderr")
	flag.Parse()

	if *register {
		return errors.New("-register: registry support is not available yet in this build")
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var l net.Listener
	var err error
	var where string
	switch {
	case *unixPath != "":
		_ = os.Remove(*unixPath)
		l, err = stream.ListenUnix(ctx, *unixPath)
		where = "unix:" + *unixPath
	case *certFile != "" || *keyFile != "":
		var tcfg *tls.Config
		if tcfg, err = tlsConfig(*certFile, *keyFile, *caFile); err != nil {
			return err
		}
		l, err = stream.ListenTLS(ctx, net.JoinHostPort(*host, strconv.Itoa(*port)), tcfg, nil)
	default:
		l, err = stream.ListenTCP(ctx, net.JoinHostPort(*host, strconv.Itoa(*port)), nil)
	}
	if err != nil {
		return err
	}
	if where == "" {
		where = l.Addr().String()
	}

	srv := &server.Server{Service: NewConformanceService(), Logger: logger}
	switch *mode {
	case "threaded", "pool":
		// Goroutines make a thread pool unnecessary: "pool" is accepted
		// for compatibility with rpyc's servers and behaves as "threaded".
	case "oneshot":
		l = &oneShot{Listener: l, done: make(chan struct{})}
	default:
		return fmt.Errorf("-mode %q: want threaded, pool or oneshot", *mode)
	}
	fmt.Printf("listening on %s\n", where)
	_ = os.Stdout.Sync()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		if errors.Is(err, server.ErrServerClosed) || *mode == "oneshot" && errors.Is(err, net.ErrClosed) {
			return nil // oneshot: its one client has come and gone
		}
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		if *unixPath != "" {
			_ = os.Remove(*unixPath)
		}
		return nil
	}
}

func tlsConfig(certFile, keyFile, caFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS key pair: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no certificates", caFile)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// oneShot accepts one connection, then reports closed once it has been
// handed out, so the server serves exactly one client and exits.
type oneShot struct {
	net.Listener
	accepted bool
	done     chan struct{}
}

// Accept hands out the first connection, then waits for it to close.
func (o *oneShot) Accept() (net.Conn, error) {
	if o.accepted {
		<-o.done
		return nil, net.ErrClosed
	}
	c, err := o.Listener.Accept()
	if err != nil {
		return nil, err
	}
	o.accepted = true
	_ = o.Listener.Close()
	return &notifyConn{Conn: c, done: o.done}, nil
}

type notifyConn struct {
	net.Conn
	done chan struct{}
	once sync.Once
}

// Close closes the connection and lets the listener report closed.
func (n *notifyConn) Close() error {
	err := n.Conn.Close()
	n.once.Do(func() { close(n.done) })
	return err
}
