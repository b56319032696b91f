package pyobj

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// testPolicy is the policy of a connection with the default Config: the
// native classes are called directly, as a request would call them.
func testPolicy(t *testing.T) *Policy {
	t.Helper()
	return &Policy{
		SafeAttrs:     map[string]bool{"__len__": true, "__getitem__": true, "__iter__": true},
		ExposedPrefix: "exposed_",
		MaxBuildItems: 1 << 22,
	}
}

// kcall calls obj.name(*args) as the peer would; a trailing Kwargs gives
// keyword arguments. Names the exposure policy refuses go through resolve.
func kcall(c *Policy, obj any, name string, args ...any) (any, error) {
	var kw Kwargs
	if n := len(args); n > 0 {
		if k, ok := args[n-1].(Kwargs); ok {
			kw, args = k, args[:n-1]
		}
	}
	ctx := context.Background()
	if _, err := c.CheckName(name, AccessGet); err != nil {
		r, err := c.resolve(ctx, obj, name)
		if err != nil {
			return nil, err
		}
		return r.call(ctx, brine.Tuple(args), kw)
	}
	return c.CallAttr(ctx, obj, name, brine.Tuple(args), kw)
}

func mustK(t *testing.T, c *Policy, obj any, name string, args ...any) any {
	t.Helper()
	v, err := kcall(c, obj, name, args...)
	if err != nil {
		t.Fatalf("%s%v: %v", name, args, err)
	}
	return v
}

// wantExc checks err is a Python exception of class cls whose first arg
// contains msg.
func wantExc(t *testing.T, err error, cls *vinegar.Class, msg string) {
	t.Helper()
	if !errors.Is(err, cls) {
		t.Fatalf("got %v, want %s", err, cls.Name())
	}
	var e *vinegar.Exception
	if msg != "" && (!errors.As(err, &e) || len(e.Args) == 0 || !strings.Contains(fmt.Sprint(e.Args[0]), msg)) {
		t.Fatalf("got %v, want %s containing %q", err, cls.Name(), msg)
	}
}

func deref[T any](t *testing.T, v any) T {
	t.Helper()
	p, ok := v.(*T)
	if !ok {
		t.Fatalf("got %T, want *%T", v, *new(T))
	}
	return *p
}

func takeAll(t *testing.T, v any) []any {
	t.Helper()
	it, ok := v.(*goIterator)
	if !ok {
		t.Fatalf("got %T, want an iterator", v)
	}
	var out []any
	for {
		chunk := it.take(2)
		if len(chunk) == 0 {
			return out
		}
		out = append(out, chunk...)
	}
}

func TestListGetItem(t *testing.T) {
	c := testPolicy(t)
	s := []int{0, 1, 2, 3, 4}
	for _, tc := range []struct {
		idx  any
		want any
		exc  *vinegar.Class
	}{
		{int64(0), 0, nil},
		{int64(-1), 4, nil},
		{int64(-5), 0, nil},
		{true, 1, nil},
		{big.NewInt(3), 3, nil},
		{int64(5), nil, vinegar.ErrIndexError},
		{int64(-6), nil, vinegar.ErrIndexError},
		{new(big.Int).Lsh(big.NewInt(1), 80), nil, vinegar.ErrIndexError},
		{"1", nil, vinegar.ErrTypeError},
		{1.0, nil, vinegar.ErrTypeError},
	} {
		v, err := kcall(c, s, "__getitem__", tc.idx)
		if tc.exc != nil {
			wantExc(t, err, tc.exc, "")
			continue
		}
		if err != nil || v != tc.want {
			t.Errorf("s[%v] = %v, %v; want %v", tc.idx, v, err, tc.want)
		}
	}
	_, err := kcall(c, s, "__getitem__", int64(9))
	wantExc(t, err, vinegar.ErrIndexError, "list index out of range")
}

