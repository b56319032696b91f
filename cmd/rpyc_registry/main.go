// Command rpyc_registry runs an RPyC registry, a drop-in for Python's
// rpyc_registry: servers announce their services to it, clients ask it
// where a service runs. Python and Go servers and clients both use it.
//
//	rpyc_registry                      # UDP on port 18811, every interface
//	rpyc_registry --mode TCP -p 18811  # TCP, for networks without broadcast
//	rpyc_registry -l -t 60             # allow listing, prune after 60 s
//
// Once it serves it prints "listening on HOST:PORT" on standard output.
// Logs go to standard error or to --logfile. SIGINT or SIGTERM stops it
// cleanly (exit status 0).
package main

import (
	"context"
	"errors"
	"flag"
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
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "rpyc_registry:", err)
		os.Exit(2)
	}
}

const usage = `Usage: rpyc_registry [options]

Runs an RPyC registry compatible with Python's rpyc_registry: servers
register their services with it, clients discover them through it.

  -m, --mode UDP|TCP   serving mode (default UDP)
  -p, --port N         UDP/TCP port; 0 picks a free one (default 18811)
      --host ADDR      address to listen on (default 0.0.0.0, :: with -6)
  -6, --ipv6           listen on IPv6 (::) instead of IPv4
  -t, --timeout SEC    pruning timeout: forget servers silent this long (default 240)
  -l, --listing        answer LIST requests (off by default, as in Python:
                       listing tells anyone what runs where)
  -f, --logfile PATH   append logs to PATH instead of standard error
  -q, --quiet          log errors only (Python's spellings, -q VALUE and
                       --quiet=VALUE, work too)
  -v, --verbose        log every request
  -h, --help           show this help
      --version        print the version and the RPyC protocol versions spoken

It prints "listening on HOST:PORT" once it serves, and stops
cleanly on SIGINT or SIGTERM.
`

// options are the command line, with Python's rpyc_registry names.
type options struct {
	mode    string
	ipv6    bool
	host    string
	port    int
	logfile string
	quiet   bool
	verbose bool
	timeout int
	listing bool
	version bool
}

