package python

import (
	"sort"
)

// list, tuple, range and the iterator types.

func selfList(th *Thread, fname string, args []Value) (*List, error) {
	if len(args) > 0 {
		if l, ok := args[0].(*List); ok {
			return l, nil
		}
	}
	return nil, th.typeErrorf("descriptor '%s' for 'list' objects needs a list", fname)
}

func listMethod(name string, params []string, fn func(th *Thread, l *List, a []Value) (Value, error)) {
	spec := newArgSpec(params...)
	def(ClassList, name, func(th *Thread, args []Value, kw []KV) (Value, error) {
		l, err := selfList(th, name, args)
		if err != nil {
			return nil, err
		}
		a, err := spec.parse(th, name, args[1:], kw)
		if err != nil {
			return nil, err
		}
		return fn(th, l, a)
	})
}

// sortValues sorts items in place, stably, by key, as list.sort does.
func sortValues(th *Thread, items []Value, key Value, reverse bool) error {
	keys := items
	if key != nil {
		keys = make([]Value, len(items))
		for i, it := range items {
			k, err := call(th, key, []Value{it}, nil)
			if err != nil {
				return err
			}
			keys[i] = k
		}
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	var sortErr error
	less := func(a, b Value) bool {
		if sortErr != nil {
			return false
		}
		if x, ok := a.(int64); ok {
			if y, ok := b.(int64); ok {
				return x < y
			}
		}
		if x, ok := a.(string); ok {
			if y, ok := b.(string); ok {
				return x < y
			}
		}
		r, err := richCompare(th, cmpLt, a, b)
		if err != nil {
			sortErr = err
			return false
		}
		t, err := truth(th, r)
		if err != nil {
			sortErr = err
		}
		return t
	}
	sort.SliceStable(idx, func(i, j int) bool {
		if reverse {
			return less(keys[idx[j]], keys[idx[i]])
		}
		return less(keys[idx[i]], keys[idx[j]])
	})
	if sortErr != nil {
		return sortErr
	}
	out := make([]Value, len(items))
	for i, k := range idx {
		out[i] = items[k]
	}
	copy(items, out)
	return nil
}

func init() {
	ClassList.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "list", kw); err != nil {
			return nil, err
		}
		switch len(args) {
		case 0:
			return &List{items: []Value{}}, nil
		case 1:
			items, err := collect(th, args[0])
			if err != nil {
				return nil, err
			}
			if items == nil {
				items = []Value{}
			}
			return &List{items: items}, nil
		}
		return nil, th.typeErrorf("list expected at most 1 argument, got %d", len(args))
	}
	ClassTuple.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "tuple", kw); err != nil {
			return nil, err
		}
		switch len(args) {
		case 0:
			return Tuple{}, nil
		case 1:
			if t, ok := args[0].(Tuple); ok {
				return t, nil
			}
			items, err := collect(th, args[0])
			if err != nil {
				return nil, err
			}
			return Tuple(append([]Value{}, items...)), nil
		}
		return nil, th.typeErrorf("tuple expected at most 1 argument, got %d", len(args))
	}
	ClassRange.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "range", kw); err != nil {
			return nil, err
		}
		ints := make([]int64, len(args))
		for i, a := range args {
			n, err := index(th, a)
			if err != nil {
				if e, ok := err.(*Instance); ok && e.class == ErrIndexError {
					return nil, th.newError(ErrOverflowError, "range() arguments beyond 64 bits are not supported by this server")
				}
				return nil, err
			}
			ints[i] = n
		}
		switch len(ints) {
		case 1:
			return &Range{0, ints[0], 1}, nil
		case 2:
			return &Range{ints[0], ints[1], 1}, nil
		case 3:
			if ints[2] == 0 {
				return nil, th.newError(ErrValueError, "range() arg 3 must not be zero")
			}
			return &Range{ints[0], ints[1], ints[2]}, nil
		}
		if len(ints) == 0 {
			return nil, th.newError(ErrTypeError, "range expected at least 1 argument, got 0")
		}
		return nil, th.typeErrorf("range expected at most 3 arguments, got %d", len(ints))
	}
	for _, c := range []*Class{ClassList, ClassTuple, ClassRange} {
		seqDunders(c)
		compareDunders(c)
	}
	def(ClassList, "__setitem__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__setitem__", args, kw, 3, 3); err != nil {
			return nil, err
		}
		return nil, setItem(th, args[0], args[1], args[2])
	})
	def(ClassList, "__delitem__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__delitem__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return nil, delItem(th, args[0], args[1])
	})
	def(ClassList, "__iadd__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__iadd__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return inplaceOp(th, opAdd, args[0], args[1])
	})
	ClassList.dict.SetStr("__hash__", nil)
	listMethod("append", []string{"object"}, func(th *Thread, l *List, a []Value) (Value, error) {
		if len(l.items) >= maxItems {
			return nil, th.newError(ErrMemoryError, "list too large for this server")
		}
		l.items = append(l.items, a[0])
		return nil, nil
	})
	listMethod("extend", []string{"iterable"}, func(th *Thread, l *List, a []Value) (Value, error) {
		items, err := collect(th, a[0])
		if err != nil {
			return nil, err
		}
		l.items = append(l.items, items...)
		return nil, nil
	})
	listMethod("insert", []string{"index", "object"}, func(th *Thread, l *List, a []Value) (Value, error) {
		i, err := index(th, a[0])
		if err != nil {
			return nil, err
		}
		n := int64(len(l.items))
		i = clampIdx(i, n, 0, n)
		l.items = append(l.items, nil)
		copy(l.items[i+1:], l.items[i:])
		l.items[i] = a[1]
		return nil, nil
	})
	listMethod("pop", []string{"index="}, func(th *Thread, l *List, a []Value) (Value, error) {
		if len(l.items) == 0 {
			return nil, th.newError(ErrIndexError, "pop from empty list")
		}
		i := len(l.items) - 1
		if a[0] != unbound {
			var err error
			if i, err = seqIndex(th, a[0], len(l.items), "pop"); err != nil {
				return nil, err
			}
		}
		v := l.items[i]
		l.items = append(l.items[:i:i], l.items[i+1:]...)
		return v, nil
	})
	listMethod("remove", []string{"value"}, func(th *Thread, l *List, a []Value) (Value, error) {
		for i, it := range l.items {
			eq, err := keyEqual(th, it, a[0])
			if err != nil {
				return nil, err
			}
			if eq {
				l.items = append(l.items[:i:i], l.items[i+1:]...)
				return nil, nil
			}
		}
		return nil, th.newError(ErrValueError, "list.remove(x): x not in list")
	})
	listMethod("clear", nil, func(th *Thread, l *List, a []Value) (Value, error) {
		l.items = []Value{}
		return nil, nil
	})
	listMethod("copy", nil, func(th *Thread, l *List, a []Value) (Value, error) {
		return &List{items: append([]Value{}, l.items...)}, nil
	})
	listMethod("reverse", nil, func(th *Thread, l *List, a []Value) (Value, error) {
		for i, j := 0, len(l.items)-1; i < j; i, j = i+1, j-1 {
			l.items[i], l.items[j] = l.items[j], l.items[i]
		}
		return nil, nil
	})
	listMethod("sort", []string{"*", "key=", "reverse="}, func(th *Thread, l *List, a []Value) (Value, error) {
		rev, err := truth(th, argOr(a[1], false))
		if err != nil {
			return nil, err
		}
		items := append([]Value{}, l.items...)
		if err := sortValues(th, items, argOr(a[0], nil), rev); err != nil {
			return nil, err
		}
		l.items = items
		return nil, nil
	})
	for _, cls := range []*Class{ClassList, ClassTuple} {
		cls := cls
		def(cls, "index", func(th *Thread, args []Value, kw []KV) (Value, error) {
			a, err := parseArgs(th, "index", args, kw, "self", "value", "start=", "stop=")
			if err != nil {
				return nil, err
			}
			items := seqItems(a[0])
			n := int64(len(items))
			lo, err := intArgOr(th, a[2], 0)
			if err != nil {
				return nil, err
			}
			hi, err := intArgOr(th, a[3], n)
			if err != nil {
				return nil, err
			}
			lo, hi = clampIdx(lo, n, 0, n), clampIdx(hi, n, 0, n)
			for i := lo; i < hi; i++ {
				eq, err := keyEqual(th, items[i], a[1])
				if err != nil {
					return nil, err
				}
				if eq {
					return i, nil
				}
			}
			return nil, th.errorf(ErrValueError, "%s.index(x): x not in %s", cls.name, cls.name)
		})
		def(cls, "count", func(th *Thread, args []Value, kw []KV) (Value, error) {
			if err := nargs(th, "count", args, kw, 2, 2); err != nil {
				return nil, err
			}
			n := int64(0)
			for _, it := range seqItems(args[0]) {
				eq, err := keyEqual(th, it, args[1])
				if err != nil {
					return nil, err
				}
				if eq {
					n++
				}
			}
			return n, nil
		})
	}
	defProp(ClassRange, "start", func(th *Thread, self Value) (Value, error) { return self.(*Range).start, nil })
	defProp(ClassRange, "stop", func(th *Thread, self Value) (Value, error) { return self.(*Range).stop, nil })
	defProp(ClassRange, "step", func(th *Thread, self Value) (Value, error) { return self.(*Range).step, nil })
	def(ClassRange, "index", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "index", args, kw, 2, 2); err != nil {
			return nil, err
		}
		r := args[0].(*Range)
		ok, err := contains(th, r, args[1])
		if err != nil {
			return nil, err
		}
		if !ok {
			s, _ := repr(th, args[1])
			return nil, th.newError(ErrValueError, s+" is not in range")
		}
		n, _, _ := asInt(args[1])
		return (n - r.start) / r.step, nil
	})
	def(ClassRange, "count", func(th *Thread, args []Value, kw []KV) (Value, error) {
		ok, err := contains(th, args[0], args[1])
		if ok {
			return int64(1), err
		}
		return int64(0), err
	})

	for _, c := range []*Class{classListIter, classTupleIter, classRangeIter, classStrIter, classDictIter, classDictVIter,
		classDictIIter, classSetIter, classIter, classCallIter, classEnumerate, classZip, classMap, classFilter,
		classReversed, classBytesIter, classForeignIt} {
		c.final = true
		def(c, "__next__", func(th *Thread, args []Value, kw []KV) (Value, error) {
			it, ok := args[0].(*Iterator)
			if !ok {
				return nil, th.newError(ErrTypeError, "__next__ needs an iterator")
			}
			v, more, err := it.next(th)
			if err != nil {
				return nil, err
			}
			if !more {
				return nil, th.raise(newExc(ErrStopIteration))
			}
			return v, nil
		})
		def(c, "__iter__", func(th *Thread, args []Value, kw []KV) (Value, error) { return args[0], nil })
		// No hint (operator.length_hint then guesses): Python's client
		// asks for one when it makes a list of a netref iterator.
		def(c, "__length_hint__", func(th *Thread, args []Value, kw []KV) (Value, error) { return NotImplemented, nil })
	}
}

func seqItems(v Value) []Value {
	switch x := v.(type) {
	case *List:
		return x.items
	case Tuple:
		return x
	}
	return nil
}
