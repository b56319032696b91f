package python

import (
	"github.com/rpyc-go/rpyc/brine"
)

// object, type, and the descriptor types.

var (
	objectInit *Builtin
	objectNew  Value // object.__new__, a staticmethod
)

func init() {
	objectInit = def(ClassObject, "__init__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return nil, nil
	})
	objectNew = &StaticMethod{fn: newBuiltin("__new__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if len(args) == 0 {
			return nil, th.newError(ErrTypeError, "object.__new__(): not enough arguments")
		}
		cls, ok := args[0].(*Class)
		if !ok {
			return nil, th.typeErrorf("object.__new__(X): X is not a type object (%s)", typeName(args[0]))
		}
		if cls.new != nil {
			return cls.new(th, cls, args[1:], kw)
		}
		inst := newInstance(cls)
		if inst.exc != nil {
			inst.exc.args = Tuple(append([]Value{}, args[1:]...))
		}
		return inst, nil
	})}
	ClassObject.dict.SetStr("__new__", objectNew)
	def(ClassObject, "__repr__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__repr__", args, kw, 1, 1); err != nil {
			return nil, err
		}
		if o, ok := args[0].(*Instance); ok && o.exc == nil {
			return objectRepr(o), nil
		}
		return repr(th, args[0])
	})
	def(ClassObject, "__str__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__str__", args, kw, 1, 1); err != nil {
			return nil, err
		}
		if o, ok := args[0].(*Instance); ok {
			if m, ok := o.class.lookup("__repr__"); ok {
				return callBound(th, m, o, nil)
			}
		}
		return toStr(th, args[0])
	})
	def(ClassObject, "__eq__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__eq__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		if identical(args[0], args[1]) {
			return true, nil
		}
		return NotImplemented, nil
	})
	def(ClassObject, "__ne__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__ne__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		r, err := richCompare(th, cmpEq, args[0], args[1])
		if err != nil {
			return nil, err
		}
		t, err := truth(th, r)
		return !t, err
	})
	def(ClassObject, "__hash__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__hash__", args, kw, 1, 1); err != nil {
			return nil, err
		}
		if o, ok := args[0].(*Instance); ok {
			return int64(ptrHash(o)), nil
		}
		h, err := hashOf(th, args[0])
		return int64(h), err
	})
	def(ClassObject, "__setattr__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__setattr__", args, kw, 3, 3); err != nil {
			return nil, err
		}
		name, err := strArg(th, "__setattr__", args[1])
		if err != nil {
			return nil, err
		}
		if o, ok := args[0].(*Instance); ok {
			if attr, ok := o.class.lookup(name); ok {
				if p, ok := attr.(*Property); ok && p.set != nil {
					_, err := call(th, p.set, []Value{o, args[2]}, nil)
					return nil, err
				}
			}
			o.attrs().SetStr(name, args[2])
			return nil, nil
		}
		return nil, setAttr(th, args[0], name, args[2])
	})
	def(ClassObject, "__delattr__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__delattr__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		name, err := strArg(th, "__delattr__", args[1])
		if err != nil {
			return nil, err
		}
		if o, ok := args[0].(*Instance); ok {
			if o.dict == nil || !o.dict.DelStr(name) {
				return nil, th.noAttr(o, name)
			}
			return nil, nil
		}
		return nil, delAttr(th, args[0], name)
	})
	def(ClassObject, "__getattribute__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__getattribute__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		name, err := strArg(th, "__getattribute__", args[1])
		if err != nil {
			return nil, err
		}
		return getAttr(th, args[0], name)
	})
	def(ClassObject, "__format__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__format__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		spec, err := strArg(th, "__format__", args[1])
		if err != nil {
			return nil, err
		}
		if spec != "" {
			return nil, th.typeErrorf("unsupported format string passed to %s.__format__", typeName(args[0]))
		}
		return toStr(th, args[0])
	})
	def(ClassObject, "__dir__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__dir__", args, kw, 1, 1); err != nil {
			return nil, err
		}
		names, err := dir(th, args[0])
		if err != nil {
			return nil, err
		}
		return strList(names), nil
	})
	def(ClassObject, "__reduce_ex__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return nil, th.typeErrorf("cannot pickle '%s' object", typeName(args[0]))
	})
	ClassObject.dict.SetStr("__init_subclass__", &ClassMethod{fn: newBuiltin("__init_subclass__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return nil, nil
	})})
	ClassObject.dict.SetStr("__doc__", "The base class of the class hierarchy.")

	// type
	ClassType.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		switch len(args) {
		case 1:
			return typeOf(args[0]), nil
		case 3:
			name, err := strArg(th, "type", args[0])
			if err != nil {
				return nil, err
			}
			bases, ok := args[1].(Tuple)
			if !ok {
				return nil, th.typeErrorf("type.__new__() argument 2 must be tuple, not %s", typeName(args[1]))
			}
			d, ok := args[2].(*Dict)
			if !ok {
				return nil, th.typeErrorf("type.__new__() argument 3 must be dict, not %s", typeName(args[2]))
			}
			ns := d.Copy()
			if _, ok := ns.GetStr("__module__"); !ok {
				ns.SetStr("__module__", "builtins")
			}
			return buildClass(th, name, bases, ns, kw)
		}
		return nil, th.newError(ErrTypeError, "type() takes 1 or 3 arguments")
	}
	def(ClassType, "mro", func(th *Thread, args []Value, kw []KV) (Value, error) {
		c, ok := args[0].(*Class)
		if !ok {
			return nil, th.newError(ErrTypeError, "mro() needs a type")
		}
		out := make([]Value, len(c.mro))
		for i, k := range c.mro {
			out[i] = k
		}
		return &List{items: out}, nil
	})
	def(ClassType, "__subclasscheck__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__subclasscheck__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return issubclass(th, args[1], args[0])
	})
	def(ClassType, "__instancecheck__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__instancecheck__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return isinstance(th, args[1], args[0])
	})
	def(ClassType, "__call__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if len(args) == 0 {
			return nil, th.newError(ErrTypeError, "type.__call__ needs a type")
		}
		return call(th, args[0], args[1:], kw)
	})

	// property
	ClassProperty.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "property", args, kw, "fget=", "fset=", "fdel=", "doc=")
		if err != nil {
			return nil, err
		}
		p := &Property{get: argOr(a[0], nil), set: argOr(a[1], nil), del: argOr(a[2], nil), doc: argOr(a[3], nil)}
		if p.doc == nil && p.get != nil {
			if f, ok := p.get.(*Function); ok {
				p.doc = f.doc
			}
		}
		return p, nil
	}
	propCopy := func(name string, set func(p *Property, f Value)) {
		def(ClassProperty, name, func(th *Thread, args []Value, kw []KV) (Value, error) {
			if err := nargs(th, name, args, kw, 2, 2); err != nil {
				return nil, err
			}
			p := *(args[0].(*Property))
			set(&p, args[1])
			return &p, nil
		})
	}
	propCopy("getter", func(p *Property, f Value) { p.get = f })
	propCopy("setter", func(p *Property, f Value) { p.set = f })
	propCopy("deleter", func(p *Property, f Value) { p.del = f })
	defProp(ClassProperty, "fget", func(th *Thread, self Value) (Value, error) { return self.(*Property).get, nil })
	defProp(ClassProperty, "fset", func(th *Thread, self Value) (Value, error) { return self.(*Property).set, nil })
	defProp(ClassProperty, "fdel", func(th *Thread, self Value) (Value, error) { return self.(*Property).del, nil })
	defProp(ClassProperty, "__doc__", func(th *Thread, self Value) (Value, error) { return self.(*Property).doc, nil })
	def(ClassProperty, "__get__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if len(args) < 2 || args[1] == nil {
			return args[0], nil
		}
		return bind(th, args[0], args[1], typeOf(args[1]))
	})

	ClassStaticMethod.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if len(args) != 1 || len(kw) > 0 {
			return nil, th.newError(ErrTypeError, "staticmethod expected 1 argument")
		}
		return &StaticMethod{fn: args[0]}, nil
	}
	defProp(ClassStaticMethod, "__func__", func(th *Thread, self Value) (Value, error) { return self.(*StaticMethod).fn, nil })
	ClassClassMethod.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if len(args) != 1 || len(kw) > 0 {
			return nil, th.newError(ErrTypeError, "classmethod expected 1 argument")
		}
		return &ClassMethod{fn: args[0]}, nil
	}
	defProp(ClassClassMethod, "__func__", func(th *Thread, self Value) (Value, error) { return self.(*ClassMethod).fn, nil })

	ClassSuper.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if len(args) == 0 {
			return nil, th.newError(ErrRuntimeError, "super(): no arguments (write super() directly inside a method)")
		}
		c, ok := args[0].(*Class)
		if !ok {
			return nil, th.typeErrorf("super() argument 1 must be a type, not %s", typeName(args[0]))
		}
		if len(args) == 1 {
			return nil, th.newError(ErrTypeError, "unbound super objects are not supported by this server")
		}
		return newSuper(th, c, args[1])
	}

	def(ClassFunction, "__call__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return call(th, args[0], args[1:], kw)
	})
	def(ClassFunction, "__get__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if len(args) < 2 || args[1] == nil {
			return args[0], nil
		}
		return &Method{self: args[1], fn: args[0]}, nil
	})
	def(ClassBuiltinFunc, "__call__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return call(th, args[0], args[1:], kw)
	})
	defProp(ClassBuiltinFunc, "__name__", func(th *Thread, self Value) (Value, error) {
		return self.(*Builtin).name, nil
	})
	def(ClassMethodType, "__call__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return call(th, args[0], args[1:], kw)
	})
	def(ClassType, "__repr__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return repr(th, args[0])
	})

	ClassNone.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if len(args) > 0 || len(kw) > 0 {
			return nil, th.newError(ErrTypeError, "NoneType takes no arguments")
		}
		return nil, nil
	}
	ClassSlice.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "slice", kw); err != nil {
			return nil, err
		}
		switch len(args) {
		case 1:
			return brine.Slice{Stop: args[0]}, nil
		case 2:
			return brine.Slice{Start: args[0], Stop: args[1]}, nil
		case 3:
			return brine.Slice{Start: args[0], Stop: args[1], Step: args[2]}, nil
		}
		return nil, th.typeErrorf("slice expected at least 1 argument, got %d", len(args))
	}
	defProp(ClassSlice, "start", func(th *Thread, self Value) (Value, error) { return self.(brine.Slice).Start, nil })
	defProp(ClassSlice, "stop", func(th *Thread, self Value) (Value, error) { return self.(brine.Slice).Stop, nil })
	defProp(ClassSlice, "step", func(th *Thread, self Value) (Value, error) { return self.(brine.Slice).Step, nil })
	def(ClassSlice, "indices", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "indices", args, kw, 2, 2); err != nil {
			return nil, err
		}
		n, err := index(th, args[1])
		if err != nil {
			return nil, err
		}
		lo, hi, step, _, err := sliceIndices(th, args[0].(brine.Slice), int(n))
		if err != nil {
			return nil, err
		}
		return Tuple{int64(lo), int64(hi), int64(step)}, nil
	})

	for _, c := range []*Class{ClassModule} {
		c.final = true
	}
	// Builtin types other than object and the exceptions cannot be
	// subclassed by code here.
	for _, c := range []*Class{ClassType, ClassNone, ClassInt, ClassBool, ClassFloat, ClassComplex, ClassStr,
		ClassBytes, ClassByteArray, ClassTuple, ClassList, ClassDict, ClassSet, ClassFrozenSet, ClassRange,
		ClassSlice, ClassFunction, ClassBuiltinFunc, ClassMethodType, ClassProperty, ClassStaticMethod,
		ClassClassMethod, ClassSuper, ClassGenerator, ClassEllipsis, ClassNotImpl, ClassCell,
		ClassDictKeys, ClassDictValues, ClassDictItems} {
		c.final = true
	}
}

// issubclass is issubclass(c, base).
func issubclass(th *Thread, c, base Value) (bool, error) {
	cc, ok := c.(*Class)
	if !ok {
		if vc, isV := asVinegarClass(c); isV {
			cc = vc
		} else {
			return false, th.newError(ErrTypeError, "issubclass() arg 1 must be a class")
		}
	}
	switch b := base.(type) {
	case *Class:
		return cc.isSubclass(b), nil
	case Tuple:
		for _, x := range b {
			ok, err := issubclass(th, cc, x)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	if vb, ok := asVinegarClass(base); ok {
		return cc.isSubclass(vb), nil
	}
	return false, th.newError(ErrTypeError, "issubclass() arg 2 must be a class, a tuple of classes, or a union")
}

func strList(names []string) *List {
	out := make([]Value, len(names))
	for i, n := range names {
		out[i] = n
	}
	return &List{items: out}
}
