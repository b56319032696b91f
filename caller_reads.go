package rpyc

import (
	"context"
	"errors"
	"time"

	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
)

// Callers reading their own replies: the client's half of the sync path
// without a hand-off (inline.go is the server's).
//
// A reader goroutine that hands a reply to a waiting caller costs a
// goroutine wake-up per call, which on a machine with idle cores is a
// futex wake and a spinning thread. So when a reader has delivered a
// reply and nothing else is under way on the connection (no call
// awaiting a reply, no request being served, nothing buffered), it stops
// reading and parks reading instead. The next synchronous call takes it
// up: its caller reads the stream itself, delivering the replies that
// arrive (its own, other callers') until its own is in, then parks
// reading again; a request of the peer's that arrives meanwhile goes,
// with reading, to a reader goroutine. Python's client works this way (whoever waits serves); unlike
// Python's, ours never leaves the connection unread for long: when no
// call takes reading up within parkSlice, a reader goroutine starts
// again, so the peer's requests and pings are served as before.
//
// A reading caller keeps every promise of a waiting one: it returns at
// its deadline (the wait for a frame is cut short, the deadline is
// checked between frames, and a frame that has begun is left to a reader
// goroutine rather than read past the deadline), it never runs the
// peer's handlers nor waits for room to park its requests, and the
// connection's end ends its wait.

// parkSlice is how long the connection may go unread after a caller's
// reply, waiting for the next call to read it.
const parkSlice = time.Millisecond

// parkReading parks reading, if nothing is under way that needs a
// reader now (c.mu held; called by the goroutine that reads). The timer
// that starts a reader again is armed once and pushed back lazily (see
// unpark), not reset for every call: a timer change can wake the
// runtime's network poller, a system call.
func (c *Conn) parkReading() bool {
	if c.closing || len(c.pending) > 0 || !c.idle() || c.ch.Buffered() > 0 || !c.ch.CanInterrupt() {
		return false
	}
	c.readParked = true
	c.parkedAt = time.Now()
	if !c.parkArmed {
		c.parkArmed = true
		if c.parkTimer == nil {
			c.parkTimer = time.AfterFunc(parkSlice, c.unpark)
		} else {
			c.parkTimer.Reset(parkSlice)
		}
	}
	return true
}

// unpark is parkTimer's function: when reading has stayed parked for
// parkSlice, nobody took it up, and a reader goroutine takes it.
func (c *Conn) unpark() {
	c.mu.Lock()
	c.parkArmed = false
	if !c.readParked || c.closing {
		c.mu.Unlock()
		return
	}
	if left := parkSlice - time.Since(c.parkedAt); left > 0 {
		c.parkArmed = true // parked again since the timer was armed
		c.parkTimer.Reset(left)
		c.mu.Unlock()
		return
	}
	c.readParked = false
	c.mu.Unlock()
	c.loop()
}

// takeReading takes parked reading up for a caller; false when another
// goroutine reads. The timer stays armed: it finds nothing parked, or a
// later park, when it fires.
func (c *Conn) takeReading() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.readParked || c.closing {
		return false
	}
	c.readParked = false
	c.callerReads = true
	c.readsTaken.Add(1)
	return true
}

// handReading gives reading up after a caller read: parked when nothing
// needs a reader, else to a new reader goroutine.
func (c *Conn) handReading() {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		c.closeReadDone()
		return
	}
	parked := c.parkReading()
	c.mu.Unlock()
	if !parked {
		go c.loop()
	}
}

// readUntil reads frames on the caller's goroutine until res is ready.
// Replies it delivers itself; the first request of the peer's it leaves,
// decoded, to a reader goroutine (loopAfter), which goes on reading, so
// that a caller never runs the peer's handlers nor waits for room to
// park them. It reports false when ctx ended, or limit (when positive)
// passed, before res was ready. Reading is handed on when it returns.
func (c *Conn) readUntil(ctx context.Context, res *AsyncResult, limit time.Duration) bool {
	defer func() {
		c.mu.Lock()
		c.callerReads = false
		c.mu.Unlock()
	}()
	var deadline time.Time
	if limit > 0 {
		deadline = time.Now().Add(limit)
	}
	for first := true; !res.Ready(); first = false {
		var left time.Duration
		if limit > 0 {
			left = time.Until(deadline)
		}
		if ctx.Err() != nil || limit > 0 && left <= 0 {
			c.handReading()
			return false
		}
		if !first {
			// Something else came first: acknowledge at once what comes
			// next (expectingReply).
			c.mu.Lock()
			c.callerReads = false
			c.mu.Unlock()
		}
		whole, err := c.ch.AwaitWhole(ctx, left)
		if errors.Is(err, channel.ErrInterrupted) {
			c.handReading()
			return false
		}
		if err != nil {
			c.readFailed(err)
			c.closeReadDone()
			return true
		}
		if !whole {
			// A frame on its way: a reader goroutine reads it, so that
			// this caller can still return at its deadline.
			go c.loop()
			return true
		}
		f, err := c.recv()
		if err != nil {
			c.readFailed(err)
			c.closeReadDone()
			return true
		}
		m, ok := c.decode(f)
		if !ok {
			c.closeReadDone() // the connection ended
			return true
		}
		if m.Type == message.Request {
			go c.loopAfter(&firstRequest{m, f.th})
			return true
		}
		c.act(m, f.th, nil)
	}
	c.handReading()
	return true
}
