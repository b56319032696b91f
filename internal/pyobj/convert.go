package pyobj

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
)

var (
	bigIntType = reflect.TypeFor[*big.Int]()
	errorType  = reflect.TypeFor[error]()
	ctxType    = reflect.TypeFor[context.Context]()
)

// ConvertTo converts a decoded value to the Go type t, as rpyc.As
// documents: what a Go method's parameters, a list's items and a dict's
// keys and values go through. A peer's object becomes a slice, array,
// map or struct by value, or a func calling it, through Peer.Convert.
// A failure is a *TypeError that knows t, for the Python caller's
// message (TypeError.PythonMessage).
func ConvertTo(v any, t reflect.Type) (reflect.Value, error) {
	rv, err := convertTo(v, t)
	if err != nil {
		var te *TypeError
		if errors.As(err, &te) {
			te.top = t // the outermost call is the last to set it
		}
	}
	return rv, err
}

func convertTo(v any, t reflect.Type) (reflect.Value, error) {
	if v == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map, reflect.Func, reflect.Chan:
			return reflect.Zero(t), nil
		}
		return reflect.Value{}, convErr(v, t)
	}
	rv := reflect.ValueOf(v)
	if rv.Type() == t || (t.Kind() == reflect.Interface && rv.Type().Implements(t)) {
		return rv, nil
	}
	if r, ok := AsRemote(v); ok {
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map, reflect.Func, reflect.Struct:
			return peer.Convert(r, t)
		case reflect.Pointer:
			if t.Elem().Kind() == reflect.Struct && t != bigIntType {
				return peer.Convert(r, t)
			}
		}
	}
	if out, ok, err := convertStruct(v, rv, t); ok {
		return out, err
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := intValue(v)
		if _, isBig := v.(*big.Int); !ok && isBig {
			return reflect.Value{}, rangeErr(v, t, fmt.Sprintf("%s overflows %s", v, t))
		}
		if !ok {
			return reflect.Value{}, convErr(v, t)
		}
		out := reflect.New(t).Elem()
		if out.OverflowInt(n) {
			return reflect.Value{}, rangeErr(v, t, fmt.Sprintf("%d overflows %s", n, t))
		}
		out.SetInt(n)
		return out, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		var u uint64
		switch x := v.(type) {
		case int64:
			if x < 0 {
				return reflect.Value{}, rangeErr(v, t, fmt.Sprintf("%d is negative, %s is unsigned", x, t))
			}
			u = uint64(x)
		case *big.Int:
			if !x.IsUint64() {
				return reflect.Value{}, rangeErr(v, t, fmt.Sprintf("%s does not fit %s", x, t))
			}
			u = x.Uint64()
		default:
			return reflect.Value{}, convErr(v, t)
		}
		out := reflect.New(t).Elem()
		if out.OverflowUint(u) {
			return reflect.Value{}, rangeErr(v, t, fmt.Sprintf("%d overflows %s", u, t))
		}
		out.SetUint(u)
		return out, nil
	case reflect.Float32, reflect.Float64:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int64:
			f = float64(x)
		case *big.Int:
			f, _ = new(big.Float).SetInt(x).Float64()
		default:
			return reflect.Value{}, convErr(v, t)
		}
		out := reflect.New(t).Elem()
		out.SetFloat(f)
		return out, nil
	case reflect.Complex64, reflect.Complex128:
		var c complex128
		switch x := v.(type) {
		case complex128:
			c = x
		case float64:
			c = complex(x, 0)
		case int64:
			c = complex(float64(x), 0)
		default:
			return reflect.Value{}, convErr(v, t)
		}
		out := reflect.New(t).Elem()
		out.SetComplex(c)
		return out, nil
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return reflect.Value{}, convErr(v, t)
		}
		return reflect.ValueOf(s).Convert(t), nil
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return reflect.Value{}, convErr(v, t)
		}
		return reflect.ValueOf(b).Convert(t), nil
	case reflect.Pointer:
		if t == bigIntType {
			switch x := v.(type) {
			case int64:
				return reflect.ValueOf(big.NewInt(x)), nil
			}
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if b, ok := v.([]byte); ok {
				return reflect.ValueOf(b).Convert(t), nil
			}
		}
		switch items := v.(type) {
		case brine.Tuple:
			return fillItems(reflect.MakeSlice(t, len(items), len(items)), items)
		case []any:
			return fillItems(reflect.MakeSlice(t, len(items), len(items)), items)
		case brine.FrozenSet:
			return fillItems(reflect.MakeSlice(t, len(items), len(items)), brine.Tuple(items))
		}
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Interface {
			// Named slices of values (a classic.Set, say) convert item by item.
			items := make(brine.Tuple, rv.Len())
			for i := range items {
				items[i] = rv.Index(i).Interface()
			}
			return fillItems(reflect.MakeSlice(t, len(items), len(items)), items)
		}
	case reflect.Array:
		if b, ok := v.([]byte); ok && t.Elem().Kind() == reflect.Uint8 && len(b) == t.Len() {
			out := reflect.New(t).Elem()
			reflect.Copy(out, reflect.ValueOf(b))
			return out, nil
		}
		switch items := v.(type) {
		case brine.Tuple:
			if len(items) == t.Len() {
				return fillItems(reflect.New(t).Elem(), items)
			}
		case []any:
			if len(items) == t.Len() {
				return fillItems(reflect.New(t).Elem(), items)
			}
		}
	case reflect.Map:
		switch m := v.(type) {
		case map[any]any:
			return fillMap(t, m)
		}
	}
	if rv.Type().ConvertibleTo(t) && rv.Kind() == t.Kind() && rv.Kind() != reflect.Pointer {
		return rv.Convert(t), nil
	}
	return reflect.Value{}, convErr(v, t)
}

