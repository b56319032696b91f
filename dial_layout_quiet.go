package rpyc

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// quietHandler logs warnings and errors at debug level while its flag is
// set. A dialer's first request may fail on purpose (a probe in the
// wrong layout) or fail in a way it returns to the caller (a peer that is
// not RPyC); the error goes to the caller, so the connection's own "closing
// after read error" line is not a warning then. Once the first request
// succeeded the flag is cleared and everything logs as usual.
type quietHandler struct {
	inner slog.Handler
	quiet *atomic.Bool
}

// quietUntilReady returns cfg with its logger wrapped, and the flag that
// keeps it quiet (initially set).
func quietUntilReady(cfg *Config) (*Config, *atomic.Bool) {
	quiet := new(atomic.Bool)
	quiet.Store(true)
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	c := *cfg
	c.Logger = slog.New(&quietHandler{inner: log.Handler(), quiet: quiet})
	return &c, quiet
}

// Enabled reports whether the inner handler takes records of the level
// this one would pass on.
func (h *quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if h.quiet.Load() && l >= slog.LevelWarn {
		l = slog.LevelDebug
	}
	return h.inner.Enabled(ctx, l)
}

// Handle passes the record on, lowered to debug while quiet.
func (h *quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.quiet.Load() && r.Level >= slog.LevelWarn {
		r.Level = slog.LevelDebug
		if !h.inner.Enabled(ctx, r.Level) {
			return nil
		}
	}
	return h.inner.Handle(ctx, r)
}

// WithAttrs keeps the shared flag.
func (h *quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &quietHandler{inner: h.inner.WithAttrs(attrs), quiet: h.quiet}
}

// WithGroup keeps the shared flag.
func (h *quietHandler) WithGroup(name string) slog.Handler {
	return &quietHandler{inner: h.inner.WithGroup(name), quiet: h.quiet}
}
