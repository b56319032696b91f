package python

// dict, its views, set and frozenset.

func selfDict(th *Thread, fname string, args []Value) (*Dict, error) {
	if len(args) > 0 {
		if d, ok := args[0].(*Dict); ok {
			return d, nil
		}
	}
	return nil, th.typeErrorf("descriptor '%s' for 'dict' objects needs a dict", fname)
}

func dictMethod(name string, params []string, fn func(th *Thread, d *Dict, a []Value) (Value, error)) {
	spec := newArgSpec(params...)
	def(ClassDict, name, func(th *Thread, args []Value, kw []KV) (Value, error) {
		d, err := selfDict(th, name, args)
		if err != nil {
			return nil, err
		}
		a, err := spec.parse(th, name, args[1:], kw)
		if err != nil {
			return nil, err
		}
		return fn(th, d, a)
	})
}

func selfSet(th *Thread, fname string, args []Value) (*Set, error) {
	if len(args) > 0 {
		if s, ok := args[0].(*Set); ok {
			return s, nil
		}
	}
	return nil, th.typeErrorf("descriptor '%s' for 'set' objects needs a set", fname)
}

// setMethod defines a method on set (and, when shared, on frozenset).
func setMethod(name string, shared bool, fn func(th *Thread, s *Set, args []Value) (Value, error)) {
	classes := []*Class{ClassSet}
	if shared {
		classes = append(classes, ClassFrozenSet)
	}
	for _, c := range classes {
		def(c, name, func(th *Thread, args []Value, kw []KV) (Value, error) {
			s, err := selfSet(th, name, args)
			if err != nil {
				return nil, err
			}
			if err := noKw(th, name, kw); err != nil {
				return nil, err
			}
			return fn(th, s, args[1:])
		})
	}
}

func setOf(th *Thread, v Value) (*Set, error) {
	if s, ok := v.(*Set); ok {
		return s, nil
	}
	items, err := collect(th, v)
	if err != nil {
		return nil, err
	}
	s, err := newSetFrom(th, items, true)
	if err != nil {
		return nil, err
	}
	return s.(*Set), nil
}

