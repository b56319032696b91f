package channel

import (
	"context"
	"errors"
	"sync"
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
	return b.take(n, b.limit)
}

// tryBelow is TryAcquire keeping the budget's use within ceiling.
func (b *Budget) tryBelow(n, ceiling int64) bool {
	if b == nil || n <= 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.take(n, ceiling)
}

// take takes n bytes if the budget's use stays within ceiling (b.mu held).
func (b *Budget) take(n, ceiling int64) bool {
	if b.used+n <= ceiling || b.used == 0 {
		b.used += n
		return true
	}
	return false
}

// IncomingShare is the part of a Budget that what peers send (frames
// being received, the values they decode into, requests being served)
// may take: half. The other half is left for replies and queued frames,
// so a reply is never refused room by the requests waiting for replies
// (which would deadlock them), and what is held at once stays within
// the budget: a request's message and its reply's encoded copy, both.
func (b *Budget) IncomingShare() int64 {
	if b == nil {
		return 0
	}
	return b.limit / 2
}

// Acquire takes n bytes, waiting until they are free or ctx ends (then it
// returns ctx's error and takes nothing).
func (b *Budget) Acquire(ctx context.Context, n int64) error {
	if b == nil {
		return nil
	}
	return b.acquireBelow(ctx, n, b.limit)
}

// acquireBelow is Acquire keeping the budget's use within ceiling.
func (b *Budget) acquireBelow(ctx context.Context, n, ceiling int64) error {
	if b == nil || n <= 0 {
		return nil
	}
	b.mu.Lock()
	if b.take(n, ceiling) {
		b.mu.Unlock()
		return nil
	}
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	for !b.take(n, ceiling) {
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
