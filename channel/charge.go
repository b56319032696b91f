package channel

import (
	"context"
	"fmt"
	"time"
)

// A Hold is the share of a Budget that one piece of work holds (a frame
// being received, the message decoded from it, a request being served),
// charged as its memory is allocated rather than up front, and given back
// in one piece. A frame's body is charged as its buffer grows with the
// bytes that arrive (never on the length the peer declared), its inflated
// message likewise, and whatever the body held is given back once the
// message replaced it. A nil budget makes every charge free. A Hold is
// not safe for concurrent use.
type Hold struct {
	b        *Budget
	ctx      context.Context // ends the wait for room (the owner closed)
	wait     time.Duration   // how long a charge may wait for room
	n        int64           // bytes held
	incoming bool            // within the budget's IncomingShare
}

// NewHold returns a hold on b, for what this side makes (replies, frames
// to write), that already holds held bytes. A charge waits for room at
// most wait (30 s when not positive), or until ctx ends.
func NewHold(b *Budget, ctx context.Context, wait time.Duration, held int64) Hold {
	return Hold{b: b, ctx: ctx, wait: wait, n: held}
}

// NewIncomingHold is NewHold for what a peer sends (a frame and what it
// decodes into, such as RecvHeld's bytes handed over): its charges stay
// within the budget's IncomingShare.
func NewIncomingHold(b *Budget, ctx context.Context, wait time.Duration, held int64) Hold {
	return Hold{b: b, ctx: ctx, wait: wait, n: held, incoming: true}
}

// ceiling is the budget's use this hold's charges must stay within.
func (c *Hold) ceiling() int64 {
	if c.incoming {
		return c.b.IncomingShare()
	}
	return c.b.Limit()
}

// Held returns the bytes held.
func (c *Hold) Held() int64 { return c.n }

// Take charges n more bytes, waiting for room (see NewHold).
func (c *Hold) Take(n int64) error { return c.take(n) }

// Release gives back everything held.
func (c *Hold) Release() { c.release() }

// take charges n more bytes, waiting for room up to c.wait. Bytes that
// can never fit (more than the whole budget while this frame already
// holds some) fail at once rather than after the wait.
func (c *Hold) take(n int64) error {
	if c.b == nil || n <= 0 {
		return nil
	}
	ceiling := c.ceiling()
	if c.b.tryBelow(n, ceiling) {
		c.n += n
		return nil
	}
	if c.n+n > ceiling && c.n > 0 {
		return fmt.Errorf("channel: one message needs more than the %d bytes of the budget it may take: %w", ceiling, ErrBudget)
	}
	wait := c.wait
	if wait <= 0 {
		wait = 30 * time.Second
	}
	ctx := c.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := c.b.acquireBelow(ctx, n, ceiling); err != nil {
		if c.ctx != nil && c.ctx.Err() != nil {
			return fmt.Errorf("channel: waiting for budget: %w", c.ctx.Err())
		}
		return fmt.Errorf("channel: %d bytes for a frame not available within %v: %w", n, wait, ErrBudget)
	}
	c.n += n
	return nil
}

// drop gives back n of the bytes held (a buffer that was replaced).
func (c *Hold) drop(n int64) {
	if c.b == nil || n <= 0 {
		return
	}
	n = min(n, c.n)
	c.n -= n
	c.b.Release(n)
}

// release gives back everything held.
func (c *Hold) release() { c.drop(c.n) }
