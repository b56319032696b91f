package channel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// ErrSentLater is matched by SendContext's error when ctx ended before
// the frame was written in full: the frame is not lost or cut short (the
// stream would be corrupt), it goes out after, in the background, and
// the peer will receive it. The error also wraps ctx's.
var ErrSentLater = errors.New("channel: the frame goes out after the caller's deadline")

// SendContext is Send for a caller with a deadline: it returns when ctx
// ends, whether the frame is still waiting behind another sender or being
// written to a slow peer, with an error matching ErrSentLater and ctx's
// error. A frame cannot be half-sent, so it is finished in the background
// rather than cut (which would corrupt the stream for every other caller)
// or the connection closed (which would fail every other call on it);
// WriteTimeout still bounds a peer that stopped reading. Before any byte
// of it went out, ctx's end is reported as ctx's error alone only when
// the frame could be taken back, which it cannot once queued: callers see
// ErrSentLater.
func (c *Channel) SendContext(ctx context.Context, msg []byte) error {
	if ctx.Done() == nil {
		return c.Send(msg)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.closed.Load() {
		return fmt.Errorf("channel: send: %w", net.ErrClosed)
	}
	return c.withFrame(msg, c.s.shouldCompress(msg), func(frame []byte) error {
		return c.sendFrameContext(ctx, frame)
	})
}

// sendFrameContext queues frame and writes it, or waits for the writer
// to, until ctx ends.
func (c *Channel) sendFrameContext(ctx context.Context, frame []byte) error {
	c.sendMu.Lock()
	if c.sendErr != nil {
		err := c.sendErr
		c.sendMu.Unlock()
		return err
	}
	if err := c.roomFor(len(frame)); err != nil {
		c.sendMu.Unlock()
		return err
	}
	c.pending = append(c.pending, frame...)
	want := c.batch
	if c.writing {
		return c.waitForContext(ctx, want)
	}
	if c.s.frameWrites || c.dl == nil {
		// A write that cannot be interrupted safely (TLS: a write cut by
		// its deadline corrupts the session) or at all (no deadlines): a
		// goroutine writes while the caller waits for ctx or the write.
		if !c.flushing {
			c.flushing = true
			go c.flush()
		}
		return c.waitForContext(ctx, want)
	}
	return c.leadContext(ctx, want)
}

// waitForContext waits (sendMu held) until batch want is written, sending
// failed, or ctx ended; it returns with sendMu released.
func (c *Channel) waitForContext(ctx context.Context, want uint64) error {
	stop := context.AfterFunc(ctx, func() {
		c.sendMu.Lock()
		c.sendCond.Broadcast()
		c.sendMu.Unlock()
	})
	defer stop()
	for c.written < want && c.sendErr == nil && ctx.Err() == nil {
		c.sendCond.Wait()
	}
	var err error
	switch {
	case c.written >= want:
	case c.sendErr != nil:
		err = c.sendErr
	default:
		err = fmt.Errorf("%w: %w", ErrSentLater, ctx.Err())
	}
	c.sendMu.Unlock()
	return err
}

// leadContext writes what is queued (sendMu held, no writer), batch by
// batch, each write bounded by ctx's deadline as well as WriteTimeout.
// When ctx ends in the middle of a batch, the rest is left to a
// goroutine that takes over as the writer, and the caller is told
// ErrSentLater; batch want is the caller's frame.
func (c *Channel) leadContext(ctx context.Context, want uint64) error {
	c.writing = true
	deadline, _ := ctx.Deadline()
	// A cancellation (not a deadline) interrupts the write through the
	// same deadline, moved to now.
	var cancelled bool
	stop := context.AfterFunc(ctx, func() {
		c.sendMu.Lock()
		cancelled = true
		if c.writing && c.callDeadline != 0 {
			_ = c.dl.SetWriteDeadline(time.Now())
		}
		c.sendMu.Unlock()
	})
	defer stop()
	for c.sendErr == nil && len(c.pending) > 0 {
		buf := c.pending
		c.pending, c.spare = c.spare[:0], buf
		id := c.batch
		c.batch++
		if !deadline.IsZero() {
			c.callDeadline = deadline.UnixNano()
		} else {
			c.callDeadline = time.Now().Add(time.Hour).UnixNano()
		}
		c.writeArmed = time.Time{}
		if cancelled {
			_ = c.dl.SetWriteDeadline(time.Now())
		}
		c.sendMu.Unlock()
		n, err := c.writeN(buf)
		c.sendMu.Lock()
		callEnd := c.callDeadline
		c.callDeadline = 0
		c.writeArmed = time.Time{}
		// The write's deadline was the caller's (not WriteTimeout's) when
		// that moment has come, or the caller cancelled.
		ours := cancelled || ctx.Err() != nil || time.Now().UnixNano() >= callEnd
		if err != nil && ours && errors.Is(err, os.ErrDeadlineExceeded) {
			// The caller's time is up, not the peer's: the rest of the
			// batch (ours, or frames before ours) is written after.
			rest := buf[n:]
			c.s.budget.Release(int64(n))
			go c.finishLead(rest, id)
			c.sendMu.Unlock()
			cerr := ctx.Err()
			if cerr == nil {
				cerr = context.DeadlineExceeded // the deadline passed; ctx's timer may lag
			}
			return fmt.Errorf("%w: %w", ErrSentLater, cerr)
		}
		if err != nil {
			err = c.writeTimeoutError(err)
		}
		c.s.budget.Release(int64(len(buf)))
		if c.fail(err) == nil {
			c.written = id
		}
		c.sendCond.Broadcast()
		if c.written >= want || c.sendErr != nil {
			break // ours is out: whoever queued after us writes theirs
		}
	}
	return c.endLead(want)
}

// finishLead writes rest, the end of batch id that a caller's deadline
// interrupted, then what was queued meanwhile, as the writer.
func (c *Channel) finishLead(rest []byte, id uint64) {
	_, err := c.writeN(rest)
	if err != nil {
		err = c.writeTimeoutError(err)
	}
	c.s.budget.Release(int64(len(rest)))
	c.sendMu.Lock()
	if c.fail(err) == nil {
		c.written = id
	}
	c.sendCond.Broadcast()
	c.flushPending()
	_ = c.endLead(id)
}

// endLead ends a writer's turn (sendMu held): frames queued meanwhile
// are started, the error of batch want is reported, and OnWriteError
// hears of a failure once. It returns with sendMu released.
func (c *Channel) endLead(want uint64) error {
	if len(c.pending) > 0 && c.sendErr == nil && !c.flushing {
		// Frames queued behind ours: a goroutine writes them, so this
		// caller returns now.
		c.flushing = true
		c.writing = false
		go c.flush()
	} else {
		c.writing = false
	}
	if cap(c.spare) > maxPooledBuffer {
		c.spare = nil
	}
	c.sendCond.Broadcast()
	var ownErr error
	if c.written < want {
		ownErr = c.sendErr
	}
	notify := c.sendErr != nil && !c.notified && c.OnWriteError != nil
	if notify {
		c.notified = true
	}
	err := c.sendErr
	c.sendMu.Unlock()
	if notify {
		c.OnWriteError(err)
	}
	return ownErr
}
