package pyobj

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// TestOrderAsPython: HANDLE_CMP's order operators answer as Python's
// type(a).__lt__(a, b) does. The builtin types' answers are checked
// against Python itself in interop (TestEqualityAsPython).
func TestOrderAsPython(t *testing.T) {
	ni := brine.NotImplemented
	for _, c := range []struct {
		a, b any
		op   string
		want any
	}{
		{int64(1), int64(2), "__lt__", true},
		{int64(1), 2.5, "__lt__", ni}, // int.__lt__ takes no float
		{2.5, int64(3), "__lt__", true},
		{true, int64(1), "__le__", true},
		{math.NaN(), 1.0, "__lt__", false},
		{complex(1, 0), int64(1), "__lt__", ni},
		{"a", "b", "__gt__", false},
		{"a", int64(1), "__lt__", ni},
		{[]byte("a"), []byte("ab"), "__lt__", true},
		{brine.Tuple{int64(1), "b"}, brine.Tuple{int64(1), "c"}, "__lt__", true},
		{brine.Tuple{int64(1)}, brine.Tuple{int64(1), int64(0)}, "__ge__", false},
		{&[]int{1, 2}, []int64{1, 2}, "__le__", true},
		{[]any{int64(1), []int{2}}, []any{1.0, []int{3}}, "__lt__", true}, // nested Go lists
		{[]int{1}, brine.Tuple{int64(1)}, "__lt__", ni},                   // list < tuple: no
		{brine.FrozenSet{int64(1)}, brine.FrozenSet{int64(1), int64(2)}, "__lt__", true},
		{brine.FrozenSet{int64(1)}, brine.FrozenSet{int64(1)}, "__lt__", false},
		{&point{}, &point{}, "__lt__", ni},
		{map[string]int{}, map[string]int{}, "__lt__", ni},
	} {
		got, err := Compare(c.a, c.b, c.op)
		if err != nil || got != c.want {
			t.Errorf("%s %s %s = %v, %v; want %v", Repr(c.a), c.op, Repr(c.b), got, err, c.want)
		}
	}
	_, err := Compare([]any{int64(1)}, []any{"a"}, "__lt__")
	wantExc(t, err, vinegar.ErrTypeError, "'<' not supported between instances of 'int' and 'str'")
}

// TestListAdditions: += and *= on a plain []T make a new list; sort
// takes a key function, called once per item.
func TestListAdditions(t *testing.T) {
	c := testPolicy(t)
	plain := []int{3, 1}
	v := mustK(t, c, plain, "__iadd__", brine.Tuple{int64(2)})
	if got := deref[[]int](t, v); !reflect.DeepEqual(got, []int{3, 1, 2}) || len(plain) != 2 {
		t.Errorf("plain += [2] = %v (owner %v), want a new list", got, plain)
	}
	v = mustK(t, c, plain, "__imul__", int64(2))
	if got := deref[[]int](t, v); !reflect.DeepEqual(got, []int{3, 1, 3, 1}) {
		t.Errorf("plain *= 2 = %v", got)
	}
	words := &[]string{"ccc", "a", "bb"}
	calls := 0
	key := func(s string) int { calls++; return len(s) }
	mustK(t, c, words, "sort", Kwargs{"key": key, "reverse": true})
	if !reflect.DeepEqual(*words, []string{"ccc", "bb", "a"}) || calls != 3 {
		t.Errorf("sort(key=len, reverse=True) = %v after %d key calls", *words, calls)
	}
	grow := &[]string{"b", "a"}
	sneaky := func(s string) string {
		if len(*grow) == 2 {
			*grow = append(*grow, "c") // the list changes while keys are computed
		}
		return s
	}
	_, err := kcall(c, grow, "sort", Kwargs{"key": sneaky})
	wantExc(t, err, vinegar.ErrValueError, "list modified during sort")
}

// TestDictAdditions: |, |=, the reflected |, reversed() and fromkeys().
func TestDictAdditions(t *testing.T) {
	c := testPolicy(t)
	d := map[string]int{"a": 1, "b": 2}
	v := mustK(t, c, d, "__or__", map[string]int{"b": 20, "c": 3})
	if !reflect.DeepEqual(v, map[string]int{"a": 1, "b": 20, "c": 3}) || len(d) != 2 {
		t.Errorf("d | other = %v (d = %v)", v, d)
	}
	v = mustK(t, c, d, "__ror__", map[any]any{"b": int64(20), "c": int64(3)})
	if !reflect.DeepEqual(v, map[string]int{"a": 1, "b": 2, "c": 3}) {
		t.Errorf("other | d = %v", v)
	}
	if v := mustK(t, c, d, "__or__", brine.Tuple{}); v != brine.NotImplemented {
		t.Errorf("d | () = %v, want NotImplemented", v)
	}
	if v := mustK(t, c, d, "__ior__", brine.Tuple{brine.Tuple{"z", int64(26)}}); !reflect.DeepEqual(v, d) || d["z"] != 26 {
		t.Errorf("d |= [('z', 26)] = %v, d = %v", v, d)
	}
	if got := takeAll(t, mustK(t, c, d, "__reversed__")); !reflect.DeepEqual(got, []any{"z", "b", "a"}) {
		t.Errorf("reversed(d) = %v", got)
	}
	v = mustK(t, c, d, "fromkeys", brine.Tuple{"x", "y"}, int64(0))
	if !reflect.DeepEqual(v, map[string]int{"x": 0, "y": 0}) {
		t.Errorf("d.fromkeys(('x', 'y'), 0) = %v", v)
	}
	_, err := kcall(c, d, "__or__", map[any]any{int64(1): int64(1)})
	wantExc(t, err, vinegar.ErrTypeError, "dict key must be str, not int")
	if s := Repr(d); !strings.HasPrefix(s, "{'a': 1") {
		t.Errorf("repr = %s", s)
	}
}
