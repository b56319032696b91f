package classic

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// Default ports of rpyc_classic, as in Python's rpyc.utils.classic.
const (
	DefaultPort    = 18812
	DefaultTLSPort = 18821
)

// Conn is a connection to a classic server (Python's SlaveService, or
// any server whose root has getmodule, eval, execute and namespace). It
// embeds the *rpyc.Conn, so everything the core connection does is
// available, and is safe for concurrent use like it.
type Conn struct {
	*rpyc.Conn
	root *rpyc.Netref

	mu        sync.Mutex
	modules   map[string]*rpyc.Netref // imported modules, by name
	osi       *osInfo                 // the server's os flags, for transfers
	treeReady bool                    // the tree helper is defined remotely

	closeOnce sync.Once
	closeErr  error
	after     func() error // runs after the connection closed (subprocess reaping)
}

// ServiceRoot returns the server's SlaveService object (the root fetched
// at connect time), whose methods are getmodule, eval, execute, namespace.
func (c *Conn) ServiceRoot() *rpyc.Netref { return c.root }

// Close ends the connection (and, for ConnectSubproc, waits for the
// server process, killing it if it does not exit). It is idempotent.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.closeErr = c.Conn.Close()
		if c.after != nil {
			if err := c.after(); err != nil && c.closeErr == nil {
				c.closeErr = err
			}
		}
	})
	return c.closeErr
}

// withPort adds port to addr when addr has none ("host" or "::1").
func withPort(addr string, port int) string {
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return addr
	}
	return net.JoinHostPort(addr, strconv.Itoa(port))
}

// Connect dials a classic server over TCP. addr is "host" (port 18812,
// Python's default) or "host:port". cfg may be nil (rpyc.DefaultConfig);
// its Layout, when zero, is learnt from the server as rpyc.Dial does.
func Connect(ctx context.Context, addr string, cfg *rpyc.Config) (*Conn, error) {
	addr = withPort(addr, DefaultPort)
	c, err := rpyc.DialService(ctx, addr, newLocalService(), cfg)
	if err != nil {
		return nil, fmt.Errorf("classic: connect %s: %w", addr, err)
	}
	return wrap(ctx, c, nil)
}

// ConnectUnix dials a classic server listening on a Unix socket,
// learning and remembering the layout as rpyc.DialUnix does.
func ConnectUnix(ctx context.Context, path string, cfg *rpyc.Config) (*Conn, error) {
	c, err := rpyc.DialUnixService(ctx, path, newLocalService(), cfg)
	if err != nil {
		return nil, fmt.Errorf("classic: connect unix %s: %w", path, err)
	}
	return wrap(ctx, c, nil)
}

// ConnectTLS dials a classic server over TLS (rpyc_classic --ssl-*): addr
// is "host" (port 18821) or "host:port"; tlsConfig carries the CA and,
// for servers that require one, the client certificate. A nil tlsConfig
// verifies the server against the system roots. The layout is learnt as
// rpyc.DialTLS does, and the handshake is bounded by
// rpyc.DefaultTLSHandshakeTimeout.
func ConnectTLS(ctx context.Context, addr string, tlsConfig *tls.Config, cfg *rpyc.Config) (*Conn, error) {
	addr = withPort(addr, DefaultTLSPort)
	c, err := rpyc.DialTLS(ctx, addr, &rpyc.TLSOptions{Config: tlsConfig, Service: newLocalService()}, cfg)
	if err != nil {
		return nil, fmt.Errorf("classic: connect tls %s: %w", addr, err)
	}
	return wrap(ctx, c, nil)
}

// ConnectStdPipes speaks RPyC over this process's standard input and
// output: for a Go program started by a Python peer that holds the other
// ends of its pipes (Python's connect_stdpipes). Nothing else may use
// os.Stdin or os.Stdout afterwards. The layout is as for ConnectStream:
// cfg.Layout, 6.x when zero; under a Python 5.x parent set
// message.LayoutV5 (the error says so when it is needed). Like
// rpyc.ConnectStdPipes it ignores SIGPIPE for the process, so a write
// after the parent hung up fails instead of killing the program.
func ConnectStdPipes(ctx context.Context, cfg *rpyc.Config) (*Conn, error) {
	signal.Ignore(syscall.SIGPIPE)
	c, err := rpyc.ConnectPipes(ctx, os.Stdin, os.Stdout, newLocalService(), cfg)
	if err != nil {
		return nil, fmt.Errorf("classic: connect over stdio: %w", err)
	}
	return wrap(ctx, c, nil)
}

// ConnectStream speaks RPyC over an established stream (a pair of pipes
// from stream.Pipe, an SSH channel, ...) and fetches the server's root,
// bounded by ctx. A stream cannot be redialled to learn which message
// layout the peer speaks, so it is cfg.Layout, and zero means the 6.x
// layout, as everywhere in rpyc-go (Go servers read either; Python 6.x
// needs it). A Python 5.x peer hangs up on it: the error is then a
// *rpyc.LayoutError saying to set cfg.Layout = message.LayoutV5.
func ConnectStream(ctx context.Context, s io.ReadWriteCloser, cfg *rpyc.Config) (*Conn, error) {
	c, err := rpyc.ConnectPipes(ctx, s, s, newLocalService(), cfg)
	if err != nil {
		return nil, fmt.Errorf("classic: connect: %w", err)
	}
	return wrap(ctx, c, nil)
}

// layoutOr returns cfg with Layout set to l when it is zero, without
// changing the caller's value.
func layoutOr(cfg *rpyc.Config, l message.Layout) *rpyc.Config {
	var out rpyc.Config
	if cfg == nil {
		out = *rpyc.DefaultConfig()
	} else {
		out = *cfg
	}
	if out.Layout == 0 {
		out.Layout = l
	}
	return &out
}

// wrap fetches the root and checks it is a classic server.
func wrap(ctx context.Context, c *rpyc.Conn, after func() error) (*Conn, error) {
	root, err := c.Root(ctx)
	if err != nil {
		_ = c.Close()
		if after != nil {
			_ = after()
		}
		return nil, fmt.Errorf("classic: fetching the server's root: %w", err)
	}
	return &Conn{Conn: c, root: root, after: after}, nil
}
