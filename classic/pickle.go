package classic

import (
	"context"
	"errors"
	"fmt"

	ogorek "github.com/kisielk/og-rek"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// Obtain and Deliver copy plain data between Go and the server through
// Python's pickle (Python's rpyc.classic.obtain and deliver): decoded by
// this package's Unpickler, encoded by rpyc.Pickle. They need a server that
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

// PickleProtocol is the pickle protocol Obtain asks for: Python's
// default since 3.8, as Python's own rpyc.classic.obtain asks for it.
const PickleProtocol = 4

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

// Unpickle decodes a pickle of plain data into Go values (see Obtain for
// the types), with the zero Unpickler. Bytes that are not a pickle are
// ErrBadPickle; a pickle of something else (a class instance) is
// ErrNotPlainData, naming it.
func Unpickle(data []byte) (any, error) {
	v, err := (&Unpickler{}).Unpickle(data)
	if err != nil {
		return nil, fmt.Errorf("classic: unpickle: %w", err)
	}
	return v, nil
}
