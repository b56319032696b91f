package stream

import (
	"sync"
	"time"
)

// deadline turns a point in time set by SetReadDeadline/SetWriteDeadline
// into a channel that is closed once that time has passed, so that blocked
// calls in the in-memory and pipe adapters can select on it alongside their
// other wake-up conditions. The zero value means "no deadline".
type deadline struct {
	mu    sync.Mutex
	gen   uint64        // bumped by every set/stop; stale timers check it
	timer *time.Timer   // pending expiry, if any
	ch    chan struct{} // closed when the deadline has passed; lazily made
}

// set arms the deadline for t; the zero time disarms it. Calls that are
// already waiting observe the new deadline, as net.Conn requires.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if d.ch == nil || closedChan(d.ch) {
		d.ch = make(chan struct{})
	}
	if t.IsZero() {
		return
	}
	dur := time.Until(t)
	if dur <= 0 {
		close(d.ch)
		return
	}
	gen, ch := d.gen, d.ch
	d.timer = time.AfterFunc(dur, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.gen == gen {
			close(ch)
		}
	})
}

// stop releases the timer when the stream is closed. The deadline stays in
// whatever state it was; closed streams fail before looking at it anyway.
func (d *deadline) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
}

// wait returns a channel that is closed when the current deadline passes.
func (d *deadline) wait() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ch == nil {
		d.ch = make(chan struct{})
	}
	return d.ch
}

// expired reports whether the current deadline has passed.
func (d *deadline) expired() bool {
	return closedChan(d.wait())
}

// closedChan reports whether ch has been closed, without blocking.
func closedChan(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// acquireWrite takes the one-token write semaphore sem, so that concurrent
// Writes never interleave, giving up when the stream closes or the write
// deadline d passes. The fast path takes a free token without looking at
// the deadline.
func acquireWrite(sem chan struct{}, closed <-chan struct{}, d *deadline, network string) error {
	select {
	case sem <- struct{}{}:
		return nil
	default:
	}
	select {
	case sem <- struct{}{}:
		return nil
	case <-closed:
		return errClosed("write", network)
	case <-d.wait():
		return errTimeout("write", network)
	}
}
