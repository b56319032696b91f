package slave

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// structSeq is the tuple half of Python's named result types
// (os.stat_result, posix.uname_result, time.struct_time, pwd.struct_passwd,
// sys.version_info, ...): a type that embeds *structSeq and carries the
// same values as `rpyc`-tagged fields answers both st.st_size and st[6],
// unpacks, compares with tuples, and pickles as a tuple for obtain.
type structSeq struct {
	typeName string      // Python's qualified class name
	names    []string    // field names shown by repr, in order
	values   brine.Tuple // the items
}

func newStructSeq(typeName string, names []string, values ...any) *structSeq {
	return &structSeq{typeName: typeName, names: names, values: values}
}

// RPyCNames gives the sequence dunders.
func (s *structSeq) RPyCNames() map[string]string {
	return map[string]string{
		"GetItem": "__getitem__", "Len": "__len__", "Iter": "__iter__", "Contains": "__contains__",
		"Eq": "__eq__", "Ne": "__ne__", "Lt": "__lt__", "Le": "__le__", "Gt": "__gt__", "Ge": "__ge__",
		"Hash": "__hash__",
	}
}

// RPyCTypeName is the Python class.
func (s *structSeq) RPyCTypeName() string { return s.typeName }

// GoString is Python's repr: type(field=value, ...).
func (s *structSeq) GoString() string {
	var b strings.Builder
	name := s.typeName
	b.WriteString(name + "(")
	for i, n := range s.names {
		if i >= len(s.values) {
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n + "=" + pyRepr(s.values[i]))
	}
	b.WriteString(")")
	return b.String()
}

// String is str(), the same as repr.
func (s *structSeq) String() string { return s.GoString() }

// RPyCPickle copies the result by value as a tuple (rpyc.classic.obtain).
func (s *structSeq) RPyCPickle() (any, error) { return s.values, nil }

// GetItem is s[i] (negative indexes count from the end) or s[a:b].
func (s *structSeq) GetItem(key any) (any, error) {
	return tupleItem(s.values, key)
}

// tupleItem is Python's tuple indexing: an int, or a slice.
func tupleItem(t brine.Tuple, key any) (any, error) {
	switch k := key.(type) {
	case int64:
		i := k
		if i < 0 {
			i += int64(len(t))
		}
		if i < 0 || i >= int64(len(t)) {
			return nil, vinegar.New("IndexError", "tuple index out of range")
		}
		return t[i], nil
	case bool:
		if k {
			return tupleItem(t, int64(1))
		}
		return tupleItem(t, int64(0))
	case brine.Slice:
		start, stop, step, err := sliceBounds(k, len(t))
		if err != nil {
			return nil, err
		}
		out := brine.Tuple{}
		for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
			out = append(out, t[i])
		}
		return out, nil
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("tuple indices must be integers or slices, not %s", pyType(key)))
}

// sliceBounds is slice.indices(n).
func sliceBounds(s brine.Slice, n int) (start, stop, step int, err error) {
	step = 1
	if s.Step != nil {
		st, ok := s.Step.(int64)
		if !ok {
			return 0, 0, 0, vinegar.New("TypeError", "slice indices must be integers or None or have an __index__ method")
		}
		if st == 0 {
			return 0, 0, 0, vinegar.New("ValueError", "slice step cannot be zero")
		}
		step = int(st)
	}
	bound := func(v any, def int) (int, error) {
		if v == nil {
			return def, nil
		}
		i, ok := v.(int64)
		if !ok {
			return 0, vinegar.New("TypeError", "slice indices must be integers or None or have an __index__ method")
		}
		x := int(i)
		if x < 0 {
			x += n
			if x < 0 {
				if step < 0 {
					return -1, nil
				}
				return 0, nil
			}
		}
		if x >= n {
			if step < 0 {
				return n - 1, nil
			}
			return n, nil
		}
		return x, nil
	}
	if step > 0 {
		start, err = bound(s.Start, 0)
		if err == nil {
			stop, err = bound(s.Stop, n)
		}
	} else {
		start, err = bound(s.Start, n-1)
		if err == nil {
			stop, err = bound(s.Stop, -1)
		}
	}
	return start, stop, step, err
}

