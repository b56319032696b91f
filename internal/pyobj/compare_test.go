package pyobj

import (
	"math"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
)

type point struct{ X, Y int }

type tagged struct {
	Name string
	Tags []string // not comparable with ==
}

// TestEqAsPython: eq is type(a).__eq__(a, b), NotImplemented (ok false)
// where Python's is; Equal is a == b. The builtin types' cases are checked
// against Python itself in interop (TestEqualityAsPython); these are the
// Go values the model gives an __eq__.
func TestEqAsPython(t *testing.T) {
	p := &point{1, 2}
	sl := []int{1, 2}
	ni := "NotImplemented"
	for _, c := range []struct {
		name  string
		a, b  any
		eq    string // "true", "false" or NotImplemented
		equal bool
	}{
		{"1 == 1.0 is int.__eq__", int64(1), 1.0, ni, true},
		{"1.0 == 1 is float.__eq__", 1.0, int64(1), "true", true},
		{"int8 is an int", int8(1), true, "true", true},
		{"nan", math.NaN(), math.NaN(), "false", false},
		{"the same pointer", p, p, "true", true},
		{"another pointer, same fields", p, &point{1, 2}, ni, false},
		{"struct values by ==", point{1, 2}, point{1, 2}, "true", true},
		{"struct values differ", point{1, 2}, point{2, 1}, "false", false},
		{"non-comparable values by DeepEqual", tagged{"a", []string{"x"}}, tagged{"a", []string{"x"}}, "true", true},
		{"lists item by item", sl, &[]any{1.0, int64(2)}, "true", true},
		{"list and tuple", sl, brine.Tuple{int64(1), int64(2)}, ni, false},
		{"tuple and list", brine.Tuple{int64(1), int64(2)}, sl, ni, false},
		{"maps of one type", map[string]int{"a": 1}, map[string]int{"a": 1}, "true", true},
		{"maps of two types", map[string]int{"a": 1}, map[string]int64{"a": 1}, ni, false},
		{"a Go value and an int", p, int64(1), ni, false},
		{"None and a Go value", nil, p, ni, false},
	} {
		e, ok := eq(c.a, c.b, 0)
		got := ni
		if ok {
			got = map[bool]string{true: "true", false: "false"}[e]
		}
		if got != c.eq {
			t.Errorf("%s: eq = %s, want %s", c.name, got, c.eq)
		}
		if got := Equal(c.a, c.b); got != c.equal {
			t.Errorf("%s: Equal = %v, want %v", c.name, got, c.equal)
		}
	}
	r, err := NewRoot(tagged{}, "T", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := Compare(r, r, "__eq__"); got != true {
		t.Errorf("root == root: %v, want true whatever the service", got)
	}
	if got, _ := Compare(p, p, "__ne__"); got != false {
		t.Errorf("Compare(p, p, __ne__) = %v, want false", got)
	}
	if got, _ := Compare(int64(1), int64(2), "__lt__"); got != true {
		t.Errorf("Compare(1, 2, __lt__) = %v, want true", got)
	}
}
