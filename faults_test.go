package rpyc_test

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/internal/faultnet"
)

// Faults the engine rides out today, injected through internal/faultnet
// (no root needed): a partition with calls in flight, a server that dies
// with or without its FIN reaching the client, a slow transfer beside
// fast connections. Bounds here are loose on purpose (the deadline plus
// seconds): they tell "returns by its deadline" from "hangs", and load
// on a shared machine cannot break them.

// faultService is what the fault tests call.
type faultService struct{}

// Sleep waits secs seconds, or until the call is cancelled.
func (faultService) Sleep(ctx context.Context, secs float64) (float64, error) {
	t := time.NewTimer(time.Duration(secs * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
		return secs, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Size returns len(b).
func (faultService) Size(b []byte) int { return len(b) }

// Add adds.
func (faultService) Add(a, b int64) int64 { return a + b }

// faultServer serves faultService behind a faultnet proxy; stop kills the
// server (every connection closed, no HANDLE_CLOSE).
func faultServer(t *testing.T) (p *faultnet.Proxy, direct string, stop func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop = serveOn(t, l, faultService{})
	return faultnet.Listen(t, l.Addr().String()), l.Addr().String(), stop
}

// dialRoot dials addr and fetches the root; the connection closes when
// the test ends.
func dialRoot(ctx context.Context, t *testing.T, addr string) (*rpyc.Conn, *rpyc.Netref) {
	t.Helper()
	c, err := rpyc.Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c, root
}

func faultCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// callsInFlight starts n sleep calls of secs on c, each bounded by
// deadline, and returns a channel that yields each one's error and how
// long it took.
type callResult struct {
	err error
	el  time.Duration
}

func callsInFlight(ctx context.Context, root *rpyc.Netref, n int, secs float64, deadline time.Duration) <-chan callResult {
	out := make(chan callResult, n)
	for range n {
		go func() {
			cctx, cancel := context.WithTimeout(ctx, deadline)
			defer cancel()
			start := time.Now()
			_, err := root.CallMethod(cctx, "sleep", secs)
			out <- callResult{err, time.Since(start)}
		}()
	}
	return out
}

// TestFaultPartitionCallsInFlight: 50 calls in flight when the network
// is cut each fail by their 500 ms deadline; the connection survives
// (late replies are dropped) and carries calls once healed; a new dial
// works after healing; nothing leaks (TestMain's goleak).
func TestFaultPartitionCallsInFlight(t *testing.T) {
	ctx := faultCtx(t)
	p, _, _ := faultServer(t)
	c, root := dialRoot(ctx, t, p.Addr())
	p.Partition()
	const n = 50
	results := callsInFlight(ctx, root, n, 0.05, 500*time.Millisecond)
	for range n {
		r := <-results
		if !errors.Is(r.err, context.DeadlineExceeded) {
			t.Errorf("call across the partition: got %v, want DeadlineExceeded", r.err)
		}
		if r.el > 3*time.Second {
			t.Errorf("call with a 500ms deadline returned after %v", r.el)
		}
	}
	if c.Closed() {
		t.Fatalf("the partition closed the connection: %v", c.Err())
	}
	p.Heal()
	if v, err := root.CallMethod(ctx, "add", 2, 3); err != nil || v != int64(5) {
		t.Errorf("after healing, on the same connection: add = %v, %v; want 5", v, err)
	}
	c2, err := rpyc.Dial(ctx, p.Addr(), nil)
	if err != nil {
		t.Fatalf("a new dial after healing: %v", err)
	}
	addOnce(t, c2)
	_ = c2.Close()
}

// TestFaultServerKilled: a server that dies with its FIN reaching the
// client fails every call in flight at once with ErrClosed; one whose FIN
// is lost (a half-open connection) fails them by their deadlines, not
// later.
func TestFaultServerKilled(t *testing.T) {
	t.Run("FIN", func(t *testing.T) {
		ctx := faultCtx(t)
		p, _, stop := faultServer(t)
		_, root := dialRoot(ctx, t, p.Addr())
		results := callsInFlight(ctx, root, 10, 30, 30*time.Second)
		time.Sleep(100 * time.Millisecond)
		stop()
		for range 10 {
			r := <-results
			if !errors.Is(r.err, rpyc.ErrClosed) || !errors.Is(r.err, io.EOF) {
				t.Errorf("call in flight when the server died: got %v, want ErrClosed wrapping EOF", r.err)
			}
			if r.el > 10*time.Second {
				t.Errorf("the call failed after %v, want at once", r.el)
			}
		}
	})
	t.Run("FIN lost", func(t *testing.T) {
		ctx := faultCtx(t)
		p, _, stop := faultServer(t)
		_, root := dialRoot(ctx, t, p.Addr())
		p.DropFIN()
		results := callsInFlight(ctx, root, 10, 30, 700*time.Millisecond)
		time.Sleep(100 * time.Millisecond)
		stop()
		for range 10 {
			r := <-results
			if !errors.Is(r.err, context.DeadlineExceeded) {
				t.Errorf("call in flight on a half-open connection: got %v, want DeadlineExceeded", r.err)
			}
			if r.el > 4*time.Second {
				t.Errorf("call with a 700ms deadline returned after %v", r.el)
			}
		}
	})
}

// TestFaultSlowTransferDoesNotStall: a 16 MiB argument crawling over an
// 8 MiB/s link to a server does not hold up other clients of that
// server: 20 calls on another connection all finish while it crawls.
func TestFaultSlowTransferDoesNotStall(t *testing.T) {
	ctx := faultCtx(t)
	p, direct, _ := faultServer(t)
	p.Throttle(8 << 20)
	_, slowRoot := dialRoot(ctx, t, p.Addr())
	_, fastRoot := dialRoot(ctx, t, direct)

	var wg sync.WaitGroup
	transferred := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(transferred)
		// Random bytes: zlib cannot shrink them past the throttle.
		blob := make([]byte, 16<<20)
		_, _ = rand.NewChaCha8([32]byte{1}).Read(blob)
		if v, err := slowRoot.CallMethod(ctx, "size", blob); err != nil || v != int64(len(blob)) {
			t.Errorf("size(16 MiB) over the slow link = %v, %v", v, err)
		}
	}()
	time.Sleep(100 * time.Millisecond) // the transfer is under way
	for i := range 20 {
		if v, err := fastRoot.CallMethod(ctx, "add", i, 1); err != nil || v != int64(i+1) {
			t.Fatalf("add(%d, 1) beside the slow transfer = %v, %v", i, v, err)
		}
	}
	select {
	case <-transferred:
		t.Error("the 16 MiB transfer finished before 20 calls on another connection: the test did not overlap them (or the throttle failed)")
	default:
	}
	wg.Wait()
}
