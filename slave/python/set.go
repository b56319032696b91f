package python

// Sets and frozensets: membership, the set operators and comparisons.
// Each operation adds its keys in the order CPython's does (which set
// it walks, which it copies first), so results iterate in CPython's
// order too (see settable.go).

func (s *Set) add(th *Thread, k Value) error {
	h, err := hashOf(th, k)
	if err != nil {
		return err
	}
	return s.t.insert(th, k, h)
}

func (s *Set) has(th *Thread, k Value) (bool, error) {
	h, err := hashOf(th, k)
	if err != nil {
		return false, err
	}
	found, _, err := s.t.lookup(th, k, h)
	return found >= 0, err
}

func (s *Set) discard(th *Thread, k Value) (bool, error) {
	h, err := hashOf(th, k)
	if err != nil {
		return false, err
	}
	return s.t.discard(th, k, h)
}

// keys is the members in iteration order.
func (s *Set) keys() []Value { return s.t.keys() }

// len is len(s).
func (s *Set) len() int { return s.t.used }

// newSetFrom is a set of items added one by one.
func newSetFrom(th *Thread, items []Value, frozen bool) (Value, error) {
	s := &Set{frozen: frozen}
	for _, it := range items {
		if err := s.add(th, it); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// newSetOf is set(iterable) or frozenset(iterable).
func newSetOf(th *Thread, iterable Value, frozen bool) (*Set, error) {
	s := &Set{frozen: frozen}
	return s, s.update(th, iterable)
}

// copySet is a new set (frozen as asked) with s's members and layout.
func copySet(th *Thread, s *Set, frozen bool) (*Set, error) {
	out := &Set{frozen: frozen}
	return out, out.t.merge(th, &s.t)
}

// update adds other's members: a set's in its table order, a dict's
// keys in order (the table sized first), any other iterable's in
// iteration order.
func (s *Set) update(th *Thread, other Value) error {
	switch o := other.(type) {
	case *Set:
		return s.t.merge(th, &o.t)
	case *Dict:
		if o.kind == nil {
			s.t.presize(o.n)
			for _, k := range o.Keys() {
				if err := s.add(th, k); err != nil {
					return err
				}
			}
			return nil
		}
	}
	items, err := collect(th, other)
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := s.add(th, it); err != nil {
			return err
		}
	}
	return nil
}

// intersection is so & other: the members of the smaller set (other's
// when it is not a set) that the other holds, in that one's order.
func intersection(th *Thread, so *Set, other Value) (*Set, error) {
	out := &Set{frozen: so.frozen}
	walk, in := other, so
	if o, ok := other.(*Set); ok && o.len() > so.len() {
		walk, in = so, o
	}
	var items []Value
	if ws, ok := walk.(*Set); ok {
		items = ws.keys()
	} else {
		var err error
		if items, err = collect(th, walk); err != nil {
			return nil, err
		}
	}
	for _, k := range items {
		ok, err := in.has(th, k)
		if err != nil {
			return nil, err
		}
		if ok {
			if err := out.add(th, k); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// difference is so - other: a copy of so with other's members removed
// when other is small (or not a set), else so's members not in other,
// added one by one.
func difference(th *Thread, so *Set, other Value) (*Set, error) {
	size := -1
	switch o := other.(type) {
	case *Set:
		size = o.len()
	case *Dict:
		if o.kind == nil {
			size = o.n
		}
	}
	if size < 0 || so.len()>>2 > size {
		out, err := copySet(th, so, so.frozen)
		if err != nil {
			return nil, err
		}
		return out, out.differenceUpdate(th, other)
	}
	out := &Set{frozen: so.frozen}
	for _, k := range so.keys() {
		var in bool
		var err error
		if o, ok := other.(*Set); ok {
			in, err = o.has(th, k)
		} else {
			_, in, err = other.(*Dict).Get(th, k)
		}
		if err != nil {
			return nil, err
		}
		if !in {
			if err := out.add(th, k); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// differenceUpdate is s -= other; many dummies left are rebuilt away.
func (s *Set) differenceUpdate(th *Thread, other Value) error {
	if o, ok := other.(*Set); ok && o == s {
		s.t.clear()
		return nil
	}
	var items []Value
	if o, ok := other.(*Set); ok {
		items = o.keys()
	} else {
		var err error
		if items, err = collect(th, other); err != nil {
			return err
		}
	}
	for _, k := range items {
		if _, err := s.discard(th, k); err != nil {
			return err
		}
	}
	if uint64(s.t.fill-s.t.used) > s.t.mask()/4 {
		s.t.grow()
	}
	return nil
}

// symmetricDifferenceUpdate is s ^= other: each member of other (as a
// set) removed from s if there, else added.
func (s *Set) symmetricDifferenceUpdate(th *Thread, other Value) error {
	if o, ok := other.(*Set); ok && o == s {
		s.t.clear()
		return nil
	}
	o, ok := other.(*Set)
	if !ok {
		var err error
		if o, err = newSetOf(th, other, false); err != nil {
			return err
		}
	}
	for _, k := range o.keys() {
		found, err := s.discard(th, k)
		if err != nil {
			return err
		}
		if !found {
			if err := s.add(th, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// symmetricDifference is so ^ other: a set of other's members, updated
// with so's.
func symmetricDifference(th *Thread, so *Set, other Value) (*Set, error) {
	out := &Set{frozen: so.frozen}
	if err := out.update(th, other); err != nil {
		return nil, err
	}
	return out, out.symmetricDifferenceUpdate(th, so)
}

// union is so | other: a copy of so updated with other.
func union(th *Thread, so *Set, other Value) (*Set, error) {
	out, err := copySet(th, so, so.frozen)
	if err != nil {
		return nil, err
	}
	return out, out.update(th, other)
}

// setOp is a binary set operator; the result has x's type.
func setOp(th *Thread, op binop, x, y *Set) (Value, error) {
	switch op {
	case opOr:
		return union(th, x, y)
	case opAnd:
		return intersection(th, x, y)
	case opSub:
		return difference(th, x, y)
	case opXor:
		return symmetricDifference(th, x, y)
	}
	return nil, errNoOp
}

// setInPlace is x |= y and friends: x itself, changed.
func setInPlace(th *Thread, op binop, x, y *Set) (Value, error) {
	switch op {
	case opOr:
		return x, x.update(th, y)
	case opAnd:
		r, err := intersection(th, x, y)
		if err != nil {
			return nil, err
		}
		x.t = r.t
		return x, nil
	case opSub:
		return x, x.differenceUpdate(th, y)
	case opXor:
		return x, x.symmetricDifferenceUpdate(th, y)
	}
	return nil, errNoOp
}

// subset reports whether every member of x is in y.
func subset(th *Thread, x, y *Set) (bool, error) {
	if x.len() > y.len() {
		return false, nil
	}
	for _, k := range x.keys() {
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
		if x.len() != y.len() {
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
		return sub && x.len() < y.len(), err
	case cmpGt:
		sub, err := subset(th, y, x)
		return sub && x.len() > y.len(), err
	}
	return nil, errNoOp
}

// setIter iterates s in table order; a change of its size is Python's
// RuntimeError.
func setIter(s *Set) iterFunc {
	pos, used := 0, s.t.used
	return func(th *Thread) (Value, bool, error) {
		if s.t.used != used {
			used = -1
			return nil, false, th.newError(ErrRuntimeError, "Set changed size during iteration")
		}
		for pos < len(s.t.slots) {
			sl := s.t.slots[pos]
			pos++
			if sl.state == slotActive {
				return sl.key, true, nil
			}
		}
		return nil, false, nil
	}
}
