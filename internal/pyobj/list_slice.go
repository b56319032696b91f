package pyobj

// Index and slice arithmetic for lists, done as CPython does it.
//
// Indices from the peer may be negative, bools, or ints too large for
// Go; slices may have any step but zero and bounds far outside the list.
// sliceBounds is slice.indices(n) in Go ints, so that l[a:b:c], the
// assignment to it and its deletion each walk exactly the positions
// Python would, and raise Python's errors where it does.

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// pyIndexValue reads an index as Python's __index__ would: ints and
// bools. huge says the value did not fit an int64; n is then the nearest
// int64, which still clamps a slice bound or a position correctly.
func pyIndexValue(v any) (n int64, huge bool, ok bool) {
	switch x := v.(type) {
	case int64:
		return x, false, true
	case bool:
		if x {
			return 1, false, true
		}
		return 0, false, true
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), false, true
		}
		if x.Sign() < 0 {
			return math.MinInt64, true, true
		}
		return math.MaxInt64, true, true
	}
	return 0, false, false
}

// itemIndex resolves l[i] against length n.
func itemIndex(v any, n int, what string) (int, error) {
	i, huge, ok := pyIndexValue(v)
	if !ok {
		return 0, typeError("list indices must be integers or slices, not %s", ShortTypeName(v))
	}
	if huge {
		return 0, vinegar.New("IndexError", "cannot fit 'int' into an index-sized integer")
	}
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, vinegar.New("IndexError", what)
	}
	return int(i), nil
}

// sliceBounds is Python's slice.indices(n) plus the number of items the
// slice selects.
func sliceBounds(s brine.Slice, n int) (start, stop, step, count int, err error) {
	st := int64(1)
	if s.Step != nil {
		v, _, ok := pyIndexValue(s.Step)
		if !ok {
			return 0, 0, 0, 0, typeError("slice indices must be integers or None or have an __index__ method")
		}
		if v == 0 {
			return 0, 0, 0, 0, vinegar.New("ValueError", "slice step cannot be zero")
		}
		st = max(v, -math.MaxInt64)
	}
	ln := int64(n)
	bound := func(v any, def int64) (int64, error) {
		if v == nil {
			return def, nil
		}
		x, _, ok := pyIndexValue(v)
		if !ok {
			return 0, typeError("slice indices must be integers or None or have an __index__ method")
		}
		if x < 0 {
			x = max(x, -math.MaxInt64) + ln
			if x < 0 {
				if st < 0 {
					return -1, nil
				}
				return 0, nil
			}
		} else if x >= ln {
			if st < 0 {
				return ln - 1, nil
			}
			return ln, nil
		}
		return x, nil
	}
	var a, b int64
	if st < 0 {
		a, err = bound(s.Start, ln-1)
		if err == nil {
			b, err = bound(s.Stop, -1)
		}
	} else {
		a, err = bound(s.Start, 0)
		if err == nil {
			b, err = bound(s.Stop, ln)
		}
	}
	if err != nil {
		return 0, 0, 0, 0, err
	}
	var c int64
	if st < 0 {
		if b < a {
			c = (a-b-1)/(-st) + 1
		}
	} else if a < b {
		c = (b-a-1)/st + 1
	}
	// st may exceed int on 32-bit platforms only when c <= 1, where it
	// is never used to step.
	if st > math.MaxInt || st < math.MinInt {
		st = 1
	}
	return int(a), int(b), int(st), int(c), nil
}

// sliceOf is l[a:b:c]: a new list of the items the slice selects.
func sliceOf(s reflect.Value, sl brine.Slice) (any, error) {
	start, _, step, count, err := sliceBounds(sl, s.Len())
	if err != nil {
		return nil, err
	}
	vals := make([]reflect.Value, count)
	for i := range vals {
		vals[i] = s.Index(start + i*step)
	}
	return newList(s.Type(), vals), nil
}

// assignSlice is l[a:b:c] = iterable. A simple slice (step 1) may take
// any number of items, which changes the length and so needs a *[]T
// unless the count happens to match; an extended slice must be given
// exactly as many items as it selects. The iterable is fetched and
// converted before the lock.
func (p *Policy) assignSlice(ctx context.Context, self reflect.Value, sl brine.Slice, iterable any) error {
	vals, err := p.fetchItems(ctx, self, iterable, "can only assign an iterable")
	if err != nil {
		return err
	}
	return writeList(self, func(s reflect.Value, growable bool) error {
		start, stop, step, count, err := sliceBounds(sl, s.Len())
		if err != nil {
			return err
		}
		if step == 1 {
			stop = max(stop, start)
			if len(vals) != stop-start {
				if !growable {
					return cannotGrow("slice assignment that changes the length", self.Type())
				}
				out := reflect.MakeSlice(s.Type(), 0, s.Len()-(stop-start)+len(vals))
				out = reflect.AppendSlice(out, s.Slice(0, start))
				out = reflect.Append(out, vals...)
				out = reflect.AppendSlice(out, s.Slice(stop, s.Len()))
				s.Set(out)
				return nil
			}
		} else if len(vals) != count {
			return vinegar.New("ValueError", fmt.Sprintf("attempt to assign sequence of size %d to extended slice of size %d", len(vals), count))
		}
		for i, v := range vals {
			s.Index(start + i*step).Set(v)
		}
		return nil
	})
}

// deleteSlice is del l[a:b:c] on the addressable slice s: the kept items
// move down in one pass, whatever the step's sign.
func deleteSlice(s reflect.Value, sl brine.Slice) error {
	n := s.Len()
	start, _, step, count, err := sliceBounds(sl, n)
	if err != nil {
		return err
	}
	if count == 0 {
		return nil
	}
	drop := make([]bool, n)
	for i := range count {
		drop[start+i*step] = true
	}
	w := 0
	for r := range n {
		if !drop[r] {
			if w != r {
				s.Index(w).Set(s.Index(r))
			}
			w++
		}
	}
	shrink(s, w)
	return nil
}
