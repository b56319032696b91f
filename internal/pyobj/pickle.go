package pyobj

// Go values as Python pickles, for HANDLE_PICKLE (Python's
// rpyc.classic.obtain of a Go value) and the classic package's Deliver.

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"reflect"

	ogorek "github.com/kisielk/og-rek"

	"github.com/rpyc-go/rpyc/brine"
)

// ErrNotPicklable is rpyc.ErrNotPicklable: a Go value has no pickle
// form (a func, a channel, a peer's object, a cycle).
var ErrNotPicklable = errors.New("rpyc: value cannot be pickled")

// Pickler is rpyc.Pickler (the same method set): the value to pickle in
// the receiver's place.
type Pickler interface {
	RPyCPickle() (any, error)
}

// maxPickleDepth bounds the nesting Pickle follows (and so cycles).
const maxPickleDepth = 100

// Pickle is rpyc.Pickle, which documents what it accepts: plain Go data
// as a Python pickle of the given protocol, or ErrNotPicklable naming
// where in the value it found something that has no pickle form.
func Pickle(v any, protocol int) ([]byte, error) {
	pv, err := toPickle(reflect.ValueOf(v), 0, "value")
	if err != nil {
		return nil, err
	}
	protocol = max(2, min(protocol, 4))
	var buf bytes.Buffer
	enc := ogorek.NewEncoderWithConfig(&buf, &ogorek.EncoderConfig{Protocol: protocol, StrictUnicode: true})
	if err := enc.Encode(pv); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotPicklable, err)
	}
	return buf.Bytes(), nil
}

var (
	tupleType     = reflect.TypeFor[brine.Tuple]()
	frozenSetType = reflect.TypeFor[brine.FrozenSet]()
)

// toPickle turns a Go value into the types og-rek encodes as Python's.
func toPickle(v reflect.Value, depth int, where string) (any, error) {
	if depth > maxPickleDepth {
		return nil, fmt.Errorf("%w: %s is nested deeper than %d (a cycle?)", ErrNotPicklable, where, maxPickleDepth)
	}
	if !v.IsValid() {
		return ogorek.None{}, nil
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case Pickler:
			pv, err := x.RPyCPickle()
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrNotPicklable, where, err)
			}
			return toPickle(reflect.ValueOf(pv), depth+1, where)
		case ogorek.Call:
			args, err := toPickle(reflect.ValueOf(brine.Tuple(x.Args)), depth+1, where)
			if err != nil {
				return nil, err
			}
			return ogorek.Call{Callable: x.Callable, Args: args.(ogorek.Tuple)}, nil
		case ogorek.None, ogorek.Class, ogorek.Bytes:
			return x, nil
		}
	}
	if v.Type() == bigIntType {
		if v.IsNil() {
			return ogorek.None{}, nil
		}
		return new(big.Int).Set(v.Interface().(*big.Int)), nil
	}
	switch v.Type() {
	case tupleType, frozenSetType:
		items := make(ogorek.Tuple, v.Len())
		for i := range items {
			x, err := toPickle(v.Index(i), depth+1, fmt.Sprintf("%s[%d]", where, i))
			if err != nil {
				return nil, err
			}
			items[i] = x
		}
		if v.Type() == tupleType {
			return items, nil
		}
		return ogorek.Call{Callable: ogorek.Class{Module: "builtins", Name: "frozenset"}, Args: ogorek.Tuple{[]any(items)}}, nil
	}
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint(), nil
	case reflect.Float32, reflect.Float64:
		return v.Float(), nil
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		return ogorek.Call{Callable: ogorek.Class{Module: "builtins", Name: "complex"}, Args: ogorek.Tuple{real(c), imag(c)}}, nil
	case reflect.String:
		return v.String(), nil
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return ogorek.None{}, nil
		}
		if _, ok := AsRemote(v.Interface()); ok {
			return nil, fmt.Errorf("%w: %s is a reference to the peer's object %s", ErrNotPicklable, where, v.Interface())
		}
		return toPickle(v.Elem(), depth+1, where)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return ogorek.Bytes(b), nil
		}
		items := make([]any, v.Len())
		for i := range items {
			x, err := toPickle(v.Index(i), depth+1, fmt.Sprintf("%s[%d]", where, i))
			if err != nil {
				return nil, err
			}
			items[i] = x
		}
		return items, nil
	case reflect.Map:
		d := ogorek.NewDictWithSizeHint(v.Len())
		it := v.MapRange()
		for it.Next() {
			k, err := toPickle(it.Key(), depth+1, where+" key")
			if err != nil {
				return nil, err
			}
			x, err := toPickle(it.Value(), depth+1, fmt.Sprintf("%s[%v]", where, it.Key()))
			if err != nil {
				return nil, err
			}
			d.Set(k, x)
		}
		return d, nil
	case reflect.Struct:
		// The fields the peer reads as attributes, under the same names
		// (a dict of them converts back to the struct: convert_struct.go).
		d := ogorek.NewDict()
		for _, f := range structFields(v.Type()).readableFields(false) {
			fv, err := v.FieldByIndexErr(f.index)
			if err != nil {
				continue // behind a nil embedded pointer
			}
			x, err := toPickle(fv, depth+1, where+"."+f.goName)
			if err != nil {
				return nil, err
			}
			d.Set(f.pyName, x)
		}
		return d, nil
	}
	return nil, fmt.Errorf("%w: %s is a %s, which has no Python pickle form (send plain data: numbers, strings, slices, maps, tagged structs)", ErrNotPicklable, where, v.Type())
}
