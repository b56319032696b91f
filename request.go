package rpyc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
)

// bufPool holds encoding buffers for outgoing messages.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// send encodes and writes one message. The channel serialises writers.
func (c *Conn) send(t message.Type, seq any, payload any) error {
	return c.sendMessage(t, seq, payload, false)
}

// sendMessage encodes and writes one message; queued messages go out with
// the next batch instead of waiting for their own write (see
// channel.Queue), which turns bursts of async calls into few writes.
func (c *Conn) sendMessage(t message.Type, seq any, payload any, queued bool) error {
	layout := message.Layout(c.layout.Load())
	if layout == 0 {
		layout = c.cfg.Layout
	}
	bp := bufPool.Get().(*[]byte)
	buf, err := message.Append((*bp)[:0], layout, message.Message{Type: t, Seq: seq, Payload: payload})
	if err != nil {
		err = &encodeError{err: err}
	} else if queued {
		err = c.ch.Queue(buf)
	} else {
		err = c.ch.Send(buf)
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
		// The stream is broken (or the peer stopped reading for
		// WriteTimeout): the connection cannot go on.
		c.log.Warn("rpyc: closing connection after write error", "err", err)
		c.shutdown(err)
		return fmt.Errorf("rpyc: send %v: %w", t, err)
	}
	return nil
}

// sendRequest boxes args and sends a request. res, when not nil, is
// registered under the new seq before sending, so the reply cannot race
// past it.
func (c *Conn) sendRequest(h message.Handler, res *AsyncResult, args brine.Tuple) error {
	return c.request(h, res, args, false)
}

// request sends a request, queued or written at once.
func (c *Conn) request(h message.Handler, res *AsyncResult, args brine.Tuple, queued bool) error {
	seq := c.seq.Add(1) - 1
	if res != nil {
		res.seq = seq
		res.handler = h
		res.target = requestTarget(h, args)
		c.mu.Lock()
		if c.closing {
			c.mu.Unlock()
			return c.Err()
		}
		c.pending[seq] = res
		c.mu.Unlock()
	} else if c.Closed() {
		return c.Err()
	}
	if err := c.sendMessage(message.Request, seq, requestPayload{h: h, args: c.box(args)}, queued); err != nil {
		if res != nil {
			c.forget(seq)
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

// requestPayload is (handler, boxed args), written without a Tuple.
type requestPayload struct {
	h    message.Handler
	args any
}

func (p requestPayload) AppendBrine(dst []byte) ([]byte, error) {
	dst = append(dst, brine.TagTuple2)
	dst = brine.AppendInt(dst, int64(p.h))
	return brine.Append(dst, p.args)
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
	res := newAsyncResult(c)
	if err := c.request(h, res, args, queued); err != nil {
		res.deliver(nil, err)
	}
	return res
}

// Request sends a request and waits for its result (Python's
// sync_request). The context's deadline wins; without one,
// Config.SyncRequestTimeout applies. A cancelled or expired call leaves the
// connection usable: its late reply is dropped.
func (c *Conn) Request(ctx context.Context, h message.Handler, args ...any) (any, error) {
	// While this call waits, the peer may call back into us (a nested
	// callback): let one more of its requests run meanwhile.
	c.callbackStarted()
	res := c.asyncRequest(h, brine.Tuple(args), false)
	v, err := res.wait(ctx, c.cfg.SyncRequestTimeout)
	c.callbackDone()
	if err != nil && !res.Ready() {
		c.forget(res.seq) // nobody will read it now: drop the late reply
	}
	return v, err
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
