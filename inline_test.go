package rpyc

import (
	"context"
	"testing"
	"time"
)

// A request the reader runs itself (inline.go) that blocks does not stop
// the connection: after inlineSlice another goroutine reads, and the
// peer's other requests are served meanwhile.
func TestSlowHandlerDoesNotStallTheConnection(t *testing.T) {
	svc := &hardService{}
	for _, tcp := range []bool{false, true} {
		var cli *Conn
		if tcp {
			addr, _ := tcpServe(t, svc, quietConfig())
			c, err := Dial(context.Background(), addr, quietConfig())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			cli = c
		} else {
			cli, _ = memPair(t, svc, quietConfig(), quietConfig())
		}
		ctx := contextWithTimeout(t, 10*time.Second)
		root, err := cli.Root(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slow := root.CallMethodAsync("sleep", 2000) // alone on the wire: run by the reader
		time.Sleep(20 * time.Millisecond)
		start := time.Now()
		if got, err := As[int](root.CallMethod(ctx, "recurse", 0, nil)); err != nil || got != 0 {
			t.Fatalf("a call behind a slow one: %v, %v", got, err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Fatalf("a call waited %v behind a slow handler run by the reader, want about %v", d, inlineSlice)
		}
		if err := slow.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
