package rpyc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/stream"
)

// Connect makes a client connection over an established stream and starts
// serving it in the background. service is what this side offers the peer
// (callbacks are served whatever it is; nil is VoidService). It does no
// request: Root fetches the peer's root on first use.
func Connect(stream io.ReadWriteCloser, service any, cfg *Config) (*Conn, error) {
	c, err := NewConn(stream, service, cfg)
	if err != nil {
		_ = stream.Close()
		return nil, err
	}
	c.connected()
	c.Start()
	return c, nil
}

// Dial connects to an RPyC server over TCP ("host:port") and starts the
// connection. ctx bounds the dial (and, when Config.Layout is zero, the
// GETROOT that learns the server's layout; see dialAuto).
func Dial(ctx context.Context, addr string, cfg *Config) (*Conn, error) {
	return DialService(ctx, addr, nil, cfg)
}

// DialService is Dial with a local service offered to the server.
func DialService(ctx context.Context, addr string, service any, cfg *Config) (*Conn, error) {
	return dialAuto(ctx, cfg, service, func() (net.Conn, error) {
		nc, err := stream.DialTCP(ctx, addr, nil)
		if err != nil {
			return nil, fmt.Errorf("rpyc: dial %s: %w", addr, err)
		}
		return nc, nil
	})
}

// DialUnix connects over a Unix socket.
func DialUnix(ctx context.Context, path string, cfg *Config) (*Conn, error) {
	return dialAuto(ctx, cfg, nil, func() (net.Conn, error) {
		nc, err := stream.DialUnix(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("rpyc: dial unix %s: %w", path, err)
		}
		return nc, nil
	})
}

// dialAuto connects with the configured layout. When Config.Layout is zero
// it speaks 6.x and fetches the root at once: an rpyc 5.x server cannot
// read a 6.x message and hangs up (after a HANDLE_CLOSE in its own
// layout), so an ended connection before the root arrives means "5.x",
// and dialAuto connects again speaking that.
func dialAuto(ctx context.Context, cfg *Config, service any, dial func() (net.Conn, error)) (*Conn, error) {
	nc, err := dial()
	if err != nil {
		return nil, err
	}
	c, err := Connect(nc, service, cfg)
	if err != nil || (cfg != nil && cfg.Layout != 0) {
		return c, err
	}
	_, err = c.Root(ctx)
	if err == nil {
		return c, nil
	}
	_ = c.Close()
	if !errors.Is(err, ErrClosed) {
		return nil, err
	}
	var v5 Config
	if cfg == nil {
		v5 = *DefaultConfig()
	} else {
		v5 = *cfg
	}
	v5.Layout = message.LayoutV5
	if nc, err = dial(); err != nil {
		return nil, err
	}
	c, err = Connect(nc, service, &v5)
	if err != nil {
		return nil, err
	}
	if _, err := c.Root(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
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
	r, ok := c.root.(*rootObject)
	if !ok {
		return
	}
	if h, ok := r.value.(Connecter); ok {
		h.OnConnect(c)
	}
	if h, ok := r.value.(Disconnecter); ok {
		c.OnClose(h.OnDisconnect)
	}
}

// Root returns the peer's root object (its service), fetching it once.
func (c *Conn) Root(ctx context.Context) (*Netref, error) {
	c.mu.Lock()
	if r := c.remoteRoot; r != nil {
		c.mu.Unlock()
		return r, nil
	}
	c.mu.Unlock()
	v, err := c.Request(ctx, 3) // HANDLE_GETROOT
	if err != nil {
		return nil, err
	}
	r, ok := v.(*Netref)
	if !ok {
		return nil, fmt.Errorf("%w: GETROOT returned %s, not a reference", ErrProtocol, describe(v))
	}
	c.mu.Lock()
	if c.remoteRoot == nil {
		c.remoteRoot = r
	}
	r = c.remoteRoot
	c.mu.Unlock()
	return r, nil
}

// Ping sends data and checks it comes back unchanged (Python's ping; nil
// data sends Python's default 520-byte string).
func (c *Conn) Ping(ctx context.Context, data any) error {
	if data == nil {
		data = pingDefault
	}
	v, err := c.Request(ctx, 1, data) // HANDLE_PING
	if err != nil {
		return err
	}
	if !equalValues(v, data) {
		return &PingError{Sent: data, Got: v}
	}
	return nil
}

var pingDefault = func() string {
	s := ""
	for i := 0; i < 20; i++ {
		s += "abcdefghijklmnopqrstuvwxyz"
	}
	return s
}()
