package python

import (
	"math/big"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
)

// Indexing, slicing, length and iteration.

// iterFunc yields the next item of an iteration; ok is false at the end.
type iterFunc func(th *Thread) (v Value, ok bool, err error)

// index reads an index argument (ints, bools, objects with __index__).
func index(th *Thread, v Value) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case *big.Int:
		return 0, th.newError(ErrIndexError, "cannot fit 'int' into an index-sized integer")
	case *Instance:
		if m, ok := x.class.lookup("__index__"); ok {
			r, err := callBound(th, m, x, nil)
			if err != nil {
				return 0, err
			}
			return index(th, r)
		}
	}
	return 0, th.typeErrorf("'%s' object cannot be interpreted as an integer", typeName(v))
}

// seqIndex normalizes a possibly negative index into [0, n).
func seqIndex(th *Thread, v Value, n int, what string) (int, error) {
	i, err := index(th, v)
	if err != nil {
		if e, ok := err.(*Instance); ok && e.class == ErrTypeError {
			return 0, th.typeErrorf("%s indices must be integers or slices, not %s", what, typeName(v))
		}
		return 0, err
	}
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, th.newError(ErrIndexError, what+" index out of range")
	}
	return int(i), nil
}

// sliceIndices is slice.indices(n): start, stop, step, and the length.
func sliceIndices(th *Thread, s brine.Slice, n int) (int, int, int, int, error) {
	step := int64(1)
	if s.Step != nil {
		var err error
		if step, err = index(th, s.Step); err != nil {
			return 0, 0, 0, 0, th.newError(ErrTypeError, "slice indices must be integers or None or have an __index__ method")
		}
		if step == 0 {
			return 0, 0, 0, 0, th.newError(ErrValueError, "slice step cannot be zero")
		}
	}
	get := func(v Value, def int64) (int64, error) {
		if v == nil {
			return def, nil
		}
		if b, ok := v.(*big.Int); ok {
			if b.Sign() < 0 {
				return -int64(n) - 1, nil
			}
			return int64(n) + 1, nil
		}
		i, err := index(th, v)
		if err != nil {
			return 0, th.newError(ErrTypeError, "slice indices must be integers or None or have an __index__ method")
		}
		return i, nil
	}
	var lo, hi int64
	var err error
	N := int64(n)
	if step > 0 {
		if lo, err = get(s.Start, 0); err != nil {
			return 0, 0, 0, 0, err
		}
		if hi, err = get(s.Stop, N); err != nil {
			return 0, 0, 0, 0, err
		}
		lo, hi = clampIdx(lo, N, 0, N), clampIdx(hi, N, 0, N)
	} else {
		if lo, err = get(s.Start, N-1); err != nil {
			return 0, 0, 0, 0, err
		}
		if hi, err = get(s.Stop, -N-1); err != nil {
			return 0, 0, 0, 0, err
		}
		lo, hi = clampIdx(lo, N, -1, N-1), clampIdx(hi, N, -1, N-1)
	}
	var count int64
	if step > 0 && lo < hi {
		count = (hi - lo + step - 1) / step
	} else if step < 0 && lo > hi {
		count = (lo - hi - step - 1) / -step
	}
	return int(lo), int(hi), int(step), int(count), nil
}

func clampIdx(i, n, lo, hi int64) int64 {
	if i < 0 {
		i += n
	}
	if i < lo {
		return lo
	}
	if i > hi {
		return hi
	}
	return i
}

func sliceValues(items []Value, lo, step, count int) []Value {
	out := make([]Value, count)
	for k := 0; k < count; k++ {
		out[k] = items[lo+k*step]
	}
	return out
}

