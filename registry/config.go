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
