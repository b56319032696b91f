package python

import (
	"fmt"
)

func (c *compiler) stmt(s Stmt) execFn {
	f := c.stmt0(s)
	if f == nil {
		return nil
	}
	line := s.pos().Line
	return func(fr *Frame) (ctl, error) {
		fr.line = line
		return f(fr)
	}
}

func (c *compiler) stmt0(s Stmt) execFn {
	switch n := s.(type) {
	case *ExprStmt:
		e := c.expr(n.X)
		if c.interactive && c.sc.kind == scModule {
			return func(fr *Frame) (ctl, error) {
				v, err := e(fr)
				if err != nil || v == nil {
					return ctlNext, err
				}
				s, err := repr(fr.th, v)
				if err != nil {
					return 0, err
				}
				return ctlNext, writeTo(fr.th, nil, s+"\n", true)
			}
		}
		return func(fr *Frame) (ctl, error) {
			_, err := e(fr)
			return ctlNext, err
		}
	case *Assign:
		val := c.expr(n.Value)
		if len(n.Targets) == 1 {
			store := c.store(n.Targets[0])
			return func(fr *Frame) (ctl, error) {
				v, err := val(fr)
				if err != nil {
					return 0, err
				}
				return ctlNext, store(fr, v)
			}
		}
		stores := make([]storeFn, len(n.Targets))
		for i, t := range n.Targets {
			stores[i] = c.store(t)
		}
		return func(fr *Frame) (ctl, error) {
			v, err := val(fr)
			if err != nil {
				return 0, err
			}
			for _, st := range stores {
				if err := st(fr, v); err != nil {
					return 0, err
				}
			}
			return ctlNext, nil
		}
	case *AugAssign:
		return c.augAssign(n)
	case *AnnAssign:
		return c.annAssign(n)
	case *Pass, *Global, *Nonlocal:
		return nil
	case *Break:
		if c.loops == 0 {
			c.fail(n.P, "'break' outside loop")
		}
		return func(*Frame) (ctl, error) { return ctlBreak, nil }
	case *Continue:
		if c.loops == 0 {
			c.fail(n.P, "'continue' not properly in loop")
		}
		return func(*Frame) (ctl, error) { return ctlContinue, nil }
	case *Return:
		if n.Value == nil {
			return func(fr *Frame) (ctl, error) { fr.ret = nil; return ctlReturn, nil }
		}
		val := c.expr(n.Value)
		return func(fr *Frame) (ctl, error) {
			v, err := val(fr)
			if err != nil {
				return 0, err
			}
			fr.ret = v
			return ctlReturn, nil
		}
	case *If:
		return c.ifStmt(n)
	case *While:
		return c.whileStmt(n)
	case *For:
		return c.forStmt(n)
	case *FunctionDef:
		decs := c.exprs(n.Decorators)
		mk := c.makeFunction(n, n.Name, n.Args, n.Body, nil, n.P.Line, nil)
		store := c.storeName(n.Name)
		return func(fr *Frame) (ctl, error) {
			return c.decorate(fr, decs, mk, store)
		}
	case *ClassDef:
		return c.classDef(n)
	case *Try:
		return c.tryStmt(n)
	case *Raise:
		return c.raise(n)
	case *Assert:
		test := c.expr(n.Test)
		var msg evalFn
		if n.Msg != nil {
			msg = c.expr(n.Msg)
		}
		return func(fr *Frame) (ctl, error) {
			v, err := test(fr)
			if err != nil {
				return 0, err
			}
			ok, err := truth(fr.th, v)
			if err != nil || ok {
				return ctlNext, err
			}
			if msg == nil {
				return 0, fr.th.raise(newExc(ErrAssertionError))
			}
			m, err := msg(fr)
			if err != nil {
				return 0, err
			}
			return 0, fr.th.raise(newExc(ErrAssertionError, m))
		}
	case *With:
		return c.with(n.Items, n.Body)
	case *Import:
		return c.importStmt(n)
	case *ImportFrom:
		return c.importFrom(n)
	case *Del:
		var fns []execFn
		for _, t := range n.Targets {
			fns = append(fns, c.del(t))
		}
		return func(fr *Frame) (ctl, error) {
			for _, f := range fns {
				if _, err := f(fr); err != nil {
					return 0, err
				}
			}
			return ctlNext, nil
		}
	}
	c.fail(s.pos(), "invalid syntax")
	return nil
}