func TestListSlicing(t *testing.T) {
	c := testPolicy(t)
	s := []int{0, 1, 2, 3, 4}
	for _, tc := range []struct {
		sl   brine.Slice
		want []int
	}{
		{brine.Slice{}, []int{0, 1, 2, 3, 4}},
		{brine.Slice{Start: int64(1), Stop: int64(4)}, []int{1, 2, 3}},
		{brine.Slice{Step: int64(2)}, []int{0, 2, 4}},
		{brine.Slice{Step: int64(-1)}, []int{4, 3, 2, 1, 0}},
		{brine.Slice{Start: int64(-2)}, []int{3, 4}},
		{brine.Slice{Stop: int64(-2)}, []int{0, 1, 2}},
		{brine.Slice{Start: int64(4), Stop: int64(0), Step: int64(-2)}, []int{4, 2}},
		{brine.Slice{Start: int64(-1), Stop: int64(-4), Step: int64(-1)}, []int{4, 3, 2}},
		{brine.Slice{Start: int64(10)}, []int{}},
		{brine.Slice{Start: int64(-10), Stop: int64(10), Step: int64(3)}, []int{0, 3}},
		{brine.Slice{Start: int64(3), Stop: int64(1)}, []int{}},
		{brine.Slice{Step: new(big.Int).Lsh(big.NewInt(1), 70)}, []int{0}},
	} {
		v, err := kcall(c, s, "__getitem__", tc.sl)
		if err != nil {
			t.Fatalf("%+v: %v", tc.sl, err)
		}
		if got := deref[[]int](t, v); !slices.Equal(got, tc.want) {
			t.Errorf("s[%+v] = %v, want %v", tc.sl, got, tc.want)
		}
	}
	_, err := kcall(c, s, "__getitem__", brine.Slice{Step: int64(0)})
	wantExc(t, err, vinegar.ErrValueError, "slice step cannot be zero")
	_, err = kcall(c, s, "__getitem__", brine.Slice{Start: "a"})
	wantExc(t, err, vinegar.ErrTypeError, "slice indices")
	// The slice is a copy the peer may grow without touching s.
	v := mustK(t, c, s, "__getitem__", brine.Slice{Stop: int64(2)})
	mustK(t, c, v, "append", int64(9))
	if got := deref[[]int](t, v); !slices.Equal(got, []int{0, 1, 9}) || s[2] != 2 {
		t.Errorf("copy %v, original %v", got, s)
	}
}

func TestListSetDelItem(t *testing.T) {
	c := testPolicy(t)
	s := []int{0, 1, 2, 3, 4}
	mustK(t, c, s, "__setitem__", int64(-1), int64(40))
	if s[4] != 40 {
		t.Errorf("set through a plain slice not seen: %v", s)
	}
	_, err := kcall(c, s, "__setitem__", int64(0), "x")
	wantExc(t, err, vinegar.ErrTypeError, "list item must be int, not str")
	_, err = kcall(c, s, "__setitem__", int64(5), int64(1))
	wantExc(t, err, vinegar.ErrIndexError, "list assignment index out of range")
	_, err = kcall(c, []int8{0}, "__setitem__", int64(0), int64(300))
	wantExc(t, err, vinegar.ErrTypeError, "list item: expected an int in -128..127, got 300")

	// Slice assignment: same size works on []T, resizing needs *[]T.
	mustK(t, c, s, "__setitem__", brine.Slice{Start: int64(0), Stop: int64(2)}, brine.Tuple{int64(7), int64(8)})
	if !slices.Equal(s, []int{7, 8, 2, 3, 40}) {
		t.Errorf("slice assignment: %v", s)
	}
	_, err = kcall(c, s, "__setitem__", brine.Slice{Stop: int64(2)}, brine.Tuple{int64(1)})
	wantExc(t, err, vinegar.ErrTypeError, "slice assignment that changes the length: the Go []int behind this list cannot grow")
	_, err = kcall(c, s, "__setitem__", brine.Slice{Step: int64(2)}, brine.Tuple{int64(1)})
	wantExc(t, err, vinegar.ErrValueError, "extended slice of size 3")
	mustK(t, c, s, "__setitem__", brine.Slice{Step: int64(-2)}, brine.Tuple{int64(1), int64(2), int64(3)})
	if !slices.Equal(s, []int{3, 8, 2, 3, 1}) {
		t.Errorf("extended slice assignment: %v", s)
	}
	p := &[]int{0, 1, 2, 3}
	mustK(t, c, p, "__setitem__", brine.Slice{Start: int64(1), Stop: int64(3)}, brine.Tuple{int64(9)})
	mustK(t, c, p, "__setitem__", brine.Slice{Start: int64(0), Stop: int64(0)}, brine.Tuple{int64(5), int64(6)})
	if !slices.Equal(*p, []int{5, 6, 0, 9, 3}) {
		t.Errorf("resizing slice assignment: %v", *p)
	}

	// Deletion needs the pointer.
	_, err = kcall(c, s, "__delitem__", int64(0))
	wantExc(t, err, vinegar.ErrTypeError, "del: the Go []int behind this list cannot grow")
	mustK(t, c, p, "__delitem__", int64(-1))
	mustK(t, c, p, "__delitem__", brine.Slice{Step: int64(2)})
	if !slices.Equal(*p, []int{6, 9}) {
		t.Errorf("after del: %v", *p)
	}
	_, err = kcall(c, p, "__delitem__", int64(2))
	wantExc(t, err, vinegar.ErrIndexError, "")
}

