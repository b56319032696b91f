package registry

import (
	"log/slog"
	"time"
)

// Config tunes a Server. The zero value, or a nil *Config, is Python's
// defaults; a partly filled Config takes the defaults for the rest.
type Config struct {
	// PruningTimeout is how long a server stays listed after its last
	// REGISTER. Zero means DefaultPruningTimeout (4 minutes). Servers
	// re-register every ReregisterInterval (1 minute), so one that died
	// vanishes within this time.
	PruningTimeout time.Duration
	// AllowListing answers LIST with the service names. It is off by
	// default, as in Python (rpyc #452): listing tells anyone on the
	// network what runs where. When off, LIST gets None.
	AllowListing bool
	// MaxEntries caps the (service name, server) pairs kept. Zero means
	// DefaultMaxEntries. Once full, stale entries are pruned; if none are,
	// a REGISTER for a new pair is dropped with a log line and not
	// acknowledged, while servers already known keep refreshing.
	MaxEntries int
	// MaxTCPConns bounds TCP requests served at once; more wait in the
	// listen backlog. Zero means 64.
	MaxTCPConns int
	// OnServiceAdded, when set, is called each time a server joins a
	// service name: its first REGISTER under that name, not the
	// re-registrations that keep it listed (Python's on_service_added).
	// name is upper case, as the registry keeps it.
	OnServiceAdded func(name string, server ServerAddr)
	// OnServiceRemoved, when set, is called each time a server leaves a
	// name: it sent UNREGISTER, or it was pruned after PruningTimeout
	// without re-registering, which the registry notices at the next
	// request it serves (Python's on_service_removed).
	//
	// Both hooks run one at a time, in the order of the changes, on a
	// goroutine serving a request (usually the one that caused the
	// change, before it is answered): keep them short, or hand the work
	// to a goroutine. They may call the Server's Query and Services. A
	// panic in a hook is logged and the registry goes on.
	OnServiceRemoved func(name string, server ServerAddr)
	// Logger gets one line per dropped request and, at debug level, one per
	// request served. Nil means slog.Default().
	Logger *slog.Logger
}

func (c *Config) withDefaults() Config {
	var out Config
	if c != nil {
		out = *c
	}
	if out.PruningTimeout <= 0 {
		out.PruningTimeout = DefaultPruningTimeout
	}
	if out.MaxEntries <= 0 {
		out.MaxEntries = DefaultMaxEntries
	}
	if out.MaxTCPConns <= 0 {
		out.MaxTCPConns = 64
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out
}
