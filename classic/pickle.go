package classic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"

	ogorek "github.com/kisielk/og-rek"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
)

// Obtain and Deliver copy plain data between Go and the server through
// Python's pickle (Python's rpyc.classic.obtain and deliver), with
// github.com/kisielk/og-rek on the Go side. They need a server that
// allows pickling (a classic server does). For lists and dicts of plain
// data, rpyc.Obtain is faster and needs no pickle.
//
// Python → Go: None → nil, bool, int → int64 (*big.Int when larger),
// float → float64, complex → complex128, str → string, bytes and
// bytearray → []byte, list → []any, tuple → brine.Tuple, set → Set,
// frozenset → brine.FrozenSet, dict → map[any]any. Anything else (a
// datetime, a class instance) is an ErrNotPlainData naming the type.
// Go → Python: the same in reverse, plus every Go integer and float kind,
// slices, maps and structs with `rpyc` tags (as dicts) — rpyc.Pickle.

// PickleProtocol is the pickle protocol Obtain asks for: the highest that
// og-rek decodes completely (protocol 4's set opcodes it does not).
const PickleProtocol = 3

// ErrNotPlainData is returned by Obtain for pickled values that have no Go
// form.
var ErrNotPlainData = errors.New("classic: pickled value is not plain data")

// Set is a Python set by value: Obtain returns one for a set, and Deliver
// sends one as a set (a []any would be a list).
type Set []any

// RPyCPickle makes Deliver send s as a Python set.
func (s Set) RPyCPickle() (any, error) {
	return ogorek.Call{Callable: ogorek.Class{Module: "builtins", Name: "set"}, Args: ogorek.Tuple{[]any(s)}}, nil
}

// Obtain copies a remote object to Go through pickle (HANDLE_PICKLE), as
// Python's rpyc.classic.obtain does. Plain values (already by value) are
// returned unchanged.
func (c *Conn) Obtain(ctx context.Context, v any) (any, error) {
	n, ok := v.(*rpyc.Netref)
	if !ok {
		return v, nil
	}
	data, err := rpyc.As[[]byte](n.Conn().Request(ctx, message.HandlePickle, n, PickleProtocol))
	if err != nil {
		return nil, fmt.Errorf("classic: obtain %s: %w", n, err)
	}
	return Unpickle(data)
}

// ObtainAs is Obtain followed by the conversion to T that rpyc.As does.
func ObtainAs[T any](ctx context.Context, c *Conn, v any) (T, error) {
	x, err := c.Obtain(ctx, v)
	return rpyc.As[T](x, err)
}

// Deliver copies plain Go data to the server (Python's
// rpyc.classic.deliver): it is pickled here and unpickled there, and the
// result is what the server returns for it (a *rpyc.Netref for lists,
// dicts and sets; plain values come back by value).
func (c *Conn) Deliver(ctx context.Context, v any) (any, error) {
	data, err := rpyc.Pickle(v, PickleProtocol)
	if err != nil {
		return nil, fmt.Errorf("classic: deliver: %w", err)
	}
	m, err := c.Modules(ctx, "pickle")
	if err != nil {
		return nil, err
	}
	return m.CallMethod(ctx, "loads", data)
}

// Unpickle decodes a pickle of plain data into Go values (see Obtain).
func Unpickle(data []byte) (any, error) {
	d := ogorek.NewDecoderWithConfig(bytes.NewReader(data), &ogorek.DecoderConfig{PyDict: true, StrictUnicode: true})
	v, err := d.Decode()
	if err != nil {
		return nil, fmt.Errorf("classic: unpickle: %w", err)
	}
	return fromPickle(v, 0)
}

func fromPickle(v any, depth int) (any, error) {
	if depth > rpyc.MaxObtainDepth*4 {
		return nil, fmt.Errorf("%w: nested too deeply", ErrNotPlainData)
	}
	switch x := v.(type) {
	case nil, ogorek.None:
		return nil, nil
	case bool, int64, float64, string:
		return x, nil
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), nil
		}
		return x, nil
	case ogorek.Bytes:
		return []byte(x), nil
	case ogorek.ByteString:
		return []byte(x), nil
	case []byte:
		return x, nil
	case []any:
		return items(x, depth)
	case ogorek.Tuple:
		out, err := items(x, depth)
		return brine.Tuple(out), err
	case ogorek.Dict:
		out := make(map[any]any, x.Len())
		var ferr error
		x.Iter()(func(k, e any) bool {
			kv, err := fromPickle(k, depth+1)
			if err != nil {
				ferr = err
				return false
			}
			if t, ok := kv.(brine.Tuple); ok {
				ferr = fmt.Errorf("%w: dict key %v is a tuple, which cannot be a Go map key", ErrNotPlainData, t)
				return false
			}
			ev, err := fromPickle(e, depth+1)
			if err != nil {
				ferr = err
				return false
			}
			out[kv] = ev
			return true
		})
		return out, ferr
	case map[any]any:
		out := make(map[any]any, len(x))
		for k, e := range x {
			ev, err := fromPickle(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	case ogorek.Call:
		name := x.Callable.Module + "." + x.Callable.Name
		switch name {
		case "builtins.set", "__builtin__.set", "builtins.frozenset", "__builtin__.frozenset":
			var src []any
			if len(x.Args) == 1 {
				src, _ = x.Args[0].([]any)
			}
			out, err := items(src, depth)
			if err != nil {
				return nil, err
			}
			if x.Callable.Name == "set" {
				return Set(out), nil
			}
			return brine.FrozenSet(out), nil
		case "builtins.complex", "__builtin__.complex":
			if len(x.Args) == 2 {
				re, ok1 := x.Args[0].(float64)
				im, ok2 := x.Args[1].(float64)
				if ok1 && ok2 {
					return complex(re, im), nil
				}
			}
		case "builtins.bytearray", "__builtin__.bytearray":
			if len(x.Args) == 1 {
				if b, ok := x.Args[0].(ogorek.Bytes); ok {
					return []byte(b), nil
				}
			}
		case "_codecs.encode":
			if len(x.Args) == 2 {
				if s, ok := x.Args[0].(string); ok {
					b := make([]byte, 0, len(s))
					for _, r := range s {
						b = append(b, byte(r))
					}
					return b, nil
				}
			}
		}
		return nil, fmt.Errorf("%w: a %s object; convert it to plain data on the server (Execute/Eval) first", ErrNotPlainData, name)
	case ogorek.Class:
		return nil, fmt.Errorf("%w: the class %s.%s", ErrNotPlainData, x.Module, x.Name)
	}
	return nil, fmt.Errorf("%w: %T", ErrNotPlainData, v)
}

func items(src []any, depth int) ([]any, error) {
	out := make([]any, len(src))
	for i, e := range src {
		v, err := fromPickle(e, depth+1)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}
