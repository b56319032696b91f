package python

import (
	"unicode/utf8"
)

// Iteration: iter() as a Go function over every kind of value, and
// reading an iterable into a slice.

// iterFunc yields the next item of an iteration; ok is false at the end.
type iterFunc func(th *Thread) (v Value, ok bool, err error)

// getIter is iter(v) as a Go function.
func getIter(th *Thread, v Value) (iterFunc, error) {
	switch x := v.(type) {
	case *List:
		i := 0
		return func(*Thread) (Value, bool, error) {
			if i < len(x.items) {
				i++
				return x.items[i-1], true, nil
			}
			return nil, false, nil
		}, nil
	case Tuple:
		i := 0
		return func(*Thread) (Value, bool, error) {
			if i < len(x) {
				i++
				return x[i-1], true, nil
			}
			return nil, false, nil
		}, nil
	case *Range:
		i, n := int64(0), x.len()
		return func(*Thread) (Value, bool, error) {
			if i < n {
				i++
				return boxInt(x.at(i - 1)), true, nil
			}
			return nil, false, nil
		}, nil
	case string:
		pos := 0
		return func(*Thread) (Value, bool, error) {
			if pos >= len(x) {
				return nil, false, nil
			}
			if c := x[pos]; c < utf8.RuneSelf {
				pos++
				return x[pos-1 : pos], true, nil
			}
			_, size := utf8.DecodeRuneInString(x[pos:])
			pos += size
			return x[pos-size : pos], true, nil
		}, nil
	case []byte:
		i := 0
		return func(*Thread) (Value, bool, error) {
			if i < len(x) {
				i++
				return int64(x[i-1]), true, nil
			}
			return nil, false, nil
		}, nil
	case *ByteArray:
		i := 0
		return func(*Thread) (Value, bool, error) {
			if i < len(x.b) {
				i++
				return int64(x.b[i-1]), true, nil
			}
			return nil, false, nil
		}, nil
	case *Dict:
		return dictIter(x, ClassDictKeys), nil
	case *dictView:
		return dictIter(x.d, x.kind), nil
	case *Set:
		return setIter(x), nil
	case *Iterator:
		return x.next, nil
	case *Generator:
		return x.next, nil
	case *Class:
		if r, ok, err := classHook(th, x, "__class_iter__"); ok {
			if err != nil {
				return nil, err
			}
			return iterOfIterator(th, r)
		}
	case *Instance:
		m, ok := x.class.lookup("__iter__")
		if !ok {
			if gi, ok := x.class.lookup("__getitem__"); ok {
				i := int64(0)
				return func(th *Thread) (Value, bool, error) {
					v, err := callBound(th, gi, x, []Value{i})
					if err != nil {
						if e, ok := err.(*Instance); ok && (e.class.isSubclass(ErrIndexError) || e.class.isSubclass(ErrStopIteration)) {
							return nil, false, nil
						}
						return nil, false, err
					}
					i++
					return v, true, nil
				}, nil
			}
			break
		}
		it, err := callBound(th, m, x, nil)
		if err != nil {
			return nil, err
		}
		return iterOfIterator(th, it)
	}
	if isForeign(v) {
		it, err := th.hostCallMethod(v, "__iter__", nil, nil)
		if err != nil {
			if e, ok := err.(*Instance); ok && e.class.isSubclass(ErrAttributeError) {
				return nil, th.typeErrorf("'%s' object is not iterable", typeName(v))
			}
			return nil, err
		}
		return iterOfIterator(th, it)
	}
	return nil, th.typeErrorf("'%s' object is not iterable", typeName(v))
}

// iterOfIterator steps an iterator object through its __next__.
func iterOfIterator(th *Thread, it Value) (iterFunc, error) {
	switch x := it.(type) {
	case *Iterator:
		return x.next, nil
	case *Generator:
		return x.next, nil
	case *Instance:
		next, ok := x.class.lookup("__next__")
		if !ok {
			return nil, th.typeErrorf("iter() returned non-iterator of type '%s'", typeName(it))
		}
		return func(th *Thread) (Value, bool, error) {
			v, err := callBound(th, next, x, nil)
			if err != nil {
				if e, ok := err.(*Instance); ok && e.class.isSubclass(ErrStopIteration) {
					return nil, false, nil
				}
				return nil, false, err
			}
			return v, true, nil
		}, nil
	}
	if isForeign(it) {
		done := false
		return func(th *Thread) (Value, bool, error) {
			if done {
				return nil, false, nil
			}
			v, err := th.hostCallMethod(it, "__next__", nil, nil)
			if err != nil {
				if e, ok := err.(*Instance); ok && e.class.isSubclass(ErrStopIteration) {
					done = true
					return nil, false, nil
				}
				return nil, false, err
			}
			return v, true, nil
		}, nil
	}
	return nil, th.typeErrorf("iter() returned non-iterator of type '%s'", typeName(it))
}

func dictIter(d *Dict, kind *Class) iterFunc {
	pos, ver := 0, d.ver
	return func(th *Thread) (Value, bool, error) {
		if d.ver != ver {
			return nil, false, th.newError(ErrRuntimeError, "dictionary changed size during iteration")
		}
		i := d.nextLive(pos)
		if i < 0 {
			pos = len(d.entries)
			return nil, false, nil
		}
		pos = i + 1
		e := &d.entries[i]
		switch kind {
		case ClassDictValues:
			return e.val, true, nil
		case ClassDictItems:
			return Tuple{e.key, e.val}, true, nil
		}
		return e.key, true, nil
	}
}

func viewItems(v *dictView) []Value {
	var out []Value
	for _, e := range v.d.entries {
		if !e.live {
			continue
		}
		switch v.kind {
		case ClassDictValues:
			out = append(out, e.val)
		case ClassDictItems:
			out = append(out, Tuple{e.key, e.val})
		default:
			out = append(out, e.key)
		}
	}
	return out
}

// collect is list(v) as a Go slice (a fresh one for lists and tuples
// too, so callers may keep it).
func collect(th *Thread, v Value) ([]Value, error) {
	switch x := v.(type) {
	case *List:
		return append([]Value(nil), x.items...), nil
	case Tuple:
		return append([]Value(nil), x...), nil
	}
	it, err := getIter(th, v)
	if err != nil {
		return nil, err
	}
	var out []Value
	for {
		item, ok, err := it(th)
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		if len(out) >= maxItems {
			return nil, th.newError(ErrMemoryError, "too many items for this server")
		}
		out = append(out, item)
		if len(out)&1023 == 0 {
			if err := th.tick(); err != nil {
				return nil, err
			}
		}
	}
}

// collectN reads the items an unpacking assignment of n targets needs;
// with star, any number.
func collectN(th *Thread, v Value, n int, star bool) ([]Value, error) {
	if star {
		return collect(th, v)
	}
	it, err := getIter(th, v)
	if err != nil {
		return nil, th.typeErrorf("cannot unpack non-iterable %s object", typeName(v))
	}
	var out []Value
	for len(out) <= n {
		item, ok, err := it(th)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		out = append(out, item)
	}
	return out, nil
}

// classHook calls a class-level protocol method of cls (enum's classes
// are iterable and have a length, which Python does with a metaclass):
// __class_iter__, __class_len__ or __class_contains__, a classmethod.
func classHook(th *Thread, cls *Class, name string, args ...Value) (Value, bool, error) {
	m, ok := cls.lookup(name)
	if !ok {
		return nil, false, nil
	}
	b, err := bind(th, m, nil, cls)
	if err != nil {
		return nil, true, err
	}
	r, err := call(th, b, args, nil)
	return r, true, err
}