func TestListContains(t *testing.T) {
	c := testPolicy(t)
	for _, tc := range []struct {
		list any
		x    any
		want bool
	}{
		{[]int{1, 2, 3}, int64(2), true},
		{[]int{1, 2, 3}, 2.0, true},
		{[]int{1, 2, 3}, true, true},
		{[]int{1, 2, 3}, "2", false},
		{[]int{1, 2, 3}, int64(4), false},
		{[]uint64{1 << 63}, new(big.Int).Lsh(big.NewInt(1), 63), true},
		{[]float64{0.5, 1}, int64(1), true},
		{[]string{"a", "b"}, "b", true},
		{[]string{"a", "b"}, []byte("b"), false},
		{[]any{int64(1), "x", brine.Tuple{int64(1), "y"}}, brine.Tuple{1.0, "y"}, true},
		{[]any{nil}, nil, true},
		{[][]int{{1, 2}}, []int{1, 2}, true},
		{[]complex128{1 + 0i}, int64(1), true},
	} {
		v, err := kcall(c, tc.list, "__contains__", tc.x)
		if err != nil || v != tc.want {
			t.Errorf("%v in %v = %v, %v; want %v", tc.x, tc.list, v, err, tc.want)
		}
	}
}

func TestListGrowth(t *testing.T) {
	c := testPolicy(t)
	owner := []int{0, 1, 2}
	p := &owner
	mustK(t, c, p, "append", int64(3))
	if !slices.Equal(owner, []int{0, 1, 2, 3}) {
		t.Errorf("append on *[]int not seen by the owner: %v", owner)
	}
	plain := []int{0, 1, 2}
	_, err := kcall(c, plain, "append", int64(3))
	wantExc(t, err, vinegar.ErrTypeError, "append: the Go []int behind this list cannot grow where its owner sees it (copy it with list() to change a copy; the service can serve a *[]int)")
	if len(plain) != 3 {
		t.Error("plain slice changed")
	}
	for _, name := range []string{"extend", "insert", "pop", "remove", "clear"} {
		args := []any{brine.Tuple{}}
		switch name {
		case "insert":
			args = []any{int64(0), int64(1)}
		case "pop", "clear":
			args = nil
		case "remove", "__imul__":
			args = []any{int64(1)}
		}
		_, err := kcall(c, plain, name, args...)
		if !errors.Is(err, vinegar.ErrTypeError) || !strings.Contains(err.Error(), "*[]int") {
			t.Errorf("%s on a plain slice: %v", name, err)
		}
	}
	_, err = kcall(c, p, "append", "x")
	wantExc(t, err, vinegar.ErrTypeError, "")

	mustK(t, c, p, "extend", brine.Tuple{int64(4), int64(5)})
	if v := mustK(t, c, p, "__iadd__", brine.Tuple{int64(6)}); v != any(p) {
		t.Errorf("__iadd__ returned %v, want the list itself", v)
	}
	mustK(t, c, p, "extend", p) // l.extend(l)
	if !slices.Equal(owner, []int{0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6}) {
		t.Errorf("after extend: %v", owner)
	}
	mustK(t, c, p, "clear")
	mustK(t, c, p, "insert", int64(0), int64(1))
	mustK(t, c, p, "insert", int64(-100), int64(0))
	mustK(t, c, p, "insert", int64(100), int64(3))
	mustK(t, c, p, "insert", int64(-1), int64(2))
	if !slices.Equal(owner, []int{0, 1, 2, 3}) {
		t.Errorf("after insert: %v", owner)
	}

	anyList := &[]any{}
	mustK(t, c, anyList, "append", int64(1))
	mustK(t, c, anyList, "append", "s")
	mustK(t, c, anyList, "append", nil)
	if !reflect.DeepEqual(*anyList, []any{int64(1), "s", nil}) {
		t.Errorf("[]any: %#v", *anyList)
	}

	// A nil slice behind a pointer grows too.
	var none []string
	mustK(t, c, &none, "append", "a")
	if !slices.Equal(none, []string{"a"}) {
		t.Errorf("nil slice: %v", none)
	}
}

