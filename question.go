package rpyc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/message"
)

// Questions: our requests to the peer, and their replies (go-capnp's
// name for the calls a side makes). A request is registered under a new
// seq (pending) before it is sent, so its reply cannot race past it; the
// reader delivers the reply to the request's AsyncResult, the one place
// its outcome is recorded (deliverReply); a synchronous call waits on it
// (AsyncResult.wait), reading the connection itself when nobody else
// does.

// sendRequest boxes args and sends a request. res, when not nil, is
// registered under the new seq before sending, so the reply cannot race
// past it.
func (c *Conn) sendRequest(op message.Handler, res *AsyncResult, args brine.Tuple) error {
	return c.request(op, res, args, sendNow)
}

// request sends a request, queued or written at once.
func (c *Conn) request(op message.Handler, res *AsyncResult, args brine.Tuple, mode sendMode) error {
	return c.requestPayload(&argsPayload{c: c, op: op, args: args}, res, mode)
}

// outgoing is the payload of one of our requests, encoded straight into
// the message: (operation, boxed arguments).
type outgoing interface {
	brine.Appender
	operation() message.Handler
	target() string // the method or attribute named, for errors
}

// requestPayload registers res (when not nil) under a new seq, then sends
// p. The reply cannot race past the registration.
func (c *Conn) requestPayload(p outgoing, res *AsyncResult, mode sendMode) error {
	return c.requestMeta(nil, p, res, nil, mode, c.unboundThreads())
}

// requestMeta is requestPayload carrying meta (Outgoing's metadata, when
// not nil) in the message's seq: see observe.go.
//
// th is the request's thread-id prefix (see threads.go).
// ctx, when not nil, bounds the write of a sendNow request (sendEncoded).
func (c *Conn) requestMeta(ctx context.Context, p outgoing, res *AsyncResult, meta []byte, mode sendMode, th message.Threads) error {
	op := p.operation()
	seq := c.seq.Add(1) - 1
	if res != nil {
		res.seq = seq
		res.op = op
		res.target = p.target()
		c.mu.Lock()
		if c.closing {
			c.mu.Unlock()
			return c.Err()
		}
		if max := c.cfg.Limits.MaxPending; max > 0 && len(c.pending) >= max {
			c.mu.Unlock()
			return fmt.Errorf("rpyc: %s: %d requests already await the peer's replies (Limits.MaxPending); wait for some, or give async calls an expiry: %w", res.what(), max, ErrTooManyPending)
		}
		c.pending[seq] = res
		c.mu.Unlock()
	} else if c.Closed() {
		return c.Err()
	}
	var err error
	if meta == nil {
		err = c.sendEncoded(ctx, message.Request, nil, seq, p, mode, 0, th)
	} else {
		err = c.sendEncoded(ctx, message.Request, brine.Tuple{seq, meta}, -1, p, mode, 0, th)
	}
	if err != nil {
		if res != nil {
			c.forget(seq)
		}
		if l, ok := p.(logged); ok && !errors.Is(err, channel.ErrSentLater) {
			// Nothing reached the peer: take back what was boxed for it.
			// (A frame sent later does reach it, objects and all.)
			c.rollback(l, nil)
		}
		return err
	}
	return nil
}

// argsPayload is (operation, boxed args) for any request.
type argsPayload struct {
	c    *Conn
	op   message.Handler
	args brine.Tuple
	log  boxLog
}

func (p *argsPayload) entered() *boxLog { return &p.log }

func (p *argsPayload) operation() message.Handler { return p.op }
func (p *argsPayload) target() string             { return requestTarget(p.op, p.args) }

func (p *argsPayload) AppendBrine(dst []byte) ([]byte, error) {
	dst = append(dst, brine.TagTuple2)
	dst = brine.AppendInt(dst, int64(p.op))
	return p.c.appendBox(dst, p.args, &p.log)
}

// callAttrPayload is HANDLE_CALLATTR(obj, name, args, kwargs), the
// request of every method call, encoded from the call's own arguments
// without gathering them into a tuple first. The bytes are those the
// generic path writes for the same call.
type callAttrPayload struct {
	obj     *Netref
	name    string
	pos, kw brine.Tuple
	log     boxLog
}

func (p *callAttrPayload) entered() *boxLog { return &p.log }

func (p *callAttrPayload) operation() message.Handler { return message.HandleCallAttr }
func (p *callAttrPayload) target() string             { return p.name }

