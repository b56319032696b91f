package slave

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The values module functions receive are what the engine decodes (and
// what the code bridge passes): nil, bool, int64, *big.Int, float64,
// string, []byte, brine.Tuple, Go lists and maps built on this side, this
// server's own objects, and *rpyc.Netref for the client's objects (a
// list, a dict, a pathlib.Path, a function). The helpers below read them
// the way Python's functions would.

// fspath is os.fspath: a path argument as a string. str and bytes are
// themselves; a Path of ours gives its text; a client's path-like object
// (a local pathlib.Path passed by reference) is asked for __fspath__.
func fspath(ctx context.Context, v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case *Path:
		return x.path, nil
	case *DirEntry:
		return x.Path, nil
	case *rpyc.Netref:
		s, err := x.CallMethod(ctx, "__fspath__")
		if err == nil {
			switch p := s.(type) {
			case string:
				return p, nil
			case []byte:
				return string(p), nil
			}
		}
	}
	return "", vinegar.New("TypeError", fmt.Sprintf("expected str, bytes or os.PathLike object, not %s", pyType(v)))
}

// optPath is fspath for an argument that may be None ("" then).
func optPath(ctx context.Context, v any) (string, error) {
	if v == nil {
		return "", nil
	}
	return fspath(ctx, v)
}

// pathResult gives a path back in the type it came in: bytes for bytes,
// str otherwise, as Python's os functions do.
func pathResult(in any, p string) any {
	if _, ok := in.([]byte); ok {
		return []byte(p)
	}
	return p
}

// listOf reads an iterable argument into a Go slice: a client's list or
// tuple by reference (one round trip), a tuple, a list built here, a
// str (its characters) or a Go slice.
func listOf(ctx context.Context, v any) ([]any, error) {
	v, err := hostCopy(ctx, v)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case nil:
		return nil, vinegar.New("TypeError", "'NoneType' object is not iterable")
	case brine.Tuple:
		return []any(x), nil
	case []any:
		return x, nil
	case *[]any:
		return *x, nil
	case string:
		out := make([]any, 0, len(x))
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
	case *pyDict:
		return x.Keys(), nil
	case *rpyc.Netref:
		items, err := rpyc.Obtain[[]any](ctx, x)
		if err != nil {
			// Not a list or tuple the engine can copy: iterate it.
			var out []any
			for item, ierr := range x.Iter(ctx) {
				if ierr != nil {
					return nil, ierr
				}
				out = append(out, item)
			}
			return out, nil
		}
		return items, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Slice {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = rv.Index(i).Interface()
		}
		return out, nil
	}
	if it, ok := v.(interface{ items() []any }); ok {
		return it.items(), nil
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("'%s' object is not iterable", pyType(v)))
}

// stringsOf reads a list of str (or bytes, or path-like) arguments.
func stringsOf(ctx context.Context, items []any) ([]string, error) {
	out := make([]string, len(items))
	for i, it := range items {
		s, err := fspath(ctx, it)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// mapOf reads a mapping argument (a client's dict by reference, a dict
// built here) into a Go map with string keys and values, for
// environments.
func mapOfStrings(ctx context.Context, v any) (map[string]string, error) {
	v, err := hostCopy(ctx, v)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case *environ:
		return x.copyMap(), nil
	case *pyDict:
		out := map[string]string{}
		for _, kv := range x.items() {
			k, ok1 := kv[0].(string)
			val, ok2 := kv[1].(string)
			if !ok1 || !ok2 {
				return nil, vinegar.New("TypeError", "str expected, not "+pyType(kv[1]))
			}
			out[k] = val
		}
		return out, nil
	case *rpyc.Netref:
		return rpyc.Obtain[map[string]string](ctx, x)
	}
	return rpyc.As[map[string]string](v, nil)
}

// truthy is Python's bool() of a by-value argument.
func truthy(v any) bool {
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
	}
	return true
}

// number reads an int or float argument.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	}
	return 0, false
}

// intArg reads an int argument (bools count, as in Python).
func intArg(v any, what string) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), nil
		}
		return 0, vinegar.New("OverflowError", "Python int too large to convert to C long")
	}
	return 0, vinegar.New("TypeError", fmt.Sprintf("'%s' object cannot be interpreted as an integer (%s)", pyType(v), what))
}

// timeoutArg reads a timeout argument: None is no timeout (ok false).
func timeoutArg(v any) (secs float64, ok bool, err error) {
	if v == nil {
		return 0, false, nil
	}
	f, isNum := number(v)
	if !isNum || math.IsNaN(f) {
		return 0, false, vinegar.New("TypeError", fmt.Sprintf("timeout must be a number, not %s", pyType(v)))
	}
	return f, true, nil
}

