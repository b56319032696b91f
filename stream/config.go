package stream

import (
	"net"
	"time"
)

// Config tunes how TCP connections are dialed and accepted. It exists so
// that servers and clients can agree on connection-level behaviour (keep-alive
// probes, connect timeout) without each caller building a net.Dialer by hand.
// A nil *Config is valid and means the defaults described on each field.
type Config struct {
	// DialTimeout bounds connection establishment in addition to the
	// context passed to the dial function, which is convenient for callers
	// that only have context.Background. Zero means no extra bound.
	DialTimeout time.Duration

	// KeepAlive controls TCP keep-alive probes, which let a long-lived but
	// idle RPyC connection notice a peer that vanished without closing.
	// It follows net.Dialer.KeepAlive: zero enables probes with Go's default
	// period (currently 15 seconds), a positive value enables them with that
	// idle time and interval, and a negative value disables them.
	KeepAlive time.Duration
}

// dialTimeout returns the configured dial timeout, treating a nil Config as
// the zero Config.
func (c *Config) dialTimeout() time.Duration {
	if c == nil {
		return 0
	}
	return c.DialTimeout
}

// keepAlive returns the configured keep-alive period, treating a nil Config
// as the zero Config.
func (c *Config) keepAlive() time.Duration {
	if c == nil {
		return 0
	}
	return c.KeepAlive
}

// dialer builds the net.Dialer that DialTCP uses.
func (c *Config) dialer() *net.Dialer {
	return &net.Dialer{Timeout: c.dialTimeout(), KeepAlive: c.keepAlive()}
}