func TestListPopRemoveIndex(t *testing.T) {
	c := testPolicy(t)
	p := &[]int{10, 20, 30, 20}
	if v := mustK(t, c, p, "pop"); v != 20 {
		t.Errorf("pop() = %v", v)
	}
	if v := mustK(t, c, p, "pop", int64(0)); v != 10 {
		t.Errorf("pop(0) = %v", v)
	}
	_, err := kcall(c, p, "pop", int64(5))
	wantExc(t, err, vinegar.ErrIndexError, "pop index out of range")
	mustK(t, c, p, "remove", int64(20))
	if !slices.Equal(*p, []int{30}) {
		t.Errorf("after remove: %v", *p)
	}
	_, err = kcall(c, p, "remove", int64(99))
	wantExc(t, err, vinegar.ErrValueError, "list.remove(x): x not in list")
	mustK(t, c, p, "pop")
	_, err = kcall(c, p, "pop")
	wantExc(t, err, vinegar.ErrIndexError, "pop from empty list")

	s := []string{"a", "b", "a", "c"}
	for _, tc := range []struct {
		args []any
		want any
	}{
		{[]any{"a"}, int64(0)},
		{[]any{"a", int64(1)}, int64(2)},
		{[]any{"a", int64(-2)}, int64(2)},
		{[]any{"c", int64(0), int64(3)}, nil},
		{[]any{"z"}, nil},
	} {
		v, err := kcall(c, s, "index", tc.args...)
		if tc.want == nil {
			wantExc(t, err, vinegar.ErrValueError, "is not in list")
			continue
		}
		if err != nil || v != tc.want {
			t.Errorf("index%v = %v, %v", tc.args, v, err)
		}
	}
	_, err = kcall(c, s, "index", "z")
	wantExc(t, err, vinegar.ErrValueError, "'z' is not in list")
	if v := mustK(t, c, s, "count", "a"); v != int64(2) {
		t.Errorf("count = %v", v)
	}
	_, err = kcall(c, s, "count")
	wantExc(t, err, vinegar.ErrTypeError, "exactly one argument")
}

func TestListSortReverse(t *testing.T) {
	c := testPolicy(t)
	ints := []int{3, 1, 2}
	mustK(t, c, ints, "sort")
	if !slices.Equal(ints, []int{1, 2, 3}) {
		t.Errorf("sort: %v", ints)
	}
	mustK(t, c, ints, "sort", Kwargs{"reverse": true})
	if !slices.Equal(ints, []int{3, 2, 1}) {
		t.Errorf("sort(reverse=True): %v", ints)
	}
	strs := []string{"b", "c", "a"}
	mustK(t, c, strs, "sort")
	mustK(t, c, strs, "reverse")
	if !slices.Equal(strs, []string{"c", "b", "a"}) {
		t.Errorf("strings: %v", strs)
	}
	floats := []float64{2.5, -1, 0}
	mustK(t, c, floats, "sort", Kwargs{"key": nil})
	if !slices.Equal(floats, []float64{-1, 0, 2.5}) {
		t.Errorf("floats: %v", floats)
	}
	// Stable, also in reverse, and numbers of mixed types compare by value.
	mixed := []any{int64(1), 1.0, int64(0), big.NewInt(2)}
	mustK(t, c, mixed, "sort", Kwargs{"reverse": true})
	if !reflect.DeepEqual(mixed, []any{big.NewInt(2), int64(1), 1.0, int64(0)}) {
		t.Errorf("mixed: %#v", mixed)
	}
	_, err := kcall(c, ints, "sort", Kwargs{"key": "len"})
	wantExc(t, err, vinegar.ErrTypeError, "'str' object is not callable")
	_, err = kcall(c, ints, "sort", int64(1))
	wantExc(t, err, vinegar.ErrTypeError, "no positional arguments")
	bad := []any{int64(1), "a"}
	_, err = kcall(c, bad, "sort")
	wantExc(t, err, vinegar.ErrTypeError, "'<' not supported between instances of")
	if !reflect.DeepEqual(bad, []any{int64(1), "a"}) {
		t.Errorf("failed sort changed the list: %v", bad)
	}
}

