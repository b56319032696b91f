package rpyc

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"testing"

	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/stream"
)

// Go↔Go benchmarks of the engine, each over an in-memory pipe (the
// engine's own cost) and TCP loopback (plus the kernel's). Compression is
// off unless a name says zlib, so the figures are the protocol's cost.
// bench/ has the cross-process, cross-language figures.

// benchSvc is the service the benchmarks call (the methods of the BENCH
// service that they need).
type benchSvc struct{}

func (benchSvc) RPyCServiceName() string { return "BENCH" }
func (benchSvc) Add(a, b int64) int64    { return a + b }
func (benchSvc) Echo(x any) any          { return x }
func (benchSvc) MakeObj() *benchObj      { return &benchObj{Value: 41} }
func (benchSvc) CallBack(ctx context.Context, fn *Netref, n int) (int64, error) {
	var total int64
	for i := 0; i < n; i++ {
		v, err := As[int64](fn.Call(ctx, i))
		if err != nil {
			return 0, err
		}
		total += v
	}
	return total, nil
}

type benchObj struct {
	Value int64 `rpyc:"value"`
}

func (o *benchObj) Incr() int64 { o.Value++; return o.Value }

// benchTransports are the streams the benchmarks run over.
var benchTransports = []struct {
	name string
	pair func(b *testing.B) (client, server io.ReadWriteCloser)
}{
	{"mem", func(*testing.B) (io.ReadWriteCloser, io.ReadWriteCloser) {
		a, s := stream.MemPipe()
		return a, s
	}},
	{"tcp", benchTCPPair},
}

// benchTCPPair connects two TCP loopback sockets (TCP_NODELAY set by the
// stream package).
func benchTCPPair(b *testing.B) (io.ReadWriteCloser, io.ReadWriteCloser) {
	ctx := context.Background()
	l, err := stream.ListenTCP(ctx, "127.0.0.1:0", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			b.Error(err)
		}
		accepted <- c
	}()
	cli, err := stream.DialTCP(ctx, l.Addr().String(), nil)
	if err != nil {
		b.Fatal(err)
	}
	srv := <-accepted
	if srv == nil {
		cli.Close()
		b.FailNow()
	}
	return cli, srv
}

// benchPair starts a BENCH server connection and a client connection to it
// and returns the client's root; both are closed when the benchmark ends.
func benchPair(b *testing.B, pair func(*testing.B) (io.ReadWriteCloser, io.ReadWriteCloser), compress bool) *Netref {
	b.Helper()
	cfg := DefaultConfig()
	cfg.Channel = channel.DefaultConfig()
	cfg.Channel.NoCompress = !compress
	a, s := pair(b)
	srv, err := NewServerConn(s, benchSvc{}, cfg)
	if err != nil {
		b.Fatal(err)
	}
	srv.Start()
	cli, err := Connect(a, nil, cfg)
	if err != nil {
		srv.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cli.Close()
		srv.Close()
		<-srv.Done()
	})
	root, err := cli.Root(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return root
}

// benchEach runs f as a sub-benchmark per transport.
func benchEach(b *testing.B, f func(b *testing.B, root *Netref)) {
	for _, tr := range benchTransports {
		b.Run(tr.name, func(b *testing.B) {
			f(b, benchPair(b, tr.pair, false))
		})
	}
}

// BenchmarkCallAttr is one synchronous root.add(1, 2): a CALLATTR request
// and its reply.
func BenchmarkCallAttr(b *testing.B) {
	benchEach(b, func(b *testing.B, root *Netref) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			n, err := As[int64](root.CallMethod(ctx, "add", 1, 2))
			if err != nil || n != 3 {
				b.Fatal(n, err)
			}
		}
	})
}

// BenchmarkPipelined sends batches of 100 asynchronous add calls and then
// waits for the batch; one op is one call.
func BenchmarkPipelined(b *testing.B) {
	const batch = 100
	benchEach(b, func(b *testing.B, root *Netref) {
		ctx := context.Background()
		res := make([]*AsyncResult, batch)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i += batch {
			k := min(batch, b.N-i)
			for j := range k {
				res[j] = root.CallMethodAsync("add", j, 1)
			}
			for j := range k {
				n, err := As[int64](res[j].Value(ctx))
				if err != nil || n != int64(j)+1 {
					b.Fatal(n, err)
				}
			}
		}
	})
}

// BenchmarkEcho1MiB is echo(<1 MiB of random bytes>); the byte rate
// counts the payload both ways.
func BenchmarkEcho1MiB(b *testing.B) {
	payload := make([]byte, 1<<20)
	_, _ = rand.NewChaCha8([32]byte{1}).Read(payload)
	run := func(b *testing.B, root *Netref) {
		ctx := context.Background()
		b.SetBytes(2 * int64(len(payload)))
		b.ReportAllocs()
		for b.Loop() {
			got, err := As[[]byte](root.CallMethod(ctx, "echo", payload))
			if err != nil || len(got) != len(payload) {
				b.Fatal(len(got), err)
			}
		}
	}
	benchEach(b, run)
	b.Run("mem-zlib", func(b *testing.B) {
		run(b, benchPair(b, benchTransports[0].pair, true))
	})
}

// BenchmarkCallback is the server calling a client Go func: call_back(fn,
// 100) makes 100 calls the other way; one op is one callback.
func BenchmarkCallback(b *testing.B) {
	const n = 100
	benchEach(b, func(b *testing.B, root *Netref) {
		ctx := context.Background()
		fn := func(i int64) int64 { return i }
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i += n {
			sum, err := As[int64](root.CallMethod(ctx, "call_back", fn, n))
			if err != nil || sum != n*(n-1)/2 {
				b.Fatal(sum, err)
			}
		}
	})
}

// BenchmarkGetAttr reads a netref's attribute (obj.value).
func BenchmarkGetAttr(b *testing.B) {
	benchEach(b, func(b *testing.B, root *Netref) {
		ctx := context.Background()
		o, err := As[*Netref](root.CallMethod(ctx, "make_obj"))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			v, err := As[int64](o.GetAttr(ctx, "value"))
			if err != nil || v != 41 {
				b.Fatal(v, err)
			}
		}
	})
}