// Normalize maps Go values that Python sees as plain data onto brine's
// types: named numeric and string types, []byte-like named types, and nil
// pointers (None). Other values are returned unchanged.
func Normalize(v any) any {
	switch v.(type) {
	case nil, bool, int, int64, float64, string, []byte, brine.Tuple, *big.Int:
		return v
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= 1<<63-1 {
			return int64(u)
		}
		return new(big.Int).SetUint64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.Complex64, reflect.Complex128:
		return rv.Complex()
	case reflect.String:
		return rv.String()
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 && rv.Type() != reflect.TypeFor[[]byte]() {
			return rv.Bytes()
		}
	case reflect.Array:
		// A Go array is a value, as a tuple is: it travels as one (bytes
		// for a byte array, a digest or an address).
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, rv.Len())
			reflect.Copy(reflect.ValueOf(b), rv)
			return b
		}
		t := make(brine.Tuple, rv.Len())
		for i := range t {
			t[i] = rv.Index(i).Interface()
		}
		return t
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
	}
	return v
}

// fillItems converts a tuple's items into the slice or array out.
func fillItems(out reflect.Value, items brine.Tuple) (reflect.Value, error) {
	et := out.Type().Elem()
	for i, e := range items {
		ev, err := convertTo(e, et)
		if err != nil {
			return reflect.Value{}, atPath(err, fmt.Sprintf("item %d", i))
		}
		out.Index(i).Set(ev)
	}
	return out, nil
}

// fillMap converts a dict fetched by value into the map type t.
func fillMap(t reflect.Type, m map[any]any) (reflect.Value, error) {
	out := reflect.MakeMapWithSize(t, len(m))
	for k, e := range m {
		kv, err := convertTo(k, t.Key())
		if err != nil {
			return reflect.Value{}, atPath(err, "key "+Repr(k))
		}
		ev, err := convertTo(e, t.Elem())
		if err != nil {
			return reflect.Value{}, atPath(err, "value of key "+Repr(k))
		}
		out.SetMapIndex(kv, ev)
	}
	return out, nil
}

func intValue(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case bool:
		// Python's bool is an int subclass: True + 1 == 2.
		if x {
			return 1, true
		}
		return 0, true
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), true
		}
		return math.MaxInt64, false
	}
	return 0, false
}

// Truthy is Python's bool() for the values a reply can hold.
func Truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []byte:
		return len(x) > 0
	case brine.Tuple:
		return len(x) > 0
	case brine.NotImplementedType:
		return false
	}
	return true
}
