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

// callsBackWithoutItsContext calls the peer back with a context of its
// own (not the handler's), as code that fetches an argument by value does.
type callsBackWithoutItsContext struct{ hardService }

func (s *callsBackWithoutItsContext) CallBack(cb *Netref) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return As[int](cb.Call(ctx, 41))
}

// A reader that took over from a slow request, then runs a request of
// its own that calls back without the handler's context, is itself taken
// over after inlineSlice: the old reader finishing its request does not
// cancel the new reader's timer.
func TestTakenOverReaderKeepsItsOwnTimer(t *testing.T) {
	svc := &callsBackWithoutItsContext{}
	cli, _ := memPair(t, svc, quietConfig(), quietConfig())
	ctx := contextWithTimeout(t, 10*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cb := func(n int) int { return n + 1 }
	for i := range 40 {
		// The slow request ends at various moments after the second one
		// began: the old reader's end must not stop the new reader's timer.
		slow := root.CallMethodAsync("sleep", 3) // taken over after inlineSlice
		time.Sleep(time.Millisecond + time.Duration(i)*50*time.Microsecond)
		start := time.Now()
		if got, err := As[int](root.CallMethod(ctx, "call_back", cb)); err != nil || got != 42 {
			t.Fatalf("call_back after a slow call: %v, %v", got, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("call_back took %v behind a slow call", d)
		}
		if err := slow.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
