package reconnect

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/registry"
)

// Options says where a Client connects and how it redials. Exactly one of
// Addrs, Discoverer (with Name) or Dial says where; every other zero field
// means the default given on it.
type Options struct {
	// Addrs are the servers ("host:port"), tried in order from the one
	// after the server last lost, so a failover goes to the next.
	Addrs []string
	// Discoverer finds the servers of service Name at every redial (a
	// registry.UDPClient or TCPClient, or registry/etcd's Discoverer), so
	// a client can land on a server that was not running when it started.
	// Servers are tried in random order, the one just lost last.
	Discoverer registry.Discoverer
	// Name is the service looked up through Discoverer ("CALC").
	Name string
	// Dial, when set, makes each connection instead (TLS, SSH, Unix, a
	// custom stream); addr is what it reports for logs and errors.
	Dial func(ctx context.Context) (conn *rpyc.Conn, addr string, err error)

	// DialOptions are passed to rpyc.DialWith for Addrs and Discoverer:
	// the service offered to the server (callbacks), keepalive, connect
	// retries. nil means rpyc's defaults.
	DialOptions *rpyc.DialOptions
	// Config is each connection's configuration (nil: rpyc's defaults).
	Config *rpyc.Config

	// Setup runs on every new connection before any call is made on it:
	// fetch the root, look up objects, register callbacks again. Its ctx
	// is the attempt's (AttemptTimeout) and ends when it returns. An
	// error closes that connection and counts as a failed attempt; the
	// first Dial returns it. nil: none.
	Setup func(ctx context.Context, conn *rpyc.Conn) error

	// Backoff paces the redials after the first round of attempts.
	Backoff Backoff
	// AttemptTimeout bounds one attempt: the dial, the first request and
	// Setup. Zero means DefaultAttemptTimeout (10 s).
	AttemptTimeout time.Duration

	// PingInterval, when positive, pings the server (HANDLE_PING) after
	// this much time without a ping, and drops the connection (and
	// redials) when a reply takes longer than PingTimeout: how a server
	// that vanished without a FIN or reset is noticed. Zero: no pings.
	// A ping waits behind the connection's other traffic, so a
	// PingTimeout shorter than the longest transfer drops live
	// connections.
	PingInterval time.Duration
	// PingTimeout bounds each ping; zero means PingInterval.
	PingTimeout time.Duration

	// Logger gets a line per connection lost and made. nil means
	// slog.Default().
	Logger *slog.Logger
}

// Backoff paces redials: after failed round n (every server tried once),
// the client waits Initial·Multiplier^(n-1), at most Max, varied by
// ±Jitter so that clients that lost the same server do not come back in
// step. The first round after a loss starts at once. gRPC's connection
// backoff is the model; its defaults are slower (1 s, 120 s).
type Backoff struct {
	// Initial is the wait after the first failed round; zero means
	// 100 ms.
	Initial time.Duration
	// Max caps the wait; zero means 10 s.
	Max time.Duration
	// Multiplier grows the wait after each failed round; zero (or less
	// than 1) means 1.6.
	Multiplier float64
	// Jitter is the fraction by which each wait is varied at random, up
	// or down; zero means 0.2, negative means none.
	Jitter float64
}

// DefaultAttemptTimeout bounds one connection attempt when
// Options.AttemptTimeout is zero.
const DefaultAttemptTimeout = 10 * time.Second

// withDefaults returns a copy of b with zero fields filled.
func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 100 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 10 * time.Second
	}
	if b.Max < b.Initial {
		b.Max = b.Initial
	}
	if b.Multiplier < 1 {
		b.Multiplier = 1.6
	}
	if b.Jitter == 0 {
		b.Jitter = 0.2
	}
	if b.Jitter < 0 {
		b.Jitter = 0
	}
	b.Jitter = min(b.Jitter, 1)
	return b
}

// wait returns the pause after failed round n (n ≥ 1).
func (b Backoff) wait(n int) time.Duration {
	d := float64(b.Initial)
	for i := 1; i < n && d < float64(b.Max); i++ {
		d *= b.Multiplier
	}
	d = min(d, float64(b.Max))
	if b.Jitter > 0 {
		d *= 1 + b.Jitter*(2*rand.Float64()-1)
	}
	return time.Duration(d)
}

// check reports options that cannot work, naming the field to fix.
func (o *Options) check() error {
	ways := 0
	if len(o.Addrs) > 0 {
		ways++
	}
	if o.Discoverer != nil {
		ways++
		if o.Name == "" {
			return errors.New("reconnect: Options.Discoverer is set but Name is empty: name the service to look up")
		}
	}
	if o.Dial != nil {
		ways++
	}
	switch ways {
	case 0:
		return errors.New("reconnect: no server given: set Options.Addrs, Options.Discoverer and Name, or Options.Dial")
	case 1:
		return nil
	default:
		return errors.New("reconnect: set only one of Options.Addrs, Options.Discoverer or Options.Dial")
	}
}

// withDefaults returns a copy of o with zero fields filled.
func (o *Options) withDefaults() Options {
	out := *o
	out.Addrs = append([]string(nil), o.Addrs...)
	out.Backoff = o.Backoff.withDefaults()
	if out.AttemptTimeout <= 0 {
		out.AttemptTimeout = DefaultAttemptTimeout
	}
	if out.PingInterval > 0 && out.PingTimeout <= 0 {
		out.PingTimeout = out.PingInterval
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out
}