func TestListMisc(t *testing.T) {
	c := testPolicy(t)
	type ints []int
	s := ints{1, 2, 3}
	if v := mustK(t, c, s, "__len__"); v != int64(3) {
		t.Errorf("len = %v", v)
	}
	if got := takeAll(t, mustK(t, c, s, "__iter__")); !reflect.DeepEqual(got, []any{1, 2, 3}) {
		t.Errorf("iter: %v", got)
	}
	if got := takeAll(t, mustK(t, c, s, "__reversed__")); !reflect.DeepEqual(got, []any{3, 2, 1}) {
		t.Errorf("reversed: %v", got)
	}
	cp := mustK(t, c, s, "copy")
	mustK(t, c, cp, "append", int64(4))
	if got := deref[ints](t, cp); !slices.Equal(got, ints{1, 2, 3, 4}) || len(s) != 3 {
		t.Errorf("copy: %v, original %v", got, s)
	}
	if got := deref[ints](t, mustK(t, c, s, "__add__", brine.Tuple{int64(4)})); !slices.Equal(got, ints{1, 2, 3, 4}) {
		t.Errorf("add: %v", got)
	}
	if got := deref[ints](t, mustK(t, c, s, "__mul__", int64(2))); !slices.Equal(got, ints{1, 2, 3, 1, 2, 3}) {
		t.Errorf("mul: %v", got)
	}
	if got := deref[ints](t, mustK(t, c, s, "__rmul__", int64(-1))); len(got) != 0 {
		t.Errorf("rmul: %v", got)
	}
	p := &ints{7}
	if v := mustK(t, c, p, "__imul__", int64(3)); v != any(p) || !slices.Equal(*p, ints{7, 7, 7}) {
		t.Errorf("imul: %v %v", v, *p)
	}
	_, err := kcall(c, s, "append", int64(1), int64(2))
	wantExc(t, err, vinegar.ErrTypeError, "")
	_, err = kcall(c, s, "extend", int64(1))
	wantExc(t, err, vinegar.ErrTypeError, "")
	_, err = kcall(c, (*[]int)(nil), "__len__")
	wantExc(t, err, vinegar.ErrTypeError, "")
	// Extending from a str takes its characters, as Python does.
	chars := &[]string{}
	mustK(t, c, chars, "extend", "hé")
	if !slices.Equal(*chars, []string{"h", "é"}) {
		t.Errorf("extend str: %q", *chars)
	}
}

func TestListConcurrent(t *testing.T) {
	c := testPolicy(t)
	owner := []int{}
	p := &owner
	var wg sync.WaitGroup
	const workers, each = 8, 50
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := kcall(c, p, "append", int64(w*each+i)); err != nil {
					t.Error(err)
					return
				}
				if _, err := kcall(c, p, "__contains__", int64(i)); err != nil {
					t.Error(err)
				}
				if _, err := kcall(c, p, "__getitem__", int64(-1)); err != nil {
					t.Error(err)
				}
				kcall(c, p, "sort")
			}
		}()
	}
	wg.Wait()
	if len(owner) != workers*each {
		t.Fatalf("len = %d", len(owner))
	}
	if !slices.IsSorted(owner) {
		t.Error("not sorted")
	}
}

func TestDictBasics(t *testing.T) {
	c := testPolicy(t)
	m := map[string]int{"b": 2, "a": 1}
	if v := mustK(t, c, m, "__getitem__", "a"); v != 1 {
		t.Errorf("d['a'] = %v", v)
	}
	_, err := kcall(c, m, "__getitem__", "zz")
	wantExc(t, err, vinegar.ErrKeyError, "zz")
	var e *vinegar.Exception
	if !errors.As(err, &e) || !reflect.DeepEqual(e.Args, brine.Tuple{"zz"}) {
		t.Errorf("KeyError args = %v", err)
	}
	_, err = kcall(c, m, "__getitem__", int64(1))
	if !errors.As(err, &e) || !reflect.DeepEqual(e.Args, brine.Tuple{int64(1)}) {
		t.Errorf("KeyError(1): %v", err)
	}
	mustK(t, c, m, "__setitem__", "c", int64(3))
	if m["c"] != 3 {
		t.Errorf("set not seen: %v", m)
	}
	_, err = kcall(c, m, "__setitem__", "d", "x")
	wantExc(t, err, vinegar.ErrTypeError, "dict value must be int, not str")
	_, err = kcall(c, m, "__setitem__", int64(1), int64(1))
	wantExc(t, err, vinegar.ErrTypeError, "dict key must be str, not int")
	for _, tc := range []struct {
		k    any
		want bool
	}{{"a", true}, {"zz", false}, {int64(1), false}, {brine.Tuple{"a"}, false}} {
		if v := mustK(t, c, m, "__contains__", tc.k); v != tc.want {
			t.Errorf("%v in d = %v", tc.k, v)
		}
	}
	if v := mustK(t, c, m, "__len__"); v != int64(3) {
		t.Errorf("len = %v", v)
	}
	if got := takeAll(t, mustK(t, c, m, "__iter__")); !reflect.DeepEqual(got, []any{"a", "b", "c"}) {
		t.Errorf("iter: %v", got)
	}
	if v := mustK(t, c, m, "keys"); !reflect.DeepEqual(v, brine.Tuple{"a", "b", "c"}) {
		t.Errorf("keys: %v", v)
	}
	if v := mustK(t, c, m, "values"); !reflect.DeepEqual(v, brine.Tuple{1, 2, 3}) {
		t.Errorf("values: %v", v)
	}
	want := brine.Tuple{brine.Tuple{"a", 1}, brine.Tuple{"b", 2}, brine.Tuple{"c", 3}}
	if v := mustK(t, c, m, "items"); !reflect.DeepEqual(v, want) {
		t.Errorf("items: %v", v)
	}
	mustK(t, c, m, "__delitem__", "c")
	_, err = kcall(c, m, "__delitem__", "c")
	wantExc(t, err, vinegar.ErrKeyError, "c")
}

