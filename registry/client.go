package registry

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/rpyc-go/rpyc/brine"
)

// Registrar announces a server's service names at an address.
type Registrar interface {
	Register(ctx context.Context, aliases []string, addr string) error // addr "host:port" the server listens on
	Unregister(ctx context.Context, addr string) error
}

// Discoverer finds the servers exposing a service: a registry client, or
// registry/etcd's watched list. Discover returns an empty list and no
// error when the registry knows no such service.
type Discoverer interface {
	Discover(ctx context.Context, name string) ([]ServerAddr, error)
}

// Lister lists the service names a registry knows, all of them or only
// those with a server on filterHost (empty means all).
type Lister interface {
	List(ctx context.Context, filterHost string) ([]string, error)
}

// The clients are all three.
var (
	_ Registrar  = (*UDPClient)(nil)
	_ Discoverer = (*UDPClient)(nil)
	_ Lister     = (*UDPClient)(nil)
	_ Registrar  = (*TCPClient)(nil)
	_ Discoverer = (*TCPClient)(nil)
	_ Lister     = (*TCPClient)(nil)
)

// timeoutOr is d, or DefaultTimeout when d is zero.
func timeoutOr(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultTimeout
	}
	return d
}

// portOf returns the port of a "host:port" a server listens on, and its
// host when that is a specific IP address (the invalid Addr otherwise).
func portOf(addr string) (int, netip.Addr, error) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, netip.Addr{}, fmt.Errorf("registry: server address %q: %w (want host:port, such as 0.0.0.0:18812)", addr, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return 0, netip.Addr{}, fmt.Errorf("registry: server address %q: port %q is not a number from 1 to 65535", addr, p)
	}
	ip, err := netip.ParseAddr(h)
	if err != nil || ip.IsUnspecified() {
		return n, netip.Addr{}, nil
	}
	return n, ip.Unmap(), nil
}

// sameFamily reports whether local is valid and of dst's family: only
// then can a request to dst be sent from it.
func sameFamily(local, dst netip.Addr) bool {
	return local.IsValid() && local.Zone() == "" && local.Is4() == dst.Unmap().Is4()
}

// checkAliases refuses what a registry would drop, so the caller learns
// it from the error rather than from a missing acknowledgement.
func checkAliases(aliases []string) error {
	if len(aliases) == 0 || len(aliases) > MaxNames {
		return fmt.Errorf("registry: %d service names given, want 1 to %d", len(aliases), MaxNames)
	}
	for _, a := range aliases {
		if a == "" || len(a) > MaxNameLen {
			return fmt.Errorf("registry: service name %q: want 1 to %d bytes", a, MaxNameLen)
		}
	}
	return nil
}

// parseServers decodes a QUERY reply: a tuple of (host, port) tuples.
func parseServers(v any) ([]ServerAddr, error) {
	t, ok := v.(brine.Tuple)
	if !ok {
		return nil, fmt.Errorf("%w: QUERY reply %s is not a tuple", ErrMalformed, short(v))
	}
	out := make([]ServerAddr, 0, len(t))
	for _, e := range t {
		p, ok := e.(brine.Tuple)
		if !ok || len(p) < 2 {
			return nil, fmt.Errorf("%w: QUERY reply entry %s is not (host, port)", ErrMalformed, short(e))
		}
		h, ok := p[0].(string)
		port, perr := parsePort(p[1])
		if !ok || perr != nil {
			return nil, fmt.Errorf("%w: QUERY reply entry %s is not (host, port)", ErrMalformed, short(e))
		}
		out = append(out, ServerAddr{Host: h, Port: port})
	}
	return out, nil
}

// parseNames decodes a LIST reply: a tuple of names, or None when the
// registry does not allow listing.
func parseNames(v any) ([]string, error) {
	if v == nil {
		return nil, ErrListingDisabled
	}
	t, ok := v.(brine.Tuple)
	if !ok {
		return nil, fmt.Errorf("%w: LIST reply %s is not a tuple", ErrMalformed, short(v))
	}
	out := make([]string, 0, len(t))
	for _, e := range t {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%w: LIST reply entry %s is not a str", ErrMalformed, short(e))
		}
		out = append(out, s)
	}
	return out, nil
}

// isOK accepts the "OK" that acknowledges REGISTER and UNREGISTER.
func isOK(v any) (bool, error) {
	if s, ok := v.(string); ok && s == "OK" {
		return true, nil
	}
	return false, fmt.Errorf("%w: registry answered %s, not 'OK'", ErrRefused, short(v))
}
