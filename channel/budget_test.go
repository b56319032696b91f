package channel

import (
	"bytes"
	"context"
	"net"
	"sync"
	"testing"
	"time"
)

// TestBudgetChargedAndReturned: queued frames and frames being received
// take from the shared budget and give it all back.
func TestBudgetChargedAndReturned(t *testing.T) {
	b, rb := NewBudget(1<<20), NewBudget(1<<20) // one per process: these are two
	a, z := net.Pipe()
	tx := New(a, &Config{Budget: b, NoCompress: true})
	rx := New(z, &Config{Budget: rb})
	defer tx.Close()
	defer rx.Close()
	msg := bytes.Repeat([]byte("x"), 10000)
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				err = tx.Queue(msg)
			} else {
				err = tx.Send(msg)
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	for range n {
		got, err := rx.Recv()
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("recv: %v", err)
		}
	}
	wg.Wait()
	if err := tx.Flush(); err != nil {
		t.Fatal(err)
	}
	if u, ru := b.Used(), rb.Used(); u != 0 || ru != 0 {
		t.Fatalf("budgets still charged with %d and %d bytes", u, ru)
	}
}

// TestBudgetWaitsThenGivesUp: Acquire waits for room, and gives up with
// the context.
func TestBudgetWaitsThenGivesUp(t *testing.T) {
	b := NewBudget(100)
	if !b.TryAcquire(80) || b.TryAcquire(30) {
		t.Fatal("TryAcquire: want 80 taken, 30 refused")
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		b.Release(80)
	}()
	if err := b.Acquire(context.Background(), 30); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := b.Acquire(ctx, 90); err == nil {
		t.Fatal("Acquire beyond the budget succeeded")
	}
	ch := Hold{b: b, wait: 10 * time.Millisecond}
	if err := ch.take(1000); err == nil {
		t.Fatal("a charge beyond the budget succeeded")
	}
	b.Release(30)
	if !b.TryAcquire(1000) { // larger than the budget, but nothing else is taken
		t.Fatal("an oversized request must pass when the budget is empty")
	}
}

// recordWrites records each Write call's bytes.
type recordWrites struct {
	mu     sync.Mutex
	writes [][]byte
}

func (r *recordWrites) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.writes = append(r.writes, append([]byte(nil), p...))
	r.mu.Unlock()
	return len(p), nil
}
func (r *recordWrites) Read([]byte) (int, error) { select {} }
func (r *recordWrites) Close() error             { return nil }

// TestFrameWrites: with FrameWrites, no Write carries bytes of two frames,
// however the frames were batched.
func TestFrameWrites(t *testing.T) {
	rec := &recordWrites{}
	ch := New(rec, &Config{FrameWrites: true})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := bytes.Repeat([]byte{byte(i)}, 10+i*97)
			if err := ch.Queue(msg); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := ch.Flush(); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.writes) != 50 {
		t.Errorf("%d writes for 50 frames", len(rec.writes))
	}
	for _, w := range rec.writes {
		if _, err := ReadFrame(bytes.NewReader(w), nil); err != nil || len(w) != HeaderSize+int(uint32(w[0])<<24|uint32(w[1])<<16|uint32(w[2])<<8|uint32(w[3]))+1 {
			t.Fatalf("a write is not exactly one frame (%d bytes): %v", len(w), err)
		}
	}
}