func TestDictMethods(t *testing.T) {
	c := testPolicy(t)
	m := map[string]int{"a": 1}
	for _, tc := range []struct {
		name string
		args []any
		want any
		exc  *vinegar.Class
	}{
		{"get", []any{"a"}, 1, nil},
		{"get", []any{"x"}, nil, nil},
		{"get", []any{"x", int64(5)}, int64(5), nil},
		{"get", []any{int64(3), "d"}, "d", nil},
		{"setdefault", []any{"a", int64(9)}, 1, nil},
		{"setdefault", []any{"b", int64(2)}, 2, nil},
		{"setdefault", []any{"c"}, nil, vinegar.ErrTypeError}, // None is no int
		{"pop", []any{"b"}, 2, nil},
		{"pop", []any{"b", "gone"}, "gone", nil},
		{"pop", []any{"b"}, nil, vinegar.ErrKeyError},
		{"get", []any{}, nil, vinegar.ErrTypeError},
	} {
		v, err := kcall(c, m, tc.name, tc.args...)
		if tc.exc != nil {
			wantExc(t, err, tc.exc, "")
			continue
		}
		if err != nil || v != tc.want {
			t.Errorf("%s%v = %v, %v; want %v", tc.name, tc.args, v, err, tc.want)
		}
	}
	if !reflect.DeepEqual(m, map[string]int{"a": 1}) {
		t.Errorf("after: %v", m)
	}

	mustK(t, c, m, "update", brine.Tuple{brine.Tuple{"b", int64(2)}, brine.Tuple{"c", int64(3)}}, Kwargs{"d": int64(4)})
	mustK(t, c, m, "update", map[string]int8{"e": 5})
	mustK(t, c, m, "update", Kwargs{"a": int64(10)})
	if !reflect.DeepEqual(m, map[string]int{"a": 10, "b": 2, "c": 3, "d": 4, "e": 5}) {
		t.Errorf("after update: %v", m)
	}
	_, err := kcall(c, m, "update", brine.Tuple{brine.Tuple{"x"}})
	wantExc(t, err, vinegar.ErrValueError, "has length 1; 2 is required")
	_, err = kcall(c, m, "update", brine.Tuple{brine.Tuple{"x", int64(1)}, brine.Tuple{"y", "bad"}})
	wantExc(t, err, vinegar.ErrTypeError, "")
	if _, ok := m["x"]; ok {
		t.Error("failed update applied a pair")
	}
	_, err = kcall(c, m, "update", int64(1))
	wantExc(t, err, vinegar.ErrTypeError, "not iterable")

	cp := mustK(t, c, m, "copy").(map[string]int)
	cp["z"] = 26
	if _, ok := m["z"]; ok || len(cp) != 6 {
		t.Errorf("copy is not independent: %v %v", cp, m)
	}
	if v := mustK(t, c, m, "popitem"); !reflect.DeepEqual(v, brine.Tuple{"e", 5}) {
		t.Errorf("popitem = %v", v)
	}
	mustK(t, c, m, "clear")
	if len(m) != 0 {
		t.Errorf("clear: %v", m)
	}
	_, err = kcall(c, m, "popitem")
	wantExc(t, err, vinegar.ErrKeyError, "dictionary is empty")
}

