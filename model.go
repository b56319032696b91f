package rpyc

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

// The object model: how a local Go value answers the peer's requests, the
// Python data model over Go types. A value's behaviour comes from, in this
// order: its native kind (a slice is a list, a map a dict, an iterator, a
// file, a func), then the methods and marked fields of its Go type
// (typeinfo.go). Every name goes through the exposure policy first.

// nativeMethod is a method a kind provides (list.append, dict.keys, the
// dunders). self is the object, as a reflect.Value.
type nativeMethod func(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error)

// kindSpec is the Python face of one family of Go values.
type kindSpec struct {
	pyName  string
	methods map[string]nativeMethod
}

// boundMethod is what GETATTR returns for a method: a callable the peer
// holds by reference (Python's 'builtins.method').
type boundMethod struct {
	self any
	name string
	call func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error)
	doc  string // its __doc__: the Python signature of a Go method
}

func (m *boundMethod) String() string {
	return fmt.Sprintf("<bound method %s of %s>", m.name, defaultRepr(m.self))
}

// attrAccess says which permission an attribute operation needs.
type attrAccess int

const (
	accessGet attrAccess = iota
	accessSet
	accessDel
)

// checkName applies the exposure policy (Python's _check_attr) and returns
// the name to look up: the exposed prefix stripped, private names refused.
func (c *Conn) checkName(name string, access attrAccess) (string, error) {
	cfg := c.cfg
	allowed := !cfg.DenyGetattr
	switch access {
	case accessSet:
		allowed = cfg.AllowSetattr
	case accessDel:
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
	if cfg.DenyExposedAttrs && !cfg.AllowPublicAttrs && !cfg.AllowAllAttrs {
		return "", cannotAccess(name)
	}
	return name, nil
}

func cannotAccess(name string) error {
	return vinegar.New("AttributeError", fmt.Sprintf("cannot access '%s'", name))
}

func noAttribute(obj any, name string) error {
	return vinegar.New("AttributeError", fmt.Sprintf("'%s' object has no attribute '%s'", shortTypeName(obj), name))
}

func shortTypeName(obj any) string {
	n := pyTypeName(obj)
	if i := strings.LastIndexByte(n, '.'); i >= 0 {
		return n[i+1:]
	}
	return n
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

// resolve finds an exposed attribute of obj. name has passed checkName.
func (c *Conn) resolve(obj any, name string) (resolved, error) {
	switch x := obj.(type) {
	case *rootObject:
		if r, ok := x.special(c, name); ok {
			return r, nil
		}
		return c.resolve(x.value, name)
	case *Netref:
		// A reference to a third party's object, chained through us.
		return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
			return x.CallMethod(ctx, name, append([]any(args), kw)...)
		}}, nil
	case *boundMethod:
		if name == "__call__" {
			return resolved{call: x.call}, nil
		}
		if name == "__doc__" {
			if x.doc == "" {
				return resolved{value: nil}, nil
			}
			return resolved{value: x.doc}, nil
		}
	case *restricted:
		if !x.read[name] {
			return resolved{}, noAttribute(x.obj, name)
		}
		return c.resolve(x.obj, name)
	}
	rv := reflect.ValueOf(obj)
	if k := kindFor(obj); k != nil {
		if m := k.methods[name]; m != nil {
			return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
				return m(c, ctx, rv, args, kw)
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
	if f := ti.fields[name]; f != nil && (f.marked || c.cfg.AllowPublicAttrs || c.cfg.AllowAllAttrs) {
		fv, err := fieldValue(rv, f)
		if err != nil {
			return resolved{}, err
		}
		return resolved{value: fv.Interface()}, nil
	}
	if cl, ok := obj.(io.Closer); ok && (name == "__enter__" || name == "__exit__") {
		// Anything closable works in a with block: enter returns the
		// object, exit closes it and lets the exception through.
		return resolved{call: func(context.Context, brine.Tuple, Kwargs) (any, error) {
			if name == "__enter__" {
				return obj, nil
			}
			return false, cl.Close()
		}}, nil
	}
	if name == "__call__" && rv.Kind() == reflect.Func {
		return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
			return c.call(ctx, obj, args, kw)
		}}, nil
	}
	return resolved{}, noAttribute(obj, name)
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

// getattr serves HANDLE_GETATTR: methods come back as bound methods (by
// reference), fields as their values.
func (c *Conn) getattr(ctx context.Context, obj any, name string) (any, error) {
	if n, ok := obj.(*Netref); ok {
		return n.GetAttr(ctx, name) // a netref of another connection, chained
	}
	name, r, err := c.lookup(obj, name)
	if err != nil {
		return nil, err
	}
	if r.callable() {
		m := &boundMethod{self: obj, name: name, call: r.callFunc()}
		if r.method != nil {
			m.doc = r.method.sig.text()
		}
		return m, nil
	}
	return r.value, nil
}

// lookup applies the exposure policy to a requested name and resolves it.
func (c *Conn) lookup(obj any, name string) (string, resolved, error) {
	name, err := c.checkName(name, accessGet)
	if err != nil {
		return name, resolved{}, err
	}
	r, err := c.resolve(obj, name)
	return name, r, err
}

// callattr serves HANDLE_CALLATTR: obj.name(*args, **kwargs) without
// making a bound method object.
func (c *Conn) callattr(ctx context.Context, obj any, name string, args brine.Tuple, kw Kwargs) (any, error) {
	_, r, err := c.lookup(obj, name)
	if err != nil {
		return nil, err
	}
	if r.callable() {
		v, err := r.invoke(ctx, args, kw)
		return ownedResult(obj, v), err
	}
	return c.call(ctx, r.value, args, kw)
}

// call serves HANDLE_CALL on a local callable.
func (c *Conn) call(ctx context.Context, obj any, args brine.Tuple, kw Kwargs) (any, error) {
	switch x := obj.(type) {
	case *boundMethod:
		v, err := x.call(ctx, args, kw)
		return ownedResult(x.self, v), err
	case *Netref:
		return x.Call(ctx, append([]any(args), kw)...)
	case *rootObject:
		return c.call(ctx, x.value, args, kw)
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
	return nil, typeError("'%s' object is not callable", shortTypeName(obj))
}

var funcSigs = newSigCache()

func funcSignature(t reflect.Type) (*signature, error) {
	return funcSigs.get(t)
}

// setattr serves HANDLE_SETATTR: only fields marked `rpyc:"name,rw"` (or
// any exported field under AllowPublicAttrs) can be set, and only when
// AllowSetattr.
func (c *Conn) setattr(ctx context.Context, obj any, name string, value any) error {
	if n, ok := obj.(*Netref); ok {
		return n.SetAttr(ctx, name, value)
	}
	name, err := c.checkName(name, accessSet)
	if err != nil {
		return err
	}
	if r, ok := obj.(*rootObject); ok {
		obj = r.value
	}
	if r, ok := obj.(*restricted); ok {
		if !r.write[name] {
			return vinegar.New("AttributeError", fmt.Sprintf("cannot set attribute '%s'", name))
		}
		obj = r.obj
	}
	rv := reflect.ValueOf(obj)
	if obj == nil || rv.Kind() != reflect.Pointer {
		return noAttribute(obj, name)
	}
	f := infoOf(rv.Type()).fields[name]
	if f == nil || !(f.writable || c.cfg.AllowPublicAttrs || c.cfg.AllowAllAttrs) {
		return vinegar.New("AttributeError", fmt.Sprintf("cannot set attribute '%s'", name))
	}
	fv, err := fieldValue(rv, f)
	if err != nil {
		return err
	}
	if isSlicePointer(fv) {
		return setSliceField(fv, name, value)
	}
	nv, err := convertTo(value, fv.Type())
	if err != nil {
		return typeError("attribute '%s': %v", name, err)
	}
	fv.Set(nv)
	return nil
}

// delattr serves HANDLE_DELATTR. Go values have no deletable attributes.
func (c *Conn) delattr(ctx context.Context, obj any, name string) error {
	if n, ok := obj.(*Netref); ok {
		return n.DelAttr(ctx, name)
	}
	name, err := c.checkName(name, accessDel)
	if err != nil {
		return err
	}
	return vinegar.New("AttributeError", fmt.Sprintf("cannot delete attribute '%s'", name))
}

// dir lists what the peer may reach on obj.
func (c *Conn) dir(obj any) brine.Tuple {
	seen := map[string]bool{}
	var names []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if r, ok := obj.(*rootObject); ok {
		add("get_service_aliases")
		add("get_service_name")
		obj = r.value
	}
	if r, ok := obj.(*restricted); ok {
		return r.names()
	}
	if k := kindFor(obj); k != nil {
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
		if c.cfg.AllowPublicAttrs || c.cfg.AllowAllAttrs {
			for n := range ti.fields {
				add(n)
			}
		}
	}
	sort.Strings(names)
	out := make(brine.Tuple, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

// inspect serves HANDLE_INSPECT: the methods a Python client should give
// its netref class, as (name, doc) pairs. Only the names of dunders
// matter to the client (they become CALLATTR methods).
func (c *Conn) inspect(obj any) brine.Tuple {
	var out brine.Tuple
	for _, n := range c.dir(obj) {
		name := n.(string)
		if r, err := c.resolve(obj, name); err == nil && r.callable() {
			out = append(out, brine.Tuple{name, nil})
		}
	}
	return out
}
