package channel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"time"
)

// ErrInterrupted is returned by AwaitWhole when its context ended, or its
// time limit passed, before a frame began. The stream is still usable.
var ErrInterrupted = errors.New("channel: wait interrupted")

// CanInterrupt reports whether AwaitWhole can be cut short: the stream
// has read deadlines.
func (c *Channel) CanInterrupt() bool { return c.dl != nil }

// AwaitWhole waits until the next frame begins and reports whether all
// of it is already buffered, so that Recv will return it without
// blocking. It returns ErrInterrupted when ctx ends, or limit (when
// positive) passes, before any byte of a frame arrived; a frame that has
// begun is never cut. It lets a goroutine that waits for one particular
// frame (a caller waiting for its reply) read the stream itself and hand
// reading on when the frame is not whole. Call it from the receiving
// goroutine only, on a stream with deadlines (CanInterrupt).
func (c *Channel) AwaitWhole(ctx context.Context, limit time.Duration) (bool, error) {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	if c.recvErr != nil {
		return false, c.recvErr
	}
	if c.br.Buffered() == 0 {
		if err := c.awaitByte(ctx, limit); err != nil {
			return false, err
		}
	}
	n := c.br.Buffered()
	if n < HeaderSize {
		return false, nil
	}
	hdr, _ := c.br.Peek(HeaderSize)
	body := int64(binary.BigEndian.Uint32(hdr[:4]))
	return int64(n) >= int64(HeaderSize)+body+1, nil
}

// awaitByte blocks until a byte is buffered, cutting the read short with
// a deadline in the past when ctx ends or limit passes (c.recvMu held).
func (c *Channel) awaitByte(ctx context.Context, limit time.Duration) error {
	if c.dl == nil {
		return errors.New("channel: AwaitWhole needs a stream with read deadlines")
	}
	if err := ctx.Err(); err != nil {
		return ErrInterrupted
	}
	if c.readDeadline {
		_ = c.dl.SetReadDeadline(time.Time{})
	}
	// Keep timedReader from clearing the cut below; the next read after
	// this wait clears whatever is left (readDeadline).
	c.idleArmed = true
	c.readDeadline = true
	c.cutMu.Lock()
	c.cutWaiting, c.cutDone = true, false
	if c.cutFn == nil {
		c.cutFn = c.cutWait
	}
	if ctx.Done() != nil {
		c.cutPending++
	}
	if limit > 0 {
		c.cutPending++
	}
	c.cutMu.Unlock()
	var stopCtx func() bool
	if ctx.Done() != nil {
		stopCtx = context.AfterFunc(ctx, c.cutFn)
	}
	if limit > 0 {
		if c.cutTimer == nil {
			c.cutTimer = time.AfterFunc(limit, c.cutFn)
		} else {
			c.cutTimer.Reset(limit)
		}
	}
	_, err := c.br.Peek(1)
	stopped := 0
	if stopCtx != nil && stopCtx() {
		stopped++
	}
	if limit > 0 && c.cutTimer.Stop() {
		stopped++
	}
	c.cutMu.Lock()
	c.cutWaiting = false
	c.cutPending -= stopped
	wasCut := c.cutDone
	for c.cutPending > 0 {
		// A cut that fired is on its way: let it find nothing to cut
		// before a later wait can be mistaken for this one.
		c.cutMu.Unlock()
		runtime.Gosched()
		c.cutMu.Lock()
	}
	c.cutMu.Unlock()
	c.idleArmed = false
	if wasCut {
		// The deadline in the past must not reach the frame's reads.
		_ = c.dl.SetReadDeadline(time.Time{})
		c.readDeadline = false
		c.readArmed = time.Time{}
	}
	if err == nil || c.br.Buffered() > 0 {
		return nil
	}
	if wasCut && errors.Is(err, os.ErrDeadlineExceeded) {
		return ErrInterrupted
	}
	if c.closed.Load() {
		return fmt.Errorf("channel: recv: %w", net.ErrClosed)
	}
	if err == io.EOF {
		c.recvErr = err
	}
	return err
}

// cutWait ends AwaitWhole's wait for a byte, if it still waits: a read
// deadline in the past makes the Read return. It is the function of the
// wait's context and of its timer; cutPending counts those armed.
func (c *Channel) cutWait() {
	c.cutMu.Lock()
	c.cutPending--
	if c.cutWaiting {
		c.cutDone = true
		_ = c.dl.SetReadDeadline(time.Unix(1, 0))
	}
	c.cutMu.Unlock()
}
