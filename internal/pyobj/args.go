package pyobj

// Arguments from the peer, as the native classes take them.
//
// Lists, dicts and files all use these: checkArgs words arity errors as
// Python does, convertItem fits a value to a Go slot (ShortTypeName names
// the peer's types in its messages), and iterableItems reads any iterable
// the peer may pass (its own by reference, or ours sent back). checkArgs
// and convertItem touch no shared state; iterableItems takes
// containerMu to read our own lists and dicts and makes round trips for
// the peer's iterables, so a method calls it before taking the lock,
// never with it.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// checkArgs checks a native method's arguments in Python's words: lo to
// hi positional arguments and no keywords.
func checkArgs(name string, args brine.Tuple, kw Kwargs, lo, hi int) error {
	if len(kw) > 0 {
		return typeError("%s() takes no keyword arguments", name)
	}
	n := len(args)
	switch {
	case n >= lo && n <= hi:
		return nil
	case lo == hi && lo == 0:
		return typeError("%s() takes no arguments (%d given)", name, n)
	case lo == hi && lo == 1:
		return typeError("%s() takes exactly one argument (%d given)", name, n)
	case lo == hi:
		return typeError("%s expected %d arguments, got %d", name, lo, n)
	case n < lo:
		return typeError("%s expected at least %d argument%s, got %d", name, lo, plural(lo), n)
	}
	return typeError("%s expected at most %d argument%s, got %d", name, hi, plural(hi), n)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// convertItem converts a value from the peer for storing into a slot of
// type t, with a Python TypeError when it does not fit.
// Our own values sent back (an int8 from a []int8) are tried in their
// Python form too.
func convertItem(what string, v any, t reflect.Type) (reflect.Value, error) {
	rv, err := ConvertTo(v, t)
	if err == nil {
		return rv, nil
	}
	if n := Normalize(v); reflect.TypeOf(n) != reflect.TypeOf(v) {
		if rv, err2 := ConvertTo(n, t); err2 == nil {
			return rv, nil
		}
	}
	var te *TypeError
	if errors.As(err, &te) && (te.Msg != "" || len(te.Path) > 0 || te.note != "") {
		return reflect.Value{}, typeError("%s: %s", what, te.PythonMessage())
	}
	return reflect.Value{}, typeError("%s must be %s, not %s", what, bare(pyTypeDesc(t)), gotDesc(v))
}

// convertItems is convertItem for each value, all of them before any is
// stored, so one misfit leaves the container as it was.
func convertItems(what string, vals []any, t reflect.Type) ([]reflect.Value, error) {
	out := make([]reflect.Value, len(vals))
	for i, v := range vals {
		rv, err := convertItem(what, v, t)
		if err != nil {
			return nil, err
		}
		out[i] = rv
	}
	return out, nil
}

// iterableItems lists the items of an iterable argument from the peer:
// tuples, frozensets, str (its characters), bytes (ints), the peer's own
// iterables by reference (fetched with Remote.Iter), and our lists, dicts
// (keys) and iterators sent back. It must not be called with containerMu
// held: it takes the lock itself, and a remote iterable costs round trips.
// what replaces the default "'X' object is not iterable" message.
func (p *Policy) iterableItems(ctx context.Context, v any, what string) ([]any, error) {
	if x, ok := AsRemote(Unroot(v)); ok {
		// A peer's iterable may never end: stop past MaxBuildItems, as
		// Python would run out of memory.
		max := p.MaxBuildItems
		if max <= 0 {
			max = -1
		}
		items, over, err := Collect(ctx, x, max)
		if over {
			return nil, buildLimitError("iterating "+x.TypeName(), p.MaxBuildItems)
		}
		return items, err
	}
	switch x := Unroot(v).(type) {
	case brine.Tuple:
		return slices.Clone([]any(x)), nil
	case brine.FrozenSet:
		return slices.Clone([]any(x)), nil
	case string:
		out := make([]any, 0, utf8.RuneCountInString(x))
		for _, r := range x {
			out = append(out, string(r))
		}
		return out, nil
	case []byte:
		out := make([]any, len(x))
		for i, b := range x {
			out[i] = int64(b)
		}
		return out, nil
	case *goIterator:
		max := p.MaxBuildItems
		var out []any
		for {
			chunk := x.take(1024)
			if len(chunk) == 0 {
				return out, nil
			}
			out = append(out, chunk...)
			if max > 0 && len(out) > max {
				return nil, buildLimitError("iterating", max)
			}
		}
	}
	rv := reflect.ValueOf(v)
	if rv.IsValid() {
		t := rv.Type()
		if t.Kind() == reflect.Pointer && !rv.IsNil() {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array:
			return snapshotSeq(rv), nil
		case reflect.Map:
			return readMap(rv, func(m reflect.Value) ([]any, error) {
				keys, _ := mapItems(m)
				return keys, nil
			})
		}
	}
	if what == "" {
		what = fmt.Sprintf("'%s' object is not iterable", ShortTypeName(v))
	}
	return nil, typeError("%s", what)
}

// buildLimitError is the MemoryError of a request that would build more
// than max items.
func buildLimitError(op string, max int) error {
	return vinegar.New("MemoryError", fmt.Sprintf("%s: more than %d items, over this server's limit (Limits.MaxBuildItems)", op, max))
}

// snapshotSeq copies the items of a slice, array, or pointer to a slice.
func snapshotSeq(rv reflect.Value) []any {
	mu := containerMu(rv)
	mu.RLock()
	defer mu.RUnlock()
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	return listItems(rv)
}
