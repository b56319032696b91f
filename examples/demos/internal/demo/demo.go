// Package demo holds what every demo server shares: the --host/--port
// flags, the "listening on" line the tests wait for, and a graceful stop
// on SIGINT/SIGTERM.
package demo

import (
	"context"
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
)

// Flags are the flags every demo takes.
type Flags struct {
	Host    string
	Port    int
	Verbose bool
}

// Add registers --host, --port (default port as the Python demo's) and -v.
func (f *Flags) Add(fs *flag.FlagSet, port int) {
	fs.StringVar(&f.Host, "host", "127.0.0.1", "address to listen on (0.0.0.0 or :: for every interface)")
	fs.IntVar(&f.Port, "port", port, "TCP port (0 picks a free one)")
	fs.BoolVar(&f.Verbose, "v", false, "log connections at debug level")
}

// Logger logs to stderr, at debug level with -v.
func (f *Flags) Logger() *slog.Logger {
	level := slog.LevelInfo
	if f.Verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// Run listens on the flags' address, prints "listening on HOST:PORT" on
// stdout, serves until SIGINT or SIGTERM (or, for a OneShot server, until
// its one client leaves) and shuts down gracefully. It returns the exit
// code for main.
func Run(f *Flags, srv *server.Server) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", net.JoinHostPort(f.Host, strconv.Itoa(f.Port)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "listen on %s port %d: %v (pick another with --port)\n", f.Host, f.Port, err)
		return 1
	}
	fmt.Printf("listening on %s\n", l.Addr())
	if err := srv.ServeUntil(ctx, l, 5*time.Second); err != nil {
		fmt.Fprintf(os.Stderr, "serve: %v\n", err)
		return 1
	}
	return 0
}
