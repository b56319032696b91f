package slave

import (
	"context"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/slave/python"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Containers between the Go modules and the connection's interpreter.
//
// A module function that makes a new dict, list or set, as Python's
// json.loads, pickle.loads and Match.groupdict do, returns the
// interpreter's own container (fresh, then exported): code that called
// it gets a real dict (isinstance(d, dict) holds, every dict method
// works, keys keep their order), and a client gets the same kind of
// object eval returns, with Python's full dict, list and set behaviour.
//
// The other way, Go functions receive copies: a dict of code, or one of
// the interpreter's dicts a client passes back, arrives as a *pyDict
// (its keys in order), a set as a classic.Set, a list as []any
// (python.Options.DictCopy and SetCopy, and hostCopy below).

// codeOptions are the interpreter's copies for Go code: dicts in order.
func codeOptions(host python.Host) *python.Options {
	return &python.Options{
		Host: host,
		DictCopy: func(keys, values []any) any {
			d := newPyDict()
			for i, k := range keys {
				if err := d.set(k, values[i]); err != nil {
					// A key Go cannot index (a list inside a tuple):
					// keep it by its repr rather than drop it.
					_ = d.set(pyRepr(k), values[i])
				}
			}
			return d
		},
		SetCopy: func(items []any) any { return classic.Set(items) },
	}
}

// fresh returns v, a new value a module function made of plain data
// (*pyDict, []any, *[]any, brine.Tuple, classic.Set, brine.FrozenSet and
// scalars), as the interpreter's own containers, exported.
func (s *SlaveService) fresh(v any) (any, error) {
	cv, err := codeValue(v, 0)
	if err != nil {
		return nil, err
	}
	return s.code.Export(cv), nil
}

// maxFreshDepth bounds the nesting fresh converts (a JSON document's
// own nesting is bounded lower).
const maxFreshDepth = 1000

func codeValue(v any, depth int) (python.Value, error) {
	if depth > maxFreshDepth {
		return nil, vinegar.New("RecursionError", "maximum recursion depth exceeded while building a value")
	}
	all := func(items []any) ([]python.Value, error) {
		out := make([]python.Value, len(items))
		for i, it := range items {
			cv, err := codeValue(it, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = cv
		}
		return out, nil
	}
	switch x := v.(type) {
	case *pyDict:
		kv := x.items()
		keys, vals := make([]any, len(kv)), make([]any, len(kv))
		for i, p := range kv {
			keys[i], vals[i] = p[0], p[1]
		}
		ck, err := all(keys)
		if err != nil {
			return nil, err
		}
		cv, err := all(vals)
		if err != nil {
			return nil, err
		}
		return python.DictOf(ck, cv)
	case []any:
		items, err := all(x)
		return python.NewList(items), err
	case *[]any:
		items, err := all(*x)
		return python.NewList(items), err
	case brine.Tuple:
		items, err := all(x)
		return python.Tuple(items), err
	case classic.Set:
		items, err := all(x)
		if err != nil {
			return nil, err
		}
		return python.SetOf(items, false)
	case brine.FrozenSet:
		items, err := all(x)
		if err != nil {
			return nil, err
		}
		return python.SetOf(items, true)
	}
	// A value the interpreter already made (what a json.loads hook
	// returned) is itself.
	return python.Unwrap(v), nil
}

// codeBuilder makes an unpickled value's containers as the
// interpreter's (see fresh): pickle.loads keeps the pickle's order for
// dicts and sets, and shares what the pickle shares.
type codeBuilder struct{}

func (codeBuilder) List(items []any) (any, error)  { return python.NewList(items), nil }
func (codeBuilder) Tuple(items []any) (any, error) { return python.Tuple(items), nil }
func (codeBuilder) Set(items []any) (any, error)   { return python.SetOf(items, false) }
func (codeBuilder) FrozenSet(items []any) (any, error) {
	return python.SetOf(items, true)
}
func (codeBuilder) ByteArray(b []byte) (any, error)      { return python.NewByteArray(b), nil }
func (codeBuilder) Dict(keys, values []any) (any, error) { return python.DictOf(keys, values) }

// hostCopy gives Go code a copy of an interpreter's container (one a
// client passes back, e.g. json.dumps(conn.eval("{...}"))), as code's
// own calls pass them; anything else is returned as it is.
func hostCopy(ctx context.Context, v any) (any, error) {
	out, _, err := python.Copy(ctx, v)
	return out, err
}