// Len is len(s).
func (s *structSeq) Len() int { return len(s.values) }

// Iter is iter(s): the items.
func (s *structSeq) Iter() iter.Seq[any] { return seqOf(s.values) }

// seqOf iterates over a copy of items.
func seqOf(items []any) iter.Seq[any] {
	items = append([]any{}, items...)
	return func(yield func(any) bool) {
		for _, v := range items {
			if !yield(v) {
				return
			}
		}
	}
}

// Contains is x in s.
func (s *structSeq) Contains(x any) bool {
	for _, v := range s.values {
		if brine.Repr(v) == brine.Repr(x) {
			return true
		}
	}
	return false
}

// Count is count(x).
func (s *structSeq) Count(x any) int {
	n := 0
	for _, v := range s.values {
		if brine.Repr(v) == brine.Repr(x) {
			n++
		}
	}
	return n
}

// Index is index(x).
func (s *structSeq) Index(x any) (int, error) {
	for i, v := range s.values {
		if brine.Repr(v) == brine.Repr(x) {
			return i, nil
		}
	}
	return 0, vinegar.New("ValueError", "tuple.index(x): x not in tuple")
}

// Hash is hash(s), of the items.
func (s *structSeq) Hash() int64 {
	var h int64 = 0x345678
	for _, c := range brine.Repr(s.values) {
		h = h*1000003 ^ int64(c)
	}
	return h & (1<<62 - 1)
}

// Eq is s == other: equal to a tuple (or result) with equal items.
func (s *structSeq) Eq(ctx context.Context, other any) any {
	c, ok := s.cmp(ctx, other)
	if !ok {
		return brine.NotImplemented
	}
	return c == 0
}

// Ne is s != other.
func (s *structSeq) Ne(ctx context.Context, other any) any {
	c, ok := s.cmp(ctx, other)
	if !ok {
		return brine.NotImplemented
	}
	return c != 0
}

// Lt is s < other, item by item as tuples compare.
func (s *structSeq) Lt(ctx context.Context, other any) any {
	return s.order(ctx, other, func(c int) bool { return c < 0 })
}

// Le is s <= other.
func (s *structSeq) Le(ctx context.Context, other any) any {
	return s.order(ctx, other, func(c int) bool { return c <= 0 })
}

// Gt is s > other.
func (s *structSeq) Gt(ctx context.Context, other any) any {
	return s.order(ctx, other, func(c int) bool { return c > 0 })
}

// Ge is s >= other.
func (s *structSeq) Ge(ctx context.Context, other any) any {
	return s.order(ctx, other, func(c int) bool { return c >= 0 })
}

func (s *structSeq) order(ctx context.Context, other any, f func(int) bool) any {
	c, ok := s.cmp(ctx, other)
	if !ok {
		return brine.NotImplemented
	}
	return f(c)
}

// cmp compares with a tuple, a list, or another result.
func (s *structSeq) cmp(ctx context.Context, other any) (int, bool) {
	var t []any
	switch o := other.(type) {
	case brine.Tuple:
		t = o
	case interface{ seq() *structSeq }:
		t = o.seq().values
	default:
		items, err := listOf(ctx, other)
		if err != nil {
			return 0, false
		}
		t = items
	}
	for i := 0; i < len(s.values) && i < len(t); i++ {
		c, ok := compareValues(s.values[i], t[i])
		if !ok {
			return 0, false
		}
		if c != 0 {
			return c, true
		}
	}
	switch {
	case len(s.values) < len(t):
		return -1, true
	case len(s.values) > len(t):
		return 1, true
	}
	return 0, true
}

func (s *structSeq) seq() *structSeq { return s }

// compareValues orders two plain values as Python does (numbers by
// value, str and bytes lexically); false for values Python cannot order.
func compareValues(a, b any) (int, bool) {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
		return 0, false
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return strings.Compare(string(x), string(y)), true
		}
	case nil:
		if b == nil {
			return 0, true
		}
	}
	return 0, false
}
