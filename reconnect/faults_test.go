package reconnect_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/internal/faultnet"
	"github.com/rpyc-go/rpyc/reconnect"
)

// TestPartitionHeals: across a partition the pings go unanswered, the
// client drops the connection, calls fail by their deadlines instead of
// hanging, and once the network heals calls resume on a new connection.
func TestPartitionHeals(t *testing.T) {
	ctx := testCtx(t)
	a := startServer(t, "A", "")
	p := faultnet.Listen(t, a.addr)
	c, err := reconnect.Dial(ctx, &reconnect.Options{
		Addrs: []string{p.Addr()}, Backoff: fast, Logger: quiet,
		PingInterval: 100 * time.Millisecond, PingTimeout: 200 * time.Millisecond,
		AttemptTimeout: 500 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	first, err := c.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.Partition()
	for range 3 {
		cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		start := time.Now()
		_, err := c.Call(cctx, "whoami")
		cancel()
		if err == nil {
			t.Fatal("a call crossed the partition")
		}
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, reconnect.ErrLost) {
			t.Errorf("call across the partition: got %v, want its deadline or ErrLost", err)
		}
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("call with a 300ms deadline returned after %v", el)
		}
	}
	select {
	case <-first.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the client kept a connection that answered no ping for 10 s")
	}
	p.Heal()
	if who, _ := callUntil(ctx, t, c); who != "A" {
		t.Errorf("after healing: whoami = %q, want A", who)
	}
	if now, _ := c.Conn(ctx); now == first {
		t.Error("after healing the client still uses the connection it dropped")
	}
}

// TestPartitionHealsWithoutPings: with no pings nothing is dropped; calls
// across the partition fail by their deadlines, and after healing the
// same connection carries calls again.
func TestPartitionHealsWithoutPings(t *testing.T) {
	ctx := testCtx(t)
	a := startServer(t, "A", "")
	p := faultnet.Listen(t, a.addr)
	c, err := reconnect.Dial(ctx, &reconnect.Options{Addrs: []string{p.Addr()}, Backoff: fast, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	first, _ := c.Conn(ctx)
	p.Partition()
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = c.Call(cctx, "whoami")
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("call across the partition: got %v, want DeadlineExceeded", err)
	}
	p.Heal()
	if who, err := c.Call(ctx, "whoami"); err != nil || who != "A" {
		t.Errorf("after healing: whoami = %v, %v; want A", who, err)
	}
	if now, _ := c.Conn(ctx); now != first {
		t.Error("the client changed connections with no pings to tell it to")
	}
}

// TestVanishedServerFailover: the server in use vanishes without a word
// (its host is cut off: no FIN, no reset, no HANDLE_CLOSE); the pings
// notice and the client moves to the other server. A call in flight then
// fails with ErrLost, not at its own (long) deadline.
func TestVanishedServerFailover(t *testing.T) {
	ctx := testCtx(t)
	a, b := startServer(t, "A", ""), startServer(t, "B", "")
	pa := faultnet.Listen(t, a.addr)
	c := dial(ctx, t, &reconnect.Options{
		Addrs: []string{pa.Addr(), b.addr}, Backoff: fast, Logger: quiet,
		PingInterval: 100 * time.Millisecond, PingTimeout: 200 * time.Millisecond,
	}, "A")
	inFlight := make(chan error, 1)
	go func() {
		_, err := c.Call(ctx, "sleep", 0.3)
		inFlight <- err
	}()
	time.Sleep(50 * time.Millisecond)
	pa.Partition() // never healed: the host is gone
	start := time.Now()
	if err := <-inFlight; !errors.Is(err, reconnect.ErrLost) {
		t.Errorf("call in flight when A vanished: got %v, want ErrLost", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("the lost call returned %v after A vanished", el)
	}
	if who, _ := callUntil(ctx, t, c); who != "B" {
		t.Errorf("after A vanished: whoami = %q, want B", who)
	}
}
