package classic

import (
	"fmt"
	"math/big"

	"github.com/rpyc-go/rpyc/brine"
)

// Unpickler decodes Python pickles of plain data (every protocol, 0 to
// 5): None, bool, int, float, complex, str, bytes, bytearray, list,
// tuple, dict, set, frozenset (and collections.OrderedDict, read as a
// dict). The zero value is ready to use and gives what Unpickle
// documents.
type Unpickler struct {
	// Builder makes the Go values of the pickle's containers. nil means
	// Go maps and slices, as Unpickle documents. Set it to keep what a
	// Go map cannot: a dict's key order, tuple keys.
	Builder PickleBuilder
	// Encoding decodes Python 2 str values (Python 3's pickle.loads
	// argument of the same name): "" or "ASCII" (Python's default),
	// "latin1", "utf-8", or "bytes" to keep them as []byte.
	Encoding string
}

// PickleBuilder makes the values of a pickle's containers, so the caller
// chooses their Go form. Each method gets the container's items already
// built, in the pickle's order; it is called once per container, after
// its items, and a container the pickle refers to twice is built once
// and its value used in both places. Items that are not containers are
// nil, bool, int64 (*big.Int when larger), float64, complex128, string
// and []byte (Python bytes). An error returned stops the decoding and is
// returned by Unpickle.
type PickleBuilder interface {
	// List is a list.
	List(items []any) (any, error)
	// Tuple is a tuple.
	Tuple(items []any) (any, error)
	// Dict is a dict: keys and values in the pickle's order. A key the
	// pickle sets twice appears twice; Python keeps its first position
	// and its last value.
	Dict(keys, values []any) (any, error)
	// Set is a set, its items in the pickle's order.
	Set(items []any) (any, error)
	// FrozenSet is a frozenset.
	FrozenSet(items []any) (any, error)
	// ByteArray is a bytearray.
	ByteArray(b []byte) (any, error)
}

// Unpickle decodes data (see Unpickler and Unpickle).
func (u *Unpickler) Unpickle(data []byte) (any, error) {
	d := &pkDecoder{data: data, encoding: u.Encoding}
	v, err := d.decode()
	if err != nil {
		return nil, err
	}
	b := u.Builder
	if b == nil {
		b = goValues{}
	}
	w := &pkBuild{b: b, done: map[any]any{}, busy: map[any]bool{}}
	return w.build(v, 0)
}

// pkBuild turns the decoder's values into the builder's, once each.
type pkBuild struct {
	b    PickleBuilder
	done map[any]any  // container -> its built value
	busy map[any]bool // containers being built: met again, a cycle
}

func (w *pkBuild) build(v any, depth int) (any, error) {
	switch x := v.(type) {
	case nil, bool, int64, *big.Int, float64, complex128, string, []byte:
		return v, nil
	case *pkGlobal:
		return nil, fmt.Errorf("%w: the class or function %s", ErrNotPlainData, pyName(x))
	}
	if out, ok := w.done[v]; ok {
		return out, nil
	}
	if depth > maxUnpickleDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d levels", ErrNotPlainData, maxUnpickleDepth)
	}
	if w.busy[v] {
		return nil, fmt.Errorf("%w: a %s that contains itself (recursive data is not supported)", ErrNotPlainData, pkTypeName(v))
	}
	w.busy[v] = true
	defer delete(w.busy, v)
	var out any
	var err error
	switch x := v.(type) {
	case *pkList:
		var items []any
		if items, err = w.all(x.items, depth); err == nil {
			out, err = w.b.List(items)
		}
	case *pkTuple:
		var items []any
		if items, err = w.all(x.items, depth); err == nil {
			out, err = w.b.Tuple(items)
		}
	case *pkSet:
		var items []any
		if items, err = w.all(x.items, depth); err == nil {
			out, err = w.b.Set(items)
		}
	case *pkFrozenSet:
		var items []any
		if items, err = w.all(x.items, depth); err == nil {
			out, err = w.b.FrozenSet(items)
		}
	case *pkDict:
		var keys, vals []any
		if keys, err = w.all(x.keys, depth); err == nil {
			if vals, err = w.all(x.vals, depth); err == nil {
				out, err = w.b.Dict(keys, vals)
			}
		}
	case *pkByteArray:
		out, err = w.b.ByteArray(append([]byte{}, x.b...))
	default:
		err = fmt.Errorf("%w: %T", ErrNotPlainData, v)
	}
	if err != nil {
		return nil, err
	}
	w.done[v] = out
	return out, nil
}

func (w *pkBuild) all(src []any, depth int) ([]any, error) {
	out := make([]any, len(src))
	for i, it := range src {
		v, err := w.build(it, depth+1)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// goValues is the default builder: Go slices and maps (see Unpickle).
type goValues struct{}

func (goValues) List(items []any) (any, error)      { return items, nil }
func (goValues) Tuple(items []any) (any, error)     { return brine.Tuple(items), nil }
func (goValues) Set(items []any) (any, error)       { return Set(items), nil }
func (goValues) FrozenSet(items []any) (any, error) { return brine.FrozenSet(items), nil }
func (goValues) ByteArray(b []byte) (any, error)    { return b, nil }

func (goValues) Dict(keys, values []any) (any, error) {
	out := make(map[any]any, len(keys))
	for i, k := range keys {
		switch k.(type) {
		case nil, bool, int64, *big.Int, float64, complex128, string:
		default:
			return nil, fmt.Errorf("%w: dict key %s is a %s, which cannot be a Go map key (use an Unpickler with a Builder)", ErrNotPlainData, brine.Repr(k), pyTypeOf(k))
		}
		out[k] = values[i]
	}
	return out, nil
}

// pyTypeOf names a built value's Python type in errors.
func pyTypeOf(v any) string {
	switch v.(type) {
	case brine.Tuple:
		return "tuple"
	case []byte:
		return "bytes"
	case brine.FrozenSet:
		return "frozenset"
	case Set:
		return "set"
	case []any:
		return "list"
	case map[any]any:
		return "dict"
	}
	return fmt.Sprintf("%T", v)
}
