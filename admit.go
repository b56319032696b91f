package rpyc

import (
	"time"
)

// Admission of the peer's requests
//
// A request runs on a handler goroutine when a slot is free: at most
// MaxInFlight run at once, not counting handlers that are waiting for the
// peer's reply to a callback (up to Limits.MaxCallbackDepth of those), so
// a chain of nested callbacks never runs out of slots. A request that finds
// no slot is parked, in arrival order, and the reader goes on reading: a
// peer that vanishes is seen at once, and its handlers' contexts are
// cancelled. Parked requests are bounded by Limits.MaxParkedBytes (and the
// shared budget); past that the reader waits for room, which stops reading
// the socket and slows the peer through TCP. A handler that finishes takes
// the next parked request itself, with no hand-off.

// capacity is how many handlers may run now (c.mu held): MaxInFlight,
// plus one for each handler waiting on a callback's reply, up to
// MaxCallbackDepth of them (all of them when that limit is off).
func (c *Conn) capacity() int {
	extra := c.waitingHandlers
	if d := c.cfg.Limits.MaxCallbackDepth; d >= 0 {
		extra = min(extra, d)
	}
	return c.cfg.MaxInFlight + extra
}

// parkOverhead is what a parked request costs beyond what it holds of
// the budget (its frame and decoded arguments): the request itself and
// its place in the queue. Charging it keeps MaxParkedBytes a bound on
// memory even for a flood of tiny requests.
const parkOverhead = 512

// admit runs r on a handler goroutine, or parks it. It reports false when
// the connection ended while waiting for room. r holds its share of the
// budget (r.held) until it has been served, or until it is dropped.
func (c *Conn) admit(r request) bool {
	limit := c.cfg.Limits.MaxParkedBytes
	size := r.held + parkOverhead
	c.mu.Lock()
	for {
		if c.closing {
			c.mu.Unlock()
			c.budget.Release(r.held)
			return false
		}
		if len(c.parked) == 0 && c.active < c.capacity() {
			c.active++
			c.run(r)
			c.mu.Unlock()
			return true
		}
		if len(c.parked) == 0 || limit < 0 || c.parkedBytes+size <= limit {
			break // room on this connection
		}
		// No room: stop reading until a handler takes a parked request.
		c.roomWaiters++
		c.room.Wait()
		c.roomWaiters--
	}
	c.parked = append(c.parked, r)
	c.parkedBytes += size
	c.mu.Unlock()
	return true
}

// run hands r to an idle worker, or starts one. The caller holds c.mu,
// has seen the connection open and has counted r in c.active: a worker
// is added to c.handlers only while shutdown cannot have begun, so the
// wait for handlers (and the OnDisconnect hooks after it) never races a
// late Add.
func (c *Conn) run(r request) {
	select {
	case c.work <- r: // an idle worker took it
	default:
		c.handlers.Add(1)
		go c.worker(r)
	}
}

// popParked takes the oldest parked request (c.mu held, one parked) and
// wakes a reader waiting for room.
func (c *Conn) popParked() request {
	r := c.parked[0]
	c.parked[0] = request{}
	c.parked = c.parked[1:]
	if len(c.parked) == 0 {
		c.parked = nil
	}
	c.parkedBytes -= r.held + parkOverhead
	c.wakeReader()
	return r
}

// wakeReader wakes a reader waiting in admit for room (c.mu held).
func (c *Conn) wakeReader() {
	if c.roomWaiters > 0 {
		c.room.Broadcast()
	}
}

// idle reports whether no request is served or parked (c.mu held).
func (c *Conn) idle() bool { return c.active == 0 && len(c.parked) == 0 }

// next is called by a worker that finished a request (c.mu not held): it
// returns a parked request to serve next, or releases the worker's slot.
func (c *Conn) next() (request, bool) {
	c.mu.Lock()
	if len(c.parked) > 0 && !c.closing && c.active <= c.capacity() {
		r := c.popParked()
		c.mu.Unlock()
		return r, true
	}
	c.active--
	c.wakeReader() // a slot is free
	closeNow := c.drain && c.idle() && !c.closing
	c.mu.Unlock()
	if closeNow {
		go c.Close()
	}
	return request{}, false
}

// handlerWaits and handlerResumes bracket a synchronous request that one
// of this connection's handlers makes (a callback into the peer, made
// with the handler's context): while the handler waits for the reply,
// one more of the peer's requests may run, so that the peer's nested
// callback into us finds a slot. Calls made by other goroutines need no
// slot: their replies are read by the reader, which never waits for one.
func (c *Conn) handlerWaits() {
	c.mu.Lock()
	c.waitingHandlers++
	if len(c.parked) > 0 && c.active < c.capacity() && !c.closing {
		r := c.popParked()
		c.active++
		c.run(r)
	}
	c.mu.Unlock()
}

func (c *Conn) handlerResumes() {
	c.mu.Lock()
	c.waitingHandlers--
	c.mu.Unlock()
}

// dropParked forgets parked requests when the connection ends.
func (c *Conn) dropParked() {
	c.mu.Lock()
	for _, r := range c.parked {
		c.budget.Release(r.held)
	}
	c.parked = nil
	c.parkedBytes = 0
	c.room.Broadcast()
	c.mu.Unlock()
}

// workerIdle is how long a handler goroutine waits for more work before
// it exits. Keeping workers keeps their grown stacks: a new goroutine per
// request spent a quarter of its time growing its stack through reflect.
const workerIdle = 5 * time.Second

// worker serves r, then parked requests and further requests handed over
// c.work, until it has been idle for workerIdle or the connection ends.
func (c *Conn) worker(r request) {
	defer c.handlers.Done()
	var idle *time.Timer
	for {
		c.serveRequest(r)
		var ok bool
		if r, ok = c.next(); ok {
			continue
		}
		if idle == nil {
			idle = time.NewTimer(workerIdle)
			defer idle.Stop()
		} else {
			idle.Reset(workerIdle)
		}
		select {
		case r = <-c.work:
		case <-idle.C:
			return
		case <-c.done:
			return
		}
	}
}

// othersInFlight reports whether requests other than the caller's are
// being served or parked.
func (c *Conn) othersInFlight() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active > 1 || len(c.parked) > 0
}