// getItem is obj[key].
func getItem(th *Thread, obj, key Value) (Value, error) {
	switch x := obj.(type) {
	case *List:
		if s, ok := key.(brine.Slice); ok {
			lo, _, step, n, err := sliceIndices(th, s, len(x.items))
			if err != nil {
				return nil, err
			}
			return &List{items: sliceValues(x.items, lo, step, n)}, nil
		}
		i, err := seqIndex(th, key, len(x.items), "list")
		if err != nil {
			return nil, err
		}
		return x.items[i], nil
	case Tuple:
		if s, ok := key.(brine.Slice); ok {
			lo, _, step, n, err := sliceIndices(th, s, len(x))
			if err != nil {
				return nil, err
			}
			return Tuple(sliceValues(x, lo, step, n)), nil
		}
		i, err := seqIndex(th, key, len(x), "tuple")
		if err != nil {
			return nil, err
		}
		return x[i], nil
	case *Dict:
		v, ok, err := x.Get(th, key)
		if err != nil {
			return nil, err
		}
		if !ok {
			return dictMissing(th, x, key)
		}
		return v, nil
	case string:
		return strGetItem(th, x, key)
	case []byte:
		if s, ok := key.(brine.Slice); ok {
			lo, _, step, n, err := sliceIndices(th, s, len(x))
			if err != nil {
				return nil, err
			}
			out := make([]byte, n)
			for k := range out {
				out[k] = x[lo+k*step]
			}
			return out, nil
		}
		i, err := seqIndex(th, key, len(x), "index")
		if err != nil {
			return nil, err
		}
		return int64(x[i]), nil
	case *ByteArray:
		if s, ok := key.(brine.Slice); ok {
			lo, _, step, n, err := sliceIndices(th, s, len(x.b))
			if err != nil {
				return nil, err
			}
			out := make([]byte, n)
			for k := range out {
				out[k] = x.b[lo+k*step]
			}
			return &ByteArray{out}, nil
		}
		i, err := seqIndex(th, key, len(x.b), "bytearray")
		if err != nil {
			return nil, err
		}
		return int64(x.b[i]), nil
	case *Range:
		n := x.len()
		if s, ok := key.(brine.Slice); ok {
			lo, _, step, cnt, err := sliceIndices(th, s, int(n))
			if err != nil {
				return nil, err
			}
			st := x.start + int64(lo)*x.step
			return &Range{start: st, stop: st + int64(cnt)*x.step*int64(step), step: x.step * int64(step)}, nil
		}
		i, err := seqIndex(th, key, int(n), "range object")
		if err != nil {
			return nil, err
		}
		return x.at(int64(i)), nil
	case *Instance:
		if m, ok := x.class.lookup("__getitem__"); ok {
			return callBound(th, m, x, []Value{key})
		}
	case *Class:
		if m, ok := x.lookup("__class_getitem__"); ok {
			b, err := bind(th, m, nil, x)
			if err != nil {
				return nil, err
			}
			if _, isFn := b.(*Function); isFn {
				b = &Method{self: x, fn: b}
			}
			return call(th, b, []Value{key}, nil)
		}
		if x.builtin {
			return x, nil // list[int] and friends, in annotations
		}
	}
	if isForeign(obj) {
		return th.hostCallMethod(obj, "__getitem__", []Value{key}, nil)
	}
	return nil, th.typeErrorf("'%s' object is not subscriptable", typeName(obj))
}

// strGetItem indexes a str by code points.
func strGetItem(th *Thread, s string, key Value) (Value, error) {
	if sl, ok := key.(brine.Slice); ok {
		if th.isASCII(s) {
			lo, _, step, n, err := sliceIndices(th, sl, len(s))
			if err != nil {
				return nil, err
			}
			if step == 1 {
				return s[lo : lo+n], nil
			}
			out := make([]byte, n)
			for k := range out {
				out[k] = s[lo+k*step]
			}
			return string(out), nil
		}
		rs := []rune(s)
		lo, _, step, n, err := sliceIndices(th, sl, len(rs))
		if err != nil {
			return nil, err
		}
		out := make([]rune, n)
		for k := range out {
			out[k] = rs[lo+k*step]
		}
		return string(out), nil
	}
	if th.isASCII(s) {
		i, err := seqIndex(th, key, len(s), "string")
		if err != nil {
			return nil, err
		}
		return s[i : i+1], nil
	}
	i, err := seqIndex(th, key, utf8.RuneCountInString(s), "string")
	if err != nil {
		return nil, err
	}
	for _, r := range s {
		if i == 0 {
			return string(r), nil
		}
		i--
	}
	return "", nil
}

