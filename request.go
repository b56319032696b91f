package rpyc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
	streampkg "github.com/rpyc-go/rpyc/stream"
)

// bufPool holds encoding buffers for outgoing messages.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// sendMode says how a message is handed to the channel.
type sendMode uint8

const (
	// sendNow writes at once and waits for the write (channel.Send).
	sendNow sendMode = iota
	// sendQueued joins the write queue and goes out with the next batch
	// (channel.Queue), which turns bursts of async calls into few writes.
	sendQueued
	// sendPosted writes at once unless another sender is writing, and
	// never waits behind it (channel.Post): the reader's own answers.
	sendPosted
)

// sendEncoded encodes and writes one message whose seq is seq, or, when
// seq is nil, the int n (our own requests, whose seq need not be put in
// an interface value).
//
// hint, when positive, is the expected size of the message: a large
// reply is encoded into one buffer of that size instead of one that
// doubles its way there (and leaves each smaller copy as garbage).
func (c *Conn) sendEncoded(t message.Type, seq any, n int64, payload any, mode sendMode, hint int) error {
	layout := message.Layout(c.layout.Load())
	if layout == 0 {
		layout = c.cfg.Layout
	}
	bp := bufPool.Get().(*[]byte)
	if hint > cap(*bp) {
		b := make([]byte, 0, hint+256)
		bp = &b
	}
	var buf []byte
	var err error
	if seq == nil {
		buf, err = message.AppendIntSeq((*bp)[:0], layout, t, n, payload)
	} else {
		buf, err = message.Append((*bp)[:0], layout, message.Message{Type: t, Seq: seq, Payload: payload})
	}
	if err != nil {
		err = &encodeError{err: err}
	} else {
		switch mode {
		case sendQueued:
			err = c.ch.Queue(buf)
		case sendPosted:
			err = c.ch.Post(buf)
		default:
			err = c.ch.Send(buf)
		}
	}
	if cap(buf) <= 1<<16 {
		*bp = buf[:0]
		bufPool.Put(bp)
	}
	if err != nil {
		if ee, ok := err.(*encodeError); ok {
			return ee
		}
		if c.Closed() {
			return c.Err()
		}
		c.writeFailed(err)
		return fmt.Errorf("rpyc: send %v: %w", t, err)
	}
	return nil
}

// writeFailed ends the connection after a write error: the stream is
// broken, or the peer stopped reading for WriteTimeout. A peer that simply
// went away (a broken pipe, a reset) ends it as an end of stream would;
// anything else is worth a warning.
func (c *Conn) writeFailed(err error) {
	if c.Closed() {
		return
	}
	if streampkg.IsClosed(err) {
		c.log.Debug("rpyc: peer went away while we wrote", "err", err)
		c.shutdown(fmt.Errorf("%w: %w", io.EOF, err))
		return
	}
	c.log.Warn("rpyc: closing connection after write error", "err", err)
	c.shutdown(err)
}

// sendRequest boxes args and sends a request. res, when not nil, is
// registered under the new seq before sending, so the reply cannot race
// past it.
func (c *Conn) sendRequest(h message.Handler, res *AsyncResult, args brine.Tuple) error {
	return c.request(h, res, args, sendNow)
}

// request sends a request, queued or written at once.
func (c *Conn) request(h message.Handler, res *AsyncResult, args brine.Tuple, mode sendMode) error {
	return c.requestPayload(&argsPayload{c: c, h: h, args: args}, res, mode)
}

// outgoing is the payload of one of our requests, encoded straight into
// the message: (handler, boxed arguments).
type outgoing interface {
	brine.Appender
	handler() message.Handler
	target() string // the method or attribute named, for errors
}

// requestPayload registers res (when not nil) under a new seq, then sends
// p. The reply cannot race past the registration.
func (c *Conn) requestPayload(p outgoing, res *AsyncResult, mode sendMode) error {
	return c.requestMeta(p, res, nil, mode)
}

// requestMeta is requestPayload carrying meta (Outgoing's metadata, when
// not nil) in the message's seq: see observe.go.
func (c *Conn) requestMeta(p outgoing, res *AsyncResult, meta []byte, mode sendMode) error {
	h := p.handler()
	seq := c.seq.Add(1) - 1
	if res != nil {
		res.seq = seq
		res.handler = h
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
		err = c.sendEncoded(message.Request, nil, seq, p, mode, 0)
	} else {
		err = c.sendEncoded(message.Request, brine.Tuple{seq, meta}, -1, p, mode, 0)
	}
	if err != nil {
		if res != nil {
			c.forget(seq)
		}
		if l, ok := p.(logged); ok {
			c.rollback(l, nil)
		}
		return err
	}
	return nil
}

// encodeError is a message that could not be encoded (a value with no
// wire form); nothing was sent, and the connection is fine.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return "rpyc: cannot encode: " + e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }

func isBoxError(err error) bool {
	var ee *encodeError
	return errors.As(err, &ee)
}

// argsPayload is (handler, boxed args) for any request.
type argsPayload struct {
	c    *Conn
	h    message.Handler
	args brine.Tuple
	log  boxLog
}

func (p *argsPayload) entered() *boxLog { return &p.log }

func (p *argsPayload) handler() message.Handler { return p.h }
func (p *argsPayload) target() string           { return requestTarget(p.h, p.args) }

func (p *argsPayload) AppendBrine(dst []byte) ([]byte, error) {
	dst = append(dst, brine.TagTuple2)
	dst = brine.AppendInt(dst, int64(p.h))
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

func (p *callAttrPayload) handler() message.Handler { return message.HandleCallAttr }
func (p *callAttrPayload) target() string           { return p.name }

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
func (c *Conn) asyncRequest(h message.Handler, args brine.Tuple, queued bool) *AsyncResult {
	return c.asyncPayload(&argsPayload{c: c, h: h, args: args}, queued)
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
	if err := c.requestMeta(p, res, meta, mode); err != nil {
		res.deliver(nil, err)
	}
	return res
}

// Request sends a request and waits for its result (Python's
// sync_request). The context's deadline wins; without one,
// Config.SyncRequestTimeout applies. A cancelled or expired call leaves the
// connection usable: its late reply is dropped.
func (c *Conn) Request(ctx context.Context, h message.Handler, args ...any) (any, error) {
	return c.syncPayload(ctx, &argsPayload{c: c, h: h, args: args})
}

// syncPayload sends p and waits for its result.
func (c *Conn) syncPayload(ctx context.Context, p outgoing) (v any, err error) {
	meta, done := c.observe(ctx, p)
	if done != nil {
		defer func() { done(err) }()
	}
	// A handler of ours calling back into the peer: while it waits, the
	// peer may call back into us (a nested callback), so let one more of
	// its requests run meanwhile.
	if h, ok := ConnFromContext(ctx); ok && h == c {
		c.handlerWaits()
		defer c.handlerResumes()
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
	if err := c.requestMeta(p, res, meta, sendNow); err != nil {
		res.deliver(nil, err)
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
	r := &AsyncResult{handler: p.handler(), target: p.target()}
	return r.what()
}

// handleReply delivers a reply or exception to its caller. It runs on the
// reader so that netrefs in replies are counted in arrival order.
func (c *Conn) handleReply(m message.Message) {
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
