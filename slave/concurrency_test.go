package slave_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/rpyc-go/rpyc"
)

// TestConcurrentCode: many goroutines of one client execute, eval and
// call namespace functions on one connection at once, mutating shared
// lists of the code; the interpreter lock keeps it safe (run with -race).
func TestConcurrentCode(t *testing.T) {
	c, ctx := pair(t, nil)
	if err := c.Execute(ctx, "shared = []\ndef push(x):\n  shared.append(x)\n  return len(shared)"); err != nil {
		t.Fatal(err)
	}
	ns, err := c.Namespace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	push := must(ns.GetItem(ctx, "push")).(*rpyc.Netref)
	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for i := range 20 {
		wg.Add(3)
		go func() {
			defer wg.Done()
			errs <- c.Execute(ctx, fmt.Sprintf("shared.append(%d)", i))
		}()
		go func() {
			defer wg.Done()
			_, err := push.Call(ctx, i)
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := ns.GetItem(ctx, "shared")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n, err := c.Eval(ctx, "len(shared)"); err != nil || n != int64(40) {
		t.Errorf("len(shared) = %v, %v; want 40", n, err)
	}
}

// TestNestedCallback: code calls a client's callable, which
// evaluates code on the same connection before returning: the
// interpreter lock is let go while the client works, so nothing hangs.
func TestNestedCallback(t *testing.T) {
	c, ctx := pair(t, nil)
	ns, err := c.Namespace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Execute(ctx, "base = 40"); err != nil {
		t.Fatal(err)
	}
	callback := func(x int64) (int64, error) {
		v, err := rpyc.As[int64](c.Eval(ctx, "base + 1"))
		return v + x, err
	}
	if err := ns.SetItem(ctx, "cb", callback); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Eval(ctx, "cb(1)"); err != nil || v != int64(42) {
		t.Errorf("cb(1) = %v, %v; want 42", v, err)
	}
}
