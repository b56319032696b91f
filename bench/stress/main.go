// Command stress runs the hostile-peer scenarios of the hardening work
// against a real server.Server over loopback and checks each against the
// bounds it must stay under: server memory (RSS), goroutines and file
// descriptors, and how fast a vanished or stalled peer is released. It
// prints one line per scenario and exits with status 1 when a bound is
// broken. -short runs every scenario at a smaller scale (for CI).
//
//	go run ./bench/stress          # the full sizes of the issue
//	go run ./bench/stress -short   # a few seconds, what test.sh runs
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/server"
)

var (
	short = flag.Bool("short", false, "smaller scenarios, for CI")
	only  = flag.String("only", "", "run only the scenarios whose name contains this")
)

// writeTimeout is the servers' Limits.WriteTimeout in these scenarios.
const writeTimeout = 2 * time.Second

// service is what the scenarios call.
type service struct{ running atomic.Int64 }

func (s *service) Add(a, b int) int { return a + b }

// Blob returns n random bytes (at most 16 MiB): incompressible, so a
// peer that does not read them fills the socket buffers.
func (s *service) Blob(n int) ([]byte, error) {
	if n < 0 || n > 16<<20 {
		return nil, fmt.Errorf("n out of range")
	}
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{byte(n)}).Read(b)
	return b, nil
}

// Block waits for its connection to end.
func (s *service) Block(ctx context.Context) {
	s.running.Add(1)
	defer s.running.Add(-1)
	<-ctx.Done()
}

func (s *service) List() *[]int { l := []int{1, 2, 3, 4}; return &l }

// Recurse calls cb(n-1), which calls Recurse again: one handler per level
// on each side.
func (s *service) Recurse(ctx context.Context, n int, cb *rpyc.Netref) (int, error) {
	if n == 0 {
		return 0, nil
	}
	return rpyc.As[int](cb.Call(ctx, n-1))
}

type result struct {
	name            string
	rssBefore, peak int64 // bytes
	livePeak        int64 // the Go heap's live bytes after a GC cycle, at most
	rssAfter        int64
	goroutinesPeak  int
	fdsPeak         int
	latency         time.Duration // a normal client's add() meanwhile (worst)
	note            string
	failed          []string
}

