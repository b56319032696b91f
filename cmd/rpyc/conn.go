package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/message"
)

// Default ports (see the package comment).
const (
	defaultServicePort = 18861
	defaultClassicPort = classic.DefaultPort
	defaultClassicTLS  = classic.DefaultTLSPort
)

// connFlags are the connection flags every server command shares.
type connFlags struct {
	useTLS     bool
	caFile     string
	certFile   string
	keyFile    string
	serverName string
	insecure   bool
	unix       string
	timeout    time.Duration
	layout     string
	verbose    bool
}

// add registers the flags on fs.
func (c *connFlags) add(fs *flag.FlagSet) {
	fs.BoolVar(&c.useTLS, "tls", false, "connect over TLS (implied by --tls-ca, --tls-cert, --tls-insecure)")
	fs.StringVar(&c.caFile, "tls-ca", "", "PEM file of the CA that signed the server's certificate (default: the system's roots)")
	fs.StringVar(&c.certFile, "tls-cert", "", "client certificate (PEM), for servers that require one")
	fs.StringVar(&c.keyFile, "tls-key", "", "client certificate's private key (PEM)")
	fs.StringVar(&c.serverName, "tls-server-name", "", "name to check the server's certificate against (default: the host)")
	fs.BoolVar(&c.insecure, "tls-insecure", false, "accept any server certificate (tests only: anyone on the path can read the traffic)")
	fs.StringVar(&c.unix, "unix", "", "connect to this Unix socket instead of HOST[:PORT]")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "bound on connecting and on each request")
	fs.StringVar(&c.layout, "layout", defaultLayout(), "message layout: auto (learn it from the server, and remember it), 5 (rpyc 5.x) or 6 (rpyc 6.x); the default is $"+layoutEnv+", else auto")
	fs.BoolVar(&c.verbose, "v", false, "log connection events to stderr")
}

// tlsOn reports whether the connection uses TLS.
func (c *connFlags) tlsOn() bool {
	return c.useTLS || c.caFile != "" || c.certFile != "" || c.insecure
}

// config builds the connection's rpyc.Config.
func (c *connFlags) config(stderr io.Writer) (*rpyc.Config, error) {
	cfg := &rpyc.Config{SyncRequestTimeout: c.timeout}
	l, ok := parseLayout(c.layout)
	if !ok {
		if os.Getenv(layoutEnv) == c.layout {
			return nil, &usageError{fmt.Sprintf("%s=%s: use auto, 5 or 6", layoutEnv, c.layout)}
		}
		return nil, &usageError{fmt.Sprintf("--layout %q: use auto, 5 or 6", c.layout)}
	}
	cfg.Layout = l
	if c.timeout <= 0 {
		return nil, &usageError{fmt.Sprintf("--timeout %v: give a positive duration such as 5s", c.timeout)}
	}
	if (c.certFile == "") != (c.keyFile == "") {
		return nil, &usageError{"--tls-cert and --tls-key go together: give both or neither"}
	}
	level := slog.LevelError
	if c.verbose {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	cfg.QuietExceptions = true
	return cfg, nil
}

// target returns the address to dial: pos[0] with port added when it has
// none, or "" with --unix. It returns the remaining positional arguments.
func (c *connFlags) target(fs *flag.FlagSet, pos []string, port int) (string, []string, error) {
	if c.unix != "" {
		return "", pos, nil
	}
	if len(pos) == 0 {
		return "", nil, &usageError{fmt.Sprintf("give the server as HOST[:PORT] (or --unix PATH); %s --help shows the arguments", fs.Name())}
	}
	return withPort(pos[0], port), pos[1:], nil
}

// withPort adds port to addr when it has none ("host", "::1").
func withPort(addr string, port int) string {
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return addr
	}
	return net.JoinHostPort(strings.Trim(addr, "[]"), strconv.Itoa(port))
}