func (p *callAttrPayload) AppendBrine(dst []byte) ([]byte, error) {
	c := p.obj.conn
	dst = append(dst, brine.TagTuple2)
	dst = brine.AppendInt(dst, int64(message.HandleCallAttr))
	// The arguments hold a netref, so they travel as a TUPLE box of four
	// boxes, as appendBox would write them.
	dst = append(dst, brine.TagTuple2, labelByte(message.LabelTuple), brine.TagTuple4)
	dst = appendRef(dst, message.LabelLocalRef, p.obj.id)
	dst = append(dst, brine.TagTuple2, labelByte(message.LabelValue))
	if !utf8.ValidString(p.name) {
		return dst, fmt.Errorf("method name %.40q is not valid UTF-8", p.name)
	}
	dst = brine.AppendString(dst, p.name)
	var err error
	if dst, err = c.appendBox(dst, p.pos, &p.log); err != nil {
		return dst, err
	}
	return c.appendBox(dst, p.kw, &p.log)
}

// forget drops a pending call; its reply, if it comes, is discarded.
func (c *Conn) forget(seq int64) {
	c.mu.Lock()
	delete(c.pending, seq)
	c.mu.Unlock()
}

// AsyncRequest sends a request without waiting for its reply. Most code
// uses the Netref methods instead; this is the raw protocol operation
// (Python's async_request), e.g. AsyncRequest(message.HandlePing, "x").
func (c *Conn) AsyncRequest(h message.Handler, args ...any) *AsyncResult {
	return c.asyncRequest(h, brine.Tuple(args), true)
}

// asyncRequest sends a request and returns its future. queued requests
// are written with the next batch (async calls); others at once (a
// synchronous call is about to wait for its reply anyway).
func (c *Conn) asyncRequest(op message.Handler, args brine.Tuple, queued bool) *AsyncResult {
	return c.asyncPayload(&argsPayload{c: c, op: op, args: args}, queued)
}

// asyncPayload sends p and returns its future.
func (c *Conn) asyncPayload(p outgoing, queued bool) *AsyncResult {
	res := newAsyncResult(c)
	meta, done := c.observe(context.Background(), p)
	if done != nil {
		res.AddCallback(func(r *AsyncResult) {
			_, err, _ := r.Result()
			done(err)
		})
	}
	if c.detect && c.layout.Load() == 0 {
		ctx, cancel := c.requestContext(context.Background())
		err := c.awaitLayout(ctx, p)
		cancel()
		if err != nil {
			res.deliver(nil, err)
			return res
		}
	}
	mode := sendNow
	if queued {
		mode = sendQueued
	}
	if err := c.requestMeta(nil, p, res, meta, mode, c.unboundThreads()); err != nil {
		res.deliver(nil, err)
	}
	return res
}

// Request sends a request and waits for its result (Python's
// sync_request). The context's deadline wins; without one,
// Config.SyncRequestTimeout applies. A cancelled or expired call leaves the
// connection usable: its late reply is dropped.
func (c *Conn) Request(ctx context.Context, h message.Handler, args ...any) (any, error) {
	return c.syncPayload(ctx, &argsPayload{c: c, op: h, args: args})
}

// syncPayload sends p and waits for its result.
func (c *Conn) syncPayload(ctx context.Context, p outgoing) (v any, err error) {
	meta, done := c.observe(ctx, p)
	if done != nil {
		defer func() { done(err) }()
	}
	// A worker of ours calling back into the peer (a request made with
	// the context its handler was given): while it waits, the peer may
	// call back into us (a nested callback), so let one more of its
	// requests run meanwhile.
	if sc, ok := ConnFromContext(ctx); ok && sc == c {
		c.workerWaits()
		defer c.workerResumes()
	}
	if c.detect && c.layout.Load() == 0 {
		wctx, cancel := c.requestContext(ctx)
		err := c.awaitLayout(wctx, p)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	res := newAsyncResult(c)
	if err := c.requestMeta(ctx, p, res, meta, sendNow, c.threadsFor(ctx)); err != nil {
		if errors.Is(err, channel.ErrSentLater) {
			// The caller's time ran out while its request was written.
			return nil, res.timeoutError(ctx)
		}
		res.deliver(nil, err)
	} else if ctx != nil && c.auto.Load() && c.takeReading() {
		// Nobody reads: this caller reads its reply itself.
		var limit time.Duration
		if _, has := ctx.Deadline(); !has {
			limit = c.cfg.SyncRequestTimeout
		}
		if !c.readUntil(ctx, res, limit) && !res.Ready() {
			c.forget(res.seq)
			return nil, res.timeoutError(ctx)
		}
	}
	v, err = res.wait(ctx, c.cfg.SyncRequestTimeout)
	if err != nil && !res.Ready() {
		c.forget(res.seq) // nobody will read it now: drop the late reply
	}
	return v, err
}

// requestContext is ctx, bounded by SyncRequestTimeout when it has no
// deadline of its own.
func (c *Conn) requestContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok || c.cfg.SyncRequestTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.cfg.SyncRequestTimeout)
}

