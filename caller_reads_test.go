package rpyc

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tcpPair connects a client serving cliSvc to a started server serving
// svc over loopback TCP; both are closed at cleanup.
func tcpPair(t *testing.T, svc, cliSvc any, srvCfg, cliCfg *Config) (*Conn, *Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		s, err := l.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- s
	}()
	a, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	return startPair(t, a, b, svc, cliSvc, srvCfg, cliCfg)
}

// callerService is what the server side calls on the client.
type callerService struct{}

func (callerService) Twice(n int) int { return 2 * n }

// A synchronous call on a connection with nothing else under way reads
// its reply itself (no reader goroutine hands it over), and the
// connection keeps every other promise: the peer's own requests are
// served between calls, callbacks run, concurrent callers all get their
// replies.
func TestCallerReadsItsOwnReply(t *testing.T) {
	cli, srv := tcpPair(t, &hardService{}, callerService{}, quietConfig(), quietConfig())
	ctx := contextWithTimeout(t, 20*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const calls = 200
	before := cli.readsTaken.Load()
	for i := range calls {
		if got, err := As[int](root.CallMethod(ctx, "recurse", 0, nil)); err != nil || got != 0 {
			t.Fatalf("call %d: %v, %v", i, got, err)
		}
	}
	// On a loaded machine a call may come after parkSlice and find a
	// reader goroutine; most must read for themselves.
	if n := cli.readsTaken.Load() - before; n < calls/2 {
		t.Errorf("%d of %d calls read their own reply, want most", n, calls)
	}

	// Between calls reading is parked: the peer's requests are still
	// served, by a reader that starts within parkSlice.
	peer, err := srv.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := As[int](root.CallMethod(ctx, "recurse", 0, nil)); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if got, err := As[int](peer.CallMethod(ctx, "twice", i)); err != nil || got != 2*i {
			t.Fatalf("the peer's call between ours: %v, %v", got, err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Fatalf("the peer's call waited %v for a reader, want about %v", d, parkSlice)
		}
	}

	// Callbacks 200 deep while callers read.
	var cb func(ctx context.Context, n int) (int, error)
	cb = func(ctx context.Context, n int) (int, error) {
		return As[int](root.CallMethod(ctx, "recurse", n, cb))
	}
	if got, err := As[int](root.CallMethod(ctx, "recurse", 200, cb)); err != nil || got != 0 {
		t.Fatalf("nested callbacks: %v, %v", got, err)
	}

	// Concurrent callers and the peer's calls at once.
	var wg sync.WaitGroup
	errs := make(chan error, 9)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				if got, err := As[int](root.CallMethod(ctx, "recurse", 0, nil)); err != nil || got != 0 {
					errs <- errors.Join(err, errors.New("wrong result"))
					return
				}
				if i%10 == g {
					if got, err := As[int](peer.CallMethod(ctx, "twice", i)); err != nil || got != 2*i {
						errs <- errors.Join(err, errors.New("wrong result from the peer's call"))
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// A caller reading its own reply returns at its context's deadline, or
// after SyncRequestTimeout, and the connection stays usable: the late
// reply is read by a reader goroutine and dropped.
func TestReadingCallerReturnsAtItsDeadline(t *testing.T) {
	cfg := quietConfig()
	cfg.SyncRequestTimeout = 100 * time.Millisecond
	cli, _ := tcpPair(t, &hardService{}, nil, quietConfig(), cfg)
	ctx := contextWithTimeout(t, 20*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, withDeadline := range []bool{true, false} {
		for range 3 {
			if _, err := root.CallMethod(ctx, "sleep", 0); err != nil { // reading is parked after it
				t.Fatal(err)
			}
		}
		before := cli.readsTaken.Load()
		callCtx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		if !withDeadline {
			cancel()
			callCtx, cancel = context.Background(), func() {}
		}
		start := time.Now()
		_, err := root.CallMethod(callCtx, "sleep", 1000)
		cancel()
		d := time.Since(start)
		if withDeadline && !errors.Is(err, context.DeadlineExceeded) || !withDeadline && !errors.Is(err, ErrTimeout) {
			t.Fatalf("deadline %v: err = %v", withDeadline, err)
		}
		if d > 600*time.Millisecond {
			t.Fatalf("deadline %v: the call returned after %v, want about 100ms", withDeadline, d)
		}
		if cli.readsTaken.Load() == before {
			t.Logf("deadline %v: the call found a reader goroutine (a loaded machine)", withDeadline)
		}
		// The next call gets its own reply, not the late one.
		if got, err := As[int](root.CallMethod(ctx, "recurse", 0, nil)); err != nil || got != 0 {
			t.Fatalf("after a timed-out call: %v, %v", got, err)
		}
		time.Sleep(time.Second) // the late reply comes and goes
		if got, err := As[int](root.CallMethod(ctx, "recurse", 0, nil)); err != nil || got != 0 {
			t.Fatalf("after the late reply: %v, %v", got, err)
		}
	}
}

// A reply that does not arrive in one piece (a large one) is read by a
// reader goroutine, and the caller gets it whole.
func TestReadingCallerHandsOverALargeReply(t *testing.T) {
	cli, _ := tcpPair(t, &hardService{}, nil, quietConfig(), quietConfig())
	ctx := contextWithTimeout(t, 20*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := root.CallMethod(ctx, "sleep", 0); err != nil {
			t.Fatal(err)
		}
		b, err := As[[]byte](root.CallMethod(ctx, "blob", 8<<20))
		if err != nil || len(b) != 8<<20 {
			t.Fatalf("blob %d: %d bytes, %v", i, len(b), err)
		}
	}
}

// A connection whose reading is parked closes at once, and closing it
// leaves no goroutine behind (goleak checks the package).
func TestCloseWhileReadingIsParked(t *testing.T) {
	cli, _ := tcpPair(t, &hardService{}, nil, quietConfig(), quietConfig())
	ctx := contextWithTimeout(t, 20*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.CallMethod(ctx, "sleep", 0); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cli.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Close took %v", d)
	}
	if _, err := root.CallMethod(ctx, "sleep", 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("a call after Close: %v, want ErrClosed", err)
	}
}

// quickAckCounter is a client stream that counts the channel's requests
// to acknowledge at once.
type quickAckCounter struct {
	net.Conn
	n *atomic.Int64
}

func (q quickAckCounter) QuickAck() { q.n.Add(1) }

// A caller reading its own reply that first reads something else (the
// reply to the DEL of a netref released just before: Python's "as
// written" root.add(1, 2) is GETATTR, CALL, DEL) acknowledges at once
// before it waits again. A Python peer, with Nagle's algorithm on, holds
// our reply back until it sees that ACK: without it every such call took
// the 40 ms of a delayed ACK.
func TestReadingCallerAcknowledgesWhatCameFirst(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		s, err := l.Accept()
		if err != nil {
			return
		}
		srv, err := NewServerConn(s, &hardService{}, quietConfig())
		if err != nil {
			return
		}
		srv.Start()
		t.Cleanup(func() { srv.Close() })
	}()
	a, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	var acks atomic.Int64
	cli, err := Connect(quickAckCounter{a, &acks}, nil, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx := contextWithTimeout(t, 20*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		v, err := root.GetAttr(ctx, "recurse")
		if err != nil {
			t.Fatal(err)
		}
		m, ok := v.(*Netref)
		if !ok {
			t.Fatalf("recurse is a %T, want a bound method netref", v)
		}
		if _, err := m.Call(ctx, 0, nil); err != nil {
			t.Fatal(err)
		}
		m.Release()
		if i == 0 {
			acks.Store(0)
		}
	}
	if cli.readsTaken.Load() == 0 {
		t.Fatal("no call read its own reply")
	}
	if acks.Load() == 0 {
		t.Error("no caller acknowledged the DEL replies it read before its own: a Nagle peer would hold every reply 40 ms")
	}
}

// blockingService is a client's service whose method blocks.
type blockingService struct{ release chan struct{} }

func (b blockingService) Block() { <-b.release }

// A caller reading its own reply never runs the peer's requests itself: a
// request of the peer's that blocks, arriving while the caller waits,
// does not keep the call past its deadline.
func TestReadingCallerDoesNotRunThePeersRequests(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	cli, srv := tcpPair(t, &hardService{}, blockingService{release}, quietConfig(), quietConfig())
	ctx := contextWithTimeout(t, 20*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	peer, err := srv.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		for range 3 {
			if _, err := root.CallMethod(ctx, "sleep", 0); err != nil { // reading is parked after it
				t.Fatal(err)
			}
		}
		before := cli.readsTaken.Load()
		go func() {
			time.Sleep(20 * time.Millisecond)
			peer.CallMethodAsync("block") // arrives while the call below waits
		}()
		callCtx, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
		start := time.Now()
		done := make(chan error, 1)
		go func() { // a caller stuck in the peer's request must not hang the test
			_, err := root.CallMethod(callCtx, "sleep", 400)
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: the call did not return (it runs the peer's blocking request)", i)
		}
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("round %d: err = %v, want the deadline", i, err)
		}
		if d := time.Since(start); d > 350*time.Millisecond {
			t.Fatalf("round %d: the call returned after %v, want about 150ms (it ran the peer's blocking request?)", i, d)
		}
		if cli.readsTaken.Load() == before {
			t.Logf("round %d: the call found a reader goroutine (a loaded machine)", i)
		}
		time.Sleep(500 * time.Millisecond) // the late reply comes and goes
	}
}
