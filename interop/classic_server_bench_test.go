//go:build unix

package interop

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkClassicServerTransfer: Python's own rpyc.classic.upload and
// download of a 50 MiB file, to the Go rpyc_classic and to Python's
// rpyc_classic, in the same run. Times are taken inside the Python
// client; the metrics are MB/s.
//
//	go test -run '^$' -bench ClassicServerTransfer -benchtime 3x ./interop/
func BenchmarkClassicServerTransfer(b *testing.B) {
	const size = 50 << 20
	local := filepath.Join(b.TempDir(), "payload.bin")
	data := make([]byte, size)
	_, _ = rand.Read(data)
	if err := os.WriteFile(local, data, 0o600); err != nil {
		b.Fatal(err)
	}
	bin := goClassicBinary(b)
	servers := []struct {
		name  string
		start func(b *testing.B) (host, port string)
	}{
		{"go", func(b *testing.B) (string, string) {
			s := startGoClassic(b, bin, "-q=false")
			return s.hostPort()
		}},
		{"python", func(b *testing.B) (string, string) {
			p := Start(b, PeerOptions{Script: "classic_rpyc_classic.py"})
			i := strings.LastIndexByte(p.Addr, ':')
			return p.Addr[:i], p.Addr[i+1:]
		}},
	}
	for _, s := range servers {
		b.Run(s.name, func(b *testing.B) {
			host, port := s.start(b)
			remote := filepath.Join(b.TempDir(), "remote.bin")
			var up, down float64
			b.ResetTimer()
			for range b.N {
				out := runLong(b, "classic_server_bench.py", host, port, local, remote)
				up += secondsOf(b, out, "upload")
				down += secondsOf(b, out, "download")
			}
			mb := float64(size) / 1e6 * float64(b.N)
			b.ReportMetric(mb/up, "upload_MB/s")
			b.ReportMetric(mb/down, "download_MB/s")
		})
	}
}

// runLong runs a Python client script like Run, with room for Python's
// own server, which takes over a minute for 50 MiB each way.
func runLong(b *testing.B, script string, args ...string) string {
	b.Helper()
	out, stderr, err := runScript(b, 8*time.Minute, script, false, args...)
	if err != nil {
		b.Fatalf("%s: %v\n%s%s", script, err, out, stderr)
	}
	return out
}

func secondsOf(b *testing.B, out, name string) float64 {
	b.Helper()
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				b.Fatal(err)
			}
			return f
		}
	}
	b.Fatalf("no %q line in %q", name, out)
	return 0
}