// awaitLayout waits, on a server connection that has not yet seen its
// peer's first message, until it has: a request made before then (an
// OnConnect hook that calls back, `self.client_root = conn.root` in
// Python) must go out in the layout the peer speaks, or a 5.x peer hangs
// up. A connection nobody started is read meanwhile, as a synchronous call
// would read it.
func (c *Conn) awaitLayout(ctx context.Context, p outgoing) error {
	if !c.auto.Load() {
		c.startManual()
	}
	select {
	case <-c.layoutKnown:
		return nil
	case <-c.done:
		return c.Err()
	case <-ctx.Done():
		return fmt.Errorf("rpyc: %s: the peer sent nothing to tell its protocol version (5.x or 6.x) before %w", describeOutgoing(p), ctx.Err())
	}
}

// describeOutgoing names a request as the user made it, for errors.
func describeOutgoing(p outgoing) string {
	r := &AsyncResult{op: p.operation(), target: p.target()}
	return r.what()
}

// deliverReply delivers a reply or exception to its caller. It runs on the
// reader so that netrefs in replies are counted in arrival order.
func (c *Conn) deliverReply(m message.Message) {
	seq, ok := m.Seq.(int64)
	var res *AsyncResult
	if ok {
		c.mu.Lock()
		res = c.pending[seq]
		delete(c.pending, seq)
		c.mu.Unlock()
	}
	var value any
	var err error
	if m.Type == message.Exception {
		err = c.loadException(m.Payload)
	} else {
		value, err = c.unbox(m.Payload)
	}
	if res == nil {
		// A reply nobody waits for (a cancelled call, a DEL, or a peer's
		// stray message): still unboxed above so that any netref in it is
		// counted, and released again at once.
		if r, ok := value.(*Netref); ok {
			r.Release()
		} else if t, ok := value.(brine.Tuple); ok {
			releaseAll(t)
		}
		if !ok && c.log.Enabled(context.Background(), slog.LevelDebug) {
			c.log.Debug("rpyc: reply for unknown seq dropped", "seq", brine.Repr(m.Seq))
		}
		return
	}
	res.deliver(value, err)
}

func releaseAll(t brine.Tuple) {
	for _, v := range t {
		switch x := v.(type) {
		case *Netref:
			x.Release()
		case brine.Tuple:
			releaseAll(x)
		}
	}
}

// AsyncResult is the future of a request (Python's AsyncResult): it is
// ready when the reply or exception arrives, or when the connection ends.
// All methods are safe for concurrent use. Exactly one outcome is ever
// recorded; later deliveries are ignored.
type AsyncResult struct {
	conn   *Conn
	seq    int64
	op     message.Handler
	target string // the method or attribute named, for error messages
	done   chan struct{}

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
	err := ctx.Err()
	if dl, ok := ctx.Deadline(); ok && err == nil && !time.Now().Before(dl) {
		err = context.DeadlineExceeded // the deadline passed; ctx's timer may lag
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("rpyc: %s: no reply by the context's deadline: %w", r.what(), err)
	case err != nil:
		return fmt.Errorf("rpyc: %s: %w", r.what(), err)
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
	case r.target != "" && r.op == message.HandleCallAttr:
		return r.target + "()"
	case r.target != "":
		return fmt.Sprintf("%s %q", opName(r.op), r.target)
	}
	return opName(r.op)
}

// opName is an operation's name in lower case without its prefix:
// "getattr".
func opName(op message.Handler) string {
	return strings.ToLower(strings.TrimPrefix(op.String(), "HANDLE_"))
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

// Root returns the peer's root object (its service), fetching it once.
func (c *Conn) Root(ctx context.Context) (*Netref, error) {
	c.mu.Lock()
	if r := c.remoteRoot; r != nil {
		c.mu.Unlock()
		return r, nil
	}
	c.mu.Unlock()
	v, err := c.Request(ctx, message.HandleGetRoot)
	if err != nil {
		return nil, err
	}
	r, ok := v.(*Netref)
	if !ok {
		return nil, fmt.Errorf("%w: GETROOT returned %s, not a reference", ErrProtocol, pyobj.Describe(v))
	}
	c.mu.Lock()
	if c.remoteRoot == nil {
		c.remoteRoot = r
	}
	r = c.remoteRoot
	c.mu.Unlock()
	return r, nil
}

// Ping sends data and checks that the echo equals it, as Python's ping
// does (with ==: an echoed 1.0 equals a 1 sent); nil data sends Python's
// default 520-byte string.
func (c *Conn) Ping(ctx context.Context, data any) error {
	if data == nil {
		data = pingDefault
	}
	v, err := c.Request(ctx, message.HandlePing, data)
	if err != nil {
		return err
	}
	if !pyobj.Equal(v, data) { // Python's `if res.value != data`
		return &PingError{Sent: data, Got: v}
	}
	return nil
}

var pingDefault = func() string {
	s := ""
	for i := 0; i < 20; i++ {
		s += "abcdefghijklmnopqrstuvwxyz"
	}
	return s
}()
