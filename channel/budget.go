package channel

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Budget is a count of bytes shared by several channels (or connections),
// so that what a group of peers can make a process hold is bounded: a
// server gives one Budget to all of its connections. Acquire waits for
// room; Release gives it back. A nil *Budget is unlimited.
type Budget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	limit int64
	used  int64
}

// NewBudget returns a budget of limit bytes.
func NewBudget(limit int64) *Budget {
	b := &Budget{limit: limit}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// Limit returns the budget's size in bytes.
func (b *Budget) Limit() int64 {
	if b == nil {
		return 0
	}
	return b.limit
}

// Used returns the bytes taken now.
func (b *Budget) Used() int64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// TryAcquire takes n bytes if they are free now, and reports whether it
// did. A request larger than the whole budget is granted when nothing else
// is taken, so one large frame is never refused forever.
func (b *Budget) TryAcquire(n int64) bool {
	if b == nil || n <= 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.take(n)
}

func (b *Budget) take(n int64) bool {
	if b.used+n <= b.limit || b.used == 0 {
		b.used += n
		return true
	}
	return false
}

// Acquire takes n bytes, waiting until they are free or ctx ends (then it
// returns ctx's error and takes nothing).
func (b *Budget) Acquire(ctx context.Context, n int64) error {
	if b == nil || n <= 0 {
		return nil
	}
	b.mu.Lock()
	if b.take(n) {
		b.mu.Unlock()
		return nil
	}
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	for !b.take(n) {
		if err := ctx.Err(); err != nil {
			b.mu.Unlock()
			return err
		}
		b.cond.Wait()
	}
	b.mu.Unlock()
	return nil
}

// Release gives back n bytes taken by Acquire or TryAcquire.
func (b *Budget) Release(n int64) {
	if b == nil || n <= 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	if b.used < 0 {
		b.used = 0
	}
	b.cond.Broadcast()
	b.mu.Unlock()
}

// ErrBudget is matched by errors of a frame refused because the shared
// Budget stayed exhausted: the process holds as much for its peers as it
// was allowed to.
var ErrBudget = errors.New("channel: shared memory budget exhausted")

// acquireFor takes n bytes, waiting at most wait (30 s when not positive)
// for them.
func (b *Budget) acquireFor(n int64, wait time.Duration) error {
	if b == nil || n <= 0 || b.TryAcquire(n) {
		return nil
	}
	if wait <= 0 {
		wait = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := b.Acquire(ctx, n); err != nil {
		return fmt.Errorf("channel: %d bytes for a frame not available within %v: %w", n, wait, ErrBudget)
	}
	return nil
}
