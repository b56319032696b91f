package rpyc

import (
	"io"
	"net/rpc"
	"testing"
)

// The same round trips through the standard library's net/rpc (gob), in
// the same process and over the same transports, so allocations and time
// per call compare side by side with BenchmarkCallAttr and
// BenchmarkPipelined:
//
//	go test -run '^$' -bench 'CallAttr|NetRPC|Pipelined' -benchmem

// Arith is net/rpc's classic example service.
type Arith struct{}

// AddArgs are Arith.Add's arguments.
type AddArgs struct{ A, B int64 }

// Add sets *reply to a + b.
func (Arith) Add(args *AddArgs, reply *int64) error {
	*reply = args.A + args.B
	return nil
}

func netrpcPair(b *testing.B, pair func(*testing.B) (io.ReadWriteCloser, io.ReadWriteCloser)) *rpc.Client {
	srv := rpc.NewServer()
	if err := srv.Register(Arith{}); err != nil {
		b.Fatal(err)
	}
	a, s := pair(b)
	go srv.ServeConn(s)
	cli := rpc.NewClient(a)
	b.Cleanup(func() { cli.Close(); s.Close() })
	return cli
}

// BenchmarkNetRPCAdd is one synchronous Arith.Add through net/rpc.
func BenchmarkNetRPCAdd(b *testing.B) {
	for _, tr := range benchTransports {
		b.Run(tr.name, func(b *testing.B) {
			cli := netrpcPair(b, tr.pair)
			b.ReportAllocs()
			var reply int64
			for b.Loop() {
				if err := cli.Call("Arith.Add", &AddArgs{1, 2}, &reply); err != nil || reply != 3 {
					b.Fatal(reply, err)
				}
			}
		})
	}
}

// BenchmarkNetRPCPipelined is BenchmarkPipelined through net/rpc: batches
// of 100 Go calls, then waiting for the batch.
func BenchmarkNetRPCPipelined(b *testing.B) {
	const batch = 100
	for _, tr := range benchTransports {
		b.Run(tr.name, func(b *testing.B) {
			cli := netrpcPair(b, tr.pair)
			calls := make([]*rpc.Call, batch)
			replies := make([]int64, batch)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += batch {
				k := min(batch, b.N-i)
				for j := range k {
					calls[j] = cli.Go("Arith.Add", &AddArgs{int64(j), 1}, &replies[j], nil)
				}
				for j := range k {
					if c := <-calls[j].Done; c.Error != nil || replies[j] != int64(j)+1 {
						b.Fatal(c.Error)
					}
				}
			}
		})
	}
}
