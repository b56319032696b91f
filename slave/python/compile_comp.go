package python

// Compiling comprehensions and yield.

func (c *compiler) comprehension(n *Comp) evalFn {
	sc := c.scopes[n]
	inner := &compiler{scopes: c.scopes, sc: sc, qual: c.qual}
	code := &Code{name: compName(n.Kind), qualname: c.qual + compName(n.Kind), nfast: len(sc.fast), ncellvars: len(sc.cellvars),
		nfree: len(sc.freevars), outerCells: c.outerCells(sc), generator: n.Kind == "gen", classCell: -1, firstLine: n.P.Line}
	first := c.expr(n.Gens[0].Iter)
	type gen struct {
		target storeFn
		iter   evalFn
		ifs    []evalFn
	}
	gens := make([]gen, len(n.Gens))
	for i, g := range n.Gens {
		gens[i].target = inner.store(g.Target)
		if i > 0 {
			gens[i].iter = inner.expr(g.Iter)
		}
		gens[i].ifs = inner.exprs(g.Ifs)
	}
	elt := inner.expr(n.Elt)
	var value evalFn
	if n.Value != nil {
		value = inner.expr(n.Value)
	}
	// run walks the clauses, calling emit with each element (and value).
	var run func(fr *Frame, gi int, it iterFunc, emit func(k, v Value) error) error
	run = func(fr *Frame, gi int, it iterFunc, emit func(k, v Value) error) error {
		g := &gens[gi]
		for {
			x, ok, err := it(fr.th)
			if err != nil || !ok {
				return err
			}
			if err := fr.th.tick(); err != nil {
				return err
			}
			if err := g.target(fr, x); err != nil {
				return err
			}
			skip := false
			for _, cond := range g.ifs {
				t, err := cond(fr)
				if err != nil {
					return err
				}
				ok, err := truth(fr.th, t)
				if err != nil {
					return err
				}
				if !ok {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			if gi+1 < len(gens) {
				src, err := gens[gi+1].iter(fr)
				if err != nil {
					return err
				}
				next, err := getIter(fr.th, src)
				if err != nil {
					return err
				}
				if err := run(fr, gi+1, next, emit); err != nil {
					return err
				}
				continue
			}
			k, err := elt(fr)
			if err != nil {
				return err
			}
			var v Value
			if value != nil {
				if v, err = value(fr); err != nil {
					return err
				}
			}
			if err := emit(k, v); err != nil {
				return err
			}
		}
	}
	kind := n.Kind
	code.body = func(fr *Frame) (ctl, error) {
		it := fr.fast[sc.fast[".0"]].(*Iterator)
		return ctlNext, run(fr, 0, it.next, func(k, _ Value) error {
			_, err := fr.gen.yield(fr, k)
			return err
		})
	}
	return func(fr *Frame) (Value, error) {
		src, err := first(fr)
		if err != nil {
			return nil, err
		}
		it, err := getIter(fr.th, src)
		if err != nil {
			return nil, err
		}
		inner := newFrame(fr.th, code, fr.globals, closure(fr, code))
		switch kind {
		case "gen":
			inner.fast[sc.fast[".0"]] = &Iterator{cls: classIter, next: it}
			return newGenerator(fr.th, inner), nil
		case "list":
			var out []Value
			err := run(inner, 0, it, func(k, _ Value) error { out = append(out, k); return nil })
			if out == nil {
				out = []Value{}
			}
			return &List{items: out}, err
		case "set":
			s := &Set{}
			err := run(inner, 0, it, func(k, _ Value) error { return s.add(fr.th, k) })
			return s, err
		}
		d := NewDict()
		err = run(inner, 0, it, func(k, v Value) error { return d.Set(fr.th, k, v) })
		return d, err
	}
}

func (c *compiler) yield(n *Yield) evalFn {
	var val evalFn
	if n.Value != nil {
		val = c.expr(n.Value)
	}
	if n.From {
		return func(fr *Frame) (Value, error) {
			src, err := val(fr)
			if err != nil {
				return nil, err
			}
			return fr.gen.yieldFrom(fr, src)
		}
	}
	return func(fr *Frame) (Value, error) {
		var v Value
		if val != nil {
			var err error
			if v, err = val(fr); err != nil {
				return nil, err
			}
		}
		return fr.gen.yield(fr, v)
	}
}