func TestDictKeys(t *testing.T) {
	c := testPolicy(t)
	// Interface keys are found by Python equality.
	m := map[any]string{1: "one", "s": "str", 2.5: "f"}
	for k, want := range map[any]string{int64(1): "one", 1.0: "one", true: "one", "s": "str", 2.5: "f"} {
		if v := mustK(t, c, m, "__getitem__", k); v != want {
			t.Errorf("d[%v] = %v", k, v)
		}
	}
	mustK(t, c, m, "__setitem__", int64(1), "uno")
	if len(m) != 3 || m[1] != "uno" {
		t.Errorf("setting an equal key added one: %v", m)
	}
	_, err := kcall(c, m, "__setitem__", brine.Tuple{int64(1)}, "t")
	wantExc(t, err, vinegar.ErrTypeError, "unhashable")
	if v := mustK(t, c, m, "keys"); !reflect.DeepEqual(v, brine.Tuple{2.5, 1, "s"}) {
		t.Errorf("keys with no Python order: %v", v)
	}
	ints := map[int]string{1: "a", 10: "b", 2: "c"}
	if v := mustK(t, c, ints, "__getitem__", 1.0); v != "a" {
		t.Errorf("d[1.0] = %v", v)
	}
	if v := mustK(t, c, ints, "keys"); !reflect.DeepEqual(v, brine.Tuple{1, 2, 10}) {
		t.Errorf("int keys not in numeric order: %v", v)
	}

	// Nil maps: a pointer is allocated, a plain nil map refused.
	var nilMap map[string]int
	if v := mustK(t, c, nilMap, "get", "a"); v != nil {
		t.Errorf("get on nil map = %v", v)
	}
	_, err = kcall(c, nilMap, "__setitem__", "a", int64(1))
	wantExc(t, err, vinegar.ErrTypeError, "nil map[string]int")
	mustK(t, c, &nilMap, "__setitem__", "a", int64(1))
	if nilMap["a"] != 1 {
		t.Errorf("*map not allocated: %v", nilMap)
	}
}

func TestDictConcurrent(t *testing.T) {
	c := testPolicy(t)
	m := map[int]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				k := int64(w*50 + i)
				if _, err := kcall(c, m, "__setitem__", k, k); err != nil {
					t.Error(err)
				}
				kcall(c, m, "get", k)
				kcall(c, m, "items")
				kcall(c, m, "__contains__", int64(i))
			}
		}()
	}
	wg.Wait()
	if len(m) != 400 {
		t.Errorf("len = %d", len(m))
	}
}

type closeCounter struct {
	*strings.Reader
	closes int
}

func (c *closeCounter) Close() error { c.closes++; return nil }

// valueReader has no identity: it gets no per-object state.
type valueReader struct{ r *strings.Reader }

func (v valueReader) Read(p []byte) (int, error) { return v.r.Read(p) }

func TestFileRead(t *testing.T) {
	c := testPolicy(t)
	r := bytes.NewReader([]byte("one\ntwo\nthree\nfour"))
	if classOf(r) == nil || classOf(r).pyName != "rpyc.GoFile" {
		t.Fatalf("class = %v", classOf(r))
	}
	for _, tc := range []struct {
		name string
		args []any
		want string
	}{
		{"read", []any{int64(1)}, "o"},
		{"readline", nil, "ne\n"},
		{"readline", []any{int64(2)}, "tw"},
		{"readline", []any{nil}, "o\n"},
		{"read", []any{int64(3)}, "thr"},
		{"read", []any{int64(0)}, ""},
		{"__next__", nil, "ee\n"},
		{"read", nil, "four"},
		{"read", nil, ""},
		{"readline", nil, ""},
	} {
		v, err := kcall(c, r, tc.name, tc.args...)
		b, ok := v.([]byte)
		if err != nil || !ok || string(b) != tc.want {
			t.Fatalf("%s%v = %#v, %v; want %q", tc.name, tc.args, v, err, tc.want)
		}
	}
	_, err := kcall(c, r, "__next__")
	if !errors.Is(err, vinegar.ErrStopIteration) {
		t.Errorf("__next__ at EOF: %v", err)
	}
	_, err = kcall(c, r, "read", "x")
	wantExc(t, err, vinegar.ErrTypeError, "")

	// readlines, iteration and tell/seek share the read-ahead buffer.
	r2 := bytes.NewReader([]byte("a\nb\nc\n"))
	if v := mustK(t, c, r2, "readline"); string(v.([]byte)) != "a\n" {
		t.Errorf("readline = %q", v)
	}
	if v := mustK(t, c, r2, "tell"); v != int64(2) {
		t.Errorf("tell = %v", v)
	}
	if got := takeAll(t, mustK(t, c, r2, "__iter__")); !reflect.DeepEqual(got, []any{[]byte("b\n"), []byte("c\n")}) {
		t.Errorf("iteration: %q", got)
	}
	if v := mustK(t, c, r2, "seek", int64(0)); v != int64(0) {
		t.Errorf("seek = %v", v)
	}
	if v := mustK(t, c, r2, "readlines"); !reflect.DeepEqual(v, brine.Tuple{[]byte("a\n"), []byte("b\n"), []byte("c\n")}) {
		t.Errorf("readlines = %q", v)
	}
	mustK(t, c, r2, "seek", int64(-2), int64(2))
	if v := mustK(t, c, r2, "read"); string(v.([]byte)) != "c\n" {
		t.Errorf("after seek from end: %q", v)
	}

	// No identity: lines are still exact, read one byte at a time.
	vr := valueReader{strings.NewReader("x\ny\n")}
	for _, want := range []string{"x\n", "y\n", ""} {
		if v := mustK(t, c, vr, "readline"); string(v.([]byte)) != want {
			t.Errorf("value reader readline = %q, want %q", v, want)
		}
	}
}

