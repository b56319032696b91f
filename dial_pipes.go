package rpyc

import (
	"context"
	"io"
	"os/signal"
	"syscall"

	"github.com/rpyc-go/rpyc/stream"
)

// ConnectPipes speaks RPyC over a pair of pipes, reading r and writing w
// (Python's connect_pipes), and fetches the peer's root, bounded by ctx.
// Close closes w, so the peer sees the end, then r.
//
// Pipes cannot be reopened, so the layout cannot be learnt by trying:
// it is cfg.Layout, and zero means rpyc 6.x (and any Go peer). A Python
// 5.x peer hangs up on a 6.x message; the *LayoutError returned then says
// to set cfg.Layout = message.LayoutV5.
func ConnectPipes(ctx context.Context, r io.ReadCloser, w io.WriteCloser, service any, cfg *Config) (*Conn, error) {
	return connectOnce(ctx, stream.Pipe(r, w), "the peer on the pipes", service, cfg)
}

// ConnectStdPipes speaks RPyC over this process's standard input and
// output (Python's connect_stdpipes): for a program started by a peer
// that holds the other ends, such as Python's connect_subproc, an ssh
// command, or ConnectSubprocess. Nothing else may read os.Stdin or write
// os.Stdout afterwards (log to os.Stderr). It does no I/O.
//
// The peer that started this program usually speaks first, so with
// cfg.Layout zero the layout is learnt from the peer's first message, as
// a server does: a Python 5.x or 6.x parent and a Go parent all work.
// Calls made before the peer has spoken go out in the 6.x layout; set
// cfg.Layout to fix the layout instead.
//
// It also ignores SIGPIPE for the process: otherwise Go kills a program
// that writes to standard output after the peer closed it, which is how
// a peer normally ends the connection (HANDLE_CLOSE, then close).
func ConnectStdPipes(service any, cfg *Config) (*Conn, error) {
	signal.Ignore(syscall.SIGPIPE)
	return connectLearningPeer(stream.Stdio(), service, cfg)
}

// connectLearningPeer is Connect, except that with cfg.Layout zero the
// layout is taken from the peer's first message.
func connectLearningPeer(s io.ReadWriteCloser, service any, cfg *Config) (*Conn, error) {
	return connectStream(s, service, cfg, cfg == nil || cfg.Layout == 0)
}

// ThreadOptions tunes ConnectThread. A nil *ThreadOptions means the
// defaults of every field.
type ThreadOptions struct {
	// Service is what the client side offers the server (callbacks); nil
	// offers nothing.
	Service any
	// Config is the client side's configuration (nil: the defaults).
	Config *Config
	// ServerConfig is the server side's configuration (nil: the defaults).
	ServerConfig *Config
}

// ConnectThread serves service in this process and returns a client
// connection to it (Python's connect_thread): both ends run over an
// in-memory pipe, with the whole protocol in between, which is how a
// service is tested as its clients will see it. Closing the client ends
// the server side too. It does no I/O beyond memory and cannot fail for
// a valid service and Config.
func ConnectThread(service any, opts *ThreadOptions) (*Conn, error) {
	var o ThreadOptions
	if opts != nil {
		o = *opts
	}
	a, b := stream.MemPipe()
	srv, err := NewServerConn(b, service, o.ServerConfig)
	if err != nil {
		_ = a.Close()
		_ = b.Close()
		return nil, err
	}
	srv.Start()
	c, err := Connect(a, o.Service, o.Config)
	if err != nil {
		_ = srv.Close()
		return nil, err
	}
	c.OnClose(func(*Conn) { _ = srv.Close() })
	return c, nil
}
