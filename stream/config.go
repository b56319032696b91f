package stream

import (
	"net"
	"syscall"
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

	// KeepAlive is the TCP keep-alive period, which lets a long-lived RPyC
	// connection notice a peer that vanished without closing: probes
	// after KeepAlive of silence, every KeepAlive, three unanswered end
	// the connection, and on Linux TCP_USER_TIMEOUT ends it when data
	// stays unacknowledged as long, so a dead peer is noticed within
	// DeadPeerBound(KeepAlive), idle or mid-call. Zero means
	// DefaultKeepAlive (10 s, so 40 s); negative disables both.
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

// keepAlive returns the keep-alive period, DefaultKeepAlive for a nil or
// zero Config.
func (c *Config) keepAlive() time.Duration {
	if c == nil || c.KeepAlive == 0 {
		return DefaultKeepAlive
	}
	return c.KeepAlive
}

// keepAliveConfig is the net package's form of keepAlive.
func (c *Config) keepAliveConfig() net.KeepAliveConfig {
	if p := c.keepAlive(); p > 0 {
		return keepAliveConfig(p)
	}
	return net.KeepAliveConfig{Enable: false}
}

// control sets TCP_USER_TIMEOUT on sockets before they connect or listen.
func (c *Config) control(_, _ string, rc syscall.RawConn) error {
	if p := c.keepAlive(); p > 0 {
		return userTimeoutControl(rc, DeadPeerBound(p))
	}
	return nil
}

// dialer builds the net.Dialer that DialTCP uses.
func (c *Config) dialer() *net.Dialer {
	return &net.Dialer{Timeout: c.dialTimeout(), KeepAlive: c.keepAlive(), KeepAliveConfig: c.keepAliveConfig(), Control: c.control}
}
