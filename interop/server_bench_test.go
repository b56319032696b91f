//go:build unix

package interop

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// Server benchmarks, Go servers (the conformance example, its own
// process) against Python rpyc's servers in the same run:
//
//	go test -run '^$' -bench 'BenchmarkServer' -benchtime 1x ./interop/
//
// BenchmarkServerConnectCallClose runs b.N times; the others ignore b.N
// and measure once (run them with -benchtime 1x).

// BenchmarkServerConnectCallClose: a Go client connects, calls add once
// and closes, again and again, against the Go threaded server and
// Python's ThreadedServer.
func BenchmarkServerConnectCallClose(b *testing.B) {
	Python(b)
	for _, tc := range []struct {
		name   string
		layout message.Layout
		start  func(b *testing.B) (addr string, pid int)
	}{
		{"go-threaded", message.LayoutV6, func(b *testing.B) (string, int) {
			s := startConformance(b, "-mode", "threaded")
			return s.Addr, s.Pid()
		}},
		{"python-threaded", message.LayoutV5, func(b *testing.B) (string, int) {
			p := Start(b, PeerOptions{Script: "server_py.py", Args: []string{"threaded"}})
			return p.Addr, p.cmd.Process.Pid
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			addr, pid := tc.start(b)
			cfg := &rpyc.Config{Layout: tc.layout}
			cpu0 := cpuTime(b, pid)
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if err := connectCallClose(addr, cfg, i); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conns/s")
			b.ReportMetric(float64((cpuTime(b, pid)-cpu0).Microseconds())/float64(b.N), "server-cpu-µs/conn")
		})
		// 16 clients at once: what the server sustains, not one client's
		// round trips.
		b.Run(tc.name+"-16clients", func(b *testing.B) {
			addr, pid := tc.start(b)
			cfg := &rpyc.Config{Layout: tc.layout}
			cpu0 := cpuTime(b, pid)
			b.SetParallelism(8) // 8 per GOMAXPROCS (2 here)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for i := 0; pb.Next(); i++ {
					if err := connectCallClose(addr, cfg, i); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "conns/s")
			b.ReportMetric(float64((cpuTime(b, pid)-cpu0).Microseconds())/float64(b.N), "server-cpu-µs/conn")
		})
	}
}

// cpuTime is the user+system CPU time process pid has used, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s).
func cpuTime(b *testing.B, pid int) time.Duration {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // after "pid (comm) "
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// connectCallClose is one benchmark iteration: dial, add, close.
func connectCallClose(addr string, cfg *rpyc.Config, i int) error {
	ctx := context.Background()
	c, err := rpyc.Dial(ctx, addr, cfg)
	if err != nil {
		return err
	}
	root, err := c.Root(ctx)
	if err == nil {
		_, err = root.CallMethod(ctx, "add", i, 1)
	}
	_ = c.Close()
	return err
}

// BenchmarkServerIdleConns: 10,000 Go clients hold idle connections to
// one threaded Go server while a witness keeps calling; reported is the
// server's RSS growth per connection.
func BenchmarkServerIdleConns(b *testing.B) {
	const n = 10000
	srv := startConformance(b, "-mode", "threaded")
	witness := dialMany(b, srv.Addr, 1)[0]
	ctx := context.Background()
	wroot, err := witness.Root(ctx)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	before, err := srv.RSS()
	if err != nil {
		b.Fatal(err)
	}
	conns := dialMany(b, srv.Addr, n)
	time.Sleep(time.Second) // let the server settle
	after, err := srv.RSS()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if _, err := wroot.CallMethod(ctx, "add", i, 1); err != nil {
			b.Fatalf("call %d with %d idle connections open: %v", i, n, err)
		}
	}
	conns[n/2].Close() // and one of the idle ones still works
	root, err := conns[n-1].Root(ctx)
	if err == nil {
		_, err = root.CallMethod(ctx, "add", 1, 2)
	}
	if err != nil {
		b.Fatalf("an idle client's call: %v", err)
	}
	per := float64(after-before) / n
	b.ReportMetric(per/1024, "KiB/conn")
	b.ReportMetric(float64(after)/(1<<20), "MiB-rss")
	b.Logf("server RSS %d MiB before, %d MiB with %d idle connections: %.1f KiB each", before>>20, after>>20, n, per/1024)
}

// BenchmarkServerPoolPython: 8 Python client processes call add in a
// loop for 3 s against the Go pool server and Python's ThreadPoolServer
// (both 20 workers), and Python's ThreadedServer for reference; reported
// is the total calls per second.
func BenchmarkServerPoolPython(b *testing.B) {
	Python(b)
	const procs, secs = 8, 3
	for _, tc := range []struct {
		name  string
		start func(b *testing.B) string
	}{
		{"go-pool", func(b *testing.B) string { return startConformance(b, "-mode", "pool").Addr }},
		{"python-pool", func(b *testing.B) string {
			return Start(b, PeerOptions{Script: "server_py.py", Args: []string{"pool"}}).Addr
		}},
		// For reference: Python's ThreadedServer under the same load.
		{"python-threaded", func(b *testing.B) string {
			return Start(b, PeerOptions{Script: "server_py.py", Args: []string{"threaded"}}).Addr
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			addr := tc.start(b)
			host, port, _ := net.SplitHostPort(addr)
			var peers []*Peer
			for i := 0; i < procs; i++ {
				peers = append(peers, Start(b, PeerOptions{Script: "server_py_load.py", Stdin: true,
					Args: []string{host, port, strconv.Itoa(secs)}}))
			}
			for _, p := range peers {
				_, _ = io.WriteString(p.Stdin, "go\n")
			}
			total := 0
			for _, p := range peers {
				if err := p.Wait(RunTimeout); err != nil {
					b.Fatalf("load client: %v\n%s", err, p.Stderr())
				}
				var calls, errs int
				if _, err := fmt.Sscanf(lastLine(p.Output()), "calls %d errors %d", &calls, &errs); err != nil || errs != 0 {
					b.Fatalf("load client said %q (%v)", p.Output(), err)
				}
				total += calls
			}
			b.ReportMetric(float64(total)/secs, "calls/s")
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
