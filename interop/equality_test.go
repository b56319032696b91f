//go:build unix

package interop

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// equalityService holds, as Go values, the containers the test builds in
// Python too.
type equalityService struct{}

func (equalityService) List() *[]any {
	return &[]any{int64(1), 2.5, "a", brine.Tuple{int64(1), "x"}, nil}
}

func (equalityService) Short() *[]any { return &[]any{int64(1), 2.5} }

func (equalityService) Mixed() *[]any { return &[]any{int64(1), "a"} }

func (equalityService) Dict() map[any]any {
	return map[any]any{int64(1): "one", "a": int64(2), 2.5: "f"}
}

// TestEqualityAsPython: a Go server compares values as Debian's rpyc
// does, asked the same questions: ==, != and the order operators. HANDLE_CMP calls the dunder of the
// first value's type, as Python's handler does, so 1 == 1.0 is
// NotImplemented (int.__eq__ takes no float) while 1.0 == 1 is True; a
// Go list answers in, index and count, and a Go map get and in, with
// Python's ==, so [1].index(1.0) is 0 and {1: 'one'}[True] is 'one'.
func TestEqualityAsPython(t *testing.T) {
	ctx := ctxT(t)
	layout := message.LayoutV5
	py := connectClassic(t, startRPyCClassic(t, layout).Addr, layout)
	gc, err := rpyc.Dial(ctx, serveGo(t, equalityService{}, nil), layoutConfig(layout))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gc.Close() })

	two70 := new(big.Int).Lsh(big.NewInt(1), 70)
	pairs := [][2]any{
		{1, 1}, {1, 2}, {1, 1.0}, {1.0, 1}, {1, true}, {true, 1}, {false, 0}, {true, 1.0}, {1.0, true},
		{1.5, 1.5}, {math.NaN(), math.NaN()}, {complex(1, 0), 1}, {1, complex(1, 0)},
		{complex(1, 0), 1.0}, {1.0, complex(1, 0)}, {complex(1, 2), complex(1, 2)},
		{two70, two70}, {two70, 0x1p70}, {0x1p70, two70},
		{"a", "a"}, {"a", "b"}, {"a", []byte("a")}, {[]byte("a"), "a"}, {[]byte("a"), []byte("a")}, {"1", 1},
		{nil, nil}, {nil, 0}, {0, nil},
		{brine.Tuple{1, "x"}, brine.Tuple{1.0, "x"}}, {brine.Tuple{1}, brine.Tuple{1, 2}}, {brine.Tuple{}, brine.Tuple{}},
		{brine.Tuple{1}, 1}, {1, brine.Tuple{1}},
		{brine.FrozenSet{1, 2}, brine.FrozenSet{2.0, 1}}, {brine.FrozenSet{1}, brine.Tuple{1}},
		{brine.Slice{Start: 1, Stop: 2}, brine.Slice{Start: 1.0, Stop: 2}}, {brine.Slice{Start: 1}, brine.Slice{Start: 2}},
		{brine.Ellipsis, brine.Ellipsis}, {brine.Ellipsis, nil},
	}
	for _, p := range pairs {
		for _, op := range []string{"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"} {
			want := answer(py.Request(ctx, message.HandleCmp, p[0], p[1], op))
			got := answer(gc.Request(ctx, message.HandleCmp, p[0], p[1], op))
			if got != want {
				t.Errorf("HANDLE_CMP(%s, %s, %s): got %s, want %s (Python's)", brine.Repr(p[0]), brine.Repr(p[1]), op, got, want)
			}
		}
	}

	pyList, err := py.Eval(ctx, "[1, 2.5, 'a', (1, 'x'), None]")
	if err != nil {
		t.Fatal(err)
	}
	pyDict, err := py.Eval(ctx, "{1: 'one', 'a': 2, 2.5: 'f'}")
	if err != nil {
		t.Fatal(err)
	}
	root, err := gc.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	goList, err := root.CallMethod(ctx, "list")
	if err != nil {
		t.Fatal(err)
	}
	goDict, err := root.CallMethod(ctx, "dict")
	if err != nil {
		t.Fatal(err)
	}
	// The order of lists held on the server, item by item: Python's
	// list.__lt__ on two of its lists, ours on two Go lists, including a
	// pair whose items do not compare (TypeError on both).
	lists := map[string][2]any{}
	for _, name := range []string{"list", "short", "mixed"} {
		src := map[string]string{"list": "[1, 2.5, 'a', (1, 'x'), None]", "short": "[1, 2.5]", "mixed": "[1, 'a']"}[name]
		pv, err := py.Eval(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		gv, err := root.CallMethod(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		lists[name] = [2]any{pv, gv}
	}
	for _, pair := range [][2]string{{"list", "short"}, {"short", "list"}, {"list", "list"}, {"mixed", "short"}} {
		a, b := lists[pair[0]], lists[pair[1]]
		for _, op := range []string{"__eq__", "__lt__", "__le__", "__gt__", "__ge__"} {
			want := answer(py.Request(ctx, message.HandleCmp, a[0], b[0], op))
			got := answer(gc.Request(ctx, message.HandleCmp, a[1], b[1], op))
			if got != want {
				t.Errorf("HANDLE_CMP(%s, %s, %s): got %s, want %s (Python's)", pair[0], pair[1], op, got, want)
			}
		}
	}

	probes := []any{1, 1.0, true, 2.5, complex(2.5, 0), "a", []byte("a"), brine.Tuple{1.0, "x"}, brine.Tuple{1, "y"}, nil, 0, false}
	for _, c := range []struct {
		py, goes any
		methods  []string
	}{
		{pyList, goList, []string{"__contains__", "index", "count"}},
		{pyDict, goDict, []string{"__contains__", "get"}},
	} {
		for _, x := range probes {
			for _, m := range c.methods {
				want := answer(c.py.(*rpyc.Netref).CallMethod(ctx, m, x))
				got := answer(c.goes.(*rpyc.Netref).CallMethod(ctx, m, x))
				if got != want {
					t.Errorf("%s.%s(%s): got %s, want %s (Python's)", c.py.(*rpyc.Netref).TypeName(), m, brine.Repr(x), got, want)
				}
			}
		}
	}
}

// answer is a reply as the test compares it: the value's repr, or the
// class of the exception raised.
func answer(v any, err error) string {
	var e *vinegar.Exception
	if errors.As(err, &e) {
		return "raises " + e.Name
	}
	if err != nil {
		return "error " + err.Error()
	}
	if brine.Dumpable(v) {
		return brine.Repr(v)
	}
	return fmt.Sprintf("%T", v)
}
