package rpyc

import "time"

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

// capacity is how many handlers may run now (c.mu held).
func (c *Conn) capacity() int {
	return c.cfg.MaxInFlight + min(c.syncWaiting, c.cfg.Limits.MaxCallbackDepth)
}

// admit runs r on a handler goroutine, or parks it. It reports false when
// the connection ended while waiting for room.
func (c *Conn) admit(r request) bool {
	c.mu.Lock()
	for {
		if c.closing {
			c.mu.Unlock()
			return false
		}
		if len(c.parked) == 0 && c.active < c.capacity() {
			c.active++
			c.mu.Unlock()
			c.run(r)
			return true
		}
		if len(c.parked) == 0 || c.parkedBytes+r.size <= c.cfg.Limits.MaxParkedBytes || c.cfg.Limits.MaxParkedBytes < 0 {
			if c.cfg.Limits.Budget.TryAcquire(r.size) {
				c.parked = append(c.parked, r)
				c.parkedBytes += r.size
				c.mu.Unlock()
				return true
			}
		}
		// No room: stop reading until a handler takes a parked request or
		// the shared budget frees up.
		c.roomWaiters++
		c.room.Wait()
		c.roomWaiters--
	}
}

// run hands r to an idle worker, or starts one. The caller has counted r
// in c.active.
func (c *Conn) run(r request) {
	select {
	case c.work <- r: // an idle worker took it
	default:
		c.handlers.Add(1)
		go c.worker(r)
	}
}

// next is called by a worker that finished a request (c.mu not held): it
// returns a parked request to serve next, or releases the worker's slot.
func (c *Conn) next() (request, bool) {
	c.mu.Lock()
	if len(c.parked) > 0 && !c.closing && c.active <= c.capacity() {
		r := c.parked[0]
		c.parked[0] = request{}
		c.parked = c.parked[1:]
		if len(c.parked) == 0 {
			c.parked = nil
		}
		c.parkedBytes -= r.size
		c.cfg.Limits.Budget.Release(r.size)
		if c.roomWaiters > 0 {
			c.room.Broadcast()
		}
		c.mu.Unlock()
		return r, true
	}
	c.active--
	idle := c.drain && c.active == 0 && len(c.parked) == 0 && !c.closing
	c.mu.Unlock()
	if idle {
		go c.Close()
	}
	return request{}, false
}

// callbackStarted and callbackDone bracket a synchronous request this side
// makes: while it waits, one more handler may run, so that the peer's
// nested callback into us finds a slot.
func (c *Conn) callbackStarted() {
	c.mu.Lock()
	c.syncWaiting++
	promote := len(c.parked) > 0 && c.active < c.capacity() && !c.closing
	var r request
	if promote {
		r = c.parked[0]
		c.parked[0] = request{}
		c.parked = c.parked[1:]
		c.parkedBytes -= r.size
		c.cfg.Limits.Budget.Release(r.size)
		c.active++
		if c.roomWaiters > 0 {
			c.room.Broadcast()
		}
	}
	c.mu.Unlock()
	if promote {
		c.run(r)
	}
}

func (c *Conn) callbackDone() {
	c.mu.Lock()
	c.syncWaiting--
	c.mu.Unlock()
}

// dropParked forgets parked requests when the connection ends.
func (c *Conn) dropParked() {
	c.mu.Lock()
	c.cfg.Limits.Budget.Release(c.parkedBytes)
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

// replyQuick answers a request on the reader, without a handler: DEL
// acknowledgements and requests refused before they ran. The reader
// writes the reply itself (joining a batch being written, if any), with
// no goroutine: the write is bounded by the write queue and the write
// timeout, so a peer that stops reading stops being read.
func (c *Conn) replyQuick(seq any, value any, err error) {
	c.replyQueued(seq, value, err, false)
}

// othersInFlight reports whether requests other than the caller's are
// being served or parked.
func (c *Conn) othersInFlight() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active > 1 || len(c.parked) > 0
}
