package rpyc

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc/message"
)

// AsyncResult is the future of a request (Python's AsyncResult): it is
// ready when the reply or exception arrives, or when the connection ends.
// All methods are safe for concurrent use. Exactly one outcome is ever
// recorded; later deliveries are ignored.
type AsyncResult struct {
	conn    *Conn
	seq     int64
	handler message.Handler
	target  string // the method or attribute named, for error messages
	done    chan struct{}

	mu        sync.Mutex // protects the following
	value     any
	err       error
	ready     bool
	expiry    time.Time
	expired   bool        // the expiry passed first
	timer     *time.Timer // fires at the expiry
	callbacks []func(*AsyncResult)
}

func newAsyncResult(c *Conn) *AsyncResult {
	return &AsyncResult{conn: c, done: make(chan struct{})}
}

// deliver records the outcome once and runs the callbacks, each on its own
// goroutine so the reader is never blocked by user code.
func (r *AsyncResult) deliver(v any, err error) {
	r.mu.Lock()
	if r.ready {
		r.mu.Unlock()
		return
	}
	r.value, r.err, r.ready = v, err, true
	cbs := r.callbacks
	r.callbacks = nil
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	r.mu.Unlock()
	close(r.done)
	for _, cb := range cbs {
		go cb(r)
	}
}

// Done is closed when the result is ready.
func (r *AsyncResult) Done() <-chan struct{} { return r.done }

// Ready reports whether the result has arrived.
func (r *AsyncResult) Ready() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// Error reports whether the result is an error (Python's .error). It is
// false while the result is not ready.
func (r *AsyncResult) Error() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ready && r.err != nil
}

// SetExpiry makes the result expire d from now: if the reply has not
// arrived by then, the call is forgotten (a late reply is dropped, and it
// no longer counts against Limits.MaxPending), and the result becomes
// ready with an error matching ErrTimeout, which Wait and Value return
// and callbacks see. d <= 0 removes the expiry.
func (r *AsyncResult) SetExpiry(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	if d <= 0 {
		r.expiry = time.Time{}
		return
	}
	r.expiry = time.Now().Add(d)
	if !r.ready {
		r.timer = time.AfterFunc(d, func() { r.expire(d) })
	}
}

// expire ends a call whose expiry passed before its reply.
func (r *AsyncResult) expire(d time.Duration) {
	r.mu.Lock()
	if r.ready {
		r.mu.Unlock()
		return
	}
	r.expired = true
	r.timer = nil
	r.mu.Unlock()
	if r.conn != nil {
		r.conn.forget(r.seq)
	}
	r.deliver(nil, fmt.Errorf("rpyc: %s: no reply within its expiry of %v: %w", r.what(), d, ErrTimeout))
}

// Expired reports whether the expiry passed before the result arrived.
func (r *AsyncResult) Expired() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.expired || !r.ready && !r.expiry.IsZero() && time.Now().After(r.expiry)
}

// AddCallback arranges for f to be called (on its own goroutine) when the
// result is ready; at once if it already is.
func (r *AsyncResult) AddCallback(f func(*AsyncResult)) {
	r.mu.Lock()
	if !r.ready {
		r.callbacks = append(r.callbacks, f)
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	go f(r)
}

// Wait blocks until the result is ready, ctx ends, or the expiry passes.
// It returns the request's error, if any.
func (r *AsyncResult) Wait(ctx context.Context) error {
	_, err := r.wait(ctx, 0)
	return err
}

// Value waits like Wait and returns the value (Python's .value).
func (r *AsyncResult) Value(ctx context.Context) (any, error) {
	return r.wait(ctx, 0)
}

// Result returns the outcome without waiting; ok is false if not ready.
func (r *AsyncResult) Result() (v any, err error, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.value, r.err, r.ready
}

// wait waits for the outcome. fallback is the timeout applied when neither
// ctx nor the expiry sets a deadline.
func (r *AsyncResult) wait(ctx context.Context, fallback time.Duration) (any, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if !r.Ready() {
		r.mu.Lock()
		hasExpiry := !r.expiry.IsZero()
		r.mu.Unlock()
		// A plain timer (not a derived context) bounds the wait: this runs
		// on every synchronous call. An expiry needs none: it makes the
		// result ready itself (expire).
		var limit time.Duration
		if _, has := ctx.Deadline(); !has && !hasExpiry && fallback > 0 {
			limit = fallback
		}
		var timeout <-chan time.Time
		if limit > 0 {
			t := getTimer(limit)
			defer putTimer(t)
			timeout = t.C
		}
		if c := r.conn; c != nil && !c.auto.Load() {
			// Nobody else reads: dispatch messages until ours is in. The
			// first such wait on a connection that was never started puts
			// it in manual mode.
			c.startManual()
			if !r.serveUntilReady(ctx, timeout) {
				return nil, r.timeoutError(ctx)
			}
		}
		select {
		case <-r.done:
		case <-ctx.Done():
			if !r.Ready() {
				return nil, r.timeoutError(ctx)
			}
		case <-timeout:
			if !r.Ready() {
				return nil, r.timeoutError(ctx)
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.value, r.err
}

// serveUntilReady dispatches incoming messages (manual mode) until the
// result is in; false if ctx or the timeout ended the wait first.
func (r *AsyncResult) serveUntilReady(ctx context.Context, timeout <-chan time.Time) bool {
	c := r.conn
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if timeout != nil {
		go func() {
			select {
			case <-timeout:
				cancel()
			case <-dctx.Done():
			}
		}()
	}
	for !r.Ready() {
		if dctx.Err() != nil {
			return false
		}
		if _, err := c.serveOne(dctx, r.done); err != nil && dctx.Err() == nil {
			r.deliver(nil, err) // the connection ended
		}
	}
	return true
}

// timeoutError says why a wait ended early, naming the call the user
// made: ctx's error, or ErrTimeout.
func (r *AsyncResult) timeoutError(ctx context.Context) error {
	if ctx.Err() != nil {
		return fmt.Errorf("rpyc: %s: %w", r.what(), ctx.Err())
	}
	if d := r.conn.cfg.SyncRequestTimeout; d > 0 {
		return fmt.Errorf("rpyc: %s: no reply within %v (Config.SyncRequestTimeout; pass a context with a later deadline to wait longer): %w", r.what(), d, ErrTimeout)
	}
	return fmt.Errorf("rpyc: %s: %w", r.what(), ErrTimeout)
}

// what names the request as the user wrote it: the method called, the
// attribute read, else the protocol operation.
func (r *AsyncResult) what() string {
	switch {
	case r.target != "" && r.handler == message.HandleCallAttr:
		return r.target + "()"
	case r.target != "":
		return fmt.Sprintf("%s %q", opName(r.handler), r.target)
	}
	return opName(r.handler)
}

// opName is a handler's name in lower case without its prefix: "getattr".
func opName(h message.Handler) string {
	return strings.ToLower(strings.TrimPrefix(h.String(), "HANDLE_"))
}

// Synchronous calls each need a timer for their deadline; a pool spares
// the allocation (a timer that is stopped is safe to reuse: since Go 1.23
// Stop and Reset discard a pending tick).
var timerPool sync.Pool

func getTimer(d time.Duration) *time.Timer {
	if t, ok := timerPool.Get().(*time.Timer); ok {
		t.Reset(d)
		return t
	}
	return time.NewTimer(d)
}

func putTimer(t *time.Timer) {
	t.Stop()
	timerPool.Put(t)
}