func parse(args []string, stdout io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("rpyc_registry", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, help goes to stdout
	str := func(p *string, def, usage string, names ...string) {
		for _, n := range names {
			fs.StringVar(p, n, def, usage)
		}
	}
	boolean := func(p *bool, usage string, names ...string) {
		for _, n := range names {
			fs.BoolVar(p, n, false, usage)
		}
	}
	integer := func(p *int, def int, usage string, names ...string) {
		for _, n := range names {
			fs.IntVar(p, n, def, usage)
		}
	}
	str(&o.mode, "UDP", "serving mode, UDP or TCP", "m", "mode")
	boolean(&o.ipv6, "listen on IPv6 (::) instead of IPv4 (0.0.0.0)", "6", "ipv6")
	str(&o.host, "", "address to listen on (default 0.0.0.0, or :: with --ipv6)", "host")
	integer(&o.port, registry.DefaultPort, "UDP/TCP port to listen on (0 picks a free one)", "p", "port")
	str(&o.logfile, "", "append logs to this file instead of standard error", "f", "logfile")
	boolean(&o.quiet, "log errors only", "q", "quiet")
	boolean(&o.verbose, "log every request", "v", "verbose")
	integer(&o.timeout, int(registry.DefaultPruningTimeout/time.Second), "pruning timeout in seconds: forget servers not heard from for this long", "t", "timeout")
	boolean(&o.listing, "answer LIST requests (off by default: listing tells anyone what runs where)", "l", "listing")
	boolean(&o.version, "print the version", "version")
	fs.Usage = func() {}
	if err := fs.Parse(pythonStyle(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return o, err
		}
		return o, fmt.Errorf("%w (see --help)", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q: every option starts with - (see --help)", fs.Arg(0))
	}
	o.mode = strings.ToUpper(o.mode)
	if o.mode != "UDP" && o.mode != "TCP" {
		return o, fmt.Errorf("--mode %q: want UDP or TCP", o.mode)
	}
	if o.port < 0 || o.port > 65535 {
		return o, fmt.Errorf("--port %d: want 0 to 65535", o.port)
	}
	if o.timeout <= 0 {
		return o, fmt.Errorf("--timeout %d: want a number of seconds above 0", o.timeout)
	}
	if o.host == "" {
		o.host = "0.0.0.0"
		if o.ipv6 {
			o.host = "::"
		}
	}
	return o, nil
}

// pythonStyle rewrites the spellings of Python's rpyc_registry (5.3 and
// 6.0.1 alike), whose --listing and --quiet take a value, into Go's, so
// command lines written for it work unchanged:
//
//	-l true, --listing false    -> -l=true, --listing=false
//	-lTrue                      -> -l=true
//	-q 1, --quiet yes, -qx,     -> -q=true (Python: any value means quiet)
//	--quiet=yes
//
// Go's own spellings (-l, -q, -q=false) keep their meaning.
func pythonStyle(fs *flag.FlagSet, args []string) []string {
	// attached reports whether a is a one-letter flag with its value
	// attached ("-lTrue", "-qx") rather than a flag of its own.
	attached := func(a, letter string) bool {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		return strings.HasPrefix(a, "-"+letter) && len(a) > 2 && a[2] != '=' && fs.Lookup(name) == nil
	}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(a, "=")
		switch {
		case (a == "-l" || a == "--listing" || a == "-listing") && i+1 < len(args):
			if v, err := strconv.ParseBool(args[i+1]); err == nil {
				out = append(out, a+"="+strconv.FormatBool(v))
				i++
				continue
			}
		case attached(a, "l"):
			out = append(out, "-l=true")
			continue
		case (a == "-q" || a == "--quiet" || a == "-quiet") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-"):
			out = append(out, a+"=true")
			i++
			continue
		case (name == "-q" || name == "--quiet" || name == "-quiet") && hasValue:
			if _, err := strconv.ParseBool(value); err != nil {
				out = append(out, name+"=true")
				continue
			}
		case attached(a, "q"):
			out = append(out, "-q=true")
			continue
		}
		out = append(out, a)
	}
	return out
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stdout)
	if err != nil {
		return err
	}
	if o.version {
		cmdversion.Fprint(stdout, "rpyc_registry")
		return nil
	}
	logw := stderr
	if o.logfile != "" {
		f, err := os.OpenFile(o.logfile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("--logfile: %w", err)
		}
		defer f.Close()
		logw = f
	}
	level := slog.LevelInfo
	switch {
	case o.quiet:
		level = slog.LevelError
	case o.verbose:
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv := registry.NewServer(&registry.Config{
		PruningTimeout: time.Duration(o.timeout) * time.Second,
		AllowListing:   o.listing,
		Logger:         logger,
	})
	addr := net.JoinHostPort(o.host, strconv.Itoa(o.port))
	var serve func() error
	var where string
	if o.mode == "UDP" {
		pc, err := registry.ListenUDP(ctx, addr)
		if err != nil {
			return err
		}
		where = pc.LocalAddr().String()
		serve = func() error { return srv.ServeUDP(pc) }
	} else {
		l, err := registry.ListenTCP(ctx, addr)
		if err != nil {
			return err
		}
		where = l.Addr().String()
		serve = func() error { return srv.ServeTCP(l) }
	}
	done := make(chan error, 1)
	go func() { done <- serve() }()
	logger.Info("rpyc_registry: serving", "mode", o.mode, "addr", where)
	fmt.Fprintf(stdout, "listening on %s\n", where)
	select {
	case <-ctx.Done():
		logger.Info("rpyc_registry: stopping on signal")
		_ = srv.Close()
		<-done
		return nil
	case err := <-done:
		return err
	}
}