func init() {
	ClassDict.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		d := NewDict()
		return d, fillDict(th, d, args, kw)
	}
	ClassDict.dict.SetStr("__hash__", nil)
	compareDunders(ClassDict)
	def(ClassDict, "__len__", func(th *Thread, args []Value, kw []KV) (Value, error) { return length(th, args[0]) })
	def(ClassDict, "__getitem__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__getitem__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return getItem(th, args[0], args[1])
	})
	def(ClassDict, "__setitem__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__setitem__", args, kw, 3, 3); err != nil {
			return nil, err
		}
		return nil, setItem(th, args[0], args[1], args[2])
	})
	def(ClassDict, "__delitem__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__delitem__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return nil, delItem(th, args[0], args[1])
	})
	def(ClassDict, "__contains__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__contains__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return contains(th, args[0], args[1])
	})
	def(ClassDict, "__iter__", func(th *Thread, args []Value, kw []KV) (Value, error) { return iterObject(th, args[0]) })
	def(ClassDict, "__repr__", func(th *Thread, args []Value, kw []KV) (Value, error) { return repr(th, args[0]) })
	def(ClassDict, "__str__", func(th *Thread, args []Value, kw []KV) (Value, error) { return repr(th, args[0]) })
	def(ClassDict, "__bool__", func(th *Thread, args []Value, kw []KV) (Value, error) { return truth(th, args[0]) })
	def(ClassDict, "__or__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		r, err := seqOp(th, opOr, args[0], args[1])
		if err == errNoOp {
			return NotImplemented, nil
		}
		return r, err
	})
	for _, v := range []struct {
		name string
		kind *Class
	}{{"keys", ClassDictKeys}, {"values", ClassDictValues}, {"items", ClassDictItems}} {
		v := v
		dictMethod(v.name, nil, func(th *Thread, d *Dict, a []Value) (Value, error) {
			return &dictView{d: d, kind: v.kind}, nil
		})
	}
	dictMethod("get", []string{"key", "default="}, func(th *Thread, d *Dict, a []Value) (Value, error) {
		v, ok, err := d.Get(th, a[0])
		if err != nil {
			return nil, err
		}
		if !ok {
			return argOr(a[1], nil), nil
		}
		return v, nil
	})
	dictMethod("setdefault", []string{"key", "default="}, func(th *Thread, d *Dict, a []Value) (Value, error) {
		v, ok, err := d.Get(th, a[0])
		if err != nil || ok {
			return v, err
		}
		def := argOr(a[1], nil)
		return def, d.Set(th, a[0], def)
	})
	dictMethod("pop", []string{"key", "default="}, func(th *Thread, d *Dict, a []Value) (Value, error) {
		v, ok, err := d.Get(th, a[0])
		if err != nil {
			return nil, err
		}
		if !ok {
			if a[1] != unbound {
				return a[1], nil
			}
			return nil, th.raise(newExc(ErrKeyError, a[0]))
		}
		_, err = d.Del(th, a[0])
		return v, err
	})
	dictMethod("popitem", nil, func(th *Thread, d *Dict, a []Value) (Value, error) {
		k, v, ok, err := d.popLast(th)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, th.raise(newExc(ErrKeyError, "popitem(): dictionary is empty"))
		}
		return Tuple{k, v}, nil
	})
	def(ClassDict, "update", func(th *Thread, args []Value, kw []KV) (Value, error) {
		d, err := selfDict(th, "update", args)
		if err != nil {
			return nil, err
		}
		return nil, fillDict(th, d, args[1:], kw)
	})
	dictMethod("clear", nil, func(th *Thread, d *Dict, a []Value) (Value, error) {
		d.Clear()
		return nil, nil
	})
	dictMethod("copy", nil, func(th *Thread, d *Dict, a []Value) (Value, error) { return d.Copy(), nil })
	defClassMethod(ClassDict, "fromkeys", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "fromkeys", args, kw, "cls", "iterable", "value=")
		if err != nil {
			return nil, err
		}
		keys, err := collect(th, a[1])
		if err != nil {
			return nil, err
		}
		d := NewDict()
		for _, k := range keys {
			if err := d.Set(th, k, argOr(a[2], nil)); err != nil {
				return nil, err
			}
		}
		return d, nil
	})
	for _, c := range []*Class{ClassDictKeys, ClassDictValues, ClassDictItems} {
		def(c, "__len__", func(th *Thread, args []Value, kw []KV) (Value, error) { return length(th, args[0]) })
		def(c, "__iter__", func(th *Thread, args []Value, kw []KV) (Value, error) { return iterObject(th, args[0]) })
		def(c, "__contains__", func(th *Thread, args []Value, kw []KV) (Value, error) {
			if err := nargs(th, "__contains__", args, kw, 2, 2); err != nil {
				return nil, err
			}
			return contains(th, args[0], args[1])
		})
		def(c, "__repr__", func(th *Thread, args []Value, kw []KV) (Value, error) { return repr(th, args[0]) })
		def(c, "isdisjoint", func(th *Thread, args []Value, kw []KV) (Value, error) {
			if err := nargs(th, "isdisjoint", args, kw, 2, 2); err != nil {
				return nil, err
			}
			items, err := collect(th, args[1])
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				if in, err := contains(th, args[0], it); err != nil || in {
					return false, err
				}
			}
			return true, nil
		})
	}

	newSet := func(frozen bool) func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		return func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
			if err := noKw(th, cls.name, kw); err != nil {
				return nil, err
			}
			if len(args) > 1 {
				return nil, th.typeErrorf("%s expected at most 1 argument, got %d", cls.name, len(args))
			}
			if len(args) == 0 {
				return &Set{frozen: frozen}, nil
			}
			if fs, ok := args[0].(*Set); ok && frozen && fs.frozen && cls == ClassFrozenSet {
				return fs, nil
			}
			return newSetOf(th, args[0], frozen)
		}
	}
	ClassSet.new = newSet(false)
	ClassFrozenSet.new = newSet(true)
	ClassSet.dict.SetStr("__hash__", nil)
	for _, c := range []*Class{ClassSet, ClassFrozenSet} {
		compareDunders(c)
		def(c, "__len__", func(th *Thread, args []Value, kw []KV) (Value, error) { return length(th, args[0]) })
		def(c, "__iter__", func(th *Thread, args []Value, kw []KV) (Value, error) { return iterObject(th, args[0]) })
		def(c, "__contains__", func(th *Thread, args []Value, kw []KV) (Value, error) {
			if err := nargs(th, "__contains__", args, kw, 2, 2); err != nil {
				return nil, err
			}
			return contains(th, args[0], args[1])
		})
		def(c, "__repr__", func(th *Thread, args []Value, kw []KV) (Value, error) { return repr(th, args[0]) })
		def(c, "__bool__", func(th *Thread, args []Value, kw []KV) (Value, error) { return truth(th, args[0]) })
		for _, op := range []binop{opOr, opAnd, opSub, opXor} {
			op := op
			def(c, "__"+binopDunder[op]+"__", func(th *Thread, args []Value, kw []KV) (Value, error) {
				r, err := seqOp(th, op, args[0], args[1])
				if err == errNoOp {
					return NotImplemented, nil
				}
				return r, err
			})
		}
	}
	setMethod("union", true, func(th *Thread, s *Set, args []Value) (Value, error) {
		out, err := copySet(th, s, s.frozen)
		if err != nil {
			return nil, err
		}
		for _, a := range args {
			if err := out.update(th, a); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
	setMethod("intersection", true, func(th *Thread, s *Set, args []Value) (Value, error) {
		if len(args) == 0 {
			return copySet(th, s, s.frozen)
		}
		out := s
		for _, a := range args {
			r, err := intersection(th, out, a)
			if err != nil {
				return nil, err
			}
			out = r
		}
		return out, nil
	})
	setMethod("difference", true, func(th *Thread, s *Set, args []Value) (Value, error) {
		if len(args) == 0 {
			return copySet(th, s, s.frozen)
		}
		out, err := difference(th, s, args[0])
		if err != nil {
			return nil, err
		}
		for _, a := range args[1:] {
			if err := out.differenceUpdate(th, a); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
	setMethod("symmetric_difference", true, func(th *Thread, s *Set, args []Value) (Value, error) {
		if len(args) != 1 {
			return nil, th.typeErrorf("symmetric_difference() takes exactly one argument (%d given)", len(args))
		}
		return symmetricDifference(th, s, args[0])
	})
	setMethod("update", false, func(th *Thread, s *Set, args []Value) (Value, error) {
		for _, a := range args {
			if err := s.update(th, a); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	setMethod("intersection_update", false, func(th *Thread, s *Set, args []Value) (Value, error) {
		out := s
		for _, a := range args {
			r, err := intersection(th, out, a)
			if err != nil {
				return nil, err
			}
			out = r
		}
		if out != s {
			s.t = out.t
		}
		return nil, nil
	})
	setMethod("difference_update", false, func(th *Thread, s *Set, args []Value) (Value, error) {
		for _, a := range args {
			if err := s.differenceUpdate(th, a); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	setMethod("symmetric_difference_update", false, func(th *Thread, s *Set, args []Value) (Value, error) {
		if len(args) != 1 {
			return nil, th.typeErrorf("symmetric_difference_update() takes exactly one argument (%d given)", len(args))
		}
		return nil, s.symmetricDifferenceUpdate(th, args[0])
	})
	setMethod("add", false, func(th *Thread, s *Set, args []Value) (Value, error) {
		if len(args) != 1 {
			return nil, th.newError(ErrTypeError, "add() takes exactly one argument")
		}
		return nil, s.add(th, args[0])
	})
	setMethod("discard", false, func(th *Thread, s *Set, args []Value) (Value, error) {
		if len(args) != 1 {
			return nil, th.newError(ErrTypeError, "discard() takes exactly one argument")
		}
		_, err := s.discard(th, args[0])
		return nil, err
	})
	setMethod("remove", false, func(th *Thread, s *Set, args []Value) (Value, error) {
		if len(args) != 1 {
			return nil, th.newError(ErrTypeError, "remove() takes exactly one argument")
		}
		ok, err := s.discard(th, args[0])
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, th.raise(newExc(ErrKeyError, args[0]))
		}
		return nil, nil
	})
	setMethod("pop", false, func(th *Thread, s *Set, args []Value) (Value, error) {
		k, ok := s.t.pop()
		if !ok {
			return nil, th.raise(newExc(ErrKeyError, "pop from an empty set"))
		}
		return k, nil
	})
	setMethod("clear", false, func(th *Thread, s *Set, args []Value) (Value, error) {
		s.t.clear()
		return nil, nil
	})
	setMethod("copy", true, func(th *Thread, s *Set, args []Value) (Value, error) {
		if s.frozen {
			return s, nil
		}
		return copySet(th, s, false)
	})
	for name, op := range map[string]cmpop{"issubset": cmpLe, "issuperset": cmpGe} {
		op := op
		setMethod(name, true, func(th *Thread, s *Set, args []Value) (Value, error) {
			if len(args) != 1 {
				return nil, th.newError(ErrTypeError, "takes exactly one argument")
			}
			o, err := setOf(th, args[0])
			if err != nil {
				return nil, err
			}
			return setCompare(th, op, s, o)
		})
	}
	setMethod("isdisjoint", true, func(th *Thread, s *Set, args []Value) (Value, error) {
		if len(args) != 1 {
			return nil, th.newError(ErrTypeError, "isdisjoint() takes exactly one argument")
		}
		o, err := setOf(th, args[0])
		if err != nil {
			return nil, err
		}
		r, err := intersection(th, s, o)
		if err != nil {
			return nil, err
		}
		return r.len() == 0, nil
	})
}
