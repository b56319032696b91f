package python

import (
	"sort"
	"strings"
	"unsafe"
)

func unsafeStringData(s string) *byte { return unsafe.StringData(s) }

// Attributes: Python's lookup rules (data descriptors, instance dict,
// class attributes bound as methods, __getattr__), for instances,
// classes, modules, functions and the builtin types; the Host for
// foreign values.

// bind applies the descriptor protocol to a class attribute found for
// obj (nil obj: looked up on the class itself).
func bind(th *Thread, attr Value, obj Value, cls *Class) (Value, error) {
	switch a := attr.(type) {
	case *Function:
		if obj == nil {
			return a, nil
		}
		return &Method{self: obj, fn: a}, nil
	case *Builtin:
		if obj == nil {
			return a, nil
		}
		return &Method{self: obj, fn: a}, nil
	case *StaticMethod:
		return a.fn, nil
	case *ClassMethod:
		return &Method{self: cls, fn: a.fn}, nil
	case *Property:
		if obj == nil {
			return a, nil
		}
		if a.get == nil {
			return nil, th.newError(ErrAttributeError, "property has no getter")
		}
		return call(th, a.get, []Value{obj}, nil)
	case *Instance:
		if g, ok := a.class.lookup("__get__"); ok {
			var o Value = obj
			return callBound(th, g, a, []Value{o, cls})
		}
	}
	return attr, nil
}

func isDataDescriptor(v Value) bool {
	switch a := v.(type) {
	case *Property:
		return true
	case *Instance:
		_, ok := a.class.lookup("__set__")
		return ok
	}
	return false
}

func (th *Thread) noAttr(obj Value, name string) error {
	var msg string
	switch x := obj.(type) {
	case *Class:
		msg = "type object '" + x.name + "' has no attribute '" + name + "'"
	case *Module:
		msg = "module '" + x.name + "' has no attribute '" + name + "'"
	default:
		msg = "'" + typeName(obj) + "' object has no attribute '" + name + "'"
	}
	e := newExc(ErrAttributeError, msg)
	e.attrs().SetStr("name", name)
	e.dict.SetStr("obj", obj)
	return th.raise(e)
}

// getAttr is getattr(obj, name).
func getAttr(th *Thread, obj Value, name string) (Value, error) {
	switch o := obj.(type) {
	case *Instance:
		return instanceGetAttr(th, o, name)
	case *Class:
		return classGetAttr(th, o, name)
	case *Module:
		if v, ok := o.dict.GetStr(name); ok {
			return v, nil
		}
		if name == "__dict__" {
			return o.dict, nil
		}
		return nil, th.noAttr(obj, name)
	case *Function:
		return functionAttr(th, o, name)
	case *Method:
		switch name {
		case "__self__":
			return o.self, nil
		case "__func__":
			return o.fn, nil
		case "__class__":
			return ClassMethodType, nil
		}
		return getAttr(th, o.fn, name)
	case *Super:
		return superGetAttr(th, o, name)
	}
	if isForeign(obj) {
		if name == "__class__" {
			return typeOf(obj), nil
		}
		return th.hostGetAttr(obj, name)
	}
	cls := typeOf(obj)
	if v, ok := cls.lookup(name); ok {
		return bind(th, v, obj, cls)
	}
	switch name {
	case "__class__":
		return cls, nil
	case "__doc__":
		return nil, nil
	}
	return nil, th.noAttr(obj, name)
}

func instanceGetAttr(th *Thread, o *Instance, name string) (Value, error) {
	cls := o.class
	attr, found := cls.lookup(name)
	if found && isDataDescriptor(attr) {
		return bind(th, attr, o, cls)
	}
	if o.dict != nil {
		if v, ok := o.dict.GetStr(name); ok {
			return v, nil
		}
	}
	if found {
		return bind(th, attr, o, cls)
	}
	switch name {
	case "__class__":
		return cls, nil
	case "__dict__":
		return o.attrs(), nil
	case "__doc__", "__module__":
		return classGetAttr(th, cls, name)
	}
	if ga, ok := cls.lookup("__getattr__"); ok {
		return callBound(th, ga, o, []Value{name})
	}
	return nil, th.noAttr(o, name)
}

func classGetAttr(th *Thread, c *Class, name string) (Value, error) {
	switch name {
	case "__name__":
		return c.name, nil
	case "__qualname__":
		return c.qualname, nil
	case "__module__":
		if v, ok := c.dict.GetStr("__module__"); ok {
			return v, nil
		}
		return c.module, nil
	case "__bases__":
		out := make(Tuple, len(c.bases))
		for i, b := range c.bases {
			out[i] = b
		}
		return out, nil
	case "__base__":
		if len(c.bases) == 0 {
			return nil, nil
		}
		return c.bases[0], nil
	case "__mro__":
		out := make(Tuple, len(c.mro))
		for i, b := range c.mro {
			out[i] = b
		}
		return out, nil
	case "__dict__":
		return c.dict, nil
	case "__class__":
		return ClassType, nil
	case "__doc__":
		if v, ok := c.dict.GetStr("__doc__"); ok {
			return v, nil
		}
		return nil, nil
	}
	if v, ok := c.lookup(name); ok {
		return bind(th, v, nil, c)
	}
	if v, ok := ClassType.dict.GetStr(name); ok {
		return bind(th, v, c, ClassType)
	}
	return nil, th.noAttr(c, name)
}

