package pyobj

import (
	"context"
	"errors"
	"math/big"
	"reflect"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// TestConvertStructs: a struct comes back to a T or *T parameter whether
// it was served as T or *T, and a dict fills one by field name.
func TestConvertStructs(t *testing.T) {
	r := &reading{Sensor: "t1", Value: 2}
	if v, err := ConvertTo(r, reflect.TypeFor[reading]()); err != nil || v.Interface() != (reading{Sensor: "t1", Value: 2}) {
		t.Errorf("*T to T = %v, %v", v, err)
	}
	v, err := ConvertTo(reading{Sensor: "t2"}, reflect.TypeFor[*reading]())
	if err != nil || v.Interface().(*reading).Sensor != "t2" {
		t.Errorf("T to *T = %v, %v", v, err)
	}
	if v, err := ConvertTo(map[any]any{"sensor": "t3", "value": int64(4)}, reflect.TypeFor[*reading]()); err != nil || *v.Interface().(*reading) != (reading{Sensor: "t3", Value: 4}) {
		t.Errorf("dict to *T = %v, %v", v, err)
	}
	if v, err := ConvertTo(Kwargs{"sensor": "t4"}, reflect.TypeFor[reading]()); err != nil || v.Interface().(reading).Sensor != "t4" {
		t.Errorf("Kwargs to T = %v, %v", v, err)
	}
	type nested struct {
		Readings []reading `rpyc:"readings"`
	}
	for _, c := range []struct {
		name string
		v    any
		t    reflect.Type
		py   string // PythonMessage
	}{
		{"unknown field", map[any]any{"sensor": "x", "colour": "red"}, reflect.TypeFor[reading](),
			"expected reading (or a dict of its fields), got dict at key 'colour' (reading has no field 'colour'; its fields: sensor, value)"},
		{"a field of the wrong type", map[any]any{"value": "warm"}, reflect.TypeFor[*reading](),
			"expected reading (or a dict of its fields), got str at field 'value'"},
		{"deep", map[any]any{"readings": brine.Tuple{map[any]any{"value": 1.5}, map[any]any{"value": brine.Tuple{}}}}, reflect.TypeFor[nested](),
			"expected nested (or a dict of its fields), got tuple at field 'readings', item 1, field 'value'"},
		{"a list of int", brine.Tuple{1.5}, reflect.TypeFor[[]int](), "expected a list of int, got float at item 0"},
		{"a dict of str to int", map[any]any{"a": "x"}, reflect.TypeFor[map[string]int](), "expected a dict of str to int, got str at value of key 'a'"},
		{"an int8", int64(300), reflect.TypeFor[int8](), "expected an int in -128..127, got 300"},
		{"a uint16 in a list", brine.Tuple{int64(-1)}, reflect.TypeFor[[]uint16](), "expected a list of int, got -1 at item 0 (out of range 0..65535)"},
		{"a big int", new(big.Int).Lsh(big.NewInt(1), 70), reflect.TypeFor[int64](), "expected an int in -9223372036854775808..9223372036854775807, got 1180591620717411303424"},
		{"None for an int", nil, reflect.TypeFor[int](), "expected int, got None"},
		{"a str for a list", "abc", reflect.TypeFor[[]string](), "expected a list of str, got str"},
	} {
		_, err := ConvertTo(c.v, c.t)
		var te *TypeError
		if !errors.As(err, &te) {
			t.Errorf("%s: got %v, want a *TypeError", c.name, err)
			continue
		}
		if got := te.PythonMessage(); got != c.py {
			t.Errorf("%s: got %q, want %q", c.name, got, c.py)
		}
	}
	_, err = ConvertTo(brine.Tuple{1.5}, reflect.TypeFor[[]int]())
	if got := err.Error(); got != "rpyc: item 0: cannot convert float64 to int" {
		t.Errorf("Go's words: %q", got)
	}
}

// TestArgumentMessages: what a Python caller reads when an argument does
// not fit a Go parameter.
func TestArgumentMessages(t *testing.T) {
	ctx := context.Background()
	p := testPolicy(t)
	fn := func(xs []int, r *reading) int { return len(xs) }
	_, err := p.Call(ctx, fn, brine.Tuple{brine.Tuple{1.5}, nil}, nil)
	wantExc(t, err, vinegar.ErrTypeError, "function() argument 'arg0': expected a list of int, got float at item 0")
	_, err = p.Call(ctx, fn, brine.Tuple{brine.Tuple{}, map[any]any{"x": 1}}, nil)
	wantExc(t, err, vinegar.ErrTypeError, "function() argument 'arg1': expected reading (or a dict of its fields), got dict at key 'x'")
	if n, err := p.Call(ctx, fn, brine.Tuple{brine.Tuple{int64(1)}, map[any]any{"value": 1.0}}, nil); err != nil || n != 1 {
		t.Errorf("call with a dict for a struct = %v, %v", n, err)
	}
}

// TestArraysByValue: a Go array travels as a tuple (bytes for bytes);
// a pointer to one is a list of fixed length.
func TestArraysByValue(t *testing.T) {
	if v := Normalize([2]int{1, 2}); !reflect.DeepEqual(v, brine.Tuple{1, 2}) {
		t.Errorf("[2]int = %#v, want a tuple", v)
	}
	if v := Normalize([3]byte{1, 2, 3}); !reflect.DeepEqual(v, []byte{1, 2, 3}) {
		t.Errorf("[3]byte = %#v, want bytes", v)
	}
	if v, err := ConvertTo([]byte{1, 2}, reflect.TypeFor[[2]byte]()); err != nil || v.Interface() != [2]byte{1, 2} {
		t.Errorf("bytes to [2]byte = %v, %v", v, err)
	}
	c := testPolicy(t)
	a := &[3]int{3, 1, 2}
	if TypeName(a) != "builtins.list" || Repr(a) != "[3, 1, 2]" {
		t.Errorf("*[3]int: %s %s", TypeName(a), Repr(a))
	}
	mustK(t, c, a, "sort")
	mustK(t, c, a, "__setitem__", int64(0), int64(9))
	if *a != [3]int{9, 2, 3} {
		t.Errorf("after sort and set: %v", *a)
	}
	_, err := kcall(c, a, "append", int64(4))
	wantExc(t, err, vinegar.ErrTypeError, "append: the Go [3]int behind this list has a fixed length")
	if v := mustK(t, c, a, "__iadd__", brine.Tuple{int64(4)}); !reflect.DeepEqual(deref[[]int](t, v), []int{9, 2, 3, 4}) {
		t.Errorf("+= on an array: %v", v)
	}
	if *a != [3]int{9, 2, 3} {
		t.Errorf("+= changed the array: %v", *a)
	}
}