func TestFileWriteClose(t *testing.T) {
	c := testPolicy(t)
	r := bytes.NewReader([]byte("data"))
	_, err := kcall(c, r, "write", []byte("x"))
	wantExc(t, err, vinegar.ErrAttributeError, "'GoFile' object has no attribute 'write'")
	if v := mustK(t, c, r, "readable"); v != true {
		t.Errorf("readable = %v", v)
	}
	if v := mustK(t, c, r, "writable"); v != false {
		t.Errorf("writable = %v", v)
	}
	mustK(t, c, r, "close")
	mustK(t, c, r, "close") // idempotent
	for _, name := range []string{"read", "readline", "__next__", "__iter__", "readable", "__enter__"} {
		_, err := kcall(c, r, name)
		wantExc(t, err, vinegar.ErrValueError, "I/O operation on closed file.")
	}

	var buf bytes.Buffer
	if v := mustK(t, c, &buf, "write", "héllo "); v != int64(6) {
		t.Errorf("write(str) = %v", v)
	}
	if v := mustK(t, c, &buf, "write", []byte("wörld")); v != int64(6) {
		t.Errorf("write(bytes) = %v", v)
	}
	mustK(t, c, &buf, "writelines", brine.Tuple{"\n", []byte("x")})
	mustK(t, c, &buf, "flush")
	if buf.String() != "héllo wörld\nx" {
		t.Errorf("buffer = %q", buf.String())
	}
	_, err = kcall(c, &buf, "write", int64(1))
	wantExc(t, err, vinegar.ErrTypeError, "bytes-like")
	if v := mustK(t, c, &buf, "readline"); string(v.([]byte)) != "héllo wörld\n" {
		t.Errorf("buffer readline = %q", v)
	}

	// with: __enter__ returns the object, __exit__ closes once and does
	// not swallow exceptions.
	cc := &closeCounter{Reader: strings.NewReader("z")}
	if v := mustK(t, c, cc, "__enter__"); v != any(cc) {
		t.Errorf("__enter__ = %v", v)
	}
	if v := mustK(t, c, cc, "__exit__", nil, nil, nil); v != false {
		t.Errorf("__exit__ = %v", v)
	}
	mustK(t, c, cc, "close")
	if cc.closes != 1 {
		t.Errorf("Close called %d times", cc.closes)
	}
	_, err = kcall(c, cc, "read")
	wantExc(t, err, vinegar.ErrValueError, "closed file")
	// The CTXEXIT handler goes through __exit__ too.
	cc2 := &closeCounter{Reader: strings.NewReader("z")}
	if v, err := c.CtxExit(context.Background(), cc2, nil); v != false || err != nil || cc2.closes != 1 {
		t.Errorf("CTXEXIT = %v, %v, closes %d", v, err, cc2.closes)
	}

	if fileClassOf(struct{}{}) != nil || classOf(42) != nil {
		t.Error("non-files got a file class")
	}
	names := c.Dir(context.Background(), bytes.NewReader(nil))
	if !slices.Contains(names, any("readline")) || slices.Contains(names, any("write")) {
		t.Errorf("dir(reader) = %v", names)
	}
}

func TestFileStateReleased(t *testing.T) {
	c := testPolicy(t)
	count := func() int {
		n := 0
		fileStates.Range(func(any, any) bool { n++; return true })
		return n
	}
	before := count()
	func() {
		for range 10 {
			r := bytes.NewReader(bytes.Repeat([]byte("line\n"), 100))
			mustK(t, c, r, "readline")
		}
	}()
	if count() < before+10 {
		t.Fatalf("states: %d, before %d", count(), before)
	}
	deadline := time.Now().Add(5 * time.Second)
	for count() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if count() > before {
		t.Errorf("file states not released: %d, before %d", count(), before)
	}
}

var _ io.Reader = valueReader{}
