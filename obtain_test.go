package rpyc

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"math"
	"math/big"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ogorek "github.com/kisielk/og-rek"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
)

// byValueService is what the Go-to-Go by-value tests call.
type byValueService struct {
	produced atomic.Int64
}

func (s *byValueService) Numbers(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i)
	}
	return out
}

func (s *byValueService) Table() map[string][]string {
	return map[string][]string{"a": {"x", "y"}, "b": {}, "quote'\"\\": {"\x00\n\u20ac\U0001f600"}}
}

func (s *byValueService) Sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

func (s *byValueService) Count(m map[string]int) int { return len(m) }

// Gen is a Go generator whose progress the test can see.
func (s *byValueService) Gen(n int) iter.Seq[int] {
	s.produced.Store(0)
	return func(yield func(int) bool) {
		for i := range n {
			s.produced.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

func (s *byValueService) Produced() int64 { return s.produced.Load() }

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestObtainGoPeer: Obtain and As of Go slices and maps served by a Go
// peer, both layouts; Go []T and map[K]V parameters take lists and dicts
// passed by reference.
func TestObtainGoPeer(t *testing.T) {
	for _, layout := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		t.Run(layout.String(), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Layout = layout
			cli, _ := memPair(t, &byValueService{}, nil, cfg)
			ctx := testCtx(t)
			root, err := cli.Root(ctx)
			if err != nil {
				t.Fatal(err)
			}
			nums, err := Obtain[[]int64](ctx, must(root.CallMethod(ctx, "numbers", 1000)))
			if err != nil || len(nums) != 1000 || nums[999] != 999 {
				t.Fatalf("Obtain numbers: %d items, %v", len(nums), err)
			}
			table, err := Obtain[map[string][]string](ctx, must(root.CallMethod(ctx, "table")))
			want := map[string][]string{"a": {"x", "y"}, "b": {}, "quote'\"\\": {"\x00\n\u20ac\U0001f600"}}
			if err != nil || !reflect.DeepEqual(table, want) {
				t.Errorf("Obtain table = %#v, %v", table, err)
			}
			anyv, err := Obtain[any](ctx, must(root.CallMethod(ctx, "table")))
			if m, ok := anyv.(map[any]any); err != nil || !ok || len(m) != 3 {
				t.Errorf("Obtain[any] = %#v, %v", anyv, err)
			}
			ints, err := As[[]int](root.CallMethod(ctx, "numbers", 3))
			if err != nil || !reflect.DeepEqual(ints, []int{0, 1, 2}) {
				t.Errorf("As[[]int] = %v, %v", ints, err)
			}
			if n, err := As[int](root.CallMethod(ctx, "sum", []int{1, 2, 3})); err != nil || n != 6 {
				t.Errorf("sum([1,2,3]) = %d, %v", n, err)
			}
			if n, err := As[int](root.CallMethod(ctx, "count", map[string]int{"a": 1, "b": 2})); err != nil || n != 2 {
				t.Errorf("count({a,b}) = %d, %v", n, err)
			}
			if _, err := root.CallMethod(ctx, "sum", []string{"x"}); err == nil {
				t.Error("sum(['x']) succeeded")
			}
		})
	}
}

func must(v any, err error) any {
	if err != nil {
		panic(err)
	}
	return v
}

// TestIterGoGenerator: a Go peer's generator is read one item per
// request, so a break stops it where the loop stopped.
func TestIterGoGenerator(t *testing.T) {
	svc := &byValueService{}
	cli, _ := memPair(t, svc, nil, nil)
	ctx := testCtx(t)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := As[*Netref](root.CallMethod(ctx, "gen", 100))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range gen.Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 4 {
			break
		}
	}
	if p := svc.Produced(); p != 4 {
		t.Errorf("generator produced %d items for a loop that took 4", p)
	}
	// A list's iterator is batched.
	l, err := As[*Netref](root.CallMethod(ctx, "numbers", 5000))
	if err != nil {
		t.Fatal(err)
	}
	n = 0
	for v, err := range l.Iter(ctx) {
		if err != nil || v != int64(n) {
			t.Fatalf("item %d = %v, %v", n, v, err)
		}
		n++
	}
	if n != 5000 {
		t.Errorf("list iteration gave %d items", n)
	}
}

