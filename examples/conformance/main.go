// Command conformance serves the conformance service of CONFORMANCE.md:
// every part of the RPyC object model, for Python's rpyc or the Go client
// to check against.
//
//	go run ./examples/conformance -host 127.0.0.1 -port 18870
//
// -mode picks the server kind (threaded, pool, oneshot, forking: see
// server.Kind), or stdio to serve one client on standard input and output
// (rpyc_classic --mode stdio); -ipv6 listens on an IPv6 socket (host ::1 unless -host
// says otherwise, e.g. -host :: for every address); -unix listens on a
// Unix socket; -ssl-certfile/-ssl-keyfile serve TLS, and -ssl-cafile
// requires client certificates from that CA. It prints "listening on
// HOST:PORT" (or "listening on unix:PATH") once it accepts connections,
// and stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
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

// options are the command-line flags.
type options struct {
	host, mode, unixPath      string
	port, poolSize            int
	ipv6, verbose             bool
	keyFile, certFile, caFile string
	register                  bool
	registryHost              string
	registryType              string
	registryPort              int
}

func parseFlags() *options {
	o := &options{}
	flag.StringVar(&o.host, "host", "", "address to listen on (default 127.0.0.1, or ::1 with -ipv6)")
	flag.IntVar(&o.port, "port", 18870, "TCP port (0 picks a free one)")
	flag.StringVar(&o.mode, "mode", "threaded", "threaded|pool|oneshot|forking|stdio (stdio: serve one client on stdin/stdout)")
	flag.IntVar(&o.poolSize, "pool-size", server.DefaultPoolSize, "requests executing at once across connections, for -mode pool")
	flag.BoolVar(&o.ipv6, "ipv6", false, "listen on an IPv6 socket")
	flag.StringVar(&o.unixPath, "unix", "", "listen on this Unix socket instead of TCP")
	flag.BoolVar(&o.register, "register", false, "announce the service to a registry (re-registers every minute, unregisters on exit)")
	flag.StringVar(&o.registryHost, "registry-host", "", "registry address (default: UDP broadcast to 255.255.255.255)")
	flag.IntVar(&o.registryPort, "registry-port", defaultRegistryPort, "registry port")
	flag.StringVar(&o.registryType, "registry-type", "UDP", "UDP|TCP")
	flag.StringVar(&o.keyFile, "ssl-keyfile", "", "TLS private key (PEM)")
	flag.StringVar(&o.certFile, "ssl-certfile", "", "TLS certificate (PEM)")
	flag.StringVar(&o.caFile, "ssl-cafile", "", "CA bundle; when set, clients must present a certificate signed by a CA in it")
	flag.BoolVar(&o.verbose, "v", false, "log connections and protocol errors to stderr")
	flag.Parse()
	return o
}

// newServer builds the server the flags describe.
func newServer(o *options) (*server.Server, error) {
	mode := o.mode
	if mode == "stdio" {
		mode = "threaded" // one connection, on standard input and output
	}
	kind, err := server.ParseKind(mode)
	if err != nil {
		return nil, fmt.Errorf("-mode: %w", err)
	}
	level := slog.LevelWarn
	if o.verbose {
		level = slog.LevelDebug
	}
	srv := &server.Server{
		Service:  NewConformanceService(),
		Kind:     kind,
		PoolSize: o.poolSize,
		Logger:   slog.New(server.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	}
	if o.certFile != "" || o.keyFile != "" {
		if srv.Authenticator, err = server.NewTLSAuthenticator(o.certFile, o.keyFile, o.caFile); err != nil {
			return nil, err
		}
	} else if o.caFile != "" {
		return nil, errors.New("-ssl-cafile needs -ssl-certfile and -ssl-keyfile")
	}
	return srv, nil
}

// listen opens the listener the flags describe and says where it is.
func listen(ctx context.Context, o *options) (net.Listener, string, error) {
	if o.unixPath != "" {
		_ = os.Remove(o.unixPath)
		l, err := stream.ListenUnix(ctx, o.unixPath)
		return l, "unix:" + o.unixPath, err
	}
	network, host := "tcp4", o.host
	if o.ipv6 {
		network = "tcp6"
		if host == "" {
			host = "::1" // as rpyc_classic: loopback unless -host says otherwise
		}
	} else if host == "" {
		host = "127.0.0.1"
	}
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, network, net.JoinHostPort(host, strconv.Itoa(o.port)))
	if err != nil {
		return nil, "", err
	}
	return l, l.Addr().String(), nil
}

func run() error {
	o := parseFlags()
	registrar, err := registrarFor(o)
	if err != nil {
		return err
	}
	srv, err := newServer(o)
	if err != nil {
		return err
	}
	srv.Registrar = registrar
	// A -mode forking server runs this program again for each client:
	// that child serves its client here and does nothing else.
	if srv.ServeChild() {
		return nil
	}
	if o.mode == "stdio" {
		return srv.ServeStdio()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, where, err := listen(ctx, o)
	if err != nil {
		return err
	}
	fmt.Printf("listening on %s\n", where)
	_ = os.Stdout.Sync()

	// Serve until SIGINT/SIGTERM (or, oneshot, until its client is gone).
	err = srv.ServeUntil(ctx, l, 2*time.Second)
	if o.unixPath != "" {
		_ = os.Remove(o.unixPath)
	}
	return err
}
