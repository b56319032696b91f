package pyobj

import (
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// Repr is Python's repr() of a local value: brine values exactly as
// Python prints them, slices as lists, maps as dicts (keys sorted, since Go
// maps have no order), a fmt.GoStringer's GoString, a struct with tagged
// fields as a dataclass ("Reading(sensor='t1', value=21.5)"), and
// "<pkg.Type object at 0x...>" for the rest.
func Repr(v any) string {
	// Lists and dicts may be changed by the peer at the same time.
	rlockAll()
	defer runlockAll()
	var b strings.Builder
	writePyRepr(&b, v, 0)
	return b.String()
}

// Str is Python's str(): strings as themselves, fmt.Stringer and error
// text, else repr.
func Str(v any) string {
	switch x := Unroot(v).(type) {
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	case error:
		return x.Error()
	}
	if r, ok := v.(*Root); ok {
		return defaultRepr(r.value)
	}
	return Repr(v)
}

func writePyRepr(b *strings.Builder, v any, depth int) {
	if depth > 20 {
		b.WriteString("...")
		return
	}
	if r, ok := AsRemote(v); ok {
		b.WriteString(r.String())
		return
	}
	switch x := v.(type) {
	case nil, bool, int64, *big.Int, float64, complex128, string, []byte,
		brine.Tuple, brine.FrozenSet, brine.Slice, brine.EllipsisType, brine.NotImplementedType:
		if brine.Dumpable(v) {
			b.WriteString(brine.Repr(v))
			return
		}
		if t, ok := v.(brine.Tuple); ok {
			b.WriteByte('(')
			for i, e := range t {
				if i > 0 {
					b.WriteString(", ")
				}
				writePyRepr(b, e, depth+1)
			}
			if len(t) == 1 {
				b.WriteByte(',')
			}
			b.WriteByte(')')
			return
		}
	case *Root:
		b.WriteString(defaultRepr(x.value))
		return
	case *Class:
		b.WriteString(x.String())
		return
	case fmt.GoStringer:
		b.WriteString(x.GoString())
		return
	}
	n := Normalize(v)
	if brine.Dumpable(n) {
		b.WriteString(brine.Repr(n))
		return
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() && (rv.Elem().Kind() == reflect.Slice || rv.Elem().Kind() == reflect.Map || rv.Elem().Kind() == reflect.Array) {
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writePyRepr(b, rv.Index(i).Interface(), depth+1)
		}
		b.WriteByte(']')
		return
	case reflect.Map:
		type kv struct{ k, v string }
		items := make([]kv, 0, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			var kb, vb strings.Builder
			writePyRepr(&kb, iter.Key().Interface(), depth+1)
			writePyRepr(&vb, iter.Value().Interface(), depth+1)
			items = append(items, kv{kb.String(), vb.String()})
		}
		sort.Slice(items, func(i, j int) bool { return items[i].k < items[j].k })
		b.WriteByte('{')
		for i, it := range items {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(it.k)
			b.WriteString(": ")
			b.WriteString(it.v)
		}
		b.WriteByte('}')
		return
	}
	if writeStructRepr(b, v, depth) {
		return
	}
	b.WriteString(defaultRepr(v))
}

// writeStructRepr writes a struct (or a pointer to one) whose type marks
// fields as a dataclass prints itself, with the fields the peer can
// read: Reading(sensor='t1', value=21.5). It reports false for other
// values, which keep object's repr.
func writeStructRepr(b *strings.Builder, v any, depth int) bool {
	rv := reflect.ValueOf(v)
	st := rv.Type()
	if st.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return false
		}
		st = st.Elem()
	}
	if st.Kind() != reflect.Struct {
		return false
	}
	fields := structFields(st).readableFields(false)
	if len(fields) == 0 {
		return false
	}
	b.WriteString(ShortTypeName(v))
	b.WriteByte('(')
	for i, f := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.pyName)
		b.WriteByte('=')
		fv, err := fieldValue(rv, f)
		if err != nil {
			b.WriteString("None") // behind a nil embedded pointer
			continue
		}
		writePyRepr(b, fv.Interface(), depth+1)
	}
	b.WriteByte(')')
	return true
}

// defaultRepr is Python's object.__repr__: "<module.Type object at 0x...>".
func defaultRepr(v any) string {
	if v == nil {
		return "None"
	}
	name := TypeName(v)
	if k, ok := Identity(v); ok {
		return fmt.Sprintf("<%s object at %#x>", name, k.ptr)
	}
	switch reflect.TypeOf(v).Kind() {
	case reflect.Func:
		return fmt.Sprintf("<function %s>", name)
	}
	return fmt.Sprintf("<%s object>", name)
}
