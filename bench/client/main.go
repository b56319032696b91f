// Command client measures any server exposing the BENCH service (the Go
// one in bench/server or Python's) from Go, and prints one JSON object on
// stdout: for every measurement the median, min and max over -reps
// repetitions. Per-repetition lines go to stderr.
//
//	go run ./bench/client -addr 127.0.0.1:18861 -layout 5 -duration 1 -reps 3
//
// A Python rpyc 5.x server needs -layout 5. Keys that measure the same
// thing as Python's client.py have the same names (b_add, b_add_bound,
// c_getattr, d_echo_1MiB, ...); see bench/README.md for each.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
)

const mib = 1 << 20

var (
	addr       = flag.String("addr", "127.0.0.1:18861", "server address host:port")
	layout     = flag.Int("layout", 6, "message layout: 5 (rpyc 5.x) or 6 (rpyc 6.x)")
	reps       = flag.Int("reps", 3, "repetitions per measurement")
	only       = flag.String("only", "", "comma-separated key prefixes to run (e.g. b_,f_)")
	noCompress = flag.Bool("no-compress", false, "never zlib-compress frames sent by this client")
	conc       = flag.Int("conc", 8, "parallelism of the i_ (connections) and j_ (goroutines) measurements")
	serverPID  = flag.Int("server-pid", 0, "server pid for CPU sampling (default: ask root.pid())")
	duration   = secondsFlag(2 * time.Second)
)

func init() {
	flag.Var(&duration, "duration", "length of each timed loop: seconds (1.5) or a Go duration (1500ms)")
}

// secondsFlag accepts "2", "0.5" or "500ms".
type secondsFlag time.Duration

func (d *secondsFlag) String() string { return time.Duration(*d).String() }

