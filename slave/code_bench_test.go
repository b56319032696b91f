package slave_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/slave"
	"github.com/rpyc-go/rpyc/stream"
)

// The classic service's execute over an in-process pipe, from the Go
// classic client: the request's cost without a network or Python.
//
//	go test -run '^$' -bench Execute ./slave/
func BenchmarkExecutePass(b *testing.B) {
	benchExecute(b, "pass")
}

func BenchmarkExecuteLoop1000(b *testing.B) {
	benchExecute(b, "s = 0\nfor i in range(1000):\n    s += i * i")
}

func benchExecute(b *testing.B, code string) {
	a, s := stream.MemPipe()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := rpyc.NewServerConn(s, slave.New(&slave.Options{Logger: quiet}), slave.Config(nil))
	if err != nil {
		b.Fatal(err)
	}
	srv.Start()
	ctx := context.Background()
	c, err := classic.ConnectStream(ctx, a, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close(); srv.Close() })
	for b.Loop() {
		if err := c.Execute(ctx, code); err != nil {
			b.Fatal(err)
		}
	}
}