// pyType is the Python type name of a value, for error messages.
func pyType(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, int, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case brine.Tuple:
		return "tuple"
	case []any, *[]any:
		return "list"
	case classic.Set:
		return "set"
	case map[any]any, *pyDict:
		return "dict"
	case *rpyc.Netref:
		n := x.TypeName()
		if i := strings.LastIndexByte(n, '.'); i >= 0 {
			return n[i+1:]
		}
		return n
	case interface{ isModule() }:
		return "module"
	case rpyc.TypeNamer:
		n := x.RPyCTypeName()
		if i := strings.LastIndexByte(n, '.'); i >= 0 {
			return n[i+1:]
		}
		return n
	}
	return goTypeName(v)
}

// pyRepr is Python's repr of a value this side holds: Python's quoting,
// lists in brackets, dicts with their keys in order, a GoStringer's own
// repr.
func pyRepr(v any) string {
	var b strings.Builder
	writeRepr(&b, v, 0)
	return b.String()
}

func writeRepr(b *strings.Builder, v any, depth int) {
	if depth > 50 {
		b.WriteString("...")
		return
	}
	switch x := v.(type) {
	case fmt.GoStringer:
		b.WriteString(x.GoString())
		return
	case brine.Tuple:
		b.WriteByte('(')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, e, depth+1)
		}
		if len(x) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
		return
	case *rpyc.Netref:
		b.WriteString(x.String())
		return
	case classic.Set:
		if len(x) == 0 {
			b.WriteString("set()")
			return
		}
		b.WriteByte('{')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, e, depth+1)
		}
		b.WriteByte('}')
		return
	case int:
		fmt.Fprint(b, x)
		return
	}
	if brine.Dumpable(v) {
		b.WriteString(brine.Repr(v))
		return
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Slice {
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, rv.Index(i).Interface(), depth+1)
		}
		b.WriteByte(']')
		return
	case reflect.Map:
		keys := rv.MapKeys()
		type kv struct{ k, v string }
		items := make([]kv, len(keys))
		for i, k := range keys {
			var kb, vb strings.Builder
			writeRepr(&kb, k.Interface(), depth+1)
			writeRepr(&vb, rv.MapIndex(k).Interface(), depth+1)
			items[i] = kv{kb.String(), vb.String()}
		}
		sort.Slice(items, func(i, j int) bool { return items[i].k < items[j].k })
		b.WriteByte('{')
		for i, it := range items {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(it.k + ": " + it.v)
		}
		b.WriteByte('}')
		return
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprint(b, rv.Int())
		return
	case reflect.Float32, reflect.Float64:
		b.WriteString(brine.FloatRepr(rv.Float()))
		return
	}
	b.WriteString(brine.Repr(v))
}

// pyStr is Python's str() of a value this side holds.
func pyStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	}
	return pyRepr(v)
}

// goTypeName is a Go object's type name without package, as a
// fallback Python type name ("CompletedProcess").
func goTypeName(v any) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return "NoneType"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// sortedKeys is a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sortValues orders plain values as Python's sorted would (numbers
// before strings where Python would refuse).
func sortValues(items []any) {
	sort.SliceStable(items, func(i, j int) bool {
		c, ok := compareValues(items[i], items[j])
		if !ok {
			return pyType(items[i]) < pyType(items[j])
		}
		return c < 0
	})
}

// sortedAnyKeys is a dict's keys, ordered.
func sortedAnyKeys(m map[any]any) []any {
	out := make([]any, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortValues(out)
	return out
}

// stableSort sorts idx by less, keeping equal items in order.
func stableSort(idx []int, less func(a, b int) bool) {
	sort.SliceStable(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
}

// dictUpdate is dict.update(x): from a mapping or (key, value) pairs.
func dictUpdate(ctx context.Context, out map[any]any, x any) error {
	x, err := hostCopy(ctx, x)
	if err != nil {
		return err
	}
	switch m := x.(type) {
	case *pyDict:
		for _, kv := range m.items() {
			out[kv[0]] = kv[1]
		}
		return nil
	case map[any]any:
		for k, v := range m {
			out[k] = v
		}
		return nil
	case *rpyc.Netref:
		if d, err := rpyc.Obtain[map[any]any](ctx, m); err == nil {
			for k, v := range d {
				out[k] = v
			}
			return nil
		}
	}
	rv := reflect.ValueOf(x)
	if rv.Kind() == reflect.Map {
		for _, k := range rv.MapKeys() {
			out[k.Interface()] = rv.MapIndex(k).Interface()
		}
		return nil
	}
	items, err := listOf(ctx, x)
	if err != nil {
		return err
	}
	for i, it := range items {
		pair, err := listOf(ctx, it)
		if err != nil || len(pair) != 2 {
			return vinegar.New("ValueError", fmt.Sprintf("dictionary update sequence element #%d has length %d; 2 is required", i, len(pair)))
		}
		out[pair[0]] = pair[1]
	}
	return nil
}

// stableSortFunc sorts s by less, keeping equal items in order.
func stableSortFunc[T any](s []T, less func(a, b T) bool) {
	sort.SliceStable(s, func(i, j int) bool { return less(s[i], s[j]) })
}

// copyAll is io.Copy, named for the callers reading whole files.
func copyAll(dst io.Writer, src io.Reader) (int64, error) { return io.Copy(dst, src) }