func (d *secondsFlag) Set(s string) error {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		*d = secondsFlag(f * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	*d = secondsFlag(v)
	return err
}

func dur() time.Duration { return time.Duration(duration) }

// config is the client configuration every connection uses.
func config() *rpyc.Config {
	cfg := rpyc.DefaultConfig()
	cfg.SyncRequestTimeout = 300 * time.Second
	if *layout == 5 {
		cfg.Layout = message.LayoutV5
	}
	cfg.Channel = channel.DefaultConfig()
	cfg.Channel.NoCompress = *noCompress
	return cfg
}

func dial() (*rpyc.Conn, *rpyc.Netref, error) {
	c, err := rpyc.Dial(context.Background(), *addr, config())
	if err != nil {
		return nil, nil, err
	}
	root, err := c.Root(context.Background())
	if err != nil {
		_ = c.Close()
		return nil, nil, err
	}
	return c, root, nil
}

// run is one repetition's figures.
type run map[string]float64

// probe samples this process's and the server's CPU time over an interval.
type probe struct {
	serverPID int
	t0        time.Time
	c0, s0    float64
}

func procCPU(pid int) float64 {
	if pid <= 0 {
		return math.NaN()
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return math.NaN()
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return math.NaN()
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100 // clock ticks; USER_HZ is 100 on Linux
}

func (p *probe) start() {
	p.t0 = time.Now()
	p.c0 = selfCPU()
	p.s0 = procCPU(p.serverPID)
}

func (p *probe) stop(r run) {
	wall := time.Since(p.t0).Seconds()
	r["client_cpu_pct"] = 100 * (selfCPU() - p.c0) / wall
	if s1 := procCPU(p.serverPID); !math.IsNaN(s1) && !math.IsNaN(p.s0) {
		r["server_cpu_pct"] = 100 * (s1 - p.s0) / wall
	}
}

func percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	k := int(math.Round(q / 100 * float64(len(sorted)-1)))
	return float64(sorted[k]) / 1e3
}

// timed calls fn for about -duration (and at least minCalls times) and
// reports calls/s and the p50/p99 latency in µs.
func timed(p *probe, minCalls int, fn func() error) (run, error) {
	lat := make([]time.Duration, 0, 1<<14)
	r := run{}
	p.start()
	t0 := time.Now()
	deadline := t0.Add(dur())
	t := t0
	for t.Before(deadline) || len(lat) < minCalls {
		s := t
		if err := fn(); err != nil {
			return nil, err
		}
		t = time.Now()
		lat = append(lat, t.Sub(s))
	}
	p.stop(r)
	slices.Sort(lat)
	r["calls_per_s"] = float64(len(lat)) / t.Sub(t0).Seconds()
	r["p50_us"] = percentile(lat, 50)
	r["p99_us"] = percentile(lat, 99)
	r["n"] = float64(len(lat))
	return r, nil
}

var bg = context.Background()

// want returns a check of a call's result against the int n:
// want(3)(root.CallMethod(ctx, "add", 1, 2)).
func want(n int64) func(any, error) error {
	return func(v any, err error) error {
		got, err := rpyc.As[int64](v, err)
		if err == nil && got != n {
			err = fmt.Errorf("got %d, want %d", got, n)
		}
		return err
	}
}

// Every measurement gets a fresh connection and its root.
type measure func(p *probe, c *rpyc.Conn, root *rpyc.Netref) (run, error)

func mNoopCallAttr(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	return timed(p, 1, func() error {
		_, err := root.CallMethod(bg, "noop")
		return err
	})
}

func mAddCallAttr(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	return timed(p, 1, func() error { return want(3)(root.CallMethod(bg, "add", 1, 2)) })
}

// mAddAsWritten is what Python's root.add(1, 2) sends: GETATTR, CALL, and
// DEL of the bound method when its netref dies.
func mAddAsWritten(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	return timed(p, 1, func() error {
		f, err := rpyc.As[*rpyc.Netref](root.GetAttr(bg, "add"))
		if err != nil {
			return err
		}
		err = want(3)(f.Call(bg, 1, 2))
		f.Release()
		return err
	})
}

func mAddBound(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	f, err := rpyc.As[*rpyc.Netref](root.GetAttr(bg, "add"))
	if err != nil {
		return nil, err
	}
	defer f.Release()
	return timed(p, 1, func() error { return want(3)(f.Call(bg, 1, 2)) })
}

func makeObj(root *rpyc.Netref) (*rpyc.Netref, error) {
	return rpyc.As[*rpyc.Netref](root.CallMethod(bg, "make_obj"))
}

func mGetAttr(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	o, err := makeObj(root)
	if err != nil {
		return nil, err
	}
	defer o.Release()
	return timed(p, 1, func() error { return want(0)(o.GetAttr(bg, "value")) })
}

func mIncr(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	o, err := makeObj(root)
	if err != nil {
		return nil, err
	}
	defer o.Release()
	var n int64
	r, err := timed(p, 1, func() error {
		n++
		return want(n)(o.CallMethod(bg, "incr"))
	})
	if err != nil {
		return nil, err
	}
	return r, want(n)(o.GetAttr(bg, "value"))
}

func mEcho(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	payload := make([]byte, mib)
	_, _ = rand.NewChaCha8([32]byte{'e', 'c', 'h', 'o'}).Read(payload)
	got, err := rpyc.As[[]byte](root.CallMethod(bg, "echo", payload))
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(got, payload) {
		return nil, errors.New("echo mismatch")
	}
	r, err := timed(p, 3, func() error {
		got, err := rpyc.As[[]byte](root.CallMethod(bg, "echo", payload))
		if err == nil && len(got) != mib {
			err = fmt.Errorf("echo returned %d bytes", len(got))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	r["MB_per_s"] = r["calls_per_s"] * 2 * mib / 1e6
	return r, nil
}

func mBlob(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	const n = 16 * mib
	get := func() error {
		b, err := rpyc.As[[]byte](root.CallMethod(bg, "blob", n))
		if err == nil && len(b) != n {
			err = fmt.Errorf("blob returned %d bytes", len(b))
		}
		return err
	}
	if err := get(); err != nil { // the server makes and caches the blob
		return nil, err
	}
	r, err := timed(p, 3, get)
	if err != nil {
		return nil, err
	}
	r["MB_per_s"] = r["calls_per_s"] * n / 1e6
	return r, nil
}

func mAsync(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	const n = 10000
	// Pre-bound, as the Python client's rpyc.async_(root.add): one GETATTR
	// outside the timed part, then CALL frames, which a Python server
	// serves with less work than CALLATTR (no attribute check per call).
	m, err := rpyc.As[*rpyc.Netref](root.GetAttr(bg, "add"))
	if err != nil {
		return nil, err
	}
	defer m.Release()
	if err := want(1)(m.Call(bg, 0, 1)); err != nil {
		return nil, err
	}
	res := make([]*rpyc.AsyncResult, n)
	r := run{}
	p.start()
	t0 := time.Now()
	for i := range res {
		res[i] = m.CallAsync(i, 1)
	}
	tSent := time.Now()
	for _, a := range res {
		if err := a.Wait(bg); err != nil {
			return nil, err
		}
	}
	el := time.Since(t0)
	p.stop(r)
	for i, a := range res {
		if err := want(int64(i) + 1)(a.Value(bg)); err != nil {
			return nil, fmt.Errorf("async add %d: %w", i, err)
		}
	}
	r["calls_per_s"] = n / el.Seconds()
	r["issue_ms"] = tSent.Sub(t0).Seconds() * 1e3
	r["total_ms"] = el.Seconds() * 1e3
	return r, nil
}

func mCallbacks(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	const n = 1000
	fn := func(i int64) int64 { return i }
	if err := want(45)(root.CallMethod(bg, "call_back", fn, 10)); err != nil {
		return nil, err
	}
	check := want(n * (n - 1) / 2)
	r, err := timed(p, 3, func() error { return check(root.CallMethod(bg, "call_back", fn, n)) })
	if err != nil {
		return nil, err
	}
	calls := r["n"]
	r["callbacks_per_s"] = r["calls_per_s"] * n
	r["per_callback_us"] = 1e6 / r["callbacks_per_s"]
	r["n_outer_calls"] = calls
	delete(r, "calls_per_s")
	delete(r, "n")
	return r, nil
}

func mConnect(p *probe, _ *rpyc.Conn, _ *rpyc.Netref) (run, error) {
	once := func() error {
		c, root, err := dial()
		if err != nil {
			return err
		}
		_, err = rpyc.As[string](root.CallMethod(bg, "get_service_name"))
		if cerr := c.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if err := once(); err != nil {
		return nil, err
	}
	r, err := timed(p, 1, once)
	if err != nil {
		return nil, err
	}
	r["connects_per_s"] = r["calls_per_s"]
	delete(r, "calls_per_s")
	return r, nil
}

// parallel runs k workers of sync add(1, 2) for -duration and reports the
// aggregate rate.
func parallel(p *probe, roots []*rpyc.Netref, k int) (run, error) {
	counts := make([]int, k)
	errs := make([]error, k)
	var start, ready sync.WaitGroup
	start.Add(1)
	ready.Add(k)
	var wg sync.WaitGroup
	for i := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			root := roots[i%len(roots)]
			ready.Done()
			start.Wait()
			deadline := time.Now().Add(dur())
			for time.Now().Before(deadline) {
				if err := want(3)(root.CallMethod(bg, "add", 1, 2)); err != nil {
					errs[i] = err
					return
				}
				counts[i]++
			}
		}()
	}
	ready.Wait()
	r := run{}
	p.start()
	t0 := time.Now()
	start.Done()
	wg.Wait()
	el := time.Since(t0).Seconds()
	p.stop(r)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	r["calls_per_s"] = float64(total) / el
	r["per_worker_calls_per_s_min"] = float64(slices.Min(counts)) / el
	r["per_worker_calls_per_s_max"] = float64(slices.Max(counts)) / el
	return r, nil
}

// mConcConns: -conc connections, one goroutine each (Python's i_conc8 uses
// 8 processes with a connection each).
func mConcConns(p *probe, _ *rpyc.Conn, _ *rpyc.Netref) (run, error) {
	roots := make([]*rpyc.Netref, *conc)
	for i := range roots {
		c, root, err := dial()
		if err != nil {
			return nil, err
		}
		defer c.Close()
		roots[i] = root
	}
	return parallel(p, roots, *conc)
}

// mConcShared: -conc goroutines sharing one connection.
func mConcShared(p *probe, _ *rpyc.Conn, root *rpyc.Netref) (run, error) {
	return parallel(p, []*rpyc.Netref{root}, *conc)
}

type summary map[string]map[string]float64

func summarize(runs []run) summary {
	out := summary{}
	vals := map[string][]float64{}
	for _, r := range runs {
		for k, v := range r {
			vals[k] = append(vals[k], v)
		}
	}
	for k, v := range vals {
		slices.Sort(v)
		med := v[len(v)/2]
		if len(v)%2 == 0 {
			med = (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
		out[k] = map[string]float64{"median": round3(med), "min": round3(v[0]), "max": round3(v[len(v)-1])}
	}
	return out
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func main() {
	flag.Parse()
	if *layout != 5 && *layout != 6 {
		fmt.Fprintln(os.Stderr, "bench client: -layout must be 5 or 6")
		os.Exit(2)
	}
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "bench client:", err)
		os.Exit(1)
	}
}

func mainErr() error {
	c, root, err := dial()
	if err != nil {
		return err
	}
	service, err := rpyc.As[string](root.CallMethod(bg, "get_service_name"))
	if err != nil {
		return err
	}
	pid := *serverPID
	if pid == 0 {
		if n, err := rpyc.As[int](root.CallMethod(bg, "pid")); err == nil {
			if _, err := os.Stat("/proc/" + strconv.Itoa(n)); err == nil {
				pid = n
			}
		}
	}
	_ = c.Close()
	p := &probe{serverPID: pid}
	ms := []struct {
		name string
		fn   measure
	}{
		{"a_noop_callattr", mNoopCallAttr},
		{"b_add_callattr", mAddCallAttr},
		{"b_add", mAddAsWritten},
		{"b_add_bound", mAddBound},
		{"c_getattr", mGetAttr},
		{"c_incr_callattr", mIncr},
		{"d_echo_1MiB", mEcho},
		{"e_blob_16MiB", mBlob},
		{"f_async_10k", mAsync},
		{"g_callbacks", mCallbacks},
		{"h_connect", mConnect},
		{fmt.Sprintf("i_conc%d_conns", *conc), mConcConns},
		{fmt.Sprintf("j_conc%d_goroutines", *conc), mConcShared},
	}
	var prefixes []string
	if *only != "" {
		prefixes = strings.Split(*only, ",")
	}
	results := map[string]summary{}
	for _, m := range ms {
		if prefixes != nil && !slices.ContainsFunc(prefixes, func(s string) bool { return strings.HasPrefix(m.name, s) }) {
			continue
		}
		var runs []run
		for i := range *reps {
			c, root, err := dial()
			if err != nil {
				return err
			}
			r, err := m.fn(p, c, root)
			_ = c.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			b, _ := json.Marshal(r)
			fmt.Fprintf(os.Stderr, "%s rep %d: %s\n", m.name, i+1, b)
			runs = append(runs, r)
		}
		results[m.name] = summarize(runs)
	}
	out := map[string]any{
		"meta": map[string]any{
			"date_utc":           time.Now().UTC().Format(time.RFC3339),
			"go":                 runtime.Version(),
			"gomaxprocs":         runtime.GOMAXPROCS(0),
			"addr":               *addr,
			"layout":             *layout,
			"service":            service,
			"reps":               *reps,
			"duration_s":         dur().Seconds(),
			"client_compress":    !*noCompress,
			"server_pid_sampled": pid,
			"conc":               *conc,
		},
		"results": results,
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}