// setItem is obj[key] = v.
func setItem(th *Thread, obj, key, v Value) error {
	switch x := obj.(type) {
	case *List:
		if s, ok := key.(brine.Slice); ok {
			return listSetSlice(th, x, s, v)
		}
		i, err := seqIndex(th, key, len(x.items), "list assignment")
		if err != nil {
			return err
		}
		x.items[i] = v
		return nil
	case *Dict:
		return x.Set(th, key, v)
	case *ByteArray:
		i, err := seqIndex(th, key, len(x.b), "bytearray")
		if err != nil {
			return err
		}
		n, _, ok := asInt(v)
		if !ok || n < 0 || n > 255 {
			return th.newError(ErrValueError, "byte must be in range(0, 256)")
		}
		x.b[i] = byte(n)
		return nil
	case *Instance:
		if m, ok := x.class.lookup("__setitem__"); ok {
			_, err := callBound(th, m, x, []Value{key, v})
			return err
		}
	}
	if isForeign(obj) {
		_, err := th.hostCallMethod(obj, "__setitem__", []Value{key, v}, nil)
		return err
	}
	return th.typeErrorf("'%s' object does not support item assignment", typeName(obj))
}

func listSetSlice(th *Thread, l *List, s brine.Slice, v Value) error {
	items, err := collect(th, v)
	if err != nil {
		return th.newError(ErrTypeError, "can only assign an iterable")
	}
	lo, hi, step, n, err := sliceIndices(th, s, len(l.items))
	if err != nil {
		return err
	}
	if step == 1 {
		if hi < lo {
			hi = lo
		}
		out := make([]Value, 0, len(l.items)-(hi-lo)+len(items))
		out = append(out, l.items[:lo]...)
		out = append(out, items...)
		out = append(out, l.items[hi:]...)
		l.items = out
		return nil
	}
	if len(items) != n {
		return th.errorf(ErrValueError, "attempt to assign sequence of size %d to extended slice of size %d", len(items), n)
	}
	for k := 0; k < n; k++ {
		l.items[lo+k*step] = items[k]
	}
	return nil
}

// delItem is del obj[key].
func delItem(th *Thread, obj, key Value) error {
	switch x := obj.(type) {
	case *List:
		if s, ok := key.(brine.Slice); ok {
			lo, _, step, n, err := sliceIndices(th, s, len(x.items))
			if err != nil {
				return err
			}
			drop := map[int]bool{}
			for k := 0; k < n; k++ {
				drop[lo+k*step] = true
			}
			out := x.items[:0:0]
			for i, it := range x.items {
				if !drop[i] {
					out = append(out, it)
				}
			}
			x.items = out
			return nil
		}
		i, err := seqIndex(th, key, len(x.items), "list assignment")
		if err != nil {
			return err
		}
		x.items = append(x.items[:i:i], x.items[i+1:]...)
		return nil
	case *Dict:
		ok, err := x.Del(th, key)
		if err != nil {
			return err
		}
		if !ok {
			return th.raise(newExc(ErrKeyError, key))
		}
		return nil
	case *Instance:
		if m, ok := x.class.lookup("__delitem__"); ok {
			_, err := callBound(th, m, x, []Value{key})
			return err
		}
	}
	if isForeign(obj) {
		_, err := th.hostCallMethod(obj, "__delitem__", []Value{key}, nil)
		return err
	}
	return th.typeErrorf("'%s' object doesn't support item deletion", typeName(obj))
}

