//go:build unix

package interop

import (
	"errors"
	"reflect"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// TestIterGenerator: a Python generator that yields 5 items and raises:
// Go sees all 5, then the error; after a break the generator has run
// exactly as far as the loop consumed. Both layouts.
func TestIterGenerator(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startClassicServer(t, "plain", layout)
		c, _ := dialCounted(t, p.Addr, layout)
		ctx := ctxT(t)
		root, err := c.Root(ctx)
		if err != nil {
			t.Fatal(err)
		}
		gen, err := root.CallMethod(ctx, "gen", 5, true)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		var iterErr error
		for v, err := range gen.(*rpyc.Netref).Iter(ctx) {
			if err != nil {
				iterErr = err
				break
			}
			got = append(got, v.(int64))
		}
		if !reflect.DeepEqual(got, []int64{0, 1, 2, 3, 4}) {
			t.Errorf("items before the error: %v, want [0 1 2 3 4]", got)
		}
		if !errors.Is(iterErr, vinegar.ErrValueError) {
			t.Errorf("error %v, want the generator's ValueError", iterErr)
		}

		gen, err = root.CallMethod(ctx, "gen", 100, false)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range gen.(*rpyc.Netref).Iter(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if n == 3 {
				break
			}
		}
		produced, err := rpyc.As[[]int](root.CallMethod(ctx, "produced"))
		if err != nil || !reflect.DeepEqual(produced, []int{0, 1, 2}) {
			t.Errorf("after break at 3 the generator produced %v (%v), want [0 1 2]", produced, err)
		}
	})
}

// TestIterListBatches: a list's iterator is read in growing batches, so
// 10,000 items take about a dozen requests, not 10,000.
func TestIterListBatches(t *testing.T) {
	p := startClassicServer(t, "plain", message.LayoutV5)
	c, fc := dialCounted(t, p.Addr, message.LayoutV5)
	ctx := ctxT(t)
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, err := root.CallMethod(ctx, "biglist", 10000)
	if err != nil {
		t.Fatal(err)
	}
	before := fc.Frames()
	i := 0
	for v, err := range l.(*rpyc.Netref).Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if v != int64(i) {
			t.Fatalf("item %d = %v", i, v)
		}
		i++
	}
	frames := fc.Frames() - before
	if i != 10000 || frames > 25 {
		t.Errorf("%d items in %d frames, want 10000 in at most 25", i, frames)
	}
	t.Logf("10,000-item list iterated in %d frames", frames)
}