// decorate makes a function or class, applies its decorators (bottom
// up) and binds the name.
func (c *compiler) decorate(fr *Frame, decs []evalFn, mk evalFn, store storeFn) (ctl, error) {
	ds := make([]Value, len(decs))
	for i, d := range decs {
		v, err := d(fr)
		if err != nil {
			return 0, err
		}
		ds[i] = v
	}
	v, err := mk(fr)
	if err != nil {
		return 0, err
	}
	for i := len(ds) - 1; i >= 0; i-- {
		if v, err = call(fr.th, ds[i], []Value{v}, nil); err != nil {
			return 0, err
		}
	}
	return ctlNext, store(fr, v)
}

// store compiles an assignment target.
func (c *compiler) store(e Expr) storeFn {
	switch n := e.(type) {
	case *Name:
		return c.storeName(n.ID)
	case *Attribute:
		obj, name := c.expr(n.Value), n.Attr
		return func(fr *Frame, v Value) error {
			o, err := obj(fr)
			if err != nil {
				return err
			}
			return setAttr(fr.th, o, name, v)
		}
	case *Subscript:
		obj, idx := c.expr(n.Value), c.index(n.Index)
		return func(fr *Frame, v Value) error {
			o, err := obj(fr)
			if err != nil {
				return err
			}
			k, err := idx(fr)
			if err != nil {
				return err
			}
			return setItem(fr.th, o, k, v)
		}
	case *TupleExpr:
		return c.unpack(n.Elts)
	case *ListExpr:
		return c.unpack(n.Elts)
	case *Starred:
		c.fail(n.P, "starred assignment target must be in a list or tuple")
	}
	c.fail(e.pos(), "cannot assign to "+describeExpr(e))
	return nil
}

// unpack compiles a, b, *c = ... targets.
func (c *compiler) unpack(elts []Expr) storeFn {
	star := -1
	stores := make([]storeFn, len(elts))
	for i, e := range elts {
		if s, ok := e.(*Starred); ok {
			if star >= 0 {
				c.fail(s.P, "multiple starred expressions in assignment")
			}
			star = i
			stores[i] = c.store(s.Value)
			continue
		}
		stores[i] = c.store(e)
	}
	n := len(elts)
	return func(fr *Frame, v Value) error {
		var items []Value
		switch x := v.(type) {
		case Tuple:
			items = x
		case *List:
			items = append([]Value(nil), x.items...)
		default:
			var err error
			if items, err = collectN(fr.th, v, n, star >= 0); err != nil {
				return err
			}
		}
		if star < 0 {
			if len(items) != n {
				if len(items) > n {
					return fr.th.newError(ErrValueError, fmt.Sprintf("too many values to unpack (expected %d)", n))
				}
				return fr.th.newError(ErrValueError, fmt.Sprintf("not enough values to unpack (expected %d, got %d)", n, len(items)))
			}
			for i, st := range stores {
				if err := st(fr, items[i]); err != nil {
					return err
				}
			}
			return nil
		}
		if len(items) < n-1 {
			return fr.th.newError(ErrValueError, fmt.Sprintf("not enough values to unpack (expected at least %d, got %d)", n-1, len(items)))
		}
		after := n - 1 - star
		for i := 0; i < star; i++ {
			if err := stores[i](fr, items[i]); err != nil {
				return err
			}
		}
		mid := append([]Value{}, items[star:len(items)-after]...)
		if err := stores[star](fr, &List{items: mid}); err != nil {
			return err
		}
		for i := 0; i < after; i++ {
			if err := stores[star+1+i](fr, items[len(items)-after+i]); err != nil {
				return err
			}
		}
		return nil
	}
}

func (c *compiler) del(e Expr) execFn {
	switch n := e.(type) {
	case *Name:
		return c.delName(n.ID)
	case *Attribute:
		obj, name := c.expr(n.Value), n.Attr
		return func(fr *Frame) (ctl, error) {
			o, err := obj(fr)
			if err != nil {
				return 0, err
			}
			return ctlNext, delAttr(fr.th, o, name)
		}
	case *Subscript:
		obj, idx := c.expr(n.Value), c.index(n.Index)
		return func(fr *Frame) (ctl, error) {
			o, err := obj(fr)
			if err != nil {
				return 0, err
			}
			k, err := idx(fr)
			if err != nil {
				return 0, err
			}
			return ctlNext, delItem(fr.th, o, k)
		}
	case *TupleExpr, *ListExpr:
		var elts []Expr
		if t, ok := n.(*TupleExpr); ok {
			elts = t.Elts
		} else {
			elts = n.(*ListExpr).Elts
		}
		var fns []execFn
		for _, el := range elts {
			fns = append(fns, c.del(el))
		}
		return func(fr *Frame) (ctl, error) {
			for _, f := range fns {
				if _, err := f(fr); err != nil {
					return 0, err
				}
			}
			return ctlNext, nil
		}
	}
	c.fail(e.pos(), "cannot delete "+describeExpr(e))
	return nil
}