// length is len(v).
func length(th *Thread, v Value) (int64, error) {
	switch x := v.(type) {
	case string:
		if th.isASCII(x) {
			return int64(len(x)), nil
		}
		return int64(utf8.RuneCountInString(x)), nil
	case *List:
		return int64(len(x.items)), nil
	case Tuple:
		return int64(len(x)), nil
	case *Dict:
		return int64(x.n), nil
	case *Set:
		return int64(x.d.n), nil
	case []byte:
		return int64(len(x)), nil
	case *ByteArray:
		return int64(len(x.b)), nil
	case *Range:
		return x.len(), nil
	case *dictView:
		return int64(x.d.n), nil
	case *Class:
		if r, ok, err := classHook(th, x, "__class_len__"); ok {
			if err != nil {
				return 0, err
			}
			return index(th, r)
		}
	case *Instance:
		if m, ok := x.class.lookup("__len__"); ok {
			r, err := callBound(th, m, x, nil)
			if err != nil {
				return 0, err
			}
			n, err := index(th, r)
			if err != nil {
				return 0, th.typeErrorf("'%s' object cannot be interpreted as an integer", typeName(r))
			}
			if n < 0 {
				return 0, th.newError(ErrValueError, "__len__() should return >= 0")
			}
			return n, nil
		}
	}
	if isForeign(v) {
		r, err := th.hostCallMethod(v, "__len__", nil, nil)
		if err != nil {
			if e, ok := err.(*Instance); ok && e.class.isSubclass(ErrAttributeError) {
				return 0, th.typeErrorf("object of type '%s' has no len()", typeName(v))
			}
			return 0, err
		}
		return index(th, r)
	}
	return 0, th.typeErrorf("object of type '%s' has no len()", typeName(v))
}

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
		return dictIter(&x.d, ClassDictKeys), nil
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

// Sets.

func (s *Set) add(th *Thread, k Value) error {
	if str, ok := k.(string); ok {
		if _, ok := s.d.sidx[str]; !ok {
			s.d.SetStr(str, nil)
		}
		return nil
	}
	if _, err := hashOf(th, k); err != nil {
		return err
	}
	_, ok, err := s.d.Get(th, k)
	if err != nil || ok {
		return err
	}
	return s.d.Set(th, k, nil)
}

