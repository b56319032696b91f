//go:build unix

package interop

import (
	"strconv"
	"strings"
	"testing"
)

// BenchmarkClassicCodeLoop: a 1,000-iteration loop sent with
// conn.execute ("s = 0 / for i in range(1000): s += i * i"), and one
// calling a function defined with execute per iteration, from Python's
// client to the Go rpyc_classic and to Python's rpyc_classic in the same
// run, and an empty execute ("pass") for the round trip alone. Times are
// taken inside the Python client (a mean over 200 executes per round);
// the metrics are microseconds per execute.
//
//	go test -run '^$' -bench ClassicCodeLoop -benchtime 3x ./interop/
func BenchmarkClassicCodeLoop(b *testing.B) {
	for _, s := range bothClassicServers(goClassicBinary(b)) {
		b.Run(s.name, func(b *testing.B) {
			host, port := s.start(b)
			var loop, call, empty float64
			b.ResetTimer()
			for range b.N {
				out := runLong(b, "classic_code_bench.py", host, port, strconv.Itoa(200))
				loop += secondsOf(b, out, "loop")
				call += secondsOf(b, out, "loop_call")
				empty += secondsOf(b, out, "empty")
			}
			b.ReportMetric(loop/float64(b.N)*1e6, "loop_us/execute")
			b.ReportMetric(call/float64(b.N)*1e6, "loop_call_us/execute")
			b.ReportMetric(empty/float64(b.N)*1e6, "empty_us/execute")
		})
	}
}

// classicServer starts one kind of classic server for a benchmark.
type classicServer struct {
	name  string
	start func(b *testing.B) (host, port string)
}

// bothClassicServers are the Go rpyc_classic (started with goArgs) and
// Python's rpyc_classic, for benchmarks that compare them.
func bothClassicServers(bin string, goArgs ...string) []classicServer {
	return []classicServer{
		{"go", func(b *testing.B) (string, string) {
			return startGoClassic(b, bin, goArgs...).hostPort()
		}},
		{"python", func(b *testing.B) (string, string) {
			p := Start(b, PeerOptions{Script: "classic_rpyc_classic.py"})
			i := strings.LastIndexByte(p.Addr, ':')
			return p.Addr[:i], p.Addr[i+1:]
		}},
	}
}