func functionAttr(th *Thread, f *Function, name string) (Value, error) {
	switch name {
	case "__name__":
		return f.name, nil
	case "__qualname__":
		return f.qualname, nil
	case "__doc__":
		return f.doc, nil
	case "__module__":
		if m, ok := f.globals.GetStr("__name__"); ok {
			return m, nil
		}
		return "builtins", nil
	case "__defaults__":
		if f.defaults == nil {
			return nil, nil
		}
		return Tuple(append([]Value(nil), f.defaults...)), nil
	case "__kwdefaults__":
		if f.kwdefaults == nil {
			return nil, nil
		}
		d := NewDict()
		for k, v := range f.kwdefaults {
			d.SetStr(k, v)
		}
		return d, nil
	case "__dict__":
		if f.dict == nil {
			f.dict = NewDict()
		}
		return f.dict, nil
	case "__globals__":
		return f.globals, nil
	case "__class__":
		return ClassFunction, nil
	case "__code__":
		return nil, th.newError(ErrAttributeError, "function.__code__ is not available: this server runs Python source, not CPython bytecode")
	}
	if f.dict != nil {
		if v, ok := f.dict.GetStr(name); ok {
			return v, nil
		}
	}
	if v, ok := ClassFunction.lookup(name); ok {
		return bind(th, v, f, ClassFunction)
	}
	return nil, th.noAttr(f, name)
}

func superGetAttr(th *Thread, s *Super, name string) (Value, error) {
	mro := s.objType.mro
	i := 0
	for i < len(mro) && mro[i] != s.cls {
		i++
	}
	for _, k := range mro[min(i+1, len(mro)):] {
		if v, ok := k.dict.GetStr(name); ok {
			if s.obj == Value(s.objType) {
				// super() in a classmethod: bind to the class.
				if cm, ok := v.(*ClassMethod); ok {
					return &Method{self: s.objType, fn: cm.fn}, nil
				}
				return bind(th, v, nil, s.objType)
			}
			return bind(th, v, s.obj, s.objType)
		}
	}
	if name == "__class__" {
		return ClassSuper, nil
	}
	return nil, th.newError(ErrAttributeError, "'super' object has no attribute '"+name+"'")
}

func newSuper(th *Thread, cls *Class, obj Value) (Value, error) {
	var t *Class
	if c, ok := obj.(*Class); ok && c.isSubclass(cls) {
		t = c
	} else {
		t = typeOf(obj)
	}
	if !t.isSubclass(cls) {
		return nil, th.newError(ErrTypeError, "super(type, obj): obj must be an instance or subtype of type")
	}
	return &Super{cls: cls, obj: obj, objType: t}, nil
}

// setAttr is setattr(obj, name, v).
func setAttr(th *Thread, obj Value, name string, v Value) error {
	switch o := obj.(type) {
	case *Instance:
		if attr, ok := o.class.lookup(name); ok {
			switch a := attr.(type) {
			case *Property:
				if a.set == nil {
					return th.newError(ErrAttributeError, "property '"+name+"' of '"+o.class.name+"' object has no setter")
				}
				_, err := call(th, a.set, []Value{o, v}, nil)
				return err
			case *Instance:
				if s, ok := a.class.lookup("__set__"); ok {
					_, err := callBound(th, s, a, []Value{o, v})
					return err
				}
			}
		}
		if sa, ok := o.class.lookup("__setattr__"); ok {
			if _, builtin := sa.(*Builtin); !builtin {
				_, err := callBound(th, sa, o, []Value{name, v})
				return err
			}
		}
		if o.exc != nil && name == "args" {
			items, err := collect(th, v)
			if err != nil {
				return err
			}
			o.exc.args = Tuple(items)
			return nil
		}
		o.attrs().SetStr(name, v)
		return nil
	case *Class:
		if o.builtin {
			return th.typeErrorf("cannot set '%s' attribute of immutable type '%s'", name, o.name)
		}
		switch name {
		case "__name__":
			s, ok := v.(string)
			if !ok {
				return th.typeErrorf("can only assign string to %s.__name__, not '%s'", o.name, typeName(v))
			}
			o.name = s
			return nil
		case "__qualname__":
			if s, ok := v.(string); ok {
				o.qualname = s
			}
		}
		o.dict.SetStr(name, v)
		return nil
	case *Function:
		switch name {
		case "__name__":
			if s, ok := v.(string); ok {
				o.name = s
				return nil
			}
		case "__qualname__":
			if s, ok := v.(string); ok {
				o.qualname = s
				return nil
			}
		case "__doc__":
			o.doc = v
			return nil
		}
		if o.dict == nil {
			o.dict = NewDict()
		}
		o.dict.SetStr(name, v)
		return nil
	case *Module:
		o.dict.SetStr(name, v)
		return nil
	}
	if isForeign(obj) {
		return th.hostSetAttr(obj, name, v)
	}
	if _, ok := typeOf(obj).lookup(name); ok {
		return th.newError(ErrAttributeError, "'"+typeName(obj)+"' object attribute '"+name+"' is read-only")
	}
	return th.noAttr(obj, name)
}

