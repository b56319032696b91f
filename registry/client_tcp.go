package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// TCPClient talks to one registry over TCP (Python's TCPRegistryClient):
// for networks whose routers do not carry broadcasts. Each request is one
// short connection. IPv4 and IPv6 registries both work (rpyc #90).
type TCPClient struct {
	// Host is the registry's address or host name. It is required: TCP
	// cannot broadcast.
	Host string
	// Port is the registry's port; zero means DefaultPort (18811).
	Port int
	// Timeout bounds each request, connecting included; zero means
	// DefaultTimeout (2 s). A context deadline that comes sooner wins.
	Timeout time.Duration
}

func (c *TCPClient) addr() (string, error) {
	if c.Host == "" {
		return "", errors.New("registry: TCPClient.Host is empty: set it to the registry's address, such as 127.0.0.1")
	}
	port := c.Port
	if port == 0 {
		port = DefaultPort
	}
	if port < 0 || port > 65535 {
		return "", fmt.Errorf("registry: TCPClient.Port %d is not a port number", port)
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(port)), nil
}

// exchange sends req on a new connection and decodes the reply.
func (c *TCPClient) exchange(ctx context.Context, req Request, local netip.Addr) (any, error) {
	addr, err := c.addr()
	if err != nil {
		return nil, err
	}
	data, err := req.Encode()
	if err != nil {
		return nil, err
	}
	timeout := timeoutOr(c.Timeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	if local.IsValid() {
		if ip, err := netip.ParseAddr(c.Host); err == nil && sameFamily(local, ip) {
			d.LocalAddr = net.TCPAddrFromAddrPort(netip.AddrPortFrom(local, 0))
		}
	}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, fmt.Errorf("%w: connecting to TCP %s took over %v: %w", ErrNoReply, addr, timeout, err)
		}
		return nil, fmt.Errorf("registry: connecting to TCP %s: %w (is a registry running there?)", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write(data); err != nil {
		return nil, fmt.Errorf("registry: sending %s to TCP %s: %w", req.Command, addr, err)
	}
	// The registry writes one reply and closes; read until it decodes or
	// the connection ends.
	buf := make([]byte, 0, 512)
	for {
		if len(buf) == cap(buf) {
			if len(buf) >= maxReply {
				return nil, fmt.Errorf("%w: reply from TCP %s exceeds %d bytes", ErrMalformed, addr, maxReply)
			}
			buf = append(buf, make([]byte, len(buf))...)[:len(buf)]
		}
		n, rerr := conn.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if n > 0 {
			if v, derr := decoder.Decode(buf); derr == nil {
				return v, nil
			}
		}
		if rerr != nil {
			switch {
			case errors.Is(rerr, io.EOF) && len(buf) == 0:
				return nil, fmt.Errorf("%w: TCP %s closed the connection without answering %s (it dropped the request; see its log)",
					ErrNoReply, addr, req.Command)
			case errors.Is(rerr, io.EOF):
				_, derr := decoder.Decode(buf)
				return nil, fmt.Errorf("%w: reply from TCP %s: %w", ErrMalformed, addr, derr)
			case ctx.Err() != nil && errors.Is(context.Cause(ctx), context.DeadlineExceeded):
				return nil, fmt.Errorf("%w: %s to TCP %s got no answer within %v", ErrNoReply, req.Command, addr, timeout)
			}
			return nil, fmt.Errorf("registry: %s to TCP %s: %w", req.Command, addr, rerr)
		}
	}
}

// Discover asks for the servers of name (case-insensitive). It returns an
// empty list if the registry knows none.
func (c *TCPClient) Discover(ctx context.Context, name string) ([]ServerAddr, error) {
	v, err := c.exchange(ctx, Request{Command: CmdQuery, Name: name}, netip.Addr{})
	if err != nil {
		return nil, err
	}
	return parseServers(v)
}

// List asks for the names of the services registered, all of them or
// only those with a server on filterHost. It fails with
// ErrListingDisabled unless the registry allows listing.
func (c *TCPClient) List(ctx context.Context, filterHost string) ([]string, error) {
	v, err := c.exchange(ctx, Request{Command: CmdList, FilterHost: filterHost}, netip.Addr{})
	if err != nil {
		return nil, err
	}
	return parseNames(v)
}

// Register announces aliases at addr's port; the registry records the
// host the connection came from, which is addr's host when that is a
// specific address of the registry's family (Python's interface=). Call
// it again every ReregisterInterval to stay listed.
func (c *TCPClient) Register(ctx context.Context, aliases []string, addr string) error {
	port, local, err := portOf(addr)
	if err != nil {
		return err
	}
	if err := checkAliases(aliases); err != nil {
		return err
	}
	v, err := c.exchange(ctx, Request{Command: CmdRegister, Names: aliases, Port: port}, local)
	if err != nil {
		return err
	}
	_, err = isOK(v)
	return err
}

// Unregister withdraws the server at addr's port from every name.
func (c *TCPClient) Unregister(ctx context.Context, addr string) error {
	port, local, err := portOf(addr)
	if err != nil {
		return err
	}
	v, err := c.exchange(ctx, Request{Command: CmdUnregister, Port: port}, local)
	if err != nil {
		return err
	}
	_, err = isOK(v)
	return err
}

// String names the registry the client talks to, for logs.
func (c *TCPClient) String() string {
	port := c.Port
	if port == 0 {
		port = DefaultPort
	}
	return "tcp://" + net.JoinHostPort(c.Host, strconv.Itoa(port))
}