func (c *compiler) augAssign(n *AugAssign) execFn {
	op := binops[n.Op]
	val := c.expr(n.Value)
	switch t := n.Target.(type) {
	case *Name:
		load, store := c.load(t), c.storeName(t.ID)
		return func(fr *Frame) (ctl, error) {
			a, err := load(fr)
			if err != nil {
				return 0, err
			}
			b, err := val(fr)
			if err != nil {
				return 0, err
			}
			if x, ok := a.(int64); ok && op == opAdd {
				if y, ok := b.(int64); ok {
					if s := x + y; (s > x) == (y > 0) {
						return ctlNext, store(fr, boxInt(s))
					}
				}
			}
			r, err := inplaceOp(fr.th, op, a, b)
			if err != nil {
				return 0, err
			}
			return ctlNext, store(fr, r)
		}
	case *Attribute:
		obj, name := c.expr(t.Value), t.Attr
		return func(fr *Frame) (ctl, error) {
			o, err := obj(fr)
			if err != nil {
				return 0, err
			}
			a, err := getAttr(fr.th, o, name)
			if err != nil {
				return 0, err
			}
			b, err := val(fr)
			if err != nil {
				return 0, err
			}
			r, err := inplaceOp(fr.th, op, a, b)
			if err != nil {
				return 0, err
			}
			return ctlNext, setAttr(fr.th, o, name, r)
		}
	case *Subscript:
		obj, idx := c.expr(t.Value), c.index(t.Index)
		return func(fr *Frame) (ctl, error) {
			o, err := obj(fr)
			if err != nil {
				return 0, err
			}
			k, err := idx(fr)
			if err != nil {
				return 0, err
			}
			a, err := getItem(fr.th, o, k)
			if err != nil {
				return 0, err
			}
			b, err := val(fr)
			if err != nil {
				return 0, err
			}
			r, err := inplaceOp(fr.th, op, a, b)
			if err != nil {
				return 0, err
			}
			return ctlNext, setItem(fr.th, o, k, r)
		}
	}
	c.fail(n.P, "illegal expression for augmented assignment")
	return nil
}

func (c *compiler) ifStmt(n *If) execFn {
	test := c.expr(n.Test)
	body := c.block(n.Body)
	var els execFn
	if len(n.Else) > 0 {
		els = c.block(n.Else)
	}
	return func(fr *Frame) (ctl, error) {
		v, err := test(fr)
		if err != nil {
			return 0, err
		}
		var ok bool
		if b, isBool := v.(bool); isBool {
			ok = b
		} else if ok, err = truth(fr.th, v); err != nil {
			return 0, err
		}
		if ok {
			return body(fr)
		}
		if els != nil {
			return els(fr)
		}
		return ctlNext, nil
	}
}

func (c *compiler) whileStmt(n *While) execFn {
	test := c.expr(n.Test)
	c.loops++
	body := c.block(n.Body)
	c.loops--
	var els execFn
	if len(n.Else) > 0 {
		els = c.block(n.Else)
	}
	line := n.P.Line
	return func(fr *Frame) (ctl, error) {
		for {
			fr.line = line
			v, err := test(fr)
			if err != nil {
				return 0, err
			}
			var ok bool
			if b, isBool := v.(bool); isBool {
				ok = b
			} else if ok, err = truth(fr.th, v); err != nil {
				return 0, err
			}
			if !ok {
				break
			}
			if more, k, err := loopStep(fr, body); !more {
				return k, err
			}
		}
		if els != nil {
			return els(fr)
		}
		return ctlNext, nil
	}
}

// loopStep runs one iteration of a loop's body: whether the loop goes
// on, and if not, how the loop statement ends (a break skips the else).
func loopStep(fr *Frame, body execFn) (more bool, k ctl, err error) {
	k, err = body(fr)
	if err != nil {
		return false, 0, err
	}
	switch k {
	case ctlBreak:
		return false, ctlNext, nil
	case ctlReturn:
		return false, k, nil
	}
	if err := fr.th.tick(); err != nil {
		return false, 0, err
	}
	return true, ctlNext, nil
}

