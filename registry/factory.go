package registry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"github.com/rpyc-go/rpyc"
)

// DefaultDialTimeout bounds each connection attempt of ConnectByService,
// as Python's socket connect timeout (3 s) does.
const DefaultDialTimeout = 3 * time.Second

// Discover returns the servers exposing name, as Python's
// rpyc.discover: it fails with ErrNotFound when there are none (or no
// registry answered; then the error also wraps ErrNoReply). A nil d is a
// UDPClient with the defaults, which broadcasts.
func Discover(ctx context.Context, d Discoverer, name string) ([]ServerAddr, error) {
	if d == nil {
		d = &UDPClient{}
	}
	addrs, err := d.Discover(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("%w exposing %q: %w", ErrNotFound, name, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%w exposing %q (is it running and registered with this registry?)", ErrNotFound, name)
	}
	return addrs, nil
}

// DiscoverOnHost is Discover limited to the servers on host (a name or an
// address; a name matches every address it resolves to), as Python's
// discover(name, host=...).
func DiscoverOnHost(ctx context.Context, d Discoverer, name, host string) ([]ServerAddr, error) {
	addrs, err := Discover(ctx, d, name)
	if err != nil || host == "" {
		return addrs, err
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("registry: host %q: cannot resolve it: %w", host, err)
	}
	var out []ServerAddr
	for _, a := range addrs {
		ip, err := netip.ParseAddr(a.Host)
		if err != nil {
			continue
		}
		for _, want := range ips {
			if want.Unmap() == ip.Unmap() {
				out = append(out, a)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w exposing %q on host %q (found %d elsewhere)", ErrNotFound, name, host, len(addrs))
	}
	return out, nil
}

// ListServices returns the service names a registry knows (Python's
// rpyc.list_services), all of them or those with a server on filterHost.
// It fails with ErrListingDisabled unless the registry allows listing. A
// nil l is a UDPClient with the defaults, which broadcasts.
func ListServices(ctx context.Context, l Lister, filterHost string) ([]string, error) {
	if l == nil {
		l = &UDPClient{}
	}
	return l.List(ctx, filterHost)
}

// ConnectOptions tunes ConnectByService. A nil *ConnectOptions is the
// zero value: any host, no local service, rpyc.DefaultConfig().
type ConnectOptions struct {
	// Host limits the servers tried to those on this host (Python's host=).
	Host string
	// Service is what this side offers the server (nil: VoidService).
	Service any
	// Config is the connection's configuration (nil: the defaults).
	Config *rpyc.Config
	// DialTimeout bounds each attempt; zero means DefaultDialTimeout. The
	// context bounds the whole call.
	DialTimeout time.Duration
}

// ConnectByService discovers the servers exposing name and connects to
// one of them, trying them in random order (so clients spread over the
// servers) and moving on to the next when a connection fails. It fails
// with ErrNotFound when none is registered, and with ErrAllDown, joined
// with each attempt's error, when none answers. A nil d is a UDPClient
// with the defaults, which broadcasts.
func ConnectByService(ctx context.Context, d Discoverer, name string, opts *ConnectOptions) (*rpyc.Conn, error) {
	var o ConnectOptions
	if opts != nil {
		o = *opts
	}
	addrs, err := DiscoverOnHost(ctx, d, name, o.Host)
	if err != nil {
		return nil, err
	}
	return DialAny(ctx, addrs, &o)
}

// DialAny connects to one of addrs, trying them in random order and
// moving on after each failure: the second half of ConnectByService, for
// callers that hold a list already. opts' Host is ignored.
func DialAny(ctx context.Context, addrs []ServerAddr, opts *ConnectOptions) (*rpyc.Conn, error) {
	var o ConnectOptions
	if opts != nil {
		o = *opts
	}
	timeout := o.DialTimeout
	if timeout <= 0 {
		timeout = DefaultDialTimeout
	}
	order := rand.Perm(len(addrs))
	errs := make([]error, 0, len(addrs))
	for _, i := range order {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("registry: connecting to a server: %w", err)
		}
		actx, cancel := context.WithTimeout(ctx, timeout)
		c, err := rpyc.DialService(actx, addrs[i].String(), o.Service, o.Config)
		cancel()
		if err == nil {
			return c, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", addrs[i], err))
	}
	return nil, fmt.Errorf("%w (%d tried): %w", ErrAllDown, len(addrs), errors.Join(errs...))
}