// where names the server for messages.
func (c *connFlags) where(addr string) string {
	if c.unix != "" {
		return "unix:" + c.unix
	}
	return addr
}

// dial connects to a service (ping, info, call, get).
func (c *connFlags) dial(ctx context.Context, addr string, stderr io.Writer) (*rpyc.Conn, error) {
	var conn *rpyc.Conn
	err := c.connect(ctx, addr, stderr, func(ctx context.Context, cfg *rpyc.Config) (err error) {
		switch {
		case c.unix != "":
			conn, err = rpyc.DialUnix(ctx, c.unix, cfg)
		case c.tlsOn():
			conn, err = rpyc.DialTLS(ctx, addr, c.tlsOptions(), cfg)
		default:
			conn, err = rpyc.Dial(ctx, addr, cfg)
		}
		return err
	}, func() message.Layout { return conn.Layout() })
	return conn, err
}

// dialClassic connects to a classic server (upload, download, shell)
// and checks that it is one.
func (c *connFlags) dialClassic(ctx context.Context, addr string, stderr io.Writer) (*classic.Conn, error) {
	var conn *classic.Conn
	var tc *tls.Config
	if c.tlsOn() {
		var err error
		if tc, err = c.tlsOptions().TLSConfig(); err != nil {
			return nil, &usageError{err.Error()}
		}
	}
	err := c.connect(ctx, addr, stderr, func(ctx context.Context, cfg *rpyc.Config) (err error) {
		switch {
		case c.unix != "":
			conn, err = classic.ConnectUnix(ctx, c.unix, cfg)
		case c.tlsOn():
			conn, err = classic.ConnectTLS(ctx, addr, tc, cfg)
		default:
			conn, err = classic.Connect(ctx, addr, cfg)
		}
		return err
	}, func() message.Layout { return conn.Layout() })
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := checkClassic(cctx, conn.ServiceRoot(), c.where(addr)); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return conn, nil
}

// connect runs open (one of the dialing functions) with the layout the
// flags, RPYC_LAYOUT or the layout cache say, and explains a failure in
// the command's terms. With --layout auto, a cached layout the server no
// longer speaks is learnt again, and what was learnt is saved.
func (c *connFlags) connect(ctx context.Context, addr string, stderr io.Writer,
	open func(context.Context, *rpyc.Config) error, layout func() message.Layout) error {
	cfg, err := c.config(stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	auto := cfg.Layout == 0
	var cache *layoutCache
	key := c.cacheKey(addr)
	if auto {
		cache = loadLayoutCache()
		cfg.Layout = cache.get(key)
	}
	err = open(ctx, cfg)
	var le *rpyc.LayoutError
	if err != nil && auto && cfg.Layout != 0 && errors.As(err, &le) {
		// The server changed its rpyc version since: learn it again.
		cfg.Layout = 0
		err = open(ctx, cfg)
	}
	if err != nil {
		return c.connectError(addr, err, !auto)
	}
	if auto {
		if err := cache.remember(key, layout()); err != nil && c.verbose {
			fmt.Fprintf(stderr, "rpyc: cannot save the layout cache %s: %v\n", cache.path, err)
		}
	}
	return nil
}

// cacheKey names the server in the layout cache.
func (c *connFlags) cacheKey(addr string) string {
	switch {
	case c.unix != "":
		return "unix " + c.unix
	case c.tlsOn():
		return "tls " + addr
	}
	return "tcp " + addr
}

// classicPort is the default port of the classic commands.
func (c *connFlags) classicPort() int {
	if c.tlsOn() {
		return defaultClassicTLS
	}
	return defaultClassicPort
}

// tlsOptions are the TLS flags as the library takes them.
func (c *connFlags) tlsOptions() *rpyc.TLSOptions {
	return &rpyc.TLSOptions{
		CAFile: c.caFile, CertFile: c.certFile, KeyFile: c.keyFile,
		ServerName: c.serverName, InsecureSkipVerify: c.insecure,
	}
}
