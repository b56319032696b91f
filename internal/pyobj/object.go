package pyobj

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Attributes and calls: how a local Go value answers the peer's GETATTR,
// CALLATTR, CALL, SETATTR, DELATTR, DIR and INSPECT. A value's behaviour
// comes from, in this order: its native class (a slice is a list, a map a
// dict, an iterator, a file, a func: class.go), then the methods and
// marked fields of its Go type (typeinfo.go). Every name goes through the
// exposure policy first (CheckName).

// boundMethod is what GETATTR returns for a method: a callable the peer
// holds by reference (Python's 'builtins.method').
type boundMethod struct {
	self any
	name string
	call func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error)
	doc  string // its __doc__: the Python signature of a Go method
}

// Owner returns the object obj keeps alive, as Python objects do: a bound
// method its __self__, an iterator what it iterates (see ownedResult).
// The engine keeps that object in its export table, unreleased, while
// the peer holds obj.
func Owner(obj any) (any, bool) {
	switch x := obj.(type) {
	case *boundMethod:
		return x.self, true
	case *goIterator:
		x.mu.Lock()
		defer x.mu.Unlock()
		return x.owner, x.owner != nil
	}
	return nil, false
}

func (m *boundMethod) String() string {
	return fmt.Sprintf("<bound method %s of %s>", m.name, defaultRepr(m.self))
}

// Access says which permission an attribute operation needs.
type Access int

const (
	// AccessGet reads an attribute (or calls a method, or compares).
	AccessGet Access = iota
	// AccessSet sets one.
	AccessSet
	// AccessDel deletes one.
	AccessDel
)

// CheckName applies the exposure policy (Python's _check_attr) and returns
// the name to look up: the exposed prefix stripped, private names refused.
func (p *Policy) CheckName(name string, access Access) (string, error) {
	cfg := p
	allowed := !cfg.DenyGetattr
	switch access {
	case AccessSet:
		allowed = cfg.AllowSetattr
	case AccessDel:
		allowed = cfg.AllowDelattr
	}
	if !allowed {
		return "", cannotAccess(name)
	}
	if p := cfg.ExposedPrefix; !cfg.DenyExposedAttrs && p != "" && len(name) > len(p) && strings.HasPrefix(name, p) {
		name = name[len(p):]
	}
	if strings.HasPrefix(name, "_") {
		if !cfg.DenySafeAttrs && cfg.SafeAttrs[name] {
			return name, nil
		}
		return "", cannotAccess(name)
	}
	if cfg.DenyExposedAttrs && !cfg.AllowPublicAttrs {
		return "", cannotAccess(name)
	}
	return name, nil
}

func cannotAccess(name string) error {
	return vinegar.New("AttributeError", fmt.Sprintf("cannot access '%s'", name))
}

func noAttribute(obj any, name string) error {
	return vinegar.New("AttributeError", fmt.Sprintf("'%s' object has no attribute '%s'", ShortTypeName(obj), name))
}

// resolved is the outcome of looking a name up on a local object: either
// a callable or a plain value.
type resolved struct {
	call  func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error)
	value any
	// A Go method is kept as method and receiver rather than as a call
	// closure: calling it then allocates nothing extra.
	method *methodInfo
	recv   reflect.Value
}

// callable reports whether the attribute is something to call.
func (r resolved) callable() bool { return r.call != nil || r.method != nil }

// invoke calls a callable attribute.
func (r resolved) invoke(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
	if r.method != nil {
		return r.method.sig.callMethod(ctx, r.recv, r.method.fn, args, kw)
	}
	return r.call(ctx, args, kw)
}

// callFunc returns the attribute's call as a func value (for bound
// methods).
func (r resolved) callFunc() func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
	if r.method != nil {
		return r.invoke
	}
	return r.call
}

