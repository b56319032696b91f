package rpyc

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
)

// As converts a result to T, so a call reads naturally:
//
//	n, err := rpyc.As[int](root.CallMethod(ctx, "add", 1, 2))
//
// An error passed in is returned as is. Conversions follow Python's types:
// ints to any Go integer type that holds them (else a *TypeError), ints and
// floats to floats, str to string, bytes to []byte, tuples to slices or
// arrays of a convertible element type, a remote list, tuple, set or dict
// (a netref) to a slice, array or map, fetched by value in one or two
// round trips under the connection's context (see Obtain, which takes a
// context, and MaxByValueItems), None to nil/zero, a netref to
// *Netref, a callable netref to a Go func type (calling it calls the peer),
// and any value to an interface type it implements.
func As[T any](v any, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	rv, err := convertTo(v, reflect.TypeFor[T]())
	if err != nil {
		return zero, err
	}
	out, _ := rv.Interface().(T) // comma-ok: a nil for an interface T is its zero value
	return out, nil
}

var (
	bigIntType = reflect.TypeFor[*big.Int]()
	errorType  = reflect.TypeFor[error]()
	ctxType    = reflect.TypeFor[context.Context]()
)

// convertTo converts a decoded value to the Go type t.
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
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := intValue(v)
		if !ok {
			return reflect.Value{}, convErr(v, t)
		}
		out := reflect.New(t).Elem()
		if out.OverflowInt(n) {
			return reflect.Value{}, &TypeError{Want: t.String(), Got: v, Msg: fmt.Sprintf("%d overflows %s", n, t)}
		}
		out.SetInt(n)
		return out, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		var u uint64
		switch x := v.(type) {
		case int64:
			if x < 0 {
				return reflect.Value{}, &TypeError{Want: t.String(), Got: v, Msg: fmt.Sprintf("%d is negative, %s is unsigned", x, t)}
			}
			u = uint64(x)
		case *big.Int:
			if !x.IsUint64() {
				return reflect.Value{}, &TypeError{Want: t.String(), Got: v, Msg: fmt.Sprintf("%s does not fit %s", x, t)}
			}
			u = x.Uint64()
		default:
			return reflect.Value{}, convErr(v, t)
		}
		out := reflect.New(t).Elem()
		if out.OverflowUint(u) {
			return reflect.Value{}, &TypeError{Want: t.String(), Got: v, Msg: fmt.Sprintf("%d overflows %s", u, t)}
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
		case *Netref:
			return convertByValue(items, t)
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
		switch items := v.(type) {
		case brine.Tuple:
			if len(items) == t.Len() {
				return fillItems(reflect.New(t).Elem(), items)
			}
		case []any:
			if len(items) == t.Len() {
				return fillItems(reflect.New(t).Elem(), items)
			}
		case *Netref:
			return convertByValue(items, t)
		}
	case reflect.Map:
		switch m := v.(type) {
		case map[any]any:
			return fillMap(t, m)
		case *Netref:
			return convertByValue(m, t)
		}
	case reflect.Func:
		if n, ok := v.(*Netref); ok {
			return remoteFunc(n, t), nil
		}
	}
	if rv.Type().ConvertibleTo(t) && rv.Kind() == t.Kind() && rv.Kind() != reflect.Pointer {
		return rv.Convert(t), nil
	}
	return reflect.Value{}, convErr(v, t)
}

// fillItems converts a tuple's items into the slice or array out.
func fillItems(out reflect.Value, items brine.Tuple) (reflect.Value, error) {
	et := out.Type().Elem()
	for i, e := range items {
		ev, err := convertTo(e, et)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("item %d: %w", i, err)
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
			return reflect.Value{}, fmt.Errorf("key %s: %w", pyRepr(k), err)
		}
		ev, err := convertTo(e, t.Elem())
		if err != nil {
			return reflect.Value{}, fmt.Errorf("value of key %s: %w", pyRepr(k), err)
		}
		out.SetMapIndex(kv, ev)
	}
	return out, nil
}

// convertByValue fetches a remote container (a list, tuple, set or dict
// behind a netref) by value, at most MaxByValueItems items, and converts
// it to t. It serves As and Go parameters of slice, array and map types;
// it runs under the connection's context (bounded by
// Config.SyncRequestTimeout). A netref that is not a container is a
// *TypeError, as before.
func convertByValue(n *Netref, t reflect.Type) (reflect.Value, error) {
	if !sequenceTypes[n.TypeName()] && !dictTypes[n.TypeName()] {
		return reflect.Value{}, convErr(n, t)
	}
	f := &fetcher{limit: MaxByValueItems}
	plain, err := f.netref(n.conn.ctx, n, 0)
	if err != nil {
		return reflect.Value{}, fmt.Errorf("fetching %s by value for %s: %w", n, t, err)
	}
	if _, still := plain.(*Netref); still {
		return reflect.Value{}, convErr(n, t)
	}
	return convertTo(plain, t)
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

func convErr(v any, t reflect.Type) error {
	return &TypeError{Want: t.String(), Got: v}
}

// remoteFunc makes a Go function of type t that calls the peer's callable.
// Its results are filled from the peer's result: (T), (T, error), (error)
// or nothing. Without an error result, a failure panics inside the caller's
// handler, where it is recovered and sent back as an exception. A leading
// context.Context parameter bounds the call.
func remoteFunc(n *Netref, t reflect.Type) reflect.Value {
	return reflect.MakeFunc(t, func(in []reflect.Value) []reflect.Value {
		ctx := n.conn.ctx
		args := make([]any, 0, len(in))
		for i, a := range in {
			if i == 0 && t.In(0) == ctxType {
				if c, ok := a.Interface().(context.Context); ok && c != nil {
					ctx = c
				}
				continue
			}
			if t.IsVariadic() && i == len(in)-1 {
				for j := 0; j < a.Len(); j++ {
					args = append(args, a.Index(j).Interface())
				}
				continue
			}
			args = append(args, a.Interface())
		}
		res, err := n.Call(ctx, args...)
		out := make([]reflect.Value, t.NumOut())
		for i := range out {
			out[i] = reflect.Zero(t.Out(i))
		}
		errIdx := -1
		if k := t.NumOut(); k > 0 && t.Out(k-1) == errorType {
			errIdx = k - 1
		}
		if err == nil && t.NumOut() > 0 && errIdx != 0 {
			rv, cerr := convertTo(res, t.Out(0))
			if cerr != nil {
				err = cerr
			} else {
				out[0] = rv
			}
		}
		if err != nil {
			if errIdx < 0 {
				panic(err)
			}
			out[errIdx] = reflect.ValueOf(&err).Elem()
		}
		return out
	})
}

// equalValues compares two plain values by their brine encoding.
func equalValues(a, b any) bool {
	ea, err1 := brine.Encode(normalize(a))
	eb, err2 := brine.Encode(normalize(b))
	return err1 == nil && err2 == nil && string(ea) == string(eb)
}
