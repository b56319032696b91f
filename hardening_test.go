package rpyc

import (
	"context"
	"errors"
	"io"
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
	"github.com/rpyc-go/rpyc/vinegar"
	"log/slog"
)

// hardService is what the hardening tests serve.
type hardService struct {
	started, cancelled atomic.Int64
	list               *[]int
}

// Recurse calls back into the peer: cb(n-1), which calls Recurse again.
func (s *hardService) Recurse(ctx context.Context, n int, cb *Netref) (int, error) {
	if n == 0 {
		return 0, nil
	}
	return As[int](cb.Call(ctx, n-1))
}

// Block waits until its context ends (the connection went away).
func (s *hardService) Block(ctx context.Context) error {
	s.started.Add(1)
	<-ctx.Done()
	s.cancelled.Add(1)
	return ctx.Err()
}

func (s *hardService) Blob(n int) []byte        { return make([]byte, n) }
func (s *hardService) NewObj() *struct{ X int } { return &struct{ X int }{} }
func (s *hardService) List() *[]int             { return s.list }
func (s *hardService) Sleep(ms int)             { time.Sleep(time.Duration(ms) * time.Millisecond) }

// tcpServe serves svc on a loopback listener, one connection per accept,
// with cfg; it returns the address and the server connections made.
func tcpServe(t *testing.T, svc any, cfg *Config) (string, func() []*Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []*Conn
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			c, err := NewServerConn(nc, svc, cfg)
			if err != nil {
				nc.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			c.Start()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String(), func() []*Conn {
		mu.Lock()
		defer mu.Unlock()
		return append([]*Conn(nil), conns...)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func quietConfig() *Config {
	return &Config{Logger: discardLogger()}
}

// TestNestedCallbacksDeeperThanSlots: recursion between client and server
// goes 1,000 deep each way although each side has only 4 handler slots.
func TestNestedCallbacksDeeperThanSlots(t *testing.T) {
	srvCfg := &Config{MaxInFlight: 4, Logger: discardLogger()}
	cliCfg := &Config{MaxInFlight: 4, Logger: discardLogger()}
	cli, srv := memPair(t, &hardService{}, srvCfg, cliCfg)
	_ = srv
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cb func(ctx context.Context, n int) (int, error)
	cb = func(ctx context.Context, n int) (int, error) {
		v, err := As[int](root.CallMethod(ctx, "recurse", n, cb))
		return v + 1, err
	}
	const depth = 1000
	got, err := As[int](root.CallMethod(ctx, "recurse", depth, cb))
	if err != nil {
		t.Fatal(err)
	}
	if got != depth {
		t.Fatalf("recursion returned %d, want %d", got, depth)
	}
}

// TestVanishedPeerBehindFullSlots: a peer that fills every slot and parks
// more requests, then vanishes, is noticed at once: the connection ends
// and every running handler sees its context cancelled.
func TestVanishedPeerBehindFullSlots(t *testing.T) {
	svc := &hardService{}
	addr, conns := tcpServe(t, svc, &Config{MaxInFlight: 8, Logger: discardLogger()})
	ctx := context.Background()
	cli, err := Dial(ctx, addr, &Config{Layout: message.LayoutV6, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 300 {
		root.CallMethodAsync("block")
	}
	waitUntil(t, "8 handlers running", func() bool { return svc.started.Load() == 8 })
	waitUntil(t, "292 requests parked", func() bool { return conns()[0].InFlight() == 300 })
	before := time.Now()
	cli.stream.Close() // vanish: no HANDLE_CLOSE
	cli.Close()
	srv := conns()[0]
	select {
	case <-srv.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not notice the vanished peer")
	}
	waitUntil(t, "handlers cancelled", func() bool { return svc.cancelled.Load() == 8 })
	if d := time.Since(before); d > time.Second {
		t.Errorf("vanished peer released after %v, want under 1 s", d)
	}
	if svc.started.Load() != 8 {
		t.Errorf("%d handlers started, want 8: parked requests of a gone peer must not run", svc.started.Load())
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// rawFrames encodes n requests of the v6 layout made by mk.
func rawFrames(t *testing.T, n int, mk func(i int) any) []byte {
	t.Helper()
	var out []byte
	for i := range n {
		body, err := message.Encode(message.LayoutV6, message.Message{Type: message.Request, Seq: int64(i), Payload: mk(i)})
		if err != nil {
			t.Fatal(err)
		}
		if out, err = channel.AppendFrame(out, body, nil); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestRepliesNobodyReads: 120,000 requests the server refuses, from a
// peer that never reads: no goroutine per reply, memory within the write
// queue, and the connection is dropped after WriteTimeout.
func TestRepliesNobodyReads(t *testing.T) {
	cfg := &Config{Logger: discardLogger(), Limits: Limits{WriteTimeout: 300 * time.Millisecond}}
	addr, conns := tcpServe(t, &hardService{}, cfg)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.(*net.TCPConn).SetReadBuffer(4096)
	base := runtime.NumGoroutine()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	baseHeap := ms.HeapInuse
	// (999, ()) is a request for an unknown handler: a KeyError reply each.
	frames := rawFrames(t, 120000, func(int) any { return brine.Tuple{int64(999), brine.Tuple{}} })
	done := make(chan error, 1)
	go func() {
		_, err := nc.Write(frames)
		done <- err
	}()
	peakG, peakHeap := 0, uint64(0)
	deadline := time.After(20 * time.Second)
	for {
		g := runtime.NumGoroutine()
		runtime.ReadMemStats(&ms)
		peakG = max(peakG, g)
		peakHeap = max(peakHeap, ms.HeapInuse)
		if c := conns(); len(c) == 1 && c[0].Closed() {
			break
		}
		select {
		case <-deadline:
			t.Fatal("the server kept a peer that reads nothing")
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := conns()[0].Err(); !errors.Is(err, channel.ErrStalled) {
		t.Errorf("connection ended with %v, want ErrStalled", err)
	}
	if peakG > base+20 {
		t.Errorf("goroutines peaked at %d (base %d): a goroutine per reply?", peakG, base)
	}
	if grow := int64(peakHeap) - int64(baseHeap); grow > 96<<20 {
		t.Errorf("heap grew by %d MiB, want under 96 MiB (write queue 32 MiB + frames)", grow>>20)
	}
	t.Logf("goroutines base %d peak %d; heap +%d MiB", base, peakG, (int64(peakHeap)-int64(baseHeap))>>20)
}

// TestObjectTableCap: past Limits.MaxObjects the peer gets a MemoryError
// naming the limit, and the connection lives on.
func TestObjectTableCap(t *testing.T) {
	cli, _ := memPair(t, &hardService{}, &Config{Logger: discardLogger(), Limits: Limits{MaxObjects: 50}}, quietConfig())
	ctx := context.Background()
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var refs []*Netref
	var last error
	for i := 0; i < 60; i++ {
		r, err := As[*Netref](root.CallMethod(ctx, "new_obj"))
		if err != nil {
			last = err
			break
		}
		refs = append(refs, r)
	}
	if !errors.Is(last, vinegar.ErrMemoryError) || !strings.Contains(last.Error(), "MaxObjects") {
		t.Fatalf("after %d objects: %v, want a MemoryError naming MaxObjects", len(refs), last)
	}
	if len(refs) != 49 { // the root is the 50th
		t.Errorf("%d objects before the limit, want 49", len(refs))
	}
	for _, r := range refs {
		r.Release()
	}
	waitUntil(t, "objects released", func() bool {
		_, err := root.CallMethod(ctx, "new_obj")
		return err == nil
	})
}

// TestBuildCap: list * k past Limits.MaxBuildItems is a MemoryError, at
// once, without building anything.
func TestBuildCap(t *testing.T) {
	list := []int{1, 2, 3, 4}
	cli, _ := memPair(t, &hardService{list: &list}, &Config{Logger: discardLogger(), Limits: Limits{MaxBuildItems: 1000}}, quietConfig())
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	l, err := As[*Netref](root.CallMethod(ctx, "list"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.CallMethod(ctx, "__mul__", 250); err != nil {
		t.Fatalf("1000 items: %v", err)
	}
	for _, op := range []string{"__mul__", "__imul__"} {
		_, err := l.CallMethod(ctx, op, 1<<26)
		if !errors.Is(err, vinegar.ErrMemoryError) || !strings.Contains(err.Error(), "MaxBuildItems") {
			t.Errorf("%s 2^26: %v, want MemoryError naming MaxBuildItems", op, err)
		}
	}
	if len(list) != 4 {
		t.Errorf("list changed to %d items", len(list))
	}
}

// TestStalledFrame: a peer that stops half-way through a frame is dropped
// after ReadTimeout; a peer idle between frames is kept (IdleTimeout off).
func TestStalledFrame(t *testing.T) {
	addr, conns := tcpServe(t, &hardService{}, &Config{Logger: discardLogger(), Limits: Limits{ReadTimeout: 200 * time.Millisecond}})
	stalled, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	stalled.Write([]byte{0, 0, 1}) // three bytes of a header
	stalled.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(stalled); err != nil {
		t.Fatalf("stalled peer: %v, want the server to close", err)
	}
	time.Sleep(300 * time.Millisecond)
	open := 0
	for _, c := range conns() {
		if !c.Closed() {
			open++
		}
	}
	if open != 1 {
		t.Errorf("%d connections open, want the idle one only", open)
	}
}

// TestIdleTimeout: with IdleTimeout set, an idle connection is closed,
// but not while a call is in flight.
func TestIdleTimeout(t *testing.T) {
	addr, _ := tcpServe(t, &hardService{}, &Config{Logger: discardLogger(), Limits: Limits{IdleTimeout: 150 * time.Millisecond}})
	ctx := context.Background()
	cli, err := Dial(ctx, addr, &Config{Layout: message.LayoutV6, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.CallMethod(ctx, "sleep", 500); err != nil {
		t.Fatalf("a call longer than the idle timeout: %v", err)
	}
	select {
	case <-cli.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("idle connection not closed")
	}
}

// TestInterceptorSeesEveryRequest: the hook gets the handler and the
// method name, and its error reaches the caller.
func TestInterceptorSeesEveryRequest(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	cfg := &Config{Logger: discardLogger(), Interceptor: func(ctx context.Context, info *RequestInfo, next func(context.Context) (any, error)) (any, error) {
		mu.Lock()
		seen = append(seen, opName(info.Handler)+":"+info.Target)
		mu.Unlock()
		if info.Target == "fail" {
			return nil, vinegar.New("PermissionError", "denied by interceptor")
		}
		return next(ctx)
	}}
	cli, _ := memPair(t, &testService{}, cfg, quietConfig())
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	if v, err := As[int](root.CallMethod(ctx, "add", 1, 2)); err != nil || v != 3 {
		t.Fatalf("add: %v %v", v, err)
	}
	if _, err := root.CallMethod(ctx, "fail", "ValueError"); !errors.Is(err, vinegar.ErrPermissionError) {
		t.Fatalf("fail: %v, want the interceptor's PermissionError", err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"getroot:", "callattr:add", "callattr:fail"}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("interceptor saw %v, want %v", seen, want)
	}
}

// TestConfigLiteralKeepsDefaults: a literal with one field set behaves as
// the defaults for the rest (exposure, getattr, tracebacks).
func TestConfigLiteralKeepsDefaults(t *testing.T) {
	cli, _ := memPair(t, &testService{}, &Config{SyncRequestTimeout: 5 * time.Second, Logger: discardLogger()}, &Config{SyncRequestTimeout: 5 * time.Second})
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	if v, err := As[int](root.CallMethod(ctx, "add", 1, 2)); err != nil || v != 3 {
		t.Fatalf("add with a partly filled Config: %v %v", v, err)
	}
	_, err := root.CallMethod(ctx, "fail", "ValueError")
	var exc *vinegar.Exception
	if !errors.As(err, &exc) || exc.Traceback == "" {
		t.Fatalf("fail: %v, want a ValueError with the remote traceback", err)
	}
}

// TestTimeoutNamesTheMethod: a call that outlives SyncRequestTimeout says
// which method, not the protocol operation and sequence number.
func TestTimeoutNamesTheMethod(t *testing.T) {
	cli, _ := memPair(t, &hardService{}, quietConfig(), &Config{SyncRequestTimeout: 50 * time.Millisecond, Logger: discardLogger()})
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	_, err := root.CallMethod(ctx, "sleep", 400)
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "sleep()") || strings.Contains(err.Error(), "HANDLE_") {
		t.Fatalf("timeout error %q: want ErrTimeout naming sleep()", err)
	}
}

// TestTinyRequestFlood: 100,000 tiny requests behind a busy slot park no
// more than MaxParkedBytes allows, counting what a decoded request costs,
// and the reader then stops reading (the peer's writes back up).
func TestTinyRequestFlood(t *testing.T) {
	svc := &hardService{}
	cfg := &Config{MaxInFlight: 1, Logger: discardLogger(), Limits: Limits{MaxParkedBytes: 1 << 20}}
	addr, conns := tcpServe(t, svc, cfg)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Write(rawFrames(t, 1, func(int) any {
		return brine.Tuple{int64(message.HandleGetRoot), brine.Tuple{int64(message.LabelValue), brine.Tuple{}}}
	}))
	msg, err := channel.ReadFrame(nc, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, _, _ := message.Decode(msg, nil)
	id := m.Payload.(brine.Tuple)[1].(brine.Tuple)
	block := func(int) any {
		return brine.Tuple{int64(message.HandleCallAttr), brine.Tuple{int64(message.LabelTuple), brine.Tuple{
			brine.Tuple{int64(message.LabelLocalRef), id},
			brine.Tuple{int64(message.LabelValue), "block"},
			brine.Tuple{int64(message.LabelValue), brine.Tuple{}},
			brine.Tuple{int64(message.LabelValue), brine.Tuple{}},
		}}}
	}
	frames := rawFrames(t, 100000, block)
	go func() {
		nc.SetWriteDeadline(time.Now().Add(20 * time.Second))
		nc.Write(frames) // blocks once the server stops reading
	}()
	waitUntil(t, "the first call running", func() bool { return svc.started.Load() == 1 })
	maxParked := int(cfg.Limits.MaxParkedBytes) / parkOverhead
	waitUntil(t, "the parking area full", func() bool { return conns()[0].InFlight() > maxParked/2 })
	time.Sleep(300 * time.Millisecond) // let the reader take what it can
	if n := conns()[0].InFlight(); n > maxParked+1 {
		t.Fatalf("%d requests held, want at most %d (MaxParkedBytes / the per-request cost)", n, maxParked+1)
	}
}

// TestMaxPending: asynchronous calls to a peer that never answers stop at
// Limits.MaxPending with ErrTooManyPending, instead of piling up.
func TestMaxPending(t *testing.T) {
	svc := &hardService{}
	cli, _ := memPair(t, svc, quietConfig(), &Config{Logger: discardLogger(), Limits: Limits{MaxPending: 100}})
	ctx := context.Background()
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var last error
	n := 0
	for ; n < 200; n++ {
		r := root.CallMethodAsync("block")
		if r.Ready() {
			_, last = r.Value(ctx)
			break
		}
	}
	if n != 100 || !errors.Is(last, ErrTooManyPending) || !strings.Contains(last.Error(), "block()") {
		t.Fatalf("after %d async calls: %v; want ErrTooManyPending naming block() after 100", n, last)
	}
}