// resolve finds an exposed attribute of obj. name has passed CheckName.
func (p *Policy) resolve(ctx context.Context, obj any, name string) (resolved, error) {
	if o, ok := obj.(Object); ok {
		v, err := o.RPyCGetattr(ctx, name)
		return resolved{value: v}, err
	}
	if x, ok := AsRemote(obj); ok {
		// A reference to a third party's object, chained through us.
		return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
			return x.CallMethod(ctx, name, append([]any(args), kw)...)
		}}, nil
	}
	switch x := obj.(type) {
	case *Root:
		if r, ok := x.special(name); ok {
			return r, nil
		}
		return p.resolve(ctx, x.value, name)
	case *boundMethod:
		switch name {
		case "__call__":
			return resolved{call: x.call}, nil
		case "__doc__":
			return resolved{value: docValue(x.doc)}, nil
		case "__name__":
			return resolved{value: x.name}, nil
		}
	case *restricted:
		if !x.read[name] {
			return resolved{}, noAttribute(x.obj, name)
		}
		return p.resolve(ctx, x.obj, name)
	case *Class:
		// The class answers for the Go type; the Go methods of *Class
		// itself are never the peer's to call.
		if r, ok := p.classAttr(x, name); ok {
			return r, nil
		}
		if r, ok := p.objectAttr(x, name); ok {
			return r, nil
		}
		return resolved{}, vinegar.New("AttributeError", fmt.Sprintf("type object '%s' has no attribute '%s'", x.shortName(), name))
	}
	rv := reflect.ValueOf(obj)
	if k := classOf(obj); k != nil {
		if m := k.methods[name]; m != nil {
			return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
				return m(p, ctx, rv, args, kw)
			}}, nil
		}
	}
	if obj == nil {
		return resolved{}, noAttribute(obj, name)
	}
	ti := infoOf(rv.Type())
	if m := ti.methods[name]; m != nil {
		return resolved{method: m, recv: rv}, nil
	}
	if f := ti.fields[name]; f != nil && (f.marked || p.AllowPublicAttrs) {
		fv, err := fieldValue(rv, f)
		if err != nil {
			return resolved{}, err
		}
		return resolved{value: fv.Interface()}, nil
	}
	var hookErr error
	if g, ok := obj.(AttrGetter); ok {
		v, err := g.RPyCGetattr(ctx, name)
		if err == nil || !notMine(err) {
			return resolved{value: v}, err
		}
		hookErr = err
	}
	if r, ok := p.fallbackAttr(obj, rv, name); ok {
		return r, nil
	}
	if hookErr != nil {
		return resolved{}, hookError(obj, name, hookErr)
	}
	return resolved{}, noAttribute(obj, name)
}

// fallbackAttr is what any value answers when its type does not declare
// name: a with block for closers, __call__ for funcs, and the object
// protocol (objectproto.go).
func (p *Policy) fallbackAttr(obj any, rv reflect.Value, name string) (resolved, bool) {
	if cl, ok := obj.(io.Closer); ok && (name == "__enter__" || name == "__exit__") {
		// Anything closable works in a with block: enter returns the
		// object, exit closes it and lets the exception through.
		return resolved{call: func(context.Context, brine.Tuple, Kwargs) (any, error) {
			if name == "__enter__" {
				return obj, nil
			}
			return false, cl.Close()
		}}, true
	}
	if name == "__call__" && rv.Kind() == reflect.Func {
		return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
			return p.Call(ctx, obj, args, kw)
		}}, true
	}
	return p.objectAttr(obj, name)
}

func fieldValue(rv reflect.Value, f *fieldInfo) (reflect.Value, error) {
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return reflect.Value{}, vinegar.New("AttributeError", "nil object has no attribute '"+f.pyName+"'")
		}
		rv = rv.Elem()
	}
	fv, err := rv.FieldByIndexErr(f.index)
	if err != nil {
		return reflect.Value{}, vinegar.New("AttributeError", err.Error())
	}
	return fv, nil
}

// GetAttr serves HANDLE_GETATTR: methods come back as bound methods (by
// reference), fields as their values.
func (p *Policy) GetAttr(ctx context.Context, obj any, name string) (any, error) {
	if n, ok := AsRemote(obj); ok {
		return n.GetAttr(ctx, name) // a netref of another connection, chained
	}
	name, r, err := p.lookup(ctx, obj, name)
	if err != nil {
		return nil, err
	}
	if r.callable() {
		m := &boundMethod{self: obj, name: name, call: r.callFunc()}
		if r.method != nil {
			m.doc = r.method.doc
		}
		return m, nil
	}
	return r.value, nil
}

// lookup applies the exposure policy to a requested name and resolves it.
func (p *Policy) lookup(ctx context.Context, obj any, name string) (string, resolved, error) {
	name, err := p.CheckName(name, AccessGet)
	if err != nil {
		return name, resolved{}, err
	}
	r, err := p.resolve(ctx, obj, name)
	return name, r, err
}

