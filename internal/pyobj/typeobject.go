package pyobj

// Go types as Python classes.
//
// Go has no class objects, but a peer wants one where Python code
// reaches for a class: isinstance(x, cls), cls(...) to build an
// instance, cls.__name__, cls.__doc__, and x.__class__. A *Class is a Go
// type seen that way. It travels as Python sends a class (an id_pack
// whose instance id is 0, and whose class id is the one the engine gives
// the type's instances), so a Python client decides isinstance(x, cls)
// for the type's own instances by itself, as it does for Python classes,
// and asks HANDLE_INSTANCECHECK otherwise (an interface type's class,
// whose instances are of other types).
//
// The class of a struct type T is also the class of *T: the values a
// service serves are usually pointers, and a method taking either
// accepts the other (convert_struct.go). A class the program exposes
// (ClassOf) may be called: a struct's builds a *T from the call's
// arguments, positional ones filling the fields a dict converted to T
// may set, in declaration order, keywords any of them by name. An
// interface type's class has no instances of its own to build; another
// type's class converts its one argument (a list for []T, ...) or makes
// a zero value.

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rpyc-go/rpyc/brine"
)

// Class is rpyc.Class, which documents it: a Go type as a Python class.
type Class struct {
	t    reflect.Type // the type; a struct's, never a pointer to one
	name string       // "module.Name": the class's id_pack name, its instances' too
	// exposed is set once the program asks for the class (ClassOf): only
	// then may the peer call it to build instances. A class reached only
	// as some value's __class__ answers isinstance but builds nothing, so
	// opening __class__ to a peer does not let it make values of every
	// type it holds (a Job with a command of its choosing, say).
	exposed atomic.Bool
}

// classes holds one *Class per type: the engine exports a class under
// its instances' class id, which must name one class.
var classes sync.Map // reflect.Type -> *Class

// ClassOf is rpyc.ClassOf: the class of Go type t, the same *Class for
// every call with the same type (and for T and *T when T is a struct),
// which the peer may call.
func ClassOf(t reflect.Type) *Class {
	c := classOfType(classType(t))
	c.exposed.Store(true)
	return c
}

// classType is the type a class stands for: a struct's for a pointer to
// one.
func classType(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t != bigIntType {
		return t.Elem()
	}
	return t
}

// classOfType is the one *Class of t (a type classType returned).
func classOfType(t reflect.Type) *Class {
	if c, ok := classes.Load(t); ok {
		return c.(*Class)
	}
	c, _ := classes.LoadOrStore(t, &Class{t: t, name: instanceName(t)})
	return c.(*Class)
}

// instanceName is the name_pack of t's instances, as TypeName names them
// (RPyCTypeName included): a struct's of a new *T, as served.
func instanceName(t reflect.Type) (name string) {
	name = goTypeName(t)
	var zero any
	switch t.Kind() {
	case reflect.Interface:
		return name
	case reflect.Struct:
		zero = reflect.New(t).Interface()
	case reflect.Pointer:
		zero = reflect.New(t.Elem()).Interface()
	default:
		zero = reflect.Zero(t).Interface()
	}
	defer func() {
		if recover() != nil {
			name = goTypeName(t) // an RPyCTypeName that needs a real receiver
		}
	}()
	return TypeName(zero)
}

// classFor is obj.__class__ for a value of a Go type of the program's
// own (a struct, a named type with methods): ok is false for the values
// the model gives a Python class of its own (lists, dicts, files,
// iterators, funcs, bound methods, classes), whose __class__ a Python
// client knows without asking.
func classFor(obj any) (*Class, bool) {
	obj = Unroot(obj)
	switch obj.(type) {
	case nil, *boundMethod, *goIterator, *restricted, *Class, Object:
		return nil, false
	}
	if classOf(obj) != nil || reflect.TypeOf(obj).Kind() == reflect.Func {
		return nil, false
	}
	return classOfType(classType(reflect.TypeOf(obj))), true
}

// Type is the Go type the class stands for (the struct type, for the
// class of a struct pointer).
func (c *Class) Type() reflect.Type { return c.t }