// TestParsePyLiteral: reprs as Python writes them.
func TestParsePyLiteral(t *testing.T) {
	big80, _ := new(big.Int).SetString("1208925819614629174706176", 10)
	cases := []struct {
		in   string
		want any
	}{
		{"[]", []any{}},
		{"()", brine.Tuple{}},
		{"(1,)", brine.Tuple{int64(1)}},
		{"{}", map[any]any{}},
		{"[1, -2, 1208925819614629174706176]", []any{int64(1), int64(-2), big80}},
		{"[1.5, -0.0, 1e+300, inf, -inf, 5e-324]", []any{1.5, math.Copysign(0, -1), 1e300, math.Inf(1), math.Inf(-1), 5e-324}},
		{`['a', "it's", 'say "hi"', '\\', '\n\t\r', '\x00\x7f\x80\xff', '\u20ac\U0001f600', 'é']`,
			[]any{"a", "it's", `say "hi"`, `\`, "\n\t\r", "\x00\x7f\u0080\u00ff", "\u20ac\U0001f600", "é"}},
		{`[b'', b'\x00\xff\n', b"'"]`, []any{[]byte{}, []byte{0, 0xff, '\n'}, []byte("'")}},
		{"{'a': [None, True, False], 1: (2, 3)}", map[any]any{"a": []any{nil, true, false}, int64(1): brine.Tuple{int64(2), int64(3)}}},
		{"{1, 2}", []any{int64(1), int64(2)}},
		{"[set(), (1+2j), -1j, '\\q']", []any{[]any{}, complex(1, 2), complex(math.Copysign(0, -1), -1), `\q`}},
	}
	for _, c := range cases {
		got, err := parsePyLiteral(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"", "[", "[1,", "{1: 2", "<object at 0x1>", "[<x>]", "{...}", "[...]",
		"Ellipsis", "'unterminated", "{(1, 2): 3}", "[1] x", "frozenset({1})"} {
		if v, err := parsePyLiteral(bad); err == nil {
			t.Errorf("%q parsed as %#v", bad, v)
		}
	}
}

// TestPickleGoValues: what HANDLE_PICKLE sends decodes to the same data,
// and what has no pickle form is refused with the path to it.
func TestPickleGoValues(t *testing.T) {
	type inner struct {
		N int `rpyc:"n"`
	}
	type outer struct {
		Name   string   `rpyc:"name"`
		Inner  *inner   `rpyc:"inner"`
		Tags   []string `rpyc:"tags"`
		Hidden int
	}
	v := map[string]any{
		"ints": []int{1, 2}, "u": uint64(math.MaxUint64), "f": float32(0.5), "s": "x", "b": []byte{1},
		"t": brine.Tuple{int64(1), "a"}, "fs": brine.FrozenSet{int64(3)}, "nil": nil, "ok": true,
		"c": complex(1, -1), "big": new(big.Int).Lsh(big.NewInt(1), 70), "st": outer{Name: "o", Inner: &inner{N: 2}, Tags: []string{"t"}},
	}
	data, err := Pickle(v, 3)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ogorek.NewDecoderWithConfig(bytes.NewReader(data), &ogorek.DecoderConfig{PyDict: true, StrictUnicode: true}).Decode()
	if err != nil {
		t.Fatal(err)
	}
	d := got.(ogorek.Dict)
	if d.Get("s") != "x" || d.Get("ok") != true || d.Get("nil") != (ogorek.None{}) {
		t.Errorf("scalars: %v", d)
	}
	if st := d.Get("st").(ogorek.Dict); st.Get("name") != "o" || st.Len() != 3 || st.Get("inner").(ogorek.Dict).Get("n") != int64(2) {
		t.Errorf("struct: %v", st)
	}
	if c, ok := d.Get("c").(ogorek.Call); !ok || c.Callable.Name != "complex" {
		t.Errorf("complex: %#v", d.Get("c"))
	}
	if fs, ok := d.Get("fs").(ogorek.Call); !ok || fs.Callable.Name != "frozenset" {
		t.Errorf("frozenset: %#v", d.Get("fs"))
	}
	for _, bad := range []any{func() {}, map[string]any{"ch": make(chan int)}, []any{1, &Netref{}}} {
		_, err := Pickle(bad, 3)
		if !errors.Is(err, ErrNotPicklable) {
			t.Errorf("Pickle(%T) = %v, want ErrNotPicklable", bad, err)
		}
	}
	_, err = Pickle(map[string]any{"ch": make(chan int)}, 3)
	if err == nil || !strings.Contains(err.Error(), "value[ch]") {
		t.Errorf("error does not say where: %v", err)
	}
	type loop struct {
		Next *loop `rpyc:"next"`
	}
	l := &loop{}
	l.Next = l
	if _, err := Pickle(l, 3); !errors.Is(err, ErrNotPicklable) {
		t.Errorf("cycle: %v", err)
	}
}

// TestHandlePickle: a Go peer answers HANDLE_PICKLE only with
// AllowPickle, as Python does.
func TestHandlePickle(t *testing.T) {
	for _, allow := range []bool{false, true} {
		srvCfg := DefaultConfig()
		srvCfg.AllowPickle = allow
		cli, _ := memPair(t, &byValueService{}, srvCfg, nil)
		ctx := testCtx(t)
		root, err := cli.Root(ctx)
		if err != nil {
			t.Fatal(err)
		}
		l := must(root.CallMethod(ctx, "numbers", 3))
		v, err := cli.Request(ctx, message.HandlePickle, l, 3)
		if !allow {
			if err == nil || !strings.Contains(err.Error(), "pickling is disabled") {
				t.Errorf("AllowPickle off: %v, %v", v, err)
			}
			continue
		}
		data, ok := v.([]byte)
		if err != nil || !ok {
			t.Fatalf("AllowPickle on: %v, %v", v, err)
		}
		got, err := ogorek.NewDecoder(bytes.NewReader(data)).Decode()
		if err != nil || !reflect.DeepEqual(got, []any{int64(0), int64(1), int64(2)}) {
			t.Errorf("pickled numbers decode to %#v, %v", got, err)
		}
	}
}

// TestBindChecks: Bind's errors name the field and what to change.
func TestBindChecks(t *testing.T) {
	cli, _ := memPair(t, &byValueService{}, nil, nil)
	ctx := testCtx(t)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		dst  any
		want string
	}{
		{struct{}{}, "non-nil pointer to a struct"},
		{&struct{ X int }{}, "no exported func fields"},
		{&struct{ Sum func(xs []int) (int, error) }{}, "first parameter must be context.Context"},
		{&struct {
			Sum func(context.Context, []int) int
		}{}, "single result must be error"},
		{&struct {
			Sum func(context.Context, []int) (int, int)
		}{}, "second result must be error"},
		{&struct {
			Nope func(context.Context) error
		}{}, `no method "nope"`},
	}
	for _, c := range cases {
		err := Bind(ctx, root, c.dst)
		if !errors.Is(err, ErrBind) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Bind(%T) = %v, want %q", c.dst, err, c.want)
		}
	}
	var ok struct {
		Sum     func(ctx context.Context, xs []int) (int, error)
		Renamed func(ctx context.Context, n int) ([]int, error) `rpyc:"numbers"`
		Skipped func(ctx context.Context) error                 `rpyc:"-"`
	}
	if err := Bind(ctx, root, &ok); err != nil {
		t.Fatal(err)
	}
	if n, err := ok.Sum(ctx, []int{4, 5}); err != nil || n != 9 {
		t.Errorf("Sum = %d, %v", n, err)
	}
	if l, err := ok.Renamed(ctx, 2); err != nil || !reflect.DeepEqual(l, []int{0, 1}) {
		t.Errorf("Renamed = %v, %v", l, err)
	}
	if ok.Skipped != nil {
		t.Error("a field tagged rpyc:\"-\" was bound")
	}
}

// TestObtainIterable: Obtain of a generator into a slice reads it item by
// item; into any it stays a reference.
func TestObtainIterable(t *testing.T) {
	svc := &byValueService{}
	cli, _ := memPair(t, svc, nil, nil)
	ctx := testCtx(t)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Obtain[[]int](ctx, must(root.CallMethod(ctx, "gen", 5)))
	if err != nil || !reflect.DeepEqual(got, []int{0, 1, 2, 3, 4}) {
		t.Errorf("Obtain[[]int](generator) = %v, %v", got, err)
	}
	ref, err := Obtain[any](ctx, must(root.CallMethod(ctx, "gen", 5)))
	if _, ok := ref.(*Netref); err != nil || !ok {
		t.Errorf("Obtain[any](generator) = %#v, %v; want the reference", ref, err)
	}
}

// TestNilIntoInterface: None into an interface type is its zero value,
// not a panic (rpyc.As[any] of a call returning None).
func TestNilIntoInterface(t *testing.T) {
	if v, err := As[any](nil, nil); v != nil || err != nil {
		t.Errorf("As[any](nil) = %v, %v", v, err)
	}
	if v, err := As[error](nil, nil); v != nil || err != nil {
		t.Errorf("As[error](nil) = %v, %v", v, err)
	}
	if v, err := Obtain[any](context.Background(), nil); v != nil || err != nil {
		t.Errorf("Obtain[any](nil) = %v, %v", v, err)
	}
}

// TestObtainPastGoBuffIterCap: a Go server answers one BUFFITER with at
// most goBuffIterCap items; a longer container is read on through one
// iterator in batches of that size, every item once, in a few round trips.
func TestObtainPastGoBuffIterCap(t *testing.T) {
	var buffIters atomic.Int64
	srvCfg := DefaultConfig()
	srvCfg.Interceptor = func(ctx context.Context, info *RequestInfo, next func(context.Context) (any, error)) (any, error) {
		if info.Handler == message.HandleBuffIter {
			buffIters.Add(1)
		}
		return next(ctx)
	}
	cli, _ := memPair(t, &byValueService{}, srvCfg, nil)
	ctx := testCtx(t)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = goBuffIterCap + 3
	ref, ok := must(root.CallMethod(ctx, "numbers", n)).(*Netref)
	if !ok {
		t.Fatal("numbers did not come by reference")
	}
	f := &fetcher{limit: MaxObtainItems}
	items, err := f.all(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != n || items[0] != int64(0) || items[n-1] != int64(n-1) {
		t.Fatalf("%d items, want %d", len(items), n)
	}
	if got := buffIters.Load(); got > 4 {
		t.Errorf("%d BUFFITER requests for %d items, want at most 4", got, n)
	}
}
