package rpyc

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc/stream"
)

// Retrying the TCP connect (DialOptions.Attempts). Python's socket connect
// tries up to `attempts` times (6 by default), but only after a connect
// timed out (its timeout is 3 s), waiting a random time that doubles with
// each collision, in units of 51.2 µs: Ethernet's truncated binary
// exponential backoff, for a listen queue that drops SYNs. Here a refused
// connect is retried too, because the case a Go program meets most is a
// server that is starting or restarting, and the unit is larger (10 ms),
// so six attempts span a restart of a few hundred milliseconds rather
// than four.

// Defaults of the retry options.
const (
	// DefaultDialBackoff is the unit of the wait between connect attempts
	// when DialOptions.Backoff is zero.
	DefaultDialBackoff = 10 * time.Millisecond
	// DefaultAttemptTimeout bounds each connect attempt when
	// DialOptions.Attempts asks for retries and Timeout is zero: Python's
	// socket connect timeout.
	DefaultAttemptTimeout = 3 * time.Second
)

// dialTCPRetrying connects to addr, trying up to o.Attempts times.
func dialTCPRetrying(ctx context.Context, addr string, sc *stream.Config, o *DialOptions) (net.Conn, error) {
	if o.Attempts <= 1 {
		return stream.DialTCP(ctx, addr, sc)
	}
	attempt := *sc
	if attempt.DialTimeout <= 0 {
		attempt.DialTimeout = DefaultAttemptTimeout
	}
	unit := o.Backoff
	if unit <= 0 {
		unit = DefaultDialBackoff
	}
	var err error
	for n := 1; ; n++ {
		var nc net.Conn
		nc, err = stream.DialTCP(ctx, addr, &attempt)
		if err == nil {
			return nc, nil
		}
		if n >= o.Attempts || ctx.Err() != nil || !retryableDial(err) {
			break
		}
		t := time.NewTimer(backoffWait(unit, n))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, errors.Join(err, ctx.Err())
		}
	}
	return nil, err
}

// backoffWait is the wait after the nth failed attempt: random in
// [0, unit·2^n), n capped at 10 (truncated binary exponential backoff
// with full jitter, so clients that failed together retry apart).
func backoffWait(unit time.Duration, n int) time.Duration {
	limit := unit << min(n, 10)
	return rand.N(limit)
}

// retryableDial reports whether a failed connect is worth another try: it
// timed out, or nothing listened yet (refused).
func retryableDial(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}
