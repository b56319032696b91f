package rpyc

import (
	"errors"
	"fmt"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
)

// Heartbeat makes a connection notice a peer that stopped answering,
// where TCP cannot: through a proxy, a tunnel or a load balancer whose
// own end stays up, over a pipe or SSH channel, or sooner than TCP
// keep-alive's bound (stream.DeadPeerBound). When nothing has arrived
// from the peer for Interval, the connection pings it (HANDLE_PING, which
// every RPyC peer answers); when nothing has arrived for Interval +
// Timeout, it ends the connection, and every call in flight fails at once
// with an error matching ErrPeerUnresponsive. Any frame counts as a sign
// of life, not only the ping's reply.
//
// A Go peer answers pings on its reader, whatever its handlers are doing
// (unless it has an Interceptor, which sees pings like other requests).
// Python serves one message at a time per connection thread: during a
// long call to a Python peer, its answer to a ping waits for the call, so
// give Timeout more than your longest call to a Python peer, or leave the
// heartbeat off there (TCP keep-alive still notices a vanished host). A
// connection that pings is never idle (Limits.IdleTimeout): the replies
// are traffic.
//
// The zero Heartbeat is off, as in Python and gRPC's clients.
type Heartbeat struct {
	// Interval is the silence after which the peer is pinged. Zero: no
	// heartbeat.
	Interval time.Duration
	// Timeout is how long after a ping the peer may stay silent. Zero
	// means 20 s (gRPC's keep-alive timeout).
	Timeout time.Duration
}

// DefaultHeartbeatTimeout is Heartbeat.Timeout when it is zero.
const DefaultHeartbeatTimeout = 20 * time.Second

// ErrPeerUnresponsive is matched by the errors of calls that were in
// flight when the peer was found silent past a bound (the heartbeat's,
// or TCP's: keep-alive probes unanswered, data unacknowledged past
// TCP_USER_TIMEOUT, the network to it gone), and by the connection's Err.
var ErrPeerUnresponsive = errors.New("rpyc: the peer stopped answering")

// heartbeatPing is the data of our heartbeat pings: small, so a peer
// answers it without delay, and recognisable in a capture.
var heartbeatPing = []byte("rpyc-go heartbeat")

// markAlive records that a frame arrived.
func (c *Conn) markAlive() {
	if c.cfg.Heartbeat.Interval > 0 {
		c.lastRecv.Store(time.Now().UnixNano())
	}
}

// heartbeat pings a silent peer and ends the connection when it stays
// silent past the bound; it runs while the connection does (Start,
// startManual).
func (c *Conn) heartbeat() {
	hb := c.cfg.Heartbeat
	c.lastRecv.Store(time.Now().UnixNano())
	t := time.NewTimer(hb.Interval)
	defer t.Stop()
	lastPing := time.Time{}
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		now := time.Now()
		last := time.Unix(0, c.lastRecv.Load())
		silent := now.Sub(last)
		if silent >= hb.Interval+hb.Timeout && !lastPing.IsZero() && lastPing.After(last) {
			c.log.Warn("rpyc: closing connection: the peer stopped answering", "silent", silent.Round(time.Millisecond), "heartbeat", hb.Interval, "timeout", hb.Timeout)
			c.shutdown(fmt.Errorf("%w: nothing received for %v (Config.Heartbeat: ping after %v, then wait %v)",
				ErrPeerUnresponsive, silent.Round(time.Millisecond), hb.Interval, hb.Timeout))
			return
		}
		next := hb.Interval - silent
		if silent >= hb.Interval {
			if lastPing.Before(last) || lastPing.IsZero() {
				c.ping()
				lastPing = now
			}
			next = max(hb.Interval+hb.Timeout-silent, time.Millisecond)
		}
		t.Reset(next)
	}
}

// ping sends one heartbeat ping without waiting for it: its reply, like
// any frame, marks the peer alive.
func (c *Conn) ping() {
	res := newAsyncResult(c)
	p := &argsPayload{c: c, op: message.HandlePing, args: brine.Tuple{heartbeatPing}}
	if err := c.requestPayload(p, res, sendQueued); err != nil {
		return
	}
	res.AddCallback(func(*AsyncResult) {}) // nothing to do: the reply arriving is what counts
}

// pingGuard counts pings the peer sends more often than
// Limits.MinPingInterval; it reports false when the peer should be
// dropped (gRPC's "too many pings").
func (c *Conn) pingGuard() bool {
	min := c.cfg.Limits.MinPingInterval
	if min <= 0 {
		return true
	}
	now := time.Now().UnixNano()
	prev := c.lastPingIn.Swap(now)
	if prev != 0 && time.Duration(now-prev) < min {
		if c.pingStrikes.Add(1) > maxPingStrikes {
			return false
		}
		return true
	}
	c.pingStrikes.Store(0)
	return true
}

// maxPingStrikes is how many pings in a row may come sooner than
// Limits.MinPingInterval before the peer is dropped.
const maxPingStrikes = 2
