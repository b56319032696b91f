package slave

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.starlark.net/starlark"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Starlark code reaches the Go modules through __import__("os") (what
// Python code such as "(lambda os: ...)(__import__('os'))" expects) and
// getmodule("os.path"), both predeclared in every namespace. A module
// inside Starlark is a moduleValue: its fields are attributes, its
// methods are callables with the same Python names and defaults as for
// a remote client (positional and keyword arguments).

// moduleValue is a Go module object, or another Go object a module
// returned (a CompletedProcess, a stat result), as a Starlark value.
type moduleValue struct {
	ns *Namespace
	v  any
}

var _ starlark.HasAttrs = (*moduleValue)(nil)

func (m *moduleValue) String() string { return pyRepr(m.v) }
func (m *moduleValue) Type() string {
	if _, ok := m.v.(interface{ isModule() }); ok {
		return "module"
	}
	return shortType(m.v)
}
func (m *moduleValue) Freeze()               {}
func (m *moduleValue) Truth() starlark.Bool  { return true }
func (m *moduleValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: module") }

// AttrNames lists the module's fields and methods.
func (m *moduleValue) AttrNames() []string {
	info := modInfoOf(reflect.TypeOf(m.v))
	out := make([]string, 0, len(info.fields)+len(info.methods))
	for n := range info.fields {
		out = append(out, n)
	}
	for n := range info.methods {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Attr returns a field's value or a bound method; (nil, nil) when the
// module has no such name, as Starlark expects.
func (m *moduleValue) Attr(name string) (starlark.Value, error) {
	info := modInfoOf(reflect.TypeOf(m.v))
	rv := reflect.ValueOf(m.v)
	if idx, ok := info.fields[name]; ok {
		return toStarlark(m.ns, rv.Elem().FieldByIndex(idx).Interface())
	}
	meth, ok := info.methods[name]
	if !ok {
		return nil, nil
	}
	fn := rv.Method(meth.index)
	return starlark.NewBuiltin(name, func(th *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return m.call(th, name, fn, meth, args, kwargs)
	}), nil
}

// call calls a module method with Starlark arguments.
func (m *moduleValue) call(th *starlark.Thread, name string, fn reflect.Value, meth *modMethod, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	ft := fn.Type()
	in := make([]reflect.Value, 0, ft.NumIn())
	first := 0
	if ft.NumIn() > 0 && ft.In(0) == ctxType {
		in = append(in, reflect.ValueOf(threadCtx(th)))
		first = 1
	}
	fixed := ft.NumIn() - first
	if ft.IsVariadic() {
		fixed--
	}
	if len(meth.params) > 0 && len(meth.params) != fixed {
		return nil, fmt.Errorf("%s: cannot call from Starlark", name)
	}
	vals := make([]any, fixed)
	set := make([]bool, fixed)
	for i, a := range args {
		if i >= fixed {
			break
		}
		g, err := toGo(m.ns, a, 0)
		if err != nil {
			return nil, err
		}
		vals[i], set[i] = g, true
	}
	for _, kv := range kwargs {
		k := string(kv[0].(starlark.String))
		i := indexOf(meth.params, k)
		if i < 0 {
			return nil, vinegar.New("TypeError", fmt.Sprintf("%s() got an unexpected keyword argument '%s'", name, k))
		}
		g, err := toGo(m.ns, kv[1], 0)
		if err != nil {
			return nil, err
		}
		vals[i], set[i] = g, true
	}
	for i := range fixed {
		if !set[i] {
			def, ok := meth.defaults[i]
			if !ok {
				return nil, vinegar.New("TypeError", fmt.Sprintf("%s() missing required argument %d", name, i+1))
			}
			vals[i] = def
		}
		v, err := goArg(vals[i], ft.In(first+i))
		if err != nil {
			return nil, vinegar.New("TypeError", fmt.Sprintf("%s() argument %d: %v", name, i+1, err))
		}
		in = append(in, v)
	}
	if ft.IsVariadic() {
		et := ft.In(ft.NumIn() - 1).Elem()
		for _, a := range args[min(len(args), fixed):] {
			g, err := toGo(m.ns, a, 0)
			if err != nil {
				return nil, err
			}
			v, err := goArg(g, et)
			if err != nil {
				return nil, vinegar.New("TypeError", fmt.Sprintf("%s(): %v", name, err))
			}
			in = append(in, v)
		}
	}
	back := outsideOf(th) // Go code: it may wait on the client or a program
	out := fn.Call(in)
	back()
	if n := len(out); n > 0 && ft.Out(n-1) == errType {
		if err, _ := out[n-1].Interface().(error); err != nil {
			return nil, err
		}
		out = out[:n-1]
	}
	switch len(out) {
	case 0:
		return starlark.None, nil
	case 1:
		return toStarlark(m.ns, out[0].Interface())
	}
	t := make(starlark.Tuple, len(out))
	for i, o := range out {
		s, err := toStarlark(m.ns, o.Interface())
		if err != nil {
			return nil, err
		}
		t[i] = s
	}
	return t, nil
}

var (
	ctxType = reflect.TypeFor[context.Context]()
	errType = reflect.TypeFor[error]()
)

// goArg converts a value from Starlark to a Go parameter type.
func goArg(v any, t reflect.Type) (reflect.Value, error) {
	if v == nil {
		return reflect.Zero(t), nil
	}
	if t.Kind() == reflect.Interface {
		return reflect.ValueOf(v), nil
	}
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String {
		if items, ok := v.([]any); ok {
			out := reflect.MakeSlice(t, len(items), len(items))
			for i, it := range items {
				s, ok := it.(string)
				if !ok {
					return reflect.Value{}, fmt.Errorf("want a list of str, got %s", pyType(it))
				}
				out.Index(i).SetString(s)
			}
			return out, nil
		}
	}
	rv := reflect.ValueOf(v)
	if rv.Type().ConvertibleTo(t) && rv.Kind() != reflect.String == (t.Kind() != reflect.String) {
		return rv.Convert(t), nil
	}
	return reflect.Value{}, fmt.Errorf("want %s, got %s", t, pyType(v))
}

// modInfo is what a module type offers Starlark, computed once per type.
type modInfo struct {
	fields  map[string][]int
	methods map[string]*modMethod
}

type modMethod struct {
	index    int
	params   []string    // Python names from RPyCParams, if any
	defaults map[int]any // parameter index -> default
}

var modInfos sync.Map // reflect.Type -> *modInfo

func modInfoOf(t reflect.Type) *modInfo {
	if v, ok := modInfos.Load(t); ok {
		return v.(*modInfo)
	}
	info := &modInfo{fields: map[string][]int{}, methods: map[string]*modMethod{}}
	if st := t.Elem(); st.Kind() == reflect.Struct {
		for _, f := range reflect.VisibleFields(st) {
			if tag, ok := f.Tag.Lookup("rpyc"); ok && f.IsExported() {
				name, _, _ := strings.Cut(tag, ",")
				info.fields[name] = f.Index
			}
		}
	}
	var specs, renames map[string]string
	zero := reflect.New(t.Elem()).Interface()
	if p, ok := zero.(rpyc.ParamNamer); ok {
		specs = p.RPyCParams()
	}
	if e, ok := zero.(rpyc.Exposer); ok {
		renames = e.RPyCNames()
	}
	for i := range t.NumMethod() {
		m := t.Method(i)
		if strings.HasPrefix(m.Name, "RPyC") || m.Name == "GoString" {
			continue
		}
		name := rpyc.SnakeCase(m.Name)
		if r, ok := renames[m.Name]; ok {
			name = r
		}
		mm := &modMethod{index: i, defaults: map[int]any{}}
		if spec, ok := specs[m.Name]; ok {
			for _, p := range strings.Split(spec, ",") {
				p = strings.TrimSpace(p)
				if p == "" || strings.HasPrefix(p, "*") {
					continue
				}
				n, def, hasDef := strings.Cut(p, "=")
				if hasDef {
					mm.defaults[len(mm.params)] = literal(strings.TrimSpace(def))
				}
				mm.params = append(mm.params, strings.TrimSpace(n))
			}
		}
		info.methods[name] = mm
	}
	v, _ := modInfos.LoadOrStore(t, info)
	return v.(*modInfo)
}

// literal reads a default from an RPyCParams spec.
func literal(s string) any {
	switch s {
	case "None":
		return nil
	case "True":
		return true
	case "False":
		return false
	}
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') {
		return s[1 : len(s)-1]
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	return s
}

func indexOf(names []string, n string) int {
	for i, x := range names {
		if x == n {
			return i
		}
	}
	return -1
}

// predeclared returns the names every namespace starts from: __import__
// (Python's, returning the top-level module as Python does) and
// getmodule (the module itself, dotted names included).
func (n *Namespace) predeclared() starlark.StringDict {
	get := func(top bool) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		return func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var name string
			if err := starlark.UnpackPositionalArgs(b.Name(), args, nil, 1, &name); err != nil {
				return nil, err
			}
			if top {
				name, _, _ = strings.Cut(name, ".")
			}
			mod, err := n.s.module(name)
			if err != nil {
				return nil, err
			}
			return &moduleValue{ns: n, v: mod}, nil
		}
	}
	return starlark.StringDict{
		"__import__": starlark.NewBuiltin("__import__", get(true)),
		"getmodule":  starlark.NewBuiltin("getmodule", get(false)),
	}
}

// shortType is a Go object's type name without package, as Starlark
// shows types ("CompletedProcess").
func shortType(v any) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}
