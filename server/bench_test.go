package server_test

import (
	"context"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/server"
)

// BenchmarkConnectCallClose: connect, one call, close, against a
// threaded server in this process over TCP loopback (client and server
// share the CPU). interop's BenchmarkServerConnectCallClose compares with
// Python's ThreadedServer across processes.
func BenchmarkConnectCallClose(b *testing.B) {
	for _, kind := range []server.Kind{server.Threaded, server.ThreadPool} {
		b.Run(kind.String(), func(b *testing.B) {
			srv := &server.Server{Service: &testService{}, Kind: kind, Logger: quietLogger()}
			l := listen(&testing.T{}, "tcp4")
			go srv.Serve(l)
			defer srv.Close()
			addr := l.Addr().String()
			cfg := &rpyc.Config{Layout: message.LayoutV6, Logger: quietLogger()}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c, err := rpyc.Dial(ctx, addr, cfg)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := call(ctx, c, "add", i, 1); err != nil {
					b.Fatal(err)
				}
				_ = c.Close()
			}
		})
	}
}
