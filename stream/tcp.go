package stream

import (
	"context"
	"crypto/tls"
	"net"
)

// DialTCP connects to addr ("host:port"; IPv6 literals in brackets, e.g.
// "[::1]:18812") and returns the connection with TCP_NODELAY set. RPyC is a
// chatty request/reply protocol, so small frames must leave immediately
// rather than wait for Nagle's algorithm. ctx bounds the connection attempt
// only; cancelling it later does not affect the returned connection. The
// returned value is a *net.TCPConn, so callers that need CloseWrite or
// socket options can type-assert it.
func DialTCP(ctx context.Context, addr string, cfg *Config) (net.Conn, error) {
	c, err := cfg.dialer().DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if err := TuneTCP(c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// TuneTCP applies the socket settings this package wants on every TCP
// stream (currently TCP_NODELAY) to a connection obtained elsewhere, for
// example from a listener the caller created itself. It looks through a
// *tls.Conn to the connection underneath, and it does nothing, returning
// nil, for connections that are not TCP, so servers can call it on every
// accepted connection regardless of transport.
func TuneTCP(c net.Conn) error {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if nd, ok := c.(interface{ SetNoDelay(bool) error }); ok {
		return nd.SetNoDelay(true)
	}
	return nil
}

// ListenTCP listens on addr (for example "127.0.0.1:18812" or "[::1]:0")
// and returns a listener whose accepted connections have already been
// passed through TuneTCP and use cfg's keep-alive setting, so a server gets
// the same socket behaviour as a client using DialTCP.
func ListenTCP(ctx context.Context, addr string, cfg *Config) (net.Listener, error) {
	lc := net.ListenConfig{KeepAlive: cfg.keepAlive(), KeepAliveConfig: cfg.keepAliveConfig(), Control: cfg.control}
	l, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &tunedListener{l}, nil
}

// tunedListener applies TuneTCP to every connection it accepts.
type tunedListener struct {
	net.Listener
}

// Accept waits for the next connection and tunes it before returning it.
func (l *tunedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if err := TuneTCP(c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
