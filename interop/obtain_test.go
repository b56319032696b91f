//go:build unix

package interop

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
)

// TestObtainFrames: a 100,000-item Python list arrives as []int64 and a
// 10,000-key dict as map[string]any in a small constant number of frames,
// against a custom server with the strict default policy ("plain") and a
// SlaveService, in both layouts.
func TestObtainFrames(t *testing.T) {
	for _, mode := range []string{"plain", "slave"} {
		t.Run(mode, func(t *testing.T) {
			layouts(t, func(t *testing.T, layout message.Layout) {
				p := startClassicServer(t, mode, layout)
				c, fc := dialCounted(t, p.Addr, layout)
				ctx := ctxT(t)
				var list, dict any
				if mode == "plain" {
					root, err := c.Root(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if list, err = root.CallMethod(ctx, "biglist", 100000); err != nil {
						t.Fatal(err)
					}
					if dict, err = root.CallMethod(ctx, "bigdict", 10000); err != nil {
						t.Fatal(err)
					}
				} else {
					root, err := c.Root(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if list, err = root.CallMethod(ctx, "eval", "list(range(100000))"); err != nil {
						t.Fatal(err)
					}
					if dict, err = root.CallMethod(ctx, "eval", "{'k%d' % i: i for i in range(10000)}"); err != nil {
						t.Fatal(err)
					}
				}
				before := fc.Frames()
				ints, err := rpyc.Obtain[[]int64](ctx, list)
				if err != nil {
					t.Fatalf("Obtain list: %v", err)
				}
				listFrames := fc.Frames() - before
				if len(ints) != 100000 || ints[0] != 0 || ints[99999] != 99999 {
					t.Fatalf("list: got %d items", len(ints))
				}
				for i, v := range ints {
					if v != int64(i) {
						t.Fatalf("item %d = %d", i, v)
					}
				}
				if listFrames != 1 {
					t.Errorf("list of 100,000: %d frames sent, want 1: %q", listFrames, fc.Heads(before))
				}
				before = fc.Frames()
				m, err := rpyc.Obtain[map[string]any](ctx, dict)
				if err != nil {
					t.Fatalf("Obtain dict: %v", err)
				}
				dictFrames := fc.Frames() - before
				runtime.KeepAlive(dict) // a collected netref sends a DEL frame
				runtime.KeepAlive(list)
				if len(m) != 10000 || m["k9999"] != int64(9999) {
					t.Fatalf("dict: %d keys, k9999=%v", len(m), m["k9999"])
				}
				// A dict of plain data: one HANDLE_REPR, read as a literal.
				if dictFrames != 1 {
					t.Errorf("dict of 10,000: %d frames, want 1", dictFrames)
				}
				t.Logf("%s/%s: list 100,000 in %d frame(s), dict 10,000 in %d frame(s)", mode, layout, listFrames, dictFrames)
			})
		})
	}
}

// TestObtainNested: nested lists, tuples, sets and dicts come by value;
// objects that are not containers stay references.
func TestObtainNested(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startClassicServer(t, "plain", layout)
		c, _ := dialCounted(t, p.Addr, layout)
		ctx := ctxT(t)
		root, err := c.Root(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v, err := root.CallMethod(ctx, "nested")
		if err != nil {
			t.Fatal(err)
		}
		got, err := rpyc.Obtain[map[string]any](ctx, v)
		if err != nil {
			t.Fatalf("Obtain: %v", err)
		}
		if !reflect.DeepEqual(got["ints"], []any{int64(1), int64(2), int64(3)}) {
			t.Errorf("ints = %#v", got["ints"])
		}
		if !reflect.DeepEqual(got["tuple"], brine.Tuple{int64(1), "a", []any{int64(4), int64(5)}}) {
			t.Errorf("tuple = %#v", got["tuple"])
		}
		if s, ok := got["set"].([]any); !ok || len(s) != 2 {
			t.Errorf("set = %#v", got["set"])
		}
		if !reflect.DeepEqual(got["dict"], map[any]any{"x": []any{1.5, nil, true}}) {
			t.Errorf("dict = %#v", got["dict"])
		}
		if !reflect.DeepEqual(got["empty"], []any{}) {
			t.Errorf("empty = %#v", got["empty"])
		}
		obj, ok := got["obj"].(*rpyc.Netref)
		if !ok {
			t.Fatalf("obj = %#v, want a netref", got["obj"])
		}
		if obj.TypeName() != "__main__.Custom" {
			t.Errorf("obj is a %s, want __main__.Custom", obj.TypeName())
		}
		// As with a slice type fetches by value too (no context: the
		// connection's).
		l, err := root.CallMethod(ctx, "biglist", 10)
		if err != nil {
			t.Fatal(err)
		}
		ints, err := rpyc.As[[]int](l, nil)
		if err != nil || len(ints) != 10 || ints[9] != 9 {
			t.Errorf("As[[]int] = %v, %v", ints, err)
		}
		// A tuple key cannot be a Go map key: a clear error.
		pairs, err := root.CallMethod(ctx, "pairs")
		if err != nil {
			t.Fatal(err)
		}
		_, err = rpyc.Obtain[map[any]any](ctx, pairs)
		var te *rpyc.TypeError
		if !errors.As(err, &te) {
			t.Errorf("tuple key: err = %v, want a *TypeError", err)
		}
	})
}

// TestObtainBind: a typed binding of the plain service: results that are
// remote lists convert by value.
func TestObtainBind(t *testing.T) {
	p := startClassicServer(t, "plain", message.LayoutV5)
	c, fc := dialCounted(t, p.Addr, message.LayoutV5)
	ctx := ctxT(t)
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var svc struct {
		Biglist  func(ctx context.Context, n int) ([]int64, error)
		Bigdict  func(ctx context.Context, n int) (map[string]int, error)
		Produced func(context.Context) ([]int, error)
		Missing  func(context.Context) error `rpyc:"-"`
	}
	if err := rpyc.Bind(ctx, root, &svc); err != nil {
		t.Fatalf("Bind: %v", err)
	}
	before := fc.Frames()
	l, err := svc.Biglist(ctx, 1000)
	if err != nil || len(l) != 1000 || l[999] != 999 {
		t.Fatalf("Biglist = %d items, %v", len(l), err)
	}
	n := fc.Frames() - before
	runtime.KeepAlive(root)
	if n != 2 {
		t.Errorf("Biglist: %d frames, want 2 (CALLATTR, BUFFITER)", n)
	}
	d, err := svc.Bigdict(ctx, 5)
	if err != nil || d["k4"] != 4 {
		t.Errorf("Bigdict = %v, %v", d, err)
	}
	var bad struct {
		Nope func(ctx context.Context) error
	}
	err = rpyc.Bind(ctx, root, &bad)
	if !errors.Is(err, rpyc.ErrBind) {
		t.Errorf("Bind of a missing method: %v", err)
	}
	var badSig struct {
		Biglist func(n int) ([]int64, error)
	}
	if err := rpyc.Bind(ctx, root, &badSig); !errors.Is(err, rpyc.ErrBind) {
		t.Errorf("Bind without context: %v", err)
	}
	t.Logf("bind errors read: %v", err)
}
