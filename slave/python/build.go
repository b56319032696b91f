package python

import (
	"context"
)

// Containers Go code makes for the interpreter, and copies of the
// interpreter's containers for Go code.
//
// A Go module's fresh result that Python makes as a dict, list or set
// (json.loads, pickle.loads, a match's groupdict) is built as the
// interpreter's own container and handed out with Export: code then
// sees a real dict (isinstance(d, dict), every method, its order), and
// a client gets the same object eval would give it. The other way, a Go
// function gets copies (Copy, and what code passes to Go functions),
// with dicts and sets in their order when Options.DictCopy and
// Options.SetCopy say how to make them.

// DictOf returns a dict of keys and values, in order; a key given twice
// keeps its first place and its last value, as Python's dict does.
// Keys must be plain hashable values (no code runs to hash them).
func DictOf(keys, values []Value) (*Dict, error) {
	th := plainThread()
	d := NewDict()
	for i, k := range keys {
		if err := d.Set(th, k, values[i]); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// SetOf returns a set (a frozenset when frozen) of items, in the order
// given (duplicates dropped). Items must be plain hashable values.
func SetOf(items []Value, frozen bool) (*Set, error) {
	s, err := newSetFrom(plainThread(), items, frozen)
	if err != nil {
		return nil, err
	}
	return s.(*Set), nil
}

// NewByteArray returns a bytearray holding b (not copied).
func NewByteArray(b []byte) *ByteArray { return &ByteArray{b: b} }

// Export hands v to Go code outside the interpreter the way eval hands
// its result to a client: plain values as they are, containers and
// other objects as an rpyc.Object that answers under the interpreter
// lock. Code that gets the result back (a Go call's return value) sees
// v itself.
func (in *Interp) Export(v Value) any {
	th := plainThread()
	th.in = in
	return th.export(v)
}

// Copy returns a copy for Go code of v when v is a container of an
// interpreter (something Export, eval or the namespace handed out): a
// list as []any, a tuple as brine.Tuple, a dict and a set as
// Options.DictCopy and SetCopy make them (else a map and a slice), a
// bytearray as []byte, a range, dict view, iterator or generator as the
// []any of its items (a generator runs to its end); items are copied
// the same way. ok is false for anything else, which is returned
// unchanged.
func Copy(ctx context.Context, v any) (out any, ok bool, err error) {
	e, isExported := v.(*exported)
	if !isExported {
		return v, false, nil
	}
	var r any
	switch e.v.(type) {
	case *List, *Dict, *Set, *ByteArray, Tuple:
		r, err = e.do(ctx, func(th *Thread) (any, error) { return th.toHost(e.v, false, 0), nil })
	case *Range, *dictView, *Iterator, *Generator:
		// Other iterables of code: their items, as a list.
		r, err = e.do(ctx, func(th *Thread) (any, error) {
			items, err := collect(th, e.v)
			if err != nil {
				return nil, err
			}
			return th.toHost(&List{items: items}, false, 0), nil
		})
	default:
		return v, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return r, true, nil
}

// Hash is Python's hash(v) for a plain value (numbers hash as CPython
// hashes them).
func Hash(v Value) (int64, error) {
	h, err := hashOf(plainThread(), v)
	return int64(h), err
}

// EditList runs f on the items of v when v is a list of an interpreter
// (one Export, eval or the namespace handed out, or one code passed by
// reference), holding that interpreter's lock: f may reorder or replace
// the items in place (random.shuffle), not add or remove any. ok is
// false, and f not run, for anything else.
func EditList(ctx context.Context, v any, f func(items []any)) (ok bool, err error) {
	e, isExported := v.(*exported)
	if !isExported {
		return false, nil
	}
	l, isList := e.v.(*List)
	if !isList {
		return false, nil
	}
	_, err = e.do(ctx, func(th *Thread) (any, error) {
		f(l.items)
		return nil, nil
	})
	return true, err
}

// ExcInfo is sys.exc_info for code: the exception being handled by the
// code that calls it, as (type, value, traceback), or three Nones. The
// traceback is None (tracebacks of code are text here). A host gives it
// to code as its sys module's exc_info.
var ExcInfo Value = newBuiltin("exc_info", func(th *Thread, args []Value, kw []KV) (Value, error) {
	if th.handling == nil {
		return Tuple{nil, nil, nil}, nil
	}
	return Tuple{th.handling.class, th.handling, nil}, nil
})

// Exception is sys.exception for code (Python 3.11): the exception
// being handled, or None.
var Exception Value = newBuiltin("exception", func(th *Thread, args []Value, kw []KV) (Value, error) {
	if th.handling == nil {
		return nil, nil
	}
	return th.handling, nil
})

// Unwrap returns the interpreter value inside v when v is one Export or
// eval handed out (to put it in a container made with DictOf, NewList,
// ...); anything else is returned as it is.
func Unwrap(v any) Value {
	if e, ok := v.(*exported); ok {
		return e.v
	}
	return v
}
