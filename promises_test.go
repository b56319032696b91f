package rpyc

// Regression tests for what the engine's documentation promises, each
// named after the promise (issue "The engine keeps every promise").

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/stream"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Limits: "a negative value switches that limit off". MaxCallbackDepth
// off means no bound on the extra slots, not one slot fewer: with
// MaxInFlight 1 the server still serves.
func TestCallbackDepthOffKeepsMaxInFlight(t *testing.T) {
	srvCfg := &Config{MaxInFlight: 1, Logger: discardLogger(), Limits: Limits{MaxCallbackDepth: -1}}
	cli, _ := memPair(t, &hardService{}, srvCfg, quietConfig())
	ctx := contextWithTimeout(t, 5*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatalf("GETROOT with MaxInFlight 1 and MaxCallbackDepth off: %v", err)
	}
	var cb func(ctx context.Context, n int) (int, error)
	cb = func(ctx context.Context, n int) (int, error) {
		v, err := As[int](root.CallMethod(ctx, "recurse", n, cb))
		return v + 1, err
	}
	if got, err := As[int](root.CallMethod(ctx, "recurse", 50, cb)); err != nil || got != 50 {
		t.Fatalf("nested callbacks 50 deep with the depth limit off: %v, %v", got, err)
	}
}

// MaxInFlight grows only for handlers waiting on a callback, not for
// every synchronous call any goroutine makes.
func TestOnlyHandlersWaitingOnACallbackGetASlot(t *testing.T) {
	svc := &hardService{}
	cli, srv := memPair(t, svc, &Config{MaxInFlight: 2, Logger: discardLogger()}, quietConfig())
	ctx := contextWithTimeout(t, 10*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The server's own goroutines (not handlers) make calls that wait on
	// the client: they must not raise the server's capacity.
	sroot, err := srv.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, _ = sroot.CallMethod(ctx, "get_service_name")
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	for range 6 {
		root.CallMethodAsync("block")
	}
	waitUntil(t, "2 handlers running", func() bool { return svc.started.Load() == 2 })
	time.Sleep(50 * time.Millisecond)
	if n := svc.started.Load(); n != 2 {
		t.Fatalf("%d handlers running with MaxInFlight 2 while other goroutines made calls", n)
	}
	srv.mu.Lock()
	waiting := srv.waitingHandlers
	srv.mu.Unlock()
	if waiting != 0 {
		t.Fatalf("waitingHandlers = %d for calls made outside handlers, want 0", waiting)
	}
}

// AsyncResult.SetExpiry: a call the peer never answers is forgotten at
// its expiry, so MaxPending does not fill up for good.
func TestExpiredCallsLeaveTheirPendingSlot(t *testing.T) {
	svc := &hardService{}
	cli, _ := memPair(t, svc, quietConfig(), &Config{Logger: discardLogger(), Limits: Limits{MaxPending: 10}})
	ctx := contextWithTimeout(t, 10*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var results []*AsyncResult
	for range 10 {
		r := root.CallMethodAsync("block")
		r.SetExpiry(50 * time.Millisecond)
		results = append(results, r)
	}
	for _, r := range results {
		if err := r.Wait(ctx); !errors.Is(err, ErrTimeout) || !r.Expired() {
			t.Fatalf("an expired call: got %v (expired %v), want ErrTimeout", err, r.Expired())
		}
	}
	// The slots are free again.
	if v, err := root.CallMethod(ctx, "sleep", 0); err != nil {
		t.Fatalf("a call after 10 expired ones with MaxPending 10: %v, %v", v, err)
	}
}

// A connection reset is the peer going away, not a protocol error, and
// is not worth a warning.
func TestResetIsADisconnectNotAProtocolError(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	addr, conns := tcpServe(t, &hardService{}, &Config{Logger: logger})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := Connect(nc, nil, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Root(contextWithTimeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	nc.(*net.TCPConn).SetLinger(0) // close with RST
	nc.Close()
	cli.Close()
	srv := conns()[0]
	select {
	case <-srv.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("server did not notice the reset")
	}
	if err := srv.Err(); errors.Is(err, ErrProtocol) {
		t.Errorf("a reset recorded as %v, want a disconnect", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if logs.Len() > 0 {
		t.Errorf("a reset logged at Warn or above:\n%s", logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// Close is idempotent: concurrent calls run BeforeClosed and send
// HANDLE_CLOSE once.
func TestConcurrentClosesSayGoodbyeOnce(t *testing.T) {
	var before atomic.Int64
	cfg := &Config{Logger: discardLogger(), BeforeClosed: func(*Netref) {
		before.Add(1)
		time.Sleep(20 * time.Millisecond)
	}}
	cli, _ := memPair(t, &hardService{}, quietConfig(), cfg)
	if _, err := cli.Root(contextWithTimeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); cli.Close() }()
	}
	wg.Wait()
	if n := before.Load(); n != 1 {
		t.Fatalf("BeforeClosed ran %d times for 8 concurrent Close calls, want 1", n)
	}
	if !cli.Closed() {
		t.Fatal("a Close returned before the connection ended")
	}
}

// Close returns within its grace even when the peer stopped reading and
// WriteTimeout is long: the grace bounds the writes of Close too (the
// write timeout's rearming must not move the deadline past it).
func TestCloseIsBoundedAgainstAPeerThatStoppedReading(t *testing.T) {
	a, z := net.Pipe() // nobody reads z: every write blocks
	defer z.Close()
	cfg := &Config{Logger: discardLogger(), Limits: Limits{WriteTimeout: time.Minute}}
	c, err := Connect(a, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c.Close()
	if d := time.Since(start); d > 2*closeGrace+time.Second {
		t.Fatalf("Close took %v against a peer that reads nothing (WriteTimeout 1 min), want about its %v grace", d, closeGrace)
	}
}

// Close from a handler is recognised however deep the handler's stack,
// and does not wait for the handler itself.
func TestCloseFromADeepHandlerDoesNotWaitForItself(t *testing.T) {
	svc := &deepCloser{closed: make(chan struct{})}
	cli, _ := memPair(t, svc, quietConfig(), quietConfig())
	ctx := contextWithTimeout(t, 10*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res := root.CallMethodAsync("quit_deep", 2000)
	select {
	case <-svc.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler's Close never returned")
	}
	if d := svc.took.Load(); time.Duration(d) > closeGrace/2 {
		t.Fatalf("Close from a handler 2,000 frames deep took %v: it waited for itself", time.Duration(d))
	}
	_ = res
}

type deepCloser struct {
	closed chan struct{}
	took   atomic.Int64
}

func (d *deepCloser) QuitDeep(ctx context.Context, depth int) {
	var rec func(n int)
	rec = func(n int) {
		if n > 0 {
			rec(n - 1)
			return
		}
		c, _ := ConnFromContext(ctx)
		start := time.Now()
		c.Close()
		d.took.Store(int64(time.Since(start)))
		close(d.closed)
	}
	rec(depth)
}

// The shared budget charges what a message decodes into, not its wire
// size: a frame of one-tuples of None that decodes past the whole budget
// closes the connection, and the heap does not grow by ~28x its size.
func TestBudgetCountsDecodedSize(t *testing.T) {
	budget := NewBudget(8 << 20)
	cfg := &Config{Logger: discardLogger(), Limits: Limits{Budget: budget}}
	addr, conns := tcpServe(t, &hardService{}, cfg)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// One request whose argument is a 2 MiB tuple of one-tuples of None:
	// ~2 MiB on the wire, ~56 MiB decoded.
	ones := make(brine.Tuple, 1<<20)
	for i := range ones {
		ones[i] = brine.Tuple{nil}
	}
	data := rawFrames(t, 1, func(int) any {
		return brine.Tuple{int64(message.HandlePing), brine.Tuple{int64(message.LabelValue), brine.Tuple{ones}}}
	})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := nc.Write(data); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the server to drop the connection", func() bool {
		cs := conns()
		return len(cs) == 1 && cs[0].Closed()
	})
	runtime.ReadMemStats(&after)
	if grew := int64(after.TotalAlloc - before.TotalAlloc); grew > 40<<20 {
		t.Errorf("decoding allocated %d MiB under an 8 MiB budget", grew>>20)
	}
	if err := conns()[0].Err(); !errors.Is(err, channel.ErrBudget) {
		t.Errorf("connection ended with %v, want the budget named", err)
	}
	waitUntil(t, "the budget to be given back", func() bool { return budget.Used() == 0 })
}

// The budget is held by a request while it is served and given back
// after, and a ping's reply is charged while it is encoded: with the
// budget fitting two, concurrent large pings are served and never push
// the budget's use past its limit.
func TestBudgetHoldsRequestsAndRepliesUntilDone(t *testing.T) {
	budget := NewBudget(64 << 20)
	cfg := &Config{Logger: discardLogger(), Limits: Limits{Budget: budget}}
	addr, _ := tcpServe(t, &hardService{}, cfg)
	var peak atomic.Int64
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if u := budget.Used(); u > peak.Load() {
				peak.Store(u)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	var wg sync.WaitGroup
	blob := bytes.Repeat([]byte{7}, 12<<20)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := Dial(context.Background(), addr, &Config{Logger: discardLogger(), Layout: message.LayoutV6})
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			if err := c.Ping(contextWithTimeout(t, 30*time.Second), blob); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	if p := peak.Load(); p == 0 || p > budget.Limit() {
		t.Errorf("budget use peaked at %d, want above 0 and at most its %d", p, budget.Limit())
	}
	waitUntil(t, "the budget to be given back", func() bool { return budget.Used() == 0 })
}

// An object made for a reply that is never delivered, refused at
// MaxObjects, gets RPyCRelease, and objects boxed into the failed reply
// before it leave the table.
func TestObjectsOfAnUndeliveredReplyAreReleased(t *testing.T) {
	svc := &releaseCounter{}
	cfg := &Config{Logger: discardLogger(), QuietExceptions: true, Limits: Limits{MaxObjects: 2}}
	cli, srv := memPair(t, svc, cfg, quietConfig())
	ctx := contextWithTimeout(t, 5*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := srv.objects.total()
	if base != 1 {
		t.Fatalf("the table holds %d entries after GETROOT, want the root alone", base)
	}
	// Three objects in one reply, with one slot left: the first is boxed,
	// the second refused; all three were made for nothing.
	_, err = root.CallMethod(ctx, "three")
	if err == nil || !strings.Contains(err.Error(), "MaxObjects") {
		t.Fatalf("a reply past MaxObjects: got %v, want the MemoryError naming the limit", err)
	}
	waitUntil(t, "three releases", func() bool { return svc.released.Load() == 3 })
	if n := srv.objects.total(); n != base {
		t.Fatalf("the table holds %d entries after the failed reply, want %d as before", n, base)
	}
	// And the connection still works, with its slots back.
	if _, err := root.CallMethod(ctx, "one"); err != nil {
		t.Fatalf("a reply after the failed one: %v", err)
	}
}

type releaseCounter struct{ released atomic.Int64 }

type counted struct {
	svc *releaseCounter
	n   int
}

func (c *counted) RPyCRelease(*Conn) { c.svc.released.Add(1) }

func (s *releaseCounter) Three() brine.Tuple {
	return brine.Tuple{&counted{svc: s, n: 1}, &counted{svc: s, n: 2}, &counted{svc: s, n: 3}}
}
func (s *releaseCounter) One() *counted { return &counted{svc: s} }

// An object boxed into a message that fails to encode further on leaves
// the table: the peer will never release it.
func TestObjectsBoxedBeforeAnEncodingErrorLeaveTheTable(t *testing.T) {
	svc := &releaseCounter{}
	cli, srv := memPair(t, svc, &Config{Logger: discardLogger(), QuietExceptions: true}, quietConfig())
	ctx := contextWithTimeout(t, 5*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := srv.objects.total()
	for range 100 {
		if _, err := root.CallMethod(ctx, "bad_tuple"); err == nil {
			t.Fatal("a reply holding an invalid str was sent")
		}
	}
	if n := srv.objects.total(); n != base {
		t.Fatalf("the table grew from %d to %d entries over 100 failed replies", base, n)
	}
	waitUntil(t, "100 releases", func() bool { return svc.released.Load() == 100 })
}

func (s *releaseCounter) BadTuple() brine.Tuple {
	return brine.Tuple{&counted{svc: s}, "\xff not UTF-8"}
}

// total counts every entry of the table, pinned ones included.
func (t *objTable) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byID)
}

// list.extend of an endless iterator from the peer stops past
// MaxBuildItems with a MemoryError, having pulled at most one batch more.
func TestExtendStopsAtMaxBuildItems(t *testing.T) {
	svc := &hardService{list: &[]int{}}
	cfg := &Config{Logger: discardLogger(), QuietExceptions: true, Limits: Limits{MaxBuildItems: 1000}}
	cli, _ := memPair(t, svc, cfg, quietConfig())
	ctx := contextWithTimeout(t, 10*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, err := As[*Netref](root.CallMethod(ctx, "list"))
	if err != nil {
		t.Fatal(err)
	}
	var pulled atomic.Int64
	endless := iter.Seq[int](func(yield func(int) bool) {
		for i := 0; ; i++ {
			pulled.Add(1)
			if !yield(i) {
				return
			}
		}
	})
	for _, op := range []string{"extend", "__iadd__"} {
		pulled.Store(0)
		_, err = l.CallMethod(ctx, op, endless)
		if !errors.Is(err, vinegar.ErrMemoryError) {
			t.Fatalf("%s(endless iterator): got %v, want MemoryError", op, err)
		}
		if n := pulled.Load(); n > 1000+1024+1 {
			t.Fatalf("%s pulled %d items with MaxBuildItems 1000, want at most one batch more", op, n)
		}
	}
}

// HANDLE_DEL's count must be positive: a negative one would raise the
// count and pin the object for good.
func TestDelRefusesANegativeCount(t *testing.T) {
	cli, srv := memPair(t, &testService{}, quietConfig(), quietConfig())
	ctx := contextWithTimeout(t, 5*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := As[*Netref](root.CallMethod(ctx, "make_obj"))
	if err != nil {
		t.Fatal(err)
	}
	base := srv.LocalObjects()
	_, err = cli.Request(ctx, message.HandleDel, localRef(obj.id), -5)
	if !errors.Is(err, vinegar.ErrValueError) {
		t.Fatalf("DEL with count -5: got %v, want ValueError", err)
	}
	obj.Release()
	waitUntil(t, "the object released", func() bool { return srv.LocalObjects() == base-1 })
}

// A netref collected while the peer reads nothing does not block the
// runtime's cleanup goroutine (which every cleanup in the process
// shares): the DEL is sent from the connection's own sender.
func TestNetrefCleanupNeverWaitsForThePeer(t *testing.T) {
	released := make(chan struct{}, 1)
	cli, _ := memPair(t, &testService{}, quietConfig(), quietConfig())
	ctx := contextWithTimeout(t, 5*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Fill the client's write queue so that any send would wait.
	cli.ch.LimitWrites(time.Now().Add(-time.Second))
	for range 50 {
		if _, err := root.CallMethod(ctx, "make_obj"); err != nil {
			break
		}
	}
	start := time.Now()
	func() {
		n := &Netref{}
		runtime.AddCleanup(n, func(struct{}) { released <- struct{}{} }, struct{}{})
		for range 1000 {
			st := &refState{conn: cli, id: message.IDPack{Name: "x", ClassID: 1, InstanceID: 1}}
			st.count.Store(1)
			st.release(true)
		}
	}()
	if d := time.Since(start); d > time.Second {
		t.Fatalf("1,000 releases took %v on the caller's goroutine", d)
	}
}

// The reader answers a request on its own (a DEL, a refusal) without
// waiting behind a large reply being written: a peer that writes a large
// frame while not reading, against our reply it does not read yet, does
// not stall both sides until WriteTimeout.
func TestReaderAnswersDoNotWaitBehindALargeReply(t *testing.T) {
	svc := &hardService{}
	addr, _ := tcpServe(t, svc, &Config{Logger: discardLogger(), Limits: Limits{WriteTimeout: time.Minute}, Channel: &channel.Config{NoCompress: true}})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// A receive buffer far smaller than the blob (Linux grows it to 32 MiB
	// by default, which would take the whole reply in).
	nc.(*net.TCPConn).SetReadBuffer(256 << 10)
	// GETROOT, read its reply; then ask for a 32 MiB blob, refused
	// requests (answered by the reader) and a large frame, all before
	// reading anything.
	nc.Write(rawFrames(t, 1, func(int) any {
		return brine.Tuple{int64(message.HandleGetRoot), brine.Tuple{int64(message.LabelValue), brine.Tuple{}}}
	}))
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	msg, err := channel.ReadFrame(nc, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, _, _ := message.Decode(msg, nil)
	rootID := m.Payload.(brine.Tuple)[1].(brine.Tuple)
	call := rawFrames(t, 1, func(int) any {
		return brine.Tuple{int64(message.HandleCallAttr), brine.Tuple{int64(message.LabelTuple), brine.Tuple{
			brine.Tuple{int64(message.LabelLocalRef), rootID},
			brine.Tuple{int64(message.LabelValue), "blob"},
			brine.Tuple{int64(message.LabelValue), brine.Tuple{int64(32 << 20)}},
			brine.Tuple{int64(message.LabelValue), brine.Tuple{}},
		}}}
	})
	refused := rawFrames(t, 2000, func(int) any { return brine.Tuple{int64(999), brine.Tuple{}} })
	large := rawFrames(t, 1, func(int) any {
		return brine.Tuple{int64(message.HandlePing), brine.Tuple{int64(message.LabelValue), brine.Tuple{bytes.Repeat([]byte{1}, 40<<20)}}}
	})
	nc.SetWriteDeadline(time.Now().Add(20 * time.Second))
	if _, err := nc.Write(call); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the blob's reply is being written
	start := time.Now()
	if _, err := nc.Write(append(refused, large...)); err != nil {
		t.Fatalf("writing while the server writes a reply we do not read: %v after %v", err, time.Since(start))
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("our writes stalled %v against a server writing a reply", d)
	}
	// Everything is answered: the blob, 2,000 refusals, the ping.
	nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	sawBlob := false
	for i := 0; i < 2002; i++ {
		msg, err := channel.ReadFrame(nc, nil)
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if len(msg) >= 32<<20 {
			sawBlob = true
		}
	}
	if !sawBlob {
		t.Fatal("the 32 MiB reply never came")
	}
}

// A server whose OnConnect calls back into the client speaks the
// client's layout: a 5.x client is not sent a 6.x message.
func TestOnConnectCallbackSpeaksTheClientsLayout(t *testing.T) {
	for _, layout := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		t.Run(layout.String(), func(t *testing.T) {
			a, b := stream.MemPipe()
			svc := &callsBackOnConnect{got: make(chan string, 1)}
			done := make(chan *Conn, 1)
			go func() {
				srv, err := NewServerConn(b, svc, quietConfig())
				if err != nil {
					t.Error(err)
					done <- nil
					return
				}
				srv.Start()
				done <- srv
			}()
			cli, err := Connect(a, &clientSvc{}, &Config{Logger: discardLogger(), Layout: layout})
			if err != nil {
				t.Fatal(err)
			}
			defer cli.Close()
			// The client's first message tells the server its layout.
			if _, err := cli.Root(contextWithTimeout(t, 5*time.Second)); err != nil {
				t.Fatalf("client's GETROOT: %v", err)
			}
			select {
			case name := <-svc.got:
				if name != "CLIENTSVC" {
					t.Fatalf("OnConnect read the client's service name as %q", name)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("OnConnect's callback never completed")
			}
			if srv := <-done; srv != nil {
				srv.Close()
			}
		})
	}
}

type callsBackOnConnect struct{ got chan string }

func (s *callsBackOnConnect) OnConnect(c *Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	root, err := c.Root(ctx)
	if err != nil {
		s.got <- "error: " + err.Error()
		return
	}
	name, err := As[string](root.CallMethod(ctx, "get_service_name"))
	if err != nil {
		name = "error: " + err.Error()
	}
	s.got <- name
}

type clientSvc struct{}

// Promoting a parked request while the connection shuts down never
// starts it after OnDisconnect (the race detector checks the WaitGroup).
func TestNoRequestStartsAfterOnDisconnect(t *testing.T) {
	for range 20 {
		svc := &disconnectWatch{}
		a, b := stream.MemPipe()
		srv, err := NewServerConn(b, svc, &Config{MaxInFlight: 1, Logger: discardLogger()})
		if err != nil {
			t.Fatal(err)
		}
		srv.Start()
		cli, err := Connect(a, nil, quietConfig())
		if err != nil {
			t.Fatal(err)
		}
		root, err := cli.Root(contextWithTimeout(t, 5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			root.CallMethodAsync("work")
		}
		time.Sleep(time.Millisecond)
		a.Close()
		cli.Close()
		srv.Close()
		waitUntil(t, "OnDisconnect", func() bool { return svc.disconnected.Load() })
		time.Sleep(5 * time.Millisecond)
		if n := svc.late.Load(); n > 0 {
			t.Fatalf("%d requests started after OnDisconnect", n)
		}
	}
}

type disconnectWatch struct {
	disconnected atomic.Bool
	late         atomic.Int64
}

func (d *disconnectWatch) OnDisconnect(*Conn) { d.disconnected.Store(true) }
func (d *disconnectWatch) Work(ctx context.Context) {
	if d.disconnected.Load() {
		d.late.Add(1)
	}
	// A handler that calls nothing back still lets parked requests be
	// promoted by others; sleep a little to keep them parked.
	time.Sleep(100 * time.Microsecond)
}

// Close does not wait forever for a stream whose Read ignores Close.
func TestCloseDoesNotWaitForAReadThatNeverEnds(t *testing.T) {
	s := &stuckReader{unblock: make(chan struct{})}
	defer close(s.unblock)
	c, err := Connect(s, nil, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	c.Close()
	if d := time.Since(start); d > 2*closeGrace+time.Second {
		t.Fatalf("Close took %v on a stream whose Read ignores Close", d)
	}
}

// stuckReader's Read blocks until unblock closes, whatever Close does.
type stuckReader struct{ unblock chan struct{} }

func (s *stuckReader) Read(p []byte) (int, error) {
	<-s.unblock
	return 0, fmt.Errorf("unblocked: %w", net.ErrClosed)
}
func (s *stuckReader) Write(p []byte) (int, error) { return len(p), nil }
func (s *stuckReader) Close() error                { return nil }
