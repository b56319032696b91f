package registry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/rpyc-go/rpyc/brine"
)

// UDPClient talks to registries over UDP (Python's UDPRegistryClient).
// With no Host it broadcasts, and the first registry to answer wins. The
// zero value is ready to use.
type UDPClient struct {
	// Host is the registry's address or name: an IPv4 or IPv6 address
	// ("127.0.0.1", "::1"), a host name, or a broadcast address. Empty
	// means DefaultBroadcastHost, 255.255.255.255, as in Python: every
	// registry on the local network hears it.
	Host string
	// Port is the registry's port; zero means DefaultPort (18811).
	Port int
	// Timeout bounds the wait for a reply to each request; zero means
	// DefaultTimeout (2 s). A context deadline that comes sooner wins.
	Timeout time.Duration
}

func (c *UDPClient) target(ctx context.Context) (netip.AddrPort, error) {
	host := c.Host
	if host == "" {
		host = DefaultBroadcastHost
	}
	port := c.Port
	if port == 0 {
		port = DefaultPort
	}
	if port < 0 || port > 65535 {
		return netip.AddrPort{}, fmt.Errorf("registry: UDPClient.Port %d is not a port number", port)
	}
	ip, err := resolve(ctx, host)
	if err != nil {
		return netip.AddrPort{}, err
	}
	return netip.AddrPortFrom(ip, uint16(port)), nil
}

// resolve turns a literal address or a host name into one address.
func resolve(ctx context.Context, host string) (netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap(), nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return netip.Addr{}, fmt.Errorf("registry: registry host %q: cannot resolve it: %v", host, err)
	}
	return ips[0].Unmap(), nil
}

// exchange sends req and returns the first decodable reply from the
// registry's port that accept takes. accept returns done=false to keep
// waiting (a stray or foreign reply).
func (c *UDPClient) exchange(ctx context.Context, req Request, local netip.Addr, accept func(v any) (done bool, err error)) error {
	dst, err := c.target(ctx)
	if err != nil {
		return err
	}
	data, err := req.Encode()
	if err != nil {
		return err
	}
	network := "udp4"
	if dst.Addr().Is6() {
		network = "udp6"
	}
	// Unconnected, so that replies to a broadcast, which come from the
	// registry's own address, get through. Go sets SO_BROADCAST on every
	// UDP socket.
	var laddr *net.UDPAddr
	if sameFamily(local, dst.Addr()) {
		laddr = net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, 0))
	}
	conn, err := net.ListenUDP(network, laddr)
	if err != nil {
		return fmt.Errorf("registry: opening a UDP socket for %s: %w", dst, err)
	}
	defer conn.Close()
	deadline := time.Now().Add(timeoutOr(c.Timeout))
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.WriteToUDPAddrPort(data, dst); err != nil {
		return fmt.Errorf("registry: sending %s to %s: %w", req.Command, dst, err)
	}
	broadcast := isBroadcast(dst.Addr())
	buf := make([]byte, maxReply)
	for {
		n, src, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("registry: %s to %s: %w", req.Command, dst, ctx.Err())
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return fmt.Errorf("%w: %s to UDP %s got no answer within %v (is a registry running there?)",
					ErrNoReply, req.Command, dst, timeoutOr(c.Timeout))
			}
			if isConnRefused(err) {
				// The ICMP error of an unanswered datagram: keep waiting
				// for another registry, until the deadline.
				continue
			}
			return fmt.Errorf("registry: %s to %s: %w", req.Command, dst, err)
		}
		if src.Port() != dst.Port() || (!broadcast && src.Addr().Unmap() != dst.Addr()) {
			continue
		}
		v, err := brine.Decode(buf[:n])
		if err != nil {
			continue
		}
		if done, err := accept(v); done || err != nil {
			return err
		}
	}
}

// isBroadcast reports an IPv4 address that reaches several hosts: the
// limited broadcast or, as Python guesses, any address with a 255 octet.
func isBroadcast(a netip.Addr) bool {
	if !a.Is4() {
		return false
	}
	for _, b := range a.As4() {
		if b == 255 {
			return true
		}
	}
	return false
}

// Discover asks for the servers of name (case-insensitive). It returns an
// empty list if the registry knows none, and an error wrapping ErrNoReply
// if no registry answered.
func (c *UDPClient) Discover(ctx context.Context, name string) ([]ServerAddr, error) {
	var out []ServerAddr
	err := c.exchange(ctx, Request{Command: CmdQuery, Name: name}, netip.Addr{}, func(v any) (bool, error) {
		s, err := parseServers(v)
		if err != nil {
			return false, nil
		}
		out = s
		return true, nil
	})
	return out, err
}

// List asks for the names of the services registered, all of them or
// only those with a server on filterHost. It fails with
// ErrListingDisabled unless the registry allows listing.
func (c *UDPClient) List(ctx context.Context, filterHost string) ([]string, error) {
	var out []string
	err := c.exchange(ctx, Request{Command: CmdList, FilterHost: filterHost}, netip.Addr{}, func(v any) (bool, error) {
		names, err := parseNames(v)
		if errors.Is(err, ErrMalformed) {
			return false, nil
		}
		out = names
		return true, err
	})
	return out, err
}

// Register announces aliases at addr's port, waiting for the registry's
// acknowledgement. Only the port is sent: the registry records the host
// the datagram came from, as Python's does. When addr's host is a
// specific address, the datagram is sent from it (Python's interface=),
// so a multi-homed server is recorded under the address it listens on.
// Call it again every ReregisterInterval to stay listed.
func (c *UDPClient) Register(ctx context.Context, aliases []string, addr string) error {
	port, local, err := portOf(addr)
	if err != nil {
		return err
	}
	if err := checkAliases(aliases); err != nil {
		return err
	}
	return c.exchange(ctx, Request{Command: CmdRegister, Names: aliases, Port: port}, local, okReply)
}

// Unregister withdraws the server at addr's port from every name, waiting
// for the acknowledgement.
func (c *UDPClient) Unregister(ctx context.Context, addr string) error {
	port, local, err := portOf(addr)
	if err != nil {
		return err
	}
	return c.exchange(ctx, Request{Command: CmdUnregister, Port: port}, local, okReply)
}

// okReply accepts "OK"; anything else is not a reply to us and is skipped,
// as Python's client does.
func okReply(v any) (bool, error) {
	ok, _ := isOK(v)
	return ok, nil
}

// String names the registry the client talks to, for logs.
func (c *UDPClient) String() string {
	host := c.Host
	if host == "" {
		host = DefaultBroadcastHost
	}
	port := c.Port
	if port == 0 {
		port = DefaultPort
	}
	return "udp://" + net.JoinHostPort(host, strconv.Itoa(port))
}
