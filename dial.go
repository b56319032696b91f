package rpyc

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/stream"
)

// Connect makes a client connection over an established stream and starts
// serving it in the background (Python's connect_stream). service is what
// this side offers the peer (callbacks are served whatever it is; nil is
// VoidService). It does no request: Root fetches the peer's root on first
// use. A stream cannot be reopened, so the layout is cfg.Layout (zero:
// 6.x); to a Python 5.x peer set cfg.Layout = message.LayoutV5, or use
// ConnectPipes, which says so when the layout is wrong.
func Connect(stream io.ReadWriteCloser, service any, cfg *Config) (*Conn, error) {
	return connectStream(stream, service, cfg, false)
}

// connectStream is Connect; with detect, the layout is taken from the
// peer's first message, as a server takes it.
func connectStream(s io.ReadWriteCloser, service any, cfg *Config, detect bool) (*Conn, error) {
	c, err := NewConn(s, service, cfg)
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	if detect {
		c.setServerSide()
	}
	c.connected()
	c.Start()
	return c, nil
}

// Dial connects to an RPyC server over TCP and starts the connection
// (Python's connect). addr is "host:port"; IPv6 literals go in brackets,
// "[::1]:18861". TCP keepalive probes are on (Go's 15 s), so a vanished
// server is noticed. When cfg.Layout is zero the server's message layout
// (rpyc 5.x or 6.x) is learnt on the first dial to addr and remembered
// for the next ones; see DialWith to tune any of this. ctx bounds the
// dial and the first request, which fetches the server's root.
func Dial(ctx context.Context, addr string, cfg *Config) (*Conn, error) {
	return DialWith(ctx, addr, nil, cfg)
}

// DialService is Dial with a local service offered to the server (Python's
// connect(..., service=...)): what the server may call back.
func DialService(ctx context.Context, addr string, service any, cfg *Config) (*Conn, error) {
	return DialWith(ctx, addr, &DialOptions{Service: service}, cfg)
}

// DialOptions tunes DialWith. A nil *DialOptions, and every zero field,
// means the default given on the field.
type DialOptions struct {
	// Service is offered to the server (nil: nothing, VoidService).
	Service any
	// KeepAlive is the TCP keep-alive period: probes after KeepAlive of
	// silence, every KeepAlive, three unanswered end the connection, and
	// (Linux) TCP_USER_TIMEOUT ends it when data stays unacknowledged as
	// long: a vanished server is noticed within
	// stream.DeadPeerBound(KeepAlive), idle or mid-call. Zero means
	// stream.DefaultKeepAlive (10 s, so 40 s); negative turns both off
	// (Python's keepalive=False). For a bound through proxies and tunnels,
	// see Config.Heartbeat.
	KeepAlive time.Duration
	// Timeout bounds the TCP connect on top of ctx; zero: ctx alone.
	Timeout time.Duration
	// NoLayoutCache probes the server's layout on this dial even if an
	// earlier dial to the same address learnt it (and does not record
	// what it learns). Leave it off: each probe of a 5.x server leaves a
	// traceback in that server's log.
	NoLayoutCache bool
	// Attempts is how many times the TCP connect is tried (Python's
	// attempts): a connect that times out or is refused is tried again
	// after a random wait that doubles each time (see Backoff and
	// dial_retry.go). With retries, Timeout bounds each attempt and zero
	// means DefaultAttemptTimeout (3 s, Python's); ctx bounds them all.
	// Zero or one: a single attempt, no retry.
	Attempts int
	// Backoff is the unit of the wait between attempts: after attempt n
	// the wait is random in [0, Backoff·2^n), n capped at 10. Zero means
	// DefaultDialBackoff (10 ms).
	Backoff time.Duration
}

// DialWith is Dial with options (service, keepalive, connect timeout,
// connect retries).
func DialWith(ctx context.Context, addr string, opts *DialOptions, cfg *Config) (*Conn, error) {
	var o DialOptions
	if opts != nil {
		o = *opts
	}
	sc := &stream.Config{KeepAlive: o.KeepAlive, DialTimeout: o.Timeout}
	return dialLearning(ctx, learnSpec{
		key:     "tcp " + addr,
		addr:    addr,
		hint:    tcpHint,
		service: o.Service,
		cfg:     cfg,
		noCache: o.NoLayoutCache,
		dial: func(ctx context.Context) (net.Conn, error) {
			nc, err := dialTCPRetrying(ctx, addr, sc, &o)
			if err != nil {
				return nil, fmt.Errorf("rpyc: dial %s: %w", addr, err)
			}
			return nc, nil
		},
	})
}

// tcpHint is what a plain server that hangs up on both layouts may be.
const tcpHint = "a TLS server? use DialTLS; an authenticator? see the server's log"

// DialUnix connects over the Unix-domain socket at path (Python's
// unix_connect), learning and remembering the layout as Dial does.
func DialUnix(ctx context.Context, path string, cfg *Config) (*Conn, error) {
	return DialUnixService(ctx, path, nil, cfg)
}

// DialUnixService is DialUnix with a local service offered to the server.
func DialUnixService(ctx context.Context, path string, service any, cfg *Config) (*Conn, error) {
	return dialLearning(ctx, learnSpec{
		key:     "unix " + path,
		addr:    path,
		hint:    tcpHint,
		service: service,
		cfg:     cfg,
		dial: func(ctx context.Context) (net.Conn, error) {
			nc, err := stream.DialUnix(ctx, path)
			if err != nil {
				return nil, fmt.Errorf("rpyc: dial unix %s: %w", path, err)
			}
			return nc, nil
		},
	})
}

// ServeConn serves service on an accepted stream until the connection
// ends: the server side of Connect. The layout is learnt from the
// client's first message. It returns nil when the peer closed normally.
func ServeConn(nc net.Conn, service any, cfg *Config) error {
	c, err := NewServerConn(nc, service, cfg)
	if err != nil {
		_ = nc.Close()
		return err
	}
	c.Start()
	return c.ServeAll()
}

// NewServerConn is NewConn for the accepting side: the message layout is
// detected from the client's first message. The service's OnConnect hook
// runs here; nothing is read until Start or Serve.
func NewServerConn(stream io.ReadWriteCloser, service any, cfg *Config) (*Conn, error) {
	c, err := NewConn(stream, service, cfg)
	if err != nil {
		return nil, err
	}
	c.setServerSide()
	c.connected()
	return c, nil
}

// connected runs the service's on_connect hook and arranges on_disconnect.
func (c *Conn) connected() {
	r, ok := c.root.(*pyobj.Root)
	if !ok {
		return
	}
	if h, ok := r.Value().(Connecter); ok {
		h.OnConnect(c)
	}
	if h, ok := r.Value().(Disconnecter); ok {
		c.OnClose(h.OnDisconnect)
	}
}