// Name is the class's "module.Name", the name its instances carry too.
func (c *Class) Name() string { return c.name }

// RPyCTypeName is the class's name_pack.
func (c *Class) RPyCTypeName() string { return c.name }

// String is the class's repr, as Python prints a class.
func (c *Class) String() string { return fmt.Sprintf("<class '%s'>", c.name) }

// shortName is __name__: the name without its module.
func (c *Class) shortName() string { return c.name[strings.LastIndexByte(c.name, '.')+1:] }

// module is __module__.
func (c *Class) module() string {
	if i := strings.LastIndexByte(c.name, '.'); i >= 0 {
		return c.name[:i]
	}
	return "builtins"
}

// instanceType is the type whose class id the class shares in the
// engine's table: *T for a struct T (its instances are served as
// pointers), the type itself otherwise.
func (c *Class) instanceType() reflect.Type {
	if c.t.Kind() == reflect.Struct {
		return reflect.PointerTo(c.t)
	}
	return c.t
}

// ClassIDType reports whether obj is a class, and the Go type whose
// instances share its class id (the engine exports a class under the
// id_pack (name, class id of that type, 0), as Python does).
func ClassIDType(obj any) (reflect.Type, bool) {
	c, ok := obj.(*Class)
	if !ok {
		return nil, false
	}
	return c.instanceType(), true
}

// IsInstance is isinstance(obj, c): obj's type is the class's type (or a
// pointer to its struct), or implements it when it is an interface.
func (c *Class) IsInstance(obj any) bool {
	obj = Unroot(obj)
	if obj == nil {
		return false
	}
	if _, remote := AsRemote(obj); remote {
		return false
	}
	if !c.IsInstanceType(reflect.TypeOf(obj)) {
		return false
	}
	return c.t.Kind() == reflect.Interface || TypeName(obj) == c.name
}

// IsInstanceType reports whether values of Go type t are instances of
// the class, for an object the engine no longer holds but knows the type
// of (by its class id).
func (c *Class) IsInstanceType(t reflect.Type) bool {
	if t == nil {
		return false
	}
	if c.t.Kind() == reflect.Interface {
		return t.Implements(c.t)
	}
	return t == c.t || (c.t.Kind() == reflect.Struct && t == reflect.PointerTo(c.t))
}

// IsInstance serves HANDLE_INSTANCECHECK: whether obj is an instance of
// cls, which must be a class.
func IsInstance(obj, cls any) (bool, error) {
	c, ok := Unroot(cls).(*Class)
	if !ok {
		return false, typeError("isinstance() arg 2 must be a type, a tuple of types, or a union")
	}
	return c.IsInstance(obj), nil
}

// IsInstanceType is IsInstance for an object known only by its Go type.
func IsInstanceType(t reflect.Type, cls any) (bool, error) {
	c, ok := Unroot(cls).(*Class)
	if !ok {
		return false, typeError("isinstance() arg 2 must be a type, a tuple of types, or a union")
	}
	return c.IsInstanceType(t), nil
}

// classAttr is getattr(cls, name): the call that builds an instance,
// __name__, __module__, __doc__, isinstance's hook, and the methods of
// the type as plain functions taking the instance first (cls.m(obj)).
func (p *Policy) classAttr(c *Class, name string) (resolved, bool) {
	switch name {
	case "__call__":
		return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
			return p.newInstance(ctx, c, args, kw)
		}}, true
	case "__name__", "__qualname__":
		return resolved{value: c.shortName()}, true
	case "__module__":
		return resolved{value: c.module()}, true
	case "__doc__":
		return resolved{value: docValue(infoOf(c.instanceType()).doc)}, true
	case "__instancecheck__":
		return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
			if err := checkArgs("__instancecheck__", args, kw, 1, 1); err != nil {
				return nil, err
			}
			return c.IsInstance(args[0]), nil
		}}, true
	}
	if c.t.Kind() == reflect.Interface {
		return resolved{}, false
	}
	m := infoOf(c.instanceType()).methods[name]
	if m == nil {
		return resolved{}, false
	}
	return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
		if len(args) == 0 {
			return nil, typeError("%s.%s() needs an instance of %s as its first argument", c.shortName(), name, c.shortName())
		}
		recv, err := ConvertTo(args[0], c.instanceType())
		if err != nil || (recv.Kind() == reflect.Pointer && recv.IsNil()) {
			return nil, typeError("%s.%s() needs an instance of %s as its first argument, not %s", c.shortName(), name, c.shortName(), gotDesc(args[0]))
		}
		return m.sig.callMethod(ctx, recv, m.fn, args[1:], kw)
	}}, true
}

