package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc/internal/cmdversion"
	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/slave"
)

const usage = `Usage: rpyc_classic [options]
       rpyc_classic deploy [options] [user@]host[:port]

A classic RPyC server (Python's SlaveService) in Go, for machines
without Python: Python's rpyc.classic.connect, conn.modules,
conn.eval/execute, conn.namespace, rpyc.classic.upload/download,
deliver/obtain, redirected_stdio and interact work against it unchanged.

eval and execute run Python 3.11 code (imports, try/except, classes,
generators, f-strings, ...) in an interpreter built into this server,
reaching the Go modules conn.modules gives; async, match and CPython
bytecode (teleport_function) are refused with an error saying so.

conn.modules gives Go implementations of the standard modules scripts
use, with Python's names, arguments and exceptions: os, os.path, sys,
builtins, subprocess (Popen, run, check_output, ...), pathlib, shutil,
glob, fnmatch, tempfile, time, datetime, json, re (Go's RE2 engine: no
backreferences or lookaround), socket, signal, pwd, grp, platform,
hashlib, base64, zlib, gzip, struct, math, random, errno, stat, io,
logging, threading, pickle (plain data), importlib. Other modules raise
ModuleNotFoundError: no CPython runs here (sys.version says so).

SECURITY: this is remote control by design. Anyone who can connect can
read and write files and run programs as this user. It listens on
127.0.0.1 unless --host says otherwise; use TLS with --ssl-cafile
(client certificates) or SSH (rpyc_classic deploy) to reach it from
elsewhere.

  -m, --mode MODE         threaded (default), forking, stdio (one client on
                          stdin/stdout, as for inetd or ssh) or oneshot (one
                          client; prints "rpyc-oneshot" then HOST<TAB>PORT)
  -p, --port N            TCP port; 0 picks a free one (default 18812,
                          18821 with SSL)
      --host ADDR         address to listen on (default 127.0.0.1, ::1 with
                          --ipv6)
      --ipv6              listen on IPv6
      --logfile PATH      append logs to PATH instead of standard error
  -q, --quiet             log errors only
      --ssl-keyfile PATH  TLS private key (PEM); needs --ssl-certfile
      --ssl-certfile PATH TLS certificate (PEM); needs --ssl-keyfile
      --ssl-cafile PATH   CA bundle: clients must present a certificate it
                          signed
      --register          announce the service to a registry
      --registry-type T   UDP (default) or TCP
      --registry-port N   registry port (default 18811)
      --registry-host H   registry address (UDP default 255.255.255.255;
                          required for TCP)
  -h, --help              show this help
      --version           print the version and the RPyC protocol versions
                          spoken

"rpyc_classic deploy --help" explains zero-deploy over SSH.
`

// options are the command line, with Python's rpyc_classic names.
type options struct {
	mode, host, logfile        string
	port                       int
	ipv6, quiet, register      bool
	version                    bool
	keyFile, certFile, caFile  string
	registryType, registryHost string
	registryPort               int
}

func parse(args []string, stdout io.Writer) (*options, error) {
	o := &options{}
	fs := newFlagSet("rpyc_classic")
	fs.str(&o.mode, "threaded", "threaded|forking|stdio|oneshot", "m", "mode")
	fs.integer(&o.port, -1, "TCP port", "p", "port")
	fs.str(&o.host, "", "address to listen on", "host")
	fs.boolean(&o.ipv6, "listen on IPv6", "ipv6")
	fs.str(&o.logfile, "", "log file", "logfile")
	fs.boolean(&o.quiet, "log errors only", "q", "quiet")
	fs.str(&o.keyFile, "", "TLS key", "ssl-keyfile")
	fs.str(&o.certFile, "", "TLS certificate", "ssl-certfile")
	fs.str(&o.caFile, "", "TLS CA bundle", "ssl-cafile")
	fs.boolean(&o.register, "register with a registry", "register")
	fs.str(&o.registryType, "UDP", "UDP|TCP", "registry-type")
	fs.integer(&o.registryPort, registry.DefaultPort, "registry port", "registry-port")
	fs.str(&o.registryHost, "", "registry host", "registry-host")
	fs.boolean(&o.version, "print the version", "version")
	if err := fs.parseArgs(args, stdout, usage); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: every option starts with - (see --help)", fs.Arg(0))
	}
	switch o.mode {
	case "threaded", "forking", "stdio", "oneshot":
	default:
		return nil, fmt.Errorf("--mode %q: want threaded, forking, stdio or oneshot", o.mode)
	}
	if (o.keyFile == "") != (o.certFile == "") {
		return nil, errors.New("--ssl-keyfile and --ssl-certfile go together: give both for TLS")
	}
	if o.caFile != "" && o.keyFile == "" {
		return nil, errors.New("--ssl-cafile needs --ssl-keyfile and --ssl-certfile")
	}
	if o.port == -1 {
		o.port = 18812
		if o.keyFile != "" {
			o.port = 18821
		}
	}
	if o.port < 0 || o.port > 65535 {
		return nil, fmt.Errorf("--port %d: want 0 to 65535", o.port)
	}
	o.registryType = strings.ToUpper(o.registryType)
	if o.registryType != "UDP" && o.registryType != "TCP" {
		return nil, fmt.Errorf("--registry-type %q: want UDP or TCP", o.registryType)
	}
	if o.register && o.registryType == "TCP" && o.registryHost == "" {
		return nil, errors.New("--registry-type TCP needs --registry-host: TCP cannot broadcast")
	}
	if o.host == "" {
		o.host = "127.0.0.1"
		if o.ipv6 {
			o.host = "::1"
		}
	}
	return o, nil
}

