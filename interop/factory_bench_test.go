//go:build unix

package interop

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// benchDials measures connect + one call + close against a Python
// ThreadedServer (factory_server.py) in the given layout.
func benchDials(b *testing.B, layout message.Layout, noCache bool) {
	p := startFactoryServer(b, layout)
	ctx := context.Background()
	opts := &rpyc.DialOptions{NoLayoutCache: noCache}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := rpyc.DialWith(ctx, p.Addr, opts, nil)
		if err != nil {
			b.Fatal(err)
		}
		root, err := c.Root(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if v, err := root.CallMethod(ctx, "add", 2, 3); err != nil || v != int64(5) {
			b.Fatalf("add = %v, %v", v, err)
		}
		c.Close()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "dials/s")
}

// BenchmarkFactoryDial: Go client dials per second to Python's
// ThreadedServer; v5 is Debian's rpyc as is (the layout cache matters
// there), v6 the 6.x layout. The Python client's figure against the same
// server kind is BenchmarkFactoryDialPython.
func BenchmarkFactoryDial(b *testing.B) {
	b.Run("v5-cached", func(b *testing.B) { benchDials(b, message.LayoutV5, false) })
	b.Run("v5-nocache", func(b *testing.B) { benchDials(b, message.LayoutV5, true) })
	b.Run("v6-cached", func(b *testing.B) { benchDials(b, message.LayoutV6, false) })
}

// BenchmarkFactoryDialPython runs Python's own client (rpyc.connect +
// root.add + close) against the same server, b.N times, and reports its
// rate as dials/s.
func BenchmarkFactoryDialPython(b *testing.B) {
	p := startFactoryServer(b, message.LayoutV5)
	host, port, _ := net.SplitHostPort(p.Addr)
	b.ResetTimer()
	out := Run(b, "factory_dial_bench.py", false, host, port, strconv.Itoa(b.N))
	b.StopTimer()
	f := strings.Fields(out)
	if len(f) != 2 {
		b.Fatalf("unexpected output %q", out)
	}
	rate, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(rate, "dials/s")
}
