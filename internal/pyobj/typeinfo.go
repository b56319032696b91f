package pyobj

import (
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Exposer is rpyc.Exposer (the same method set): Go names to Python
// names, "" to hide one.
type Exposer interface {
	RPyCNames() map[string]string
}

// typeInfo is what a Go type exposes to Python, computed once per type by
// reflection (net/rpc's suitableMethods idea): exported methods under
// their snake_case names, and fields marked with an `rpyc:"name"` tag
// (`rpyc:"name,rw"` makes one settable when the config allows setattr).
type typeInfo struct {
	t         reflect.Type
	methods   map[string]*methodInfo
	fields    map[string]*fieldInfo
	fieldList []*fieldInfo // fields in declaration order, for repr and class calls
	names     []string     // sorted exposed names, for dir()
	doc       string       // the type's __doc__ (RPyCDoc), "" for None
	err       error        // a bad RPyCParams spec
}

type methodInfo struct {
	goName string
	pyName string
	index  int
	fn     reflect.Value // the method with its receiver first (Method.Func)
	sig    *signature
	doc    string // its __doc__: the Python signature, then RPyCDoc's text
}

type fieldInfo struct {
	goName   string
	pyName   string
	index    []int
	marked   bool
	writable bool
}

var typeInfos sync.Map // reflect.Type -> *typeInfo

// hiddenMethods are the hooks this package calls itself; they are never
// exposed as ordinary methods.
var hiddenMethods = map[string]bool{
	"OnConnect": true, "OnDisconnect": true, "String": true, "GoString": true,
	"Error": true, "Unwrap": true,
}

func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := buildTypeInfo(t)
	actual, _ := typeInfos.LoadOrStore(t, ti)
	return actual.(*typeInfo)
}

func buildTypeInfo(t reflect.Type) *typeInfo {
	ti := &typeInfo{t: t, methods: map[string]*methodInfo{}, fields: map[string]*fieldInfo{}}
	if t.Kind() == reflect.Interface {
		return ti // no value has it as its dynamic type: nothing to expose
	}
	zero := reflect.Zero(t)
	if t.Kind() == reflect.Pointer {
		zero = reflect.New(t.Elem())
	}
	var renames, specs, docs map[string]string
	if t.Implements(reflect.TypeFor[Exposer]()) && canCallOnZero(t) {
		renames = safeCall(func() map[string]string { return zero.Interface().(Exposer).RPyCNames() })
	}
	if t.Implements(reflect.TypeFor[ParamNamer]()) && canCallOnZero(t) {
		specs = safeCall(func() map[string]string { return zero.Interface().(ParamNamer).RPyCParams() })
	}
	if t.Implements(reflect.TypeFor[Documenter]()) && canCallOnZero(t) {
		docs = safeCall(func() map[string]string { return zero.Interface().(Documenter).RPyCDoc() })
	}
	ti.doc = docs[""]
	pyName := func(goName string) (string, bool) {
		if n, ok := renames[goName]; ok {
			return n, n != ""
		}
		return SnakeCase(goName), true
	}
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		if !m.IsExported() || hiddenMethods[m.Name] || strings.HasPrefix(m.Name, "RPyC") {
			continue
		}
		name, ok := pyName(m.Name)
		if !ok {
			continue
		}
		// The method's type without the receiver.
		ft := m.Type
		ins := make([]reflect.Type, 0, ft.NumIn()-1)
		for j := 1; j < ft.NumIn(); j++ {
			ins = append(ins, ft.In(j))
		}
		outs := make([]reflect.Type, ft.NumOut())
		for j := range outs {
			outs[j] = ft.Out(j)
		}
		bound := reflect.FuncOf(ins, outs, ft.IsVariadic())
		sig, err := newSignature(name, bound, specs[m.Name])
		if err != nil {
			ti.err = err
			continue
		}
		doc := sig.text()
		if d := docs[m.Name]; d != "" {
			doc += "\n\n" + d
		}
		ti.methods[name] = &methodInfo{goName: m.Name, pyName: name, index: i, fn: m.Func, sig: sig, doc: doc}
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for _, f := range reflect.VisibleFields(st) {
			if !f.IsExported() || f.Anonymous {
				continue
			}
			tag, marked := f.Tag.Lookup("rpyc")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				var ok bool
				if name, ok = pyName(f.Name); !ok {
					continue
				}
			}
			if _, clash := ti.methods[name]; clash {
				continue
			}
			fi := &fieldInfo{goName: f.Name, pyName: name, index: f.Index,
				marked: marked, writable: marked && opts == "rw"}
			ti.fields[name] = fi
			ti.fieldList = append(ti.fieldList, fi)
		}
	}
	for n := range ti.methods {
		ti.names = append(ti.names, n)
	}
	for n, f := range ti.fields {
		if f.marked {
			ti.names = append(ti.names, n)
		}
	}
	sort.Strings(ti.names)
	return ti
}

// settableFields are the fields a dict converted to the struct, or a
// call of its class, may set, in declaration order: those the struct
// shows Python (its tagged fields), or every exported field when it tags
// none (plain data) or under AllowPublicAttrs (public).
func (ti *typeInfo) settableFields(public bool) []*fieldInfo {
	if marked := ti.readableFields(false); len(marked) > 0 && !public {
		return marked
	}
	return ti.fieldList
}

// fieldNames lists the Python names of fields, sorted.
func fieldNames(fields []*fieldInfo) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.pyName
	}
	sort.Strings(out)
	return out
}

// readableFields are the fields the peer may read, in declaration order:
// the marked ones, or every exported one under AllowPublicAttrs.
func (ti *typeInfo) readableFields(public bool) []*fieldInfo {
	var out []*fieldInfo
	for _, f := range ti.fieldList {
		if f.marked || public {
			out = append(out, f)
		}
	}
	return out
}

// canCallOnZero: the naming hooks are called on the zero value, so they
// must not depend on the receiver's state; pointers get a fresh zero value.
func canCallOnZero(t reflect.Type) bool {
	return t.Kind() != reflect.Interface
}

func safeCall(f func() map[string]string) (m map[string]string) {
	defer func() {
		if recover() != nil {
			m = nil
		}
	}()
	return f()
}