func main() {
	flag.Parse()
	// The servers run as a user's would: with the Go runtime's memory
	// limit they set from their budget (server.RuntimeMemoryLimit), and
	// the default GC percentage. A GOMEMLIMIT or GOGC in the environment
	// wins, as it would for them.
	raiseFileLimit()
	scale := 1
	if *short {
		scale = 10
	}
	type scenario struct {
		name string
		run  func(addr string, r *result, srv *server.Server, svc *service)
		// config, when set, is the server's Config: nil for every
		// default limit, where the scenario is about what they promise.
		// Without it, short read and write timeouts make the scenarios
		// quick.
		config func() *rpyc.Config
	}
	defaults := func() *rpyc.Config { return nil }
	scenarios := []scenario{
		{"unread refusals", func(addr string, r *result, srv *server.Server, _ *service) {
			n := 120000 // cheap, and more replies than socket buffers hold
			flood(addr, r, srv, n, func(int) any { return brine.Tuple{int64(999), brine.Tuple{}} })
		}, nil},
		{"unread DELs", func(addr string, r *result, srv *server.Server, _ *service) {
			n := 120000 // cheap, and more replies than socket buffers hold
			flood(addr, r, srv, n, func(int) any {
				ref := brine.Tuple{int64(message.LabelLocalRef), brine.Tuple{"x", int64(1), int64(2)}}
				return brine.Tuple{int64(message.HandleDel), brine.Tuple{int64(message.LabelTuple), brine.Tuple{ref}}}
			})
		}, nil},
		{"large replies unread", func(addr string, r *result, srv *server.Server, _ *service) {
			size := 16 << 20
			if *short {
				size = 4 << 20
			}
			largeUnread(addr, r, 300, size, srv)
		}, nil},
		{"vanished behind full slots", func(addr string, r *result, _ *server.Server, svc *service) {
			vanish(addr, r, svc, 300/scale*scale)
		}, nil},
		{"deep callbacks", func(addr string, r *result, _ *server.Server, _ *service) {
			deepCallbacks(addr, r, 1000)
		}, nil},
		{"list * k", func(addr string, r *result, _ *server.Server, _ *service) {
			amplify(addr, r)
		}, nil},
		{"stalled mid-frame", func(addr string, r *result, _ *server.Server, _ *service) {
			stalled(addr, r, 2200/scale)
		}, nil},
		{"slowloris", func(addr string, r *result, _ *server.Server, _ *service) {
			slowloris(addr, r, 2000, 2<<20)
		}, defaults},
		{"inflated pings", func(addr string, r *result, srv *server.Server, _ *service) {
			size := 250 << 20
			if *short {
				size = 64 << 20
			}
			inflatedPings(addr, r, srv, 8, size)
		}, defaults},
		{"one-tuples of None", func(addr string, r *result, _ *server.Server, _ *service) {
			size := int(channel.DefaultMaxFrameSize) - 64
			if *short {
				size = 32 << 20
			}
			oneTuples(addr, r, size)
		}, defaults},
		{"endless extend", func(addr string, r *result, _ *server.Server, _ *service) {
			endlessExtend(addr, r, buildItems())
		}, func() *rpyc.Config {
			// The default (4,194,304) costs a round trip per item: minutes.
			// -short checks the same bound at a smaller limit.
			if *short {
				return &rpyc.Config{Limits: rpyc.Limits{MaxBuildItems: buildItems()}}
			}
			return nil
		}},
		{"idle connections", func(addr string, r *result, _ *server.Server, _ *service) {
			// Both ends live in this process: two descriptors a connection.
			n := 10000 / scale
			if lim := fileLimit(); lim > 0 && lim < 2*n+500 {
				n = (lim - 500) / 2
			}
			idle(addr, r, n)
		}, nil},
	}
	fmt.Printf("%-28s %10s %10s %10s %8s %6s %10s  %s\n", "scenario", "RSS before", "peak", "after", "gorout.", "fds", "add() max", "")
	failed := false
	for _, sc := range scenarios {
		if *only != "" && !strings.Contains(sc.name, *only) {
			continue
		}
		r := runScenario(sc.name, sc.run, sc.config)
		fmt.Printf("%-28s %9.1fM %9.1fM %9.1fM %8d %6d %10v  %s\n", r.name, mib(r.rssBefore), mib(r.peak), mib(r.rssAfter),
			r.goroutinesPeak, r.fdsPeak, r.latency.Round(time.Microsecond), r.note)
		for _, f := range r.failed {
			fmt.Printf("    FAIL: %s\n", f)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
	fmt.Println("all scenarios within bounds")
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// buildItems is the MaxBuildItems of the endless-extend scenario.
func buildItems() int {
	if *short {
		return 10000
	}
	return rpyc.DefaultMaxBuildItems
}

// runScenario starts a server, samples it while run works, and shuts it
// down.
func runScenario(name string, run func(addr string, r *result, srv *server.Server, svc *service), config func() *rpyc.Config) result {
	r := result{name: name}
	svc := &service{}
	srv := &server.Server{
		Service: svc,
		Logger:  slog.New(slog.DiscardHandler),
		Config: &rpyc.Config{Limits: rpyc.Limits{
			WriteTimeout: writeTimeout,
			ReadTimeout:  time.Second,
		}},
	}
	if config != nil {
		srv.Config = config()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return r
	}
	go srv.Serve(l)
	addr := l.Addr().String()
	runtime.GC()
	debug.FreeOSMemory()
	r.rssBefore = rss()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // sample
		defer wg.Done()
		for {
			r.peak = max(r.peak, rss())
			r.livePeak = max(r.livePeak, liveHeap())
			r.goroutinesPeak = max(r.goroutinesPeak, runtime.NumGoroutine())
			r.fdsPeak = max(r.fdsPeak, fds())
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	go func() { // a normal client, calling add() meanwhile
		defer wg.Done()
		c, err := rpyc.Dial(context.Background(), addr, &rpyc.Config{Layout: message.LayoutV6, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			r.failed = append(r.failed, "normal client: "+err.Error())
			return
		}
		defer c.Close()
		root, err := c.Root(context.Background())
		if err != nil {
			r.failed = append(r.failed, "normal client: "+err.Error())
			return
		}
		for {
			t0 := time.Now()
			if _, err := root.CallMethod(context.Background(), "add", 1, 2); err != nil {
				r.failed = append(r.failed, "normal client: "+err.Error())
				return
			}
			r.latency = max(r.latency, time.Since(t0))
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	run(addr, &r, srv, svc)
	close(stop)
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	runtime.GC()
	debug.FreeOSMemory()
	r.rssAfter = rss()
	if grow := r.peak - r.rssBefore; grow > budgetFor(name) {
		r.failed = append(r.failed, fmt.Sprintf("RSS grew by %.0f MiB, bound %.0f MiB", mib(grow), mib(budgetFor(name))))
	}
	if bound := latencyBound(name); r.latency > bound {
		r.failed = append(r.failed, fmt.Sprintf("a normal client's add() took %v meanwhile, bound %v", r.latency, bound))
	}
	return r
}

// latencyBound is how long a normal client's add() may take while a
// scenario runs.
func latencyBound(name string) time.Duration {
	if name == "slowloris" {
		return 100 * time.Millisecond
	}
	return 2 * time.Second
}

// budgetFor is the RSS growth a scenario must stay under: the default
// server budget (1 GiB) where a peer can make the server hold replies or
// frames, far less where it cannot.
func budgetFor(name string) int64 {
	switch name {
	case "large replies unread":
		return 5 << 28 // 1.25 GiB: the live bound is checked by the scenario
	case "list * k":
		return 1 << 30
	case "inflated pings", "one-tuples of None":
		// MemoryBudget (1 GiB) x 1.5 + 100 MiB, the bound.
		return server.DefaultMemoryBudget*3/2 + 100<<20
	case "idle connections":
		return 10000 * 30 << 10 // 30 KiB each
	case "endless extend":
		// MaxBuildItems items pulled, on both ends (one process).
		return 512 << 20
	}
	return 256 << 20
}

func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n << 10
		}
	}
	return 0
}

// liveHeap is the heap the last GC found live (runtime/metrics).
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

func fds() int {
	e, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(e)
}

// frames encodes n v6 requests made by mk.
func frames(n int, mk func(int) any) []byte {
	var out []byte
	for i := range n {
		body, err := message.Encode(message.LayoutV6, message.Message{Type: message.Request, Seq: int64(i), Payload: mk(i)})
		if err != nil {
			panic(err)
		}
		out, _ = channel.AppendFrame(out, body, nil)
	}
	return out
}

// flood sends n requests and never reads; the server must drop it after
// its write timeout without a goroutine per reply.
func flood(addr string, r *result, srv *server.Server, n int, mk func(int) any) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	defer nc.Close()
	nc.(*net.TCPConn).SetReadBuffer(4096)
	data := frames(n, mk)
	start := time.Now()
	nc.SetWriteDeadline(time.Now().Add(30 * time.Second))
	_, werr := nc.Write(data)
	// The server stops reading once its write queue is full and drops us
	// at WriteTimeout; our write fails or completes first.
	buf := make([]byte, 1)
	nc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, _ = nc.Read(buf)
	// The server must drop us once its replies make no progress.
	dropped := false
	for !dropped && time.Since(start) < 30*time.Second {
		time.Sleep(20 * time.Millisecond)
		dropped = srv.Connections() == 1 // the normal client's only
	}
	r.note = fmt.Sprintf("%d requests (%d KiB) sent (write err=%v); peer dropped=%v after %v", n, len(data)>>10, werr != nil, dropped, time.Since(start).Round(time.Millisecond))
	if !dropped {
		r.failed = append(r.failed, "the server kept a peer that reads nothing")
	}
	if r.goroutinesPeak > 60 {
		r.failed = append(r.failed, fmt.Sprintf("%d goroutines: a goroutine per reply?", r.goroutinesPeak))
	}
}

// largeUnread starts calls returning size bytes each and never reads.
func largeUnread(addr string, r *result, calls, size int, srv *server.Server) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	defer nc.Close()
	nc.(*net.TCPConn).SetReadBuffer(4096)
	// A fresh connection has no root object yet: ask for it first, then
	// call blob on it, never reading a reply.
	getroot := frames(1, func(int) any {
		return brine.Tuple{int64(message.HandleGetRoot), brine.Tuple{int64(message.LabelValue), brine.Tuple{}}}
	})
	nc.Write(getroot)
	rootID := rootIDPack(nc)
	data := frames(calls, func(i int) any {
		return brine.Tuple{int64(message.HandleCallAttr), brine.Tuple{int64(message.LabelTuple), brine.Tuple{
			brine.Tuple{int64(message.LabelLocalRef), rootID},
			brine.Tuple{int64(message.LabelValue), "blob"},
			brine.Tuple{int64(message.LabelValue), brine.Tuple{int64(size)}},
			brine.Tuple{int64(message.LabelValue), brine.Tuple{}},
		}}}
	})
	start := time.Now()
	nc.Write(data)
	// Read nothing; the server must give up on us once a reply write has
	// made no progress for its write timeout (after the handlers made
	// their results).
	dropped := false
	for !dropped && time.Since(start) < 30*time.Second {
		time.Sleep(50 * time.Millisecond)
		dropped = srv.Connections() == 1 // the normal client's only
	}
	if os.Getenv("STRESS_DEBUG") != "" {
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
	}
	r.note = fmt.Sprintf("%d calls x %d MiB; peer dropped=%v within %v", calls, size>>20, dropped, time.Since(start).Round(time.Millisecond))
	if !dropped {
		r.failed = append(r.failed, "the server kept a peer that reads nothing")
	}
	// Each running handler holds its result until it is written: what is
	// live stays under MaxInFlight x the reply, the write queue and one
	// reply being encoded. RSS adds what the GC has not yet reclaimed.
	budget := int64(rpyc.DefaultConfig().MaxInFlight+1)*int64(size) + rpyc.DefaultMaxQueuedBytes + 64<<20
	r.note += fmt.Sprintf("; live heap peak %.0f MiB (bound %.0f)", mib(r.livePeak), mib(budget))
	if r.livePeak > budget {
		r.failed = append(r.failed, fmt.Sprintf("live heap reached %.0f MiB, over (MaxInFlight+1) x reply + MaxQueuedBytes + 64 MiB = %.0f MiB", mib(r.livePeak), mib(budget)))
	}
}

// rootIDPack reads the GETROOT reply on nc to learn the root's id_pack.
func rootIDPack(nc net.Conn) brine.Tuple {
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	msg, err := channel.ReadFrame(nc, nil)
	nc.SetReadDeadline(time.Time{})
	if err != nil {
		panic(err)
	}
	m, _, err := message.Decode(msg, nil)
	if err != nil {
		panic(err)
	}
	box := m.Payload.(brine.Tuple)
	return box[1].(brine.Tuple)
}

// vanish fills every slot with calls that block, parks the rest, and
// disappears; the server must notice within a second.
func vanish(addr string, r *result, svc *service, calls int) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	c, err := rpyc.Connect(nc, nil, &rpyc.Config{Layout: message.LayoutV6, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	root, err := c.Root(context.Background())
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	for range calls {
		root.CallMethodAsync("block")
	}
	for i := 0; svc.running.Load() == 0 && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	running := svc.running.Load()
	start := time.Now()
	nc.Close() // vanish: no HANDLE_CLOSE
	defer c.Close()
	for svc.running.Load() > 0 && time.Since(start) < 5*time.Second {
		time.Sleep(time.Millisecond)
	}
	took := time.Since(start)
	r.note = fmt.Sprintf("%d calls, %d running; released in %v", calls, running, took.Round(time.Millisecond))
	if took > time.Second {
		r.failed = append(r.failed, "vanished peer released after "+took.String())
	}
}

// deepCallbacks recurses between client and server depth levels each way.
func deepCallbacks(addr string, r *result, depth int) {
	c, err := rpyc.Dial(context.Background(), addr, &rpyc.Config{Layout: message.LayoutV6, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	root, err := c.Root(ctx)
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	var cb func(ctx context.Context, n int) (int, error)
	cb = func(ctx context.Context, n int) (int, error) {
		v, err := rpyc.As[int](root.CallMethod(ctx, "recurse", n, cb))
		return v + 1, err
	}
	start := time.Now()
	if got, err := rpyc.As[int](root.CallMethod(ctx, "recurse", depth, cb)); err != nil || got != depth {
		r.failed = append(r.failed, fmt.Sprintf("depth %d: %v, %v", depth, got, err))
		return
	}
	r.note = fmt.Sprintf("depth %d each way in %v", depth, time.Since(start).Round(time.Millisecond))
}

// amplify asks for a served list repeated 2^28 times.
func amplify(addr string, r *result) {
	c, err := rpyc.Dial(context.Background(), addr, &rpyc.Config{Layout: message.LayoutV6, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	defer c.Close()
	ctx := context.Background()
	root, _ := c.Root(ctx)
	l, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "list"))
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	start := time.Now()
	_, err = l.CallMethod(ctx, "__mul__", 1<<26)
	r.note = fmt.Sprintf("list * 2^26 -> %v in %v", firstLine(err), time.Since(start).Round(time.Microsecond))
	if err == nil {
		r.failed = append(r.failed, "list * 2^26 was built")
	}
}

func firstLine(err error) string {
	if err == nil {
		return "ok"
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return s
}

// stalled opens n connections that each send half a frame header.
func stalled(addr string, r *result, n int) {
	var conns []net.Conn
	for range n {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			r.failed = append(r.failed, err.Error())
			break
		}
		nc.Write([]byte{0, 0, 1})
		conns = append(conns, nc)
	}
	start := time.Now()
	closed := 0
	buf := make([]byte, 1)
	for _, nc := range conns {
		nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := nc.Read(buf); err != nil {
			closed++
		}
		nc.Close()
	}
	r.note = fmt.Sprintf("%d stalled connections, all closed after %v", closed, time.Since(start).Round(time.Millisecond))
	if closed != len(conns) {
		r.failed = append(r.failed, fmt.Sprintf("%d of %d stalled connections still open", len(conns)-closed, len(conns)))
	}
}

// idle holds n idle RPyC connections (each has fetched the root).
func idle(addr string, r *result, n int) {
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	getroot := frames(1, func(int) any {
		return brine.Tuple{int64(message.HandleGetRoot), brine.Tuple{int64(message.LabelValue), brine.Tuple{}}}
	})
	for range n {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			r.failed = append(r.failed, err.Error())
			break
		}
		nc.Write(getroot)
		conns = append(conns, nc)
	}
	for _, nc := range conns {
		nc.SetReadDeadline(time.Now().Add(60 * time.Second))
		if _, err := channel.ReadFrame(nc, nil); err != nil {
			r.failed = append(r.failed, "idle connection: "+err.Error())
			return
		}
	}
	time.Sleep(300 * time.Millisecond)
	runtime.GC()
	held := rss()
	r.peak = max(r.peak, held)
	per := (held - r.rssBefore) / int64(max(1, len(conns)))
	r.note = fmt.Sprintf("%d idle connections, %.1f KiB each (both ends in this process)", len(conns), float64(per)/1024)
	if per > 30<<10 {
		r.failed = append(r.failed, fmt.Sprintf("%.1f KiB per idle connection, over 30 KiB", float64(per)/1024))
	}
}