func (c *compiler) forStmt(n *For) execFn {
	src := c.expr(n.Iter)
	target := c.store(n.Target)
	c.loops++
	body := c.block(n.Body)
	c.loops--
	var els execFn
	if len(n.Else) > 0 {
		els = c.block(n.Else)
	}
	return func(fr *Frame) (ctl, error) {
		s, err := src(fr)
		if err != nil {
			return 0, err
		}
		it, err := getIter(fr.th, s)
		if err != nil {
			return 0, err
		}
		for {
			v, ok, err := it(fr.th)
			if err != nil {
				return 0, err
			}
			if !ok {
				break
			}
			if err := target(fr, v); err != nil {
				return 0, err
			}
			if more, k, err := loopStep(fr, body); !more {
				return k, err
			}
		}
		if els != nil {
			return els(fr)
		}
		return ctlNext, nil
	}
}

func (c *compiler) classDef(n *ClassDef) execFn {
	decs := c.exprs(n.Decorators)
	bases := c.exprs(n.Bases)
	type kwExpr struct {
		name string
		f    evalFn
	}
	var kws []kwExpr
	for _, k := range n.Keywords {
		if k.Arg == "" {
			c.fail(n.P, "**kwargs in a class definition is not supported by this server")
		}
		kws = append(kws, kwExpr{k.Arg, c.expr(k.Value)})
	}
	sc := c.scopes[n]
	qual := c.qualFor(n.Name)
	inner := &compiler{scopes: c.scopes, sc: sc, qual: qual + "."}
	code := &Code{name: n.Name, qualname: qual, ncellvars: len(sc.cellvars), nfree: len(sc.freevars),
		outerCells: c.outerCells(sc), firstLine: n.P.Line, classCell: -1}
	if i, ok := sc.cellIdx["__class__"]; ok && i < len(sc.cellvars) {
		code.classCell = i
	}
	code.body = inner.block(n.Body)
	var doc Value
	if len(n.Body) > 0 {
		if es, ok := n.Body[0].(*ExprStmt); ok {
			if k, ok := es.X.(*Constant); ok {
				if s, ok := k.Value.(string); ok {
					doc = s
				}
			}
		}
	}
	name := n.Name
	store := c.storeName(n.Name)
	mk := func(fr *Frame) (Value, error) {
		bs := make([]Value, len(bases))
		for i, b := range bases {
			v, err := b(fr)
			if err != nil {
				return nil, err
			}
			bs[i] = v
		}
		var kv []KV
		for _, k := range kws {
			v, err := k.f(fr)
			if err != nil {
				return nil, err
			}
			kv = append(kv, KV{k.name, v})
		}
		ns := NewDict()
		mod := "builtins"
		if m, ok := fr.globals.GetStr("__name__"); ok {
			if s, ok := m.(string); ok {
				mod = s
			}
		}
		ns.SetStr("__module__", mod)
		ns.SetStr("__qualname__", qual)
		if doc != nil {
			ns.SetStr("__doc__", doc)
		}
		body := newFrame(fr.th, code, fr.globals, closure(fr, code))
		body.ns = ns
		if _, err := code.body(body); err != nil {
			addTraceback(body, err)
			return nil, err
		}
		cls, err := buildClass(fr.th, name, bs, ns, kv)
		if err != nil {
			return nil, err
		}
		if code.classCell >= 0 {
			body.cells[code.classCell].v = cls
		}
		return cls, nil
	}
	return func(fr *Frame) (ctl, error) {
		return c.decorate(fr, decs, mk, store)
	}
}

// annAssign is x: T = v. In a module or class body a simple name's
// annotation is evaluated and recorded in __annotations__, as Python
// does (dataclasses read it); in a function it is not evaluated.
func (c *compiler) annAssign(n *AnnAssign) execFn {
	var val evalFn
	var store storeFn
	if n.Value != nil {
		val, store = c.expr(n.Value), c.store(n.Target)
	}
	var ann evalFn
	name := ""
	if nm, ok := n.Target.(*Name); ok && n.Simple && (c.sc.kind == scModule || c.sc.kind == scClass) {
		ann, name = c.expr(n.Ann), nm.ID
	}
	if val == nil && ann == nil {
		return nil
	}
	return func(fr *Frame) (ctl, error) {
		if ann != nil {
			a, err := ann(fr)
			if err != nil {
				return 0, err
			}
			ns := fr.ns
			if ns == nil {
				ns = fr.globals
			}
			d, ok := ns.GetStr("__annotations__")
			dict, isDict := d.(*Dict)
			if !ok || !isDict {
				dict = NewDict()
				ns.SetStr("__annotations__", dict)
			}
			dict.SetStr(name, a)
		}
		if val == nil {
			return ctlNext, nil
		}
		v, err := val(fr)
		if err != nil {
			return 0, err
		}
		return ctlNext, store(fr, v)
	}
}