// logger builds the logger --logfile and --quiet ask for (info level by
// default, as Python's setup_logger).
func (o *options) logger(stderr io.Writer) (*slog.Logger, func(), error) {
	w, done := stderr, func() {}
	if o.logfile != "" {
		f, err := os.OpenFile(o.logfile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("--logfile: %w", err)
		}
		w, done = f, func() { _ = f.Close() }
	}
	level := slog.LevelInfo
	if o.quiet {
		level = slog.LevelError
	}
	return slog.New(server.NewTextHandler(w, &slog.HandlerOptions{Level: level})), done, nil
}

// newServer builds the server the options describe.
func newServer(o *options, logger *slog.Logger) (*server.Server, error) {
	kind := server.Threaded
	switch o.mode {
	case "forking":
		kind = server.Forking
	case "oneshot":
		kind = server.OneShot
	}
	sopts := &slave.Options{Logger: logger}
	if o.mode == "stdio" {
		// Standard output carries the protocol: sys.stdout and what
		// programs started without capture print go nowhere, as in
		// Python's stdio mode.
		sopts.Stdout, sopts.Stderr = io.Discard, io.Discard
	}
	srv := &server.Server{
		Service: slave.New(sopts),
		Config:  slave.Config(nil),
		Kind:    kind,
		Logger:  logger,
	}
	if o.keyFile != "" {
		// The connection then writes one RPyC frame per TLS record, as
		// Python's rpyc 5.3 needs (channel.Config.FrameWrites).
		auth, err := server.NewTLSAuthenticator(o.certFile, o.keyFile, o.caFile)
		if err != nil {
			return nil, err
		}
		srv.Authenticator = auth
	}
	if o.register {
		var r server.Registrar = &registry.UDPClient{Host: o.registryHost, Port: o.registryPort}
		if o.registryType == "TCP" {
			r = &registry.TCPClient{Host: o.registryHost, Port: o.registryPort}
		}
		srv.Registrar = slaveRegistrar{r}
	}
	return srv, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stdout)
	if err != nil {
		return err
	}
	if o.version {
		cmdversion.Fprint(stdout, "rpyc_classic")
		return nil
	}
	logger, done, err := o.logger(stderr)
	if err != nil {
		return err
	}
	defer done()
	srv, err := newServer(o, logger)
	if err != nil {
		return err
	}
	// A forking server runs this program again per client: that child
	// serves its client here and does nothing else.
	if srv.ServeChild() {
		return nil
	}
	if o.mode == "stdio" {
		// A write to the client's closed pipe must be an error to handle,
		// not the SIGPIPE death Go gives writes to a broken stdout: the
		// client going away is a normal end (exit status 0).
		signal.Ignore(syscall.SIGPIPE)
		if err := srv.ServeStdio(); err != nil && !clientGone(err) {
			return err
		}
		return nil
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	network := "tcp4"
	if o.ipv6 {
		network = "tcp6"
	}
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, network, net.JoinHostPort(o.host, strconv.Itoa(o.port)))
	if err != nil {
		return fmt.Errorf("listen on %s: %w (another server there? pick another --port, or 0)", net.JoinHostPort(o.host, strconv.Itoa(o.port)), err)
	}
	host, port, _ := net.SplitHostPort(l.Addr().String())
	if o.mode == "oneshot" {
		fmt.Fprintf(stdout, "rpyc-oneshot\n%s\t%s\n", host, port)
		if f, ok := stdout.(*os.File); ok {
			_ = f.Sync()
		}
	}
	logger.Info(fmt.Sprintf("server started on [%s]:%s", host, port), "mode", o.mode)

	// Serve until SIGINT/SIGTERM (or, oneshot, until its client is gone).
	return srv.ServeUntil(ctx, l, 2*time.Second)
}

// clientGone reports whether a stdio connection ended because its client
// closed the pipes: Python's close sends HANDLE_CLOSE and closes its
// ends at once, so the reply meets a broken pipe. That is a normal end.
func clientGone(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, syscall.ECONNRESET)
}

// slaveRegistrar registers the server as "SLAVE", Python's classic
// service name: the server would take the aliases of the per-connection
// factory it serves, which has no name of its own.
type slaveRegistrar struct{ server.Registrar }

func (r slaveRegistrar) Register(ctx context.Context, _ []string, addr string) error {
	return r.Registrar.Register(ctx, []string{slave.ServiceName}, addr)
}
