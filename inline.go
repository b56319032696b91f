package rpyc

import "time"

// Inline serving: the sync path without a hand-off.
//
// A request that arrives alone (nothing more buffered behind it) on a
// connection that serves itself is run by the reader goroutine itself,
// and its reply written from there: no worker is woken and no reply is
// handed back, which on a machine with idle cores costs the futex wakes
// and the spinning thread of two goroutine hand-offs per call. Reading
// must go on while a handler blocks or runs long, so the reader hands its
// job over (a new reader goroutine takes it, leader/follower): at once
// when the handler calls back into the peer with its context
// (workerWaits), and otherwise after inlineSlice, the longest a handler
// may hold the connection's reading. The goroutine that ran the handler
// then finishes as a worker does. Requests that arrive in a burst (more
// buffered) go to workers as before, so pipelined calls still run in
// parallel with their replies batched.

// inlineSlice bounds how long a request run by the reader may keep the
// connection unread: past it, another goroutine reads.
const inlineSlice = time.Millisecond

// runInline runs r on the reader whose state is ls (c.mu held on entry,
// released). It reports whether this goroutine is still the reader
// afterwards: false when it handed reading over meanwhile and must stop
// reading.
func (c *Conn) runInline(r request, ls *loopState) bool {
	ls.taken = false
	c.inline = ls    // the reader's request, which takeOver may hand over
	c.workers.Add(1) // Close waits for it as for a worker
	c.mu.Unlock()
	if ls.timer == nil {
		// Each reader has its own timer: stopping it must never stop
		// the timer of the reader that took over from this one.
		ls.timer = time.AfterFunc(time.Hour, func() { c.takeOverLate(ls) })
	}
	ls.timer.Reset(inlineSlice)
	c.serveRequest(r)
	ls.timer.Stop()
	c.mu.Lock()
	if c.inline == ls {
		c.inline = nil
	}
	moved := ls.taken
	c.mu.Unlock()
	if moved {
		// Another goroutine reads now: finish as a worker would.
		for {
			next, ok := c.next()
			if !ok {
				break
			}
			c.serveRequest(next)
		}
		c.workers.Done()
		return false
	}
	if next, ok := c.next(); ok {
		// A parked request (promoted meanwhile): a worker takes it, the
		// reader goes back to reading.
		c.mu.Lock()
		c.active++
		if c.closing {
			c.active--
			c.mu.Unlock()
			c.drop(next)
		} else {
			c.run(next)
			c.mu.Unlock()
		}
	}
	c.workers.Done()
	return true
}

// takeOver starts a new reader while the reader runs a request (c.mu
// held): the handler blocked (a callback) or ran past inlineSlice.
func (c *Conn) takeOver() {
	ls := c.inline
	if ls == nil || ls.taken || c.closing {
		return
	}
	ls.taken = true
	c.inline = nil // the new reader may run requests of its own
	go c.loop()
}

// takeOverLate is the inlineSlice timer's function for reader ls: it
// takes over only if ls still runs its request.
func (c *Conn) takeOverLate(ls *loopState) {
	c.mu.Lock()
	if c.inline == ls {
		c.takeOver()
	}
	c.mu.Unlock()
}
