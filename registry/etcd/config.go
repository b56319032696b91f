package etcd

import (
	"log/slog"
	"strings"
	"time"
)

// Defaults of Config.
const (
	// DefaultPrefix is the key prefix every registration lives under.
	DefaultPrefix = "/rpyc/services/"
	// DefaultTTL is the lease TTL: how long a server that died stays
	// listed. The keepalive renews it about every third of it.
	DefaultTTL = 10 * time.Second
	// DefaultAdvertiseHost replaces an unspecified listen host (0.0.0.0,
	// ::, or none) in the address a server registers.
	DefaultAdvertiseHost = "127.0.0.1"
)

// Config tunes a Registrar or a Discoverer. The zero value, or a nil
// *Config, is the defaults; a partly filled Config takes the defaults for
// the rest. A Registrar and the Discoverers that should find its servers
// must use the same Prefix.
type Config struct {
	// Prefix is the key prefix; it should end with "/". Empty means
	// DefaultPrefix.
	Prefix string
	// TTL is the lease TTL of each registration, rounded up to whole
	// seconds (etcd's unit). Zero means DefaultTTL (10 s). etcd raises a
	// TTL below its minimum (about 1.5 s with the default election
	// timeout).
	TTL time.Duration
	// AdvertiseHost is the host registered for a server listening on an
	// unspecified address (0.0.0.0, ::): unlike the UDP and TCP
	// registries, etcd cannot see where a request came from, so the
	// registrar must name a host the clients can reach. Empty means
	// DefaultAdvertiseHost (127.0.0.1, right only on one machine): set it
	// to the machine's address, or have the server listen on it.
	AdvertiseHost string
	// Logger gets lease losses, re-registrations and watch restarts. Nil
	// means slog.Default().
	Logger *slog.Logger
}

func (c *Config) withDefaults() Config {
	var out Config
	if c != nil {
		out = *c
	}
	if out.Prefix == "" {
		out.Prefix = DefaultPrefix
	}
	if !strings.HasSuffix(out.Prefix, "/") {
		out.Prefix += "/"
	}
	if out.TTL <= 0 {
		out.TTL = DefaultTTL
	}
	if out.AdvertiseHost == "" {
		out.AdvertiseHost = DefaultAdvertiseHost
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out
}

// ttlSeconds is TTL in etcd's unit, at least one second.
func (c *Config) ttlSeconds() int64 {
	s := int64((c.TTL + time.Second - 1) / time.Second)
	return max(s, 1)
}

// key is where name's server at hostport is stored.
func (c *Config) key(name, hostport string) string {
	return c.Prefix + strings.ToUpper(name) + "/" + hostport
}
