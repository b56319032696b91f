package python

import (
	"math/big"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

func (c *compiler) exprs(es []Expr) []evalFn {
	out := make([]evalFn, len(es))
	for i, e := range es {
		out[i] = c.expr(e)
	}
	return out
}

func (c *compiler) expr(e Expr) evalFn {
	switch n := e.(type) {
	case *Constant:
		v := n.Value
		if _, ok := v.(ellipsis); ok {
			v = brine.Ellipsis
		}
		return func(*Frame) (Value, error) { return v, nil }
	case *Name:
		return c.load(n)
	case *JoinedStr:
		return c.joinedStr(n)
	case *FormattedValue:
		return c.formatted(n)
	case *TupleExpr:
		return c.sequence(n.Elts, func(items []Value) Value { return Tuple(items) })
	case *ListExpr:
		return c.sequence(n.Elts, func(items []Value) Value { return &List{items: items} })
	case *SetExpr:
		build := c.sequence(n.Elts, func(items []Value) Value { return items })
		// CPython compiles a display of three or more constants as a
		// frozenset constant (made from the items, then made again from
		// that one's iteration order when the compiler merges its
		// constants) merged into a new set, which can lay the table out
		// differently from adding the items one by one.
		folded := len(n.Elts) > 2
		for _, e := range n.Elts {
			folded = folded && isConstExpr(e)
		}
		return func(fr *Frame) (Value, error) {
			items, err := build(fr)
			if err != nil {
				return nil, err
			}
			s, err := newSetFrom(fr.th, items.([]Value), folded)
			if err != nil || !folded {
				return s, err
			}
			if s, err = newSetFrom(fr.th, s.(*Set).keys(), true); err != nil {
				return nil, err
			}
			return copySet(fr.th, s.(*Set), false)
		}
	case *DictExpr:
		return c.dict(n)
	case *Attribute:
		obj := c.expr(n.Value)
		name := n.Attr
		return func(fr *Frame) (Value, error) {
			o, err := obj(fr)
			if err != nil {
				return nil, err
			}
			return getAttr(fr.th, o, name)
		}
	case *Subscript:
		return c.subscript(n)
	case *Call:
		return c.call(n)
	case *BinOp:
		return c.binop(n)
	case *UnaryOp:
		return c.unary(n)
	case *BoolOp:
		return c.boolop(n)
	case *Compare:
		return c.compare(n)
	case *IfExp:
		test, body, els := c.expr(n.Test), c.expr(n.Body), c.expr(n.Else)
		return func(fr *Frame) (Value, error) {
			t, err := test(fr)
			if err != nil {
				return nil, err
			}
			ok, err := truth(fr.th, t)
			if err != nil {
				return nil, err
			}
			if ok {
				return body(fr)
			}
			return els(fr)
		}
	case *Lambda:
		return c.makeFunction(n, "<lambda>", n.Args, nil, n.Body, n.P.Line, nil)
	case *Comp:
		return c.comprehension(n)
	case *Yield:
		return c.yield(n)
	case *NamedExpr:
		val := c.expr(n.Value)
		store := c.storeName(n.Target.ID)
		return func(fr *Frame) (Value, error) {
			v, err := val(fr)
			if err != nil {
				return nil, err
			}
			return v, store(fr, v)
		}
	case *Starred:
		c.fail(n.P, "can't use starred expression here")
	case *SliceExpr:
		c.fail(n.P, "invalid syntax")
	}
	c.fail(e.pos(), "invalid syntax")
	return nil
}

func (c *compiler) joinedStr(n *JoinedStr) evalFn {
	parts := c.exprs(n.Parts)
	return func(fr *Frame) (Value, error) {
		var b strings.Builder
		for _, p := range parts {
			v, err := p(fr)
			if err != nil {
				return nil, err
			}
			s, ok := v.(string)
			if !ok {
				if s, err = toStr(fr.th, v); err != nil {
					return nil, err
				}
			}
			b.WriteString(s)
		}
		return b.String(), nil
	}
}

func (c *compiler) formatted(n *FormattedValue) evalFn {
	val := c.expr(n.Value)
	var spec evalFn
	if n.Spec != nil {
		spec = c.expr(n.Spec)
	}
	conv := n.Conv
	return func(fr *Frame) (Value, error) {
		v, err := val(fr)
		if err != nil {
			return nil, err
		}
		switch conv {
		case 's':
			if v, err = toStr(fr.th, v); err != nil {
				return nil, err
			}
		case 'r':
			if v, err = repr(fr.th, v); err != nil {
				return nil, err
			}
		case 'a':
			r, err := repr(fr.th, v)
			if err != nil {
				return nil, err
			}
			v = asciiEscape(r)
		}
		sp := ""
		if spec != nil {
			s, err := spec(fr)
			if err != nil {
				return nil, err
			}
			sp = s.(string)
		}
		if s, ok := v.(string); ok && sp == "" {
			return s, nil
		}
		return format(fr.th, v, sp)
	}
}

// sequence builds the items of a tuple, list or set display, expanding
// *iterables.
func (c *compiler) sequence(elts []Expr, build func([]Value) Value) evalFn {
	starred := false
	for _, e := range elts {
		if _, ok := e.(*Starred); ok {
			starred = true
		}
	}
	if !starred {
		fns := c.exprs(elts)
		return func(fr *Frame) (Value, error) {
			items := make([]Value, len(fns))
			for i, f := range fns {
				v, err := f(fr)
				if err != nil {
					return nil, err
				}
				items[i] = v
			}
			return build(items), nil
		}
	}
	type part struct {
		f    evalFn
		star bool
	}
	parts := make([]part, len(elts))
	for i, e := range elts {
		if s, ok := e.(*Starred); ok {
			parts[i] = part{c.expr(s.Value), true}
		} else {
			parts[i] = part{c.expr(e), false}
		}
	}
	return func(fr *Frame) (Value, error) {
		var items []Value
		for _, p := range parts {
			v, err := p.f(fr)
			if err != nil {
				return nil, err
			}
			if !p.star {
				items = append(items, v)
				continue
			}
			more, err := collect(fr.th, v)
			if err != nil {
				return nil, err
			}
			items = append(items, more...)
		}
		if items == nil {
			items = []Value{}
		}
		return build(items), nil
	}
}

func (c *compiler) dict(n *DictExpr) evalFn {
	keys := make([]evalFn, len(n.Keys))
	for i, k := range n.Keys {
		if k != nil {
			keys[i] = c.expr(k)
		}
	}
	vals := c.exprs(n.Values)
	return func(fr *Frame) (Value, error) {
		d := NewDict()
		for i, v := range vals {
			val, err := v(fr)
			if err != nil {
				return nil, err
			}
			if keys[i] == nil {
				if err := dictUpdate(fr.th, d, val, "dict"); err != nil {
					return nil, err
				}
				continue
			}
			k, err := keys[i](fr)
			if err != nil {
				return nil, err
			}
			if err := d.Set(fr.th, k, val); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
}

func (c *compiler) index(e Expr) evalFn {
	if s, ok := e.(*SliceExpr); ok {
		var lo, hi, step evalFn
		if s.Lo != nil {
			lo = c.expr(s.Lo)
		}
		if s.Hi != nil {
			hi = c.expr(s.Hi)
		}
		if s.Step != nil {
			step = c.expr(s.Step)
		}
		get := func(fr *Frame, f evalFn) (Value, error) {
			if f == nil {
				return nil, nil
			}
			return f(fr)
		}
		return func(fr *Frame) (Value, error) {
			a, err := get(fr, lo)
			if err != nil {
				return nil, err
			}
			b, err := get(fr, hi)
			if err != nil {
				return nil, err
			}
			st, err := get(fr, step)
			if err != nil {
				return nil, err
			}
			return brine.Slice{Start: a, Stop: b, Step: st}, nil
		}
	}
	if t, ok := e.(*TupleExpr); ok {
		fns := make([]evalFn, len(t.Elts))
		for i, el := range t.Elts {
			fns[i] = c.index(el)
		}
		return func(fr *Frame) (Value, error) {
			out := make(Tuple, len(fns))
			for i, f := range fns {
				v, err := f(fr)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
			return out, nil
		}
	}
	return c.expr(e)
}

func (c *compiler) subscript(n *Subscript) evalFn {
	obj := c.expr(n.Value)
	idx := c.index(n.Index)
	return func(fr *Frame) (Value, error) {
		o, err := obj(fr)
		if err != nil {
			return nil, err
		}
		k, err := idx(fr)
		if err != nil {
			return nil, err
		}
		if l, ok := o.(*List); ok {
			if i, ok := k.(int64); ok {
				if i < 0 {
					i += int64(len(l.items))
				}
				if i >= 0 && i < int64(len(l.items)) {
					return l.items[i], nil
				}
			}
		}
		return getItem(fr.th, o, k)
	}
}

var binops = map[string]binop{
	"+": opAdd, "-": opSub, "*": opMul, "/": opTrueDiv, "//": opFloorDiv, "%": opMod,
	"**": opPow, "<<": opLShift, ">>": opRShift, "&": opAnd, "|": opOr, "^": opXor, "@": opMatMul,
}

func (c *compiler) binop(n *BinOp) evalFn {
	l, r := c.expr(n.L), c.expr(n.R)
	op := binops[n.Op]
	return func(fr *Frame) (Value, error) {
		a, err := l(fr)
		if err != nil {
			return nil, err
		}
		b, err := r(fr)
		if err != nil {
			return nil, err
		}
		if _, ok := a.(int64); ok {
			if _, ok := b.(int64); ok {
				return intOp(fr.th, op, a, b)
			}
		}
		return binaryOp(fr.th, op, a, b)
	}
}

func (c *compiler) unary(n *UnaryOp) evalFn {
	x := c.expr(n.X)
	op := n.Op
	return func(fr *Frame) (Value, error) {
		v, err := x(fr)
		if err != nil {
			return nil, err
		}
		if op == "not" {
			t, err := truth(fr.th, v)
			return !t, err
		}
		return unaryOp(fr.th, op, v)
	}
}

func (c *compiler) boolop(n *BoolOp) evalFn {
	vals := c.exprs(n.Values)
	and := n.Op == "and"
	return func(fr *Frame) (Value, error) {
		var v Value
		for i, f := range vals {
			var err error
			if v, err = f(fr); err != nil {
				return nil, err
			}
			if i == len(vals)-1 {
				break
			}
			t, err := truth(fr.th, v)
			if err != nil {
				return nil, err
			}
			if t != and {
				return v, nil
			}
		}
		return v, nil
	}
}

var cmpops = map[string]cmpop{
	"<": cmpLt, "<=": cmpLe, "==": cmpEq, "!=": cmpNe, ">": cmpGt, ">=": cmpGe,
	"in": cmpIn, "not in": cmpNotIn, "is": cmpIs, "is not": cmpIsNot,
}

func (c *compiler) compare(n *Compare) evalFn {
	left := c.expr(n.Left)
	rights := c.exprs(n.Right)
	ops := make([]cmpop, len(n.Ops))
	for i, o := range n.Ops {
		ops[i] = cmpops[o]
	}
	if len(ops) == 1 {
		op, right := ops[0], rights[0]
		return func(fr *Frame) (Value, error) {
			a, err := left(fr)
			if err != nil {
				return nil, err
			}
			b, err := right(fr)
			if err != nil {
				return nil, err
			}
			if x, ok := a.(int64); ok {
				if y, ok := b.(int64); ok {
					return cmpInts(op, x, y), nil
				}
			}
			return compareOp(fr.th, op, a, b)
		}
	}
	return func(fr *Frame) (Value, error) {
		a, err := left(fr)
		if err != nil {
			return nil, err
		}
		var res Value
		for i, op := range ops {
			b, err := rights[i](fr)
			if err != nil {
				return nil, err
			}
			if res, err = compareOp(fr.th, op, a, b); err != nil {
				return nil, err
			}
			if i == len(ops)-1 {
				break
			}
			t, err := truth(fr.th, res)
			if err != nil {
				return nil, err
			}
			if !t {
				return res, nil
			}
			a = b
		}
		return res, nil
	}
}

// makeFunction compiles a def or lambda and returns what creates the
// function object at run time (defaults evaluated then).
func (c *compiler) makeFunction(node any, name string, args *Arguments, body []Stmt, expr Expr, line int, decorators []Expr) evalFn {
	code := c.function(node, name, args, body, expr, line)
	var defaults []evalFn
	for _, a := range args.Args {
		if a.Default != nil {
			defaults = append(defaults, c.expr(a.Default))
		}
	}
	type kwd struct {
		name string
		f    evalFn
	}
	var kwdefaults []kwd
	for _, a := range args.KwOnly {
		if a.Default != nil {
			kwdefaults = append(kwdefaults, kwd{a.Name, c.expr(a.Default)})
		}
	}
	return func(fr *Frame) (Value, error) {
		fn := &Function{code: code, name: code.name, qualname: code.qualname, globals: fr.globals, closure: closure(fr, code), doc: code.doc}
		if len(defaults) > 0 {
			fn.defaults = make([]Value, len(defaults))
			for i, d := range defaults {
				v, err := d(fr)
				if err != nil {
					return nil, err
				}
				fn.defaults[i] = v
			}
		}
		if len(kwdefaults) > 0 {
			fn.kwdefaults = map[string]Value{}
			for _, d := range kwdefaults {
				v, err := d.f(fr)
				if err != nil {
					return nil, err
				}
				fn.kwdefaults[d.name] = v
			}
		}
		return fn, nil
	}
}

// isConstExpr reports whether CPython's compiler sees e as a constant
// (after its folding of signs and tuples of constants).
func isConstExpr(e Expr) bool {
	switch n := e.(type) {
	case *Constant:
		return true
	case *UnaryOp:
		if c, ok := n.X.(*Constant); ok && (n.Op == "-" || n.Op == "+" || n.Op == "~") {
			switch c.Value.(type) {
			case int64, *big.Int, float64, complex128, bool:
				return true
			}
		}
	case *TupleExpr:
		for _, x := range n.Elts {
			if !isConstExpr(x) {
				return false
			}
		}
		return true
	}
	return false
}