// classNames are what dir(cls) lists: the type's methods.
func (c *Class) names() []string {
	if c.t.Kind() == reflect.Interface {
		return nil
	}
	ti := infoOf(c.instanceType())
	out := make([]string, 0, len(ti.methods))
	for _, n := range ti.names {
		if ti.methods[n] != nil {
			out = append(out, n)
		}
	}
	return out
}

// newInstance is cls(*args, **kw).
func (p *Policy) newInstance(ctx context.Context, c *Class, args brine.Tuple, kw Kwargs) (any, error) {
	name := c.shortName()
	switch {
	case c.t.Kind() == reflect.Interface:
		return nil, typeError("cannot create '%s' instances: it is a Go interface", name)
	case !c.exposed.Load():
		return nil, typeError("cannot create '%s' instances: the service does not expose its class (rpyc.ClassOf)", name)
	}
	switch c.t.Kind() {
	case reflect.Struct:
		return p.newStruct(c, args, kw)
	}
	if len(kw) > 0 {
		return nil, typeError("%s() takes no keyword arguments", name)
	}
	if len(args) > 1 {
		return nil, typeError("%s() takes at most 1 argument (%d given)", name, len(args))
	}
	v := reflect.New(c.t).Elem()
	if len(args) == 1 {
		cv, err := ConvertTo(args[0], c.t)
		if err != nil {
			return nil, typeError("%s() argument: %s", name, pythonMessage(err))
		}
		v.Set(cv)
	}
	switch c.t.Kind() {
	case reflect.Slice, reflect.Map:
		// A list or dict the peer may grow: behind a pointer (list.go).
		ptr := reflect.New(c.t)
		ptr.Elem().Set(v)
		if c.t.Kind() == reflect.Map && v.IsNil() {
			ptr.Elem().Set(reflect.MakeMap(c.t))
		}
		return ptr.Interface(), nil
	}
	return v.Interface(), nil
}

// newStruct builds a *T for a struct class: positional arguments fill the
// settable fields (those a dict may set: convert_struct.go) in order,
// keywords any of them by name.
func (p *Policy) newStruct(c *Class, args brine.Tuple, kw Kwargs) (any, error) {
	name := c.shortName()
	pos := structFields(c.t).settableFields(p.AllowPublicAttrs)
	byName := make(map[string]*fieldInfo, len(pos))
	for _, f := range pos {
		byName[f.pyName] = f
	}
	if len(args) > len(pos) {
		return nil, typeError("%s() takes %d positional argument%s but %d were given", name, len(pos), plural(len(pos)), len(args))
	}
	out := reflect.New(c.t)
	given := map[string]bool{}
	set := func(f *fieldInfo, v any) error {
		fv := settableField(out.Elem(), f.index)
		cv, err := ConvertTo(v, fv.Type())
		if err != nil {
			return typeError("%s() argument '%s': %s", name, f.pyName, pythonMessage(err))
		}
		fv.Set(cv)
		given[f.pyName] = true
		return nil
	}
	for i, v := range args {
		if err := set(pos[i], v); err != nil {
			return nil, err
		}
	}
	for _, k := range sortedKeys(keysOf(kw)) {
		f := byName[k]
		switch {
		case f == nil:
			return nil, typeError("%s() got an unexpected keyword argument '%s'", name, k)
		case given[k]:
			return nil, typeError("%s() got multiple values for argument '%s'", name, k)
		}
		if err := set(f, kw[k]); err != nil {
			return nil, err
		}
	}
	return out.Interface(), nil
}

func keysOf(kw Kwargs) map[string]bool {
	m := make(map[string]bool, len(kw))
	for k := range kw {
		m[k] = true
	}
	return m
}