// CallAttr serves HANDLE_CALLATTR: obj.name(*args, **kwargs) without
// making a bound method object.
func (p *Policy) CallAttr(ctx context.Context, obj any, name string, args brine.Tuple, kw Kwargs) (any, error) {
	_, r, err := p.lookup(ctx, obj, name)
	if err != nil {
		return nil, err
	}
	if r.callable() {
		v, err := r.invoke(ctx, args, kw)
		return ownedResult(obj, v), err
	}
	return p.Call(ctx, r.value, args, kw)
}

// Call serves HANDLE_CALL on a local callable.
func (p *Policy) Call(ctx context.Context, obj any, args brine.Tuple, kw Kwargs) (any, error) {
	if x, ok := AsRemote(obj); ok {
		return x.Call(ctx, append([]any(args), kw)...)
	}
	switch x := obj.(type) {
	case Object:
		return x.RPyCCall(ctx, args, kw)
	case *boundMethod:
		v, err := x.call(ctx, args, kw)
		return ownedResult(x.self, v), err
	case *Root:
		return p.Call(ctx, x.value, args, kw)
	case *Class:
		return p.newInstance(ctx, x, args, kw)
	}
	rv := reflect.ValueOf(obj)
	if rv.Kind() == reflect.Func && !rv.IsNil() {
		sig, err := funcSignature(rv.Type())
		if err != nil {
			return nil, err
		}
		return sig.call(reflect.ValueOf(ctx), rv, args, kw)
	}
	if obj != nil {
		if m := infoOf(rv.Type()).methods["__call__"]; m != nil {
			return m.sig.call(reflect.ValueOf(ctx), rv.Method(m.index), args, kw)
		}
	}
	return nil, typeError("'%s' object is not callable", ShortTypeName(obj))
}

var funcSigs = newSigCache()

func funcSignature(t reflect.Type) (*signature, error) {
	return funcSigs.get(t)
}

// SetAttr serves HANDLE_SETATTR: only fields marked `rpyc:"name,rw"` (or
// any exported field under AllowPublicAttrs) can be set, and only when
// AllowSetattr.
func (p *Policy) SetAttr(ctx context.Context, obj any, name string, value any) error {
	if n, ok := AsRemote(obj); ok {
		return n.SetAttr(ctx, name, value)
	}
	name, err := p.CheckName(name, AccessSet)
	if err != nil {
		return err
	}
	return p.setField(ctx, obj, name, value)
}

// setField sets an attribute of a local value; the policy was checked.
func (p *Policy) setField(ctx context.Context, obj any, name string, value any) error {
	if r, ok := obj.(*Root); ok {
		obj = r.value
	}
	if o, ok := obj.(Object); ok {
		return o.RPyCSetattr(ctx, name, value)
	}
	if r, ok := obj.(*restricted); ok {
		if !r.write[name] {
			return vinegar.New("AttributeError", fmt.Sprintf("cannot set attribute '%s'", name))
		}
		obj = r.obj
	}
	rv := reflect.ValueOf(obj)
	var f *fieldInfo
	if obj != nil {
		f = infoOf(rv.Type()).fields[name]
	}
	if s, ok := obj.(AttrSetter); ok && f == nil {
		return hookError(obj, name, s.RPyCSetattr(ctx, name, value))
	}
	if obj == nil || rv.Kind() != reflect.Pointer {
		return noAttribute(obj, name)
	}
	if f == nil || !(f.writable || p.AllowPublicAttrs) {
		return vinegar.New("AttributeError", fmt.Sprintf("cannot set attribute '%s'", name))
	}
	fv, err := fieldValue(rv, f)
	if err != nil {
		return err
	}
	if isSlicePointer(fv) {
		return setSliceField(fv, name, value)
	}
	nv, err := ConvertTo(value, fv.Type())
	if err != nil {
		return typeError("attribute '%s': %s", name, pythonMessage(err))
	}
	fv.Set(nv)
	return nil
}

// DelAttr serves HANDLE_DELATTR. Go values have no deletable attributes.
func (p *Policy) DelAttr(ctx context.Context, obj any, name string) error {
	if n, ok := AsRemote(obj); ok {
		return n.DelAttr(ctx, name)
	}
	name, err := p.CheckName(name, AccessDel)
	if err != nil {
		return err
	}
	return p.delAttr(ctx, obj, name)
}

