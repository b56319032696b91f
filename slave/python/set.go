package python

// Sets and frozensets: membership, the set operators and comparisons.

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
