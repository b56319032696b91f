package rpyc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/rpyc-go/rpyc/channel"
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
//
// th is the message's thread-id prefix, written only when the connection
// binds threads (Config.BindThreads, or a peer that sent one).
//
// ctx, when it can end (a synchronous call's context), bounds a sendNow
// write: the call returns at its deadline while the frame goes out after
// (channel.SendContext, an error matching channel.ErrSentLater).
func (c *Conn) sendEncoded(ctx context.Context, t message.Type, seq any, n int64, payload any, mode sendMode, hint int, th message.Threads) error {
	layout := message.Layout(c.layout.Load())
	if layout == 0 {
		layout = c.cfg.Layout
	}
	bp := bufPool.Get().(*[]byte)
	if hint > cap(*bp) {
		b := make([]byte, 0, hint+256)
		bp = &b
	}
	buf := (*bp)[:0]
	if c.bind.Load() {
		buf = message.AppendThreads(buf, th)
	}
	var err error
	if seq == nil {
		buf, err = message.AppendIntSeq(buf, layout, t, n, payload)
	} else {
		buf, err = message.Append(buf, layout, message.Message{Type: t, Seq: seq, Payload: payload})
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
			if ctx != nil && ctx.Done() != nil {
				err = c.ch.SendContext(ctx, buf)
			} else {
				err = c.ch.Send(buf)
			}
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
		if errors.Is(err, channel.ErrSentLater) {
			return err // the connection is fine; the frame goes out after
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
	if streampkg.IsUnreachable(err) {
		c.log.Info("rpyc: the peer stopped answering while we wrote", "err", err)
		c.shutdown(fmt.Errorf("%w: %w", ErrPeerUnresponsive, err))
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

// encodeError is a message that could not be encoded (a value with no
// wire form); nothing was sent, and the connection is fine.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return "rpyc: cannot encode: " + e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }

func isBoxError(err error) bool {
	var ee *encodeError
	return errors.As(err, &ee)
}
