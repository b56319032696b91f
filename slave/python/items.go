package python

import (
	"math/big"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
)

// Indexing, slicing, length and iteration.

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
		return int64(x.len()), nil
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

// Sets.

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