// delAttr is delattr(obj, name).
func delAttr(th *Thread, obj Value, name string) error {
	switch o := obj.(type) {
	case *Instance:
		if attr, ok := o.class.lookup(name); ok {
			if p, ok := attr.(*Property); ok {
				if p.del == nil {
					return th.newError(ErrAttributeError, "property '"+name+"' of '"+o.class.name+"' object has no deleter")
				}
				_, err := call(th, p.del, []Value{o}, nil)
				return err
			}
		}
		if da, ok := o.class.lookup("__delattr__"); ok {
			if _, builtin := da.(*Builtin); !builtin {
				_, err := callBound(th, da, o, []Value{name})
				return err
			}
		}
		if o.dict == nil || !o.dict.DelStr(name) {
			return th.noAttr(o, name)
		}
		return nil
	case *Class:
		if o.builtin {
			return th.typeErrorf("cannot delete '%s' attribute of immutable type '%s'", name, o.name)
		}
		if !o.dict.DelStr(name) {
			return th.noAttr(o, name)
		}
		return nil
	case *Function:
		if o.dict == nil || !o.dict.DelStr(name) {
			return th.noAttr(o, name)
		}
		return nil
	case *Module:
		if !o.dict.DelStr(name) {
			return th.noAttr(o, name)
		}
		return nil
	}
	if isForeign(obj) {
		return th.hostDelAttr(obj, name)
	}
	return th.noAttr(obj, name)
}

// hasAttr is hasattr: AttributeError means no, other errors propagate.
func hasAttr(th *Thread, obj Value, name string) (bool, error) {
	_, err := getAttr(th, obj, name)
	if err == nil {
		return true, nil
	}
	if e, ok := err.(*Instance); ok && e.class.isSubclass(ErrAttributeError) {
		return false, nil
	}
	return false, err
}

// dir lists obj's attribute names, sorted.
func dir(th *Thread, obj Value) ([]string, error) {
	seen := map[string]bool{}
	addDict := func(d *Dict) {
		if d == nil {
			return
		}
		for _, k := range d.Keys() {
			if s, ok := k.(string); ok {
				seen[s] = true
			}
		}
	}
	addClass := func(c *Class) {
		for _, k := range c.mro {
			addDict(k.dict)
		}
	}
	switch o := obj.(type) {
	case *Instance:
		addDict(o.dict)
		addClass(o.class)
		seen["__class__"], seen["__doc__"], seen["__module__"] = true, true, true
		if o.class != ClassObject {
			seen["__dict__"] = true
		}
	case *Class:
		addClass(o)
		for _, n := range []string{"__name__", "__qualname__", "__module__", "__bases__", "__mro__", "__dict__", "__doc__", "__class__"} {
			seen[n] = true
		}
	case *Module:
		addDict(o.dict)
	case *Function:
		addDict(o.dict)
		for _, n := range []string{"__name__", "__qualname__", "__doc__", "__module__", "__defaults__", "__kwdefaults__", "__dict__", "__globals__", "__class__", "__call__"} {
			seen[n] = true
		}
	default:
		if isForeign(obj) {
			names, err := th.hostDir(obj)
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				seen[n] = true
			}
		} else {
			addClass(typeOf(obj))
			seen["__class__"], seen["__doc__"] = true, true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// lookupSpecial finds a dunder method on obj's type, bound to obj (as
// Python looks up special methods: on the type, not the instance).
func lookupSpecial(th *Thread, obj Value, name string) (Value, error) {
	if isForeign(obj) {
		return th.hostGetAttr(obj, name)
	}
	cls := typeOf(obj)
	if v, ok := cls.lookup(name); ok {
		return bind(th, v, obj, cls)
	}
	if strings.HasPrefix(name, "__") {
		return nil, th.typeErrorf("'%s' object does not support the context manager protocol", typeName(obj))
	}
	return nil, th.noAttr(obj, name)
}

// callSpecial calls a dunder method found on obj's type.
func callSpecial(th *Thread, obj Value, name string, args []Value) (Value, error) {
	if isForeign(obj) {
		return th.hostCallMethod(obj, name, args, nil)
	}
	m, err := lookupSpecial(th, obj, name)
	if err != nil {
		return nil, err
	}
	return call(th, m, args, nil)
}