// delAttr deletes an attribute of a local value; the policy was checked.
// Go values have no deletable attributes of their own: only an Object
// or an AttrDeleter may let one go.
func (p *Policy) delAttr(ctx context.Context, obj any, name string) error {
	obj = Unroot(obj)
	switch o := obj.(type) {
	case Object:
		return o.RPyCDelattr(ctx, name)
	case AttrDeleter:
		return hookError(obj, name, o.RPyCDelattr(ctx, name))
	}
	return vinegar.New("AttributeError", fmt.Sprintf("cannot delete attribute '%s'", name))
}

// Dir serves HANDLE_DIR: what the peer may reach on obj.
func (p *Policy) Dir(ctx context.Context, obj any) brine.Tuple {
	seen := map[string]bool{}
	var names []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if r, ok := obj.(*Root); ok {
		add("get_service_aliases")
		add("get_service_name")
		obj = r.value
	}
	if r, ok := obj.(*restricted); ok {
		return r.names()
	}
	if o, ok := obj.(Object); ok {
		names, _ := o.RPyCDir(ctx)
		out := make(brine.Tuple, len(names))
		for i, n := range names {
			out[i] = n
		}
		return out
	}
	p.protocolDir(obj, add)
	if c, ok := obj.(*Class); ok {
		for _, n := range c.names() {
			add(n)
		}
		return sortedTuple(names)
	}
	if l, ok := obj.(AttrLister); ok {
		if more, err := l.RPyCDir(ctx); err == nil {
			for _, n := range more {
				if _, err := p.CheckName(n, AccessGet); err == nil {
					add(n)
				}
			}
		}
	}
	if k := classOf(obj); k != nil {
		for n := range k.methods {
			add(n)
		}
	}
	if _, ok := obj.(io.Closer); ok {
		add("__enter__")
		add("__exit__")
	}
	if obj != nil {
		ti := infoOf(reflect.TypeOf(obj))
		for _, n := range ti.names {
			add(n)
		}
		if p.AllowPublicAttrs {
			for n := range ti.fields {
				add(n)
			}
		}
	}
	return sortedTuple(names)
}

func sortedTuple(names []string) brine.Tuple {
	sort.Strings(names)
	out := make(brine.Tuple, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

// Inspect serves HANDLE_INSPECT: the methods a Python client should give
// its netref class, as (name, doc) pairs. Only the names of dunders
// matter to the client (they become CALLATTR methods).
func (p *Policy) Inspect(ctx context.Context, obj any) brine.Tuple {
	var out brine.Tuple
	if o, ok := obj.(Object); ok {
		names, _ := o.RPyCMethods(ctx)
		for _, n := range names {
			out = append(out, brine.Tuple{n, nil})
		}
		return out
	}
	seen := map[string]bool{}
	for _, n := range p.Dir(ctx, obj) {
		name := n.(string)
		if r, err := p.resolve(ctx, obj, name); err == nil && r.callable() {
			seen[name] = true
			out = append(out, brine.Tuple{name, nil})
		}
	}
	// As Python's INSPECT lists what the class defines, whether or not
	// the policy lets the peer call it: object's methods (so a client's
	// format(x, spec) reaches __format__), and a class's __call__.
	more := protocolCallables
	if _, ok := Unroot(obj).(*Class); ok {
		more = append([]string{"__call__"}, more...)
	}
	for _, name := range more {
		if !seen[name] {
			out = append(out, brine.Tuple{name, nil})
		}
	}
	return out
}

// CtxExit serves HANDLE_CTXEXIT, the end of a with block: __exit__ when
// the object has one, else Close for io.Closer values. The result says
// whether to suppress exc.
func (p *Policy) CtxExit(ctx context.Context, obj, exc any) (any, error) {
	if r, err := p.resolve(ctx, obj, "__exit__"); err == nil && r.callable() {
		return r.invoke(ctx, brine.Tuple{exc, nil, nil}, nil)
	}
	if cl, ok := Unroot(obj).(interface{ Close() error }); ok {
		return false, cl.Close()
	}
	return nil, vinegar.New("AttributeError", "__exit__")
}

// IsCallable reports whether a local value is callable by the peer: a
// bound method, a Go func, an Object, or a value whose type has a method
// exposed as __call__.
func IsCallable(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case *boundMethod:
		return true
	case Object:
		_, err := x.RPyCGetattr(context.Background(), "__call__")
		return err == nil
	case *Root:
		return IsCallable(x.value)
	case *Class:
		return true
	}
	if _, ok := AsRemote(v); ok {
		return false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Func {
		return !rv.IsNil()
	}
	return infoOf(rv.Type()).methods["__call__"] != nil
}
