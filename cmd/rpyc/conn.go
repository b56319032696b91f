package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
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
	fs.StringVar(&c.layout, "layout", "auto", "message layout: auto (learn it from the server), 5 (rpyc 5.x) or 6 (rpyc 6.x)")
	fs.BoolVar(&c.verbose, "v", false, "log connection events to stderr")
}

// tlsOn reports whether the connection uses TLS.
func (c *connFlags) tlsOn() bool {
	return c.useTLS || c.caFile != "" || c.certFile != "" || c.insecure
}

// config builds the connection's rpyc.Config.
func (c *connFlags) config(stderr io.Writer) (*rpyc.Config, error) {
	cfg := &rpyc.Config{SyncRequestTimeout: c.timeout}
	switch c.layout {
	case "auto", "":
	case "5", "v5", "5.x":
		cfg.Layout = message.LayoutV5
	case "6", "v6", "6.x":
		cfg.Layout = message.LayoutV6
	default:
		return nil, &usageError{fmt.Sprintf("--layout %q: use auto, 5 or 6", c.layout)}
	}
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
		return "", nil, &usageError{fmt.Sprintf("%s: give the server as HOST[:PORT] (or --unix PATH)", fs.Name())}
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

// dial connects to a service (ping, info, call).
func (c *connFlags) dial(ctx context.Context, addr string, stderr io.Writer) (*rpyc.Conn, error) {
	cfg, err := c.config(stderr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var conn *rpyc.Conn
	switch {
	case c.unix != "":
		conn, err = rpyc.DialUnix(ctx, c.unix, cfg)
	case c.tlsOn():
		conn, err = rpyc.DialTLS(ctx, addr, c.tlsOptions(), cfg)
	default:
		conn, err = rpyc.Dial(ctx, addr, cfg)
	}
	if err != nil {
		return nil, &connError{fmt.Errorf("cannot connect to %s: %w", c.where(addr), err)}
	}
	return conn, nil
}

// dialClassic connects to a classic server (upload, download, shell).
func (c *connFlags) dialClassic(ctx context.Context, addr string, stderr io.Writer) (*classic.Conn, error) {
	cfg, err := c.config(stderr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var conn *classic.Conn
	switch {
	case c.unix != "":
		conn, err = classic.ConnectUnix(ctx, c.unix, cfg)
	case c.tlsOn():
		var tc *tls.Config
		if tc, err = c.tlsOptions().TLSConfig(); err != nil {
			return nil, &usageError{err.Error()}
		}
		conn, err = classic.ConnectTLS(ctx, addr, tc, cfg)
	default:
		conn, err = classic.Connect(ctx, addr, cfg)
	}
	if err != nil {
		return nil, &connError{fmt.Errorf("cannot connect to %s: %w", c.where(addr), err)}
	}
	return conn, nil
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
