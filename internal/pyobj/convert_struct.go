package pyobj

// Structs from the peer. A Go struct travels to the peer by reference
// (an object with its tagged fields as attributes); what comes back to a
// struct parameter, or to rpyc.As, is one of:
//
//   - the same object, sent back: a *T parameter takes a *T as it is, a
//     T parameter a copy of it; a T (a struct held by value, exported as
//     a copy) becomes a *T to a copy for a *T parameter, so a method
//     declared either way accepts what another method returned either
//     way;
//   - a dict of fields (a Python dict, fetched by value, or a Go map with
//     str keys), by Python name: the tag's name or the snake_case of the
//     Go name, as the struct's attributes are named. The fields a dict
//     may set are those the struct shows Python, its tagged fields, or
//     every exported field of a struct that tags none (plain data);
//     fields left out keep their zero value, and any other name is a
//     TypeError naming the fields there are.
//
// A Go type exposed as a Python class (Class) builds its instances with
// the same rules from keyword arguments.

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// convertStruct converts v to t when t is a struct type or a pointer to
// one and v is the same struct (by value or by pointer) or a mapping;
// ok is false when the rules above do not apply and the other
// conversions are tried.
func convertStruct(v any, rv reflect.Value, t reflect.Type) (reflect.Value, bool, error) {
	st, ptr := t, t.Kind() == reflect.Pointer
	if ptr {
		st = t.Elem()
	}
	if st.Kind() != reflect.Struct || t == bigIntType {
		return reflect.Value{}, false, nil
	}
	switch {
	case ptr && rv.Type() == st:
		p := reflect.New(st)
		p.Elem().Set(rv)
		return p, true, nil
	case !ptr && rv.Kind() == reflect.Pointer && rv.Type().Elem() == st:
		if rv.IsNil() {
			return reflect.Value{}, true, convErr(nil, t)
		}
		return rv.Elem(), true, nil
	case rv.Kind() == reflect.Map:
		s, err := fillStruct(st, rv, v)
		if err != nil {
			return reflect.Value{}, true, err
		}
		if !ptr {
			return s, true, nil
		}
		p := reflect.New(st)
		p.Elem().Set(s)
		return p, true, nil
	}
	return reflect.Value{}, false, nil
}

// structFields is what the fields of struct type st are called by the
// peer: the names its pointer type exposes (typeinfo.go), which are those
// the served object has, renames included.
func structFields(st reflect.Type) *typeInfo {
	return infoOf(reflect.PointerTo(st))
}

// fillStruct makes a new st from the mapping m (v is m as offered, for
// messages): each key names a field.
func fillStruct(st reflect.Type, m reflect.Value, v any) (reflect.Value, error) {
	settable := structFields(st).settableFields(false)
	fields := make(map[string]*fieldInfo, len(settable))
	for _, f := range settable {
		fields[f.pyName] = f
	}
	keys := m.MapKeys()
	names := make([]string, len(keys))
	for i, k := range keys {
		name, ok := Normalize(k.Interface()).(string)
		if !ok {
			e := convErr(v, st)
			e.Path = []string{"key " + Repr(k.Interface())}
			e.note = "field names are str"
			return reflect.Value{}, e
		}
		names[i] = name
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(names[a], names[b]) })
	out := reflect.New(st).Elem()
	for _, i := range order {
		f := fields[names[i]]
		if f == nil {
			e := convErr(v, st)
			e.Path = []string{fmt.Sprintf("key '%s'", names[i])}
			e.note = fmt.Sprintf("%s has no field '%s'; its fields: %s", bare(pyTypeDesc(st)), names[i], strings.Join(fieldNames(settable), ", "))
			return reflect.Value{}, e
		}
		fv := settableField(out, f.index)
		val, err := convertTo(m.MapIndex(keys[i]).Interface(), fv.Type())
		if err != nil {
			return reflect.Value{}, atPath(err, fmt.Sprintf("field '%s'", f.pyName))
		}
		fv.Set(val)
	}
	return out, nil
}

// settableField is the field at index of the addressable struct s,
// allocating the embedded struct pointers on the way.
func settableField(s reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && s.Kind() == reflect.Pointer {
			if s.IsNil() {
				s.Set(reflect.New(s.Type().Elem()))
			}
			s = s.Elem()
		}
		s = s.Field(x)
	}
	return s
}