func newSetFrom(th *Thread, items []Value, frozen bool) (Value, error) {
	s := &Set{frozen: frozen}
	for _, it := range items {
		if err := s.add(th, it); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Set) has(th *Thread, k Value) (bool, error) {
	_, ok, err := s.d.Get(th, k)
	return ok, err
}

func setOp(th *Thread, op binop, x, y *Set) (Value, error) {
	out := &Set{frozen: x.frozen}
	switch op {
	case opOr:
		for _, k := range x.d.Keys() {
			if err := out.add(th, k); err != nil {
				return nil, err
			}
		}
		for _, k := range y.d.Keys() {
			if err := out.add(th, k); err != nil {
				return nil, err
			}
		}
	case opAnd, opSub:
		for _, k := range x.d.Keys() {
			in, err := y.has(th, k)
			if err != nil {
				return nil, err
			}
			if in == (op == opAnd) {
				if err := out.add(th, k); err != nil {
					return nil, err
				}
			}
		}
	case opXor:
		for _, pair := range [][2]*Set{{x, y}, {y, x}} {
			for _, k := range pair[0].d.Keys() {
				in, err := pair[1].has(th, k)
				if err != nil {
					return nil, err
				}
				if !in {
					if err := out.add(th, k); err != nil {
						return nil, err
					}
				}
			}
		}
	default:
		return nil, errNoOp
	}
	return out, nil
}

// subset reports whether every member of x is in y.
func subset(th *Thread, x, y *Set) (bool, error) {
	if x.d.n > y.d.n {
		return false, nil
	}
	for _, k := range x.d.Keys() {
		in, err := y.has(th, k)
		if err != nil || !in {
			return false, err
		}
	}
	return true, nil
}

func setCompare(th *Thread, op cmpop, x, y *Set) (Value, error) {
	switch op {
	case cmpEq, cmpNe:
		if x.d.n != y.d.n {
			return op == cmpNe, nil
		}
		sub, err := subset(th, x, y)
		return sub == (op == cmpEq), err
	case cmpLe:
		return subset(th, x, y)
	case cmpGe:
		return subset(th, y, x)
	case cmpLt:
		sub, err := subset(th, x, y)
		return sub && x.d.n < y.d.n, err
	case cmpGt:
		sub, err := subset(th, y, x)
		return sub && x.d.n > y.d.n, err
	}
	return nil, errNoOp
}

// Dicts.

// dictUpdate adds the items of a mapping (or of an iterable of pairs) to d.
func dictUpdate(th *Thread, d *Dict, src Value, fname string) error {
	switch x := src.(type) {
	case *Dict:
		for _, e := range x.entries {
			if e.live {
				if err := d.Set(th, e.key, e.val); err != nil {
					return err
				}
			}
		}
		return nil
	case *Instance:
		if _, ok := x.class.lookup("keys"); ok {
			return updateFromKeys(th, d, src)
		}
	}
	if isForeign(src) {
		if _, err := getAttr(th, src, "keys"); err == nil {
			return updateFromKeys(th, d, src)
		}
	}
	it, err := getIter(th, src)
	if err != nil {
		return th.typeErrorf("'%s' object is not iterable", typeName(src))
	}
	for n := 0; ; n++ {
		item, ok, err := it(th)
		if err != nil || !ok {
			return err
		}
		pair, err := collect(th, item)
		if err != nil {
			return th.typeErrorf("cannot convert dictionary update sequence element #%d to a sequence", n)
		}
		if len(pair) != 2 {
			return th.errorf(ErrValueError, "dictionary update sequence element #%d has length %d; 2 is required", n, len(pair))
		}
		if err := d.Set(th, pair[0], pair[1]); err != nil {
			return err
		}
	}
}

func updateFromKeys(th *Thread, d *Dict, src Value) error {
	keys, err := callMethod(th, src, "keys", nil, nil)
	if err != nil {
		return err
	}
	ks, err := collect(th, keys)
	if err != nil {
		return err
	}
	for _, k := range ks {
		v, err := getItem(th, src, k)
		if err != nil {
			return err
		}
		if err := d.Set(th, k, v); err != nil {
			return err
		}
	}
	return nil
}

// mappingItems reads **kwargs: a mapping with str keys.
func mappingItems(th *Thread, v Value) ([]KV, error) {
	d := NewDict()
	if err := dictUpdate(th, d, v, "keywords"); err != nil {
		return nil, th.typeErrorf("argument after ** must be a mapping, not %s", typeName(v))
	}
	out := make([]KV, 0, d.n)
	for _, e := range d.entries {
		if !e.live {
			continue
		}
		k, ok := e.key.(string)
		if !ok {
			return nil, th.newError(ErrTypeError, "keywords must be strings")
		}
		out = append(out, KV{k, e.val})
	}
	return out, nil
}

// asciiCache remembers the last string checked for being ASCII, so
// indexing a string in a loop does not rescan it each time.
type asciiCache struct {
	ptr   *byte
	n     int
	ascii bool
}

func (th *Thread) isASCII(s string) bool {
	if len(s) < 32 {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return false
			}
		}
		return true
	}
	p := unsafeStringData(s)
	if th.ascii.ptr == p && th.ascii.n == len(s) {
		return th.ascii.ascii
	}
	ok := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ok = false
			break
		}
	}
	th.ascii = asciiCache{p, len(s), ok}
	return ok
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
