package slave

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Attribute lookup on this server's own objects for builtins.getattr,
// hasattr and dir, by the rules the engine serves them under: fields
// tagged `rpyc:"name"`, exported methods under their snake_case names or
// what RPyCNames says.

type attrSet struct {
	fields  map[string][]int
	methods map[string]int
	names   []string
}

var attrSets sync.Map // reflect.Type -> *attrSet

func attrsOf(t reflect.Type) *attrSet {
	if v, ok := attrSets.Load(t); ok {
		return v.(*attrSet)
	}
	a := &attrSet{fields: map[string][]int{}, methods: map[string]int{}}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for _, f := range reflect.VisibleFields(st) {
			if tag, ok := f.Tag.Lookup("rpyc"); ok && f.IsExported() && tag != "-" {
				name, _, _ := strings.Cut(tag, ",")
				a.fields[name] = f.Index
			}
		}
	}
	var renames map[string]string
	if t.Kind() == reflect.Pointer {
		if e, ok := reflect.New(t.Elem()).Interface().(rpyc.Exposer); ok {
			func() {
				defer func() { _ = recover() }()
				renames = e.RPyCNames()
			}()
		}
	}
	for i := range t.NumMethod() {
		m := t.Method(i)
		if strings.HasPrefix(m.Name, "RPyC") || m.Name == "GoString" || m.Name == "String" || m.Name == "Error" {
			continue
		}
		name := rpyc.SnakeCase(m.Name)
		if r, ok := renames[m.Name]; ok {
			if r == "" {
				continue
			}
			name = r
		}
		a.methods[name] = i
	}
	for n := range a.fields {
		a.names = append(a.names, n)
	}
	for n := range a.methods {
		if _, dup := a.fields[n]; !dup {
			a.names = append(a.names, n)
		}
	}
	sort.Strings(a.names)
	v, _ := attrSets.LoadOrStore(t, a)
	return v.(*attrSet)
}

// lookupAttr finds an attribute of one of this server's objects: a
// field's value, or a method bound to obj.
func lookupAttr(obj any, name string) (any, bool) {
	if obj == nil {
		return nil, false
	}
	rv := reflect.ValueOf(obj)
	a := attrsOf(rv.Type())
	if idx, ok := a.fields[name]; ok && rv.Kind() == reflect.Pointer && !rv.IsNil() {
		f, err := rv.Elem().FieldByIndexErr(idx)
		if err != nil {
			return nil, false
		}
		return f.Interface(), true
	}
	if i, ok := a.methods[name]; ok {
		return rv.Method(i).Interface(), true
	}
	return nil, false
}

// attrNames lists an object's attributes, sorted.
func attrNames(obj any) []string {
	if obj == nil {
		return nil
	}
	return attrsOf(reflect.TypeOf(obj)).names
}

func asErr(err error, target any) bool { return errors.As(err, target) }

// attrError is Python's AttributeError for a missing attribute.
func attrError(obj any, name string) error {
	return vinegar.New("AttributeError", fmt.Sprintf("'%s' object has no attribute '%s'", pyType(obj), name))
}

var _ = context.Background
