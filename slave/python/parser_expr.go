package python

import "strings"

// Expressions, from the loosest binding (a comma-separated list) to atoms.

// starExprs parses expressions separated by commas, *x allowed; two or
// more (or a trailing comma) make a tuple.
func (p *parser) starExprs() Expr {
	pos := p.tok().pos
	first := p.starExpr()
	if !p.isOp(",") {
		if s, ok := first.(*Starred); ok {
			p.fail(s.P, "can't use starred expression here")
		}
		return first
	}
	elts := []Expr{first}
	for p.acceptOp(",") {
		if !p.startsExpr() {
			break
		}
		elts = append(elts, p.starExpr())
	}
	return &TupleExpr{node{pos}, elts}
}

func (p *parser) starExpr() Expr {
	if p.isOp("*") {
		pos := p.next().pos
		return &Starred{node{pos}, p.bitOr()}
	}
	return p.expr()
}

// startsExpr reports whether the current token can begin an expression.
func (p *parser) startsExpr() bool {
	t := p.tok()
	switch t.kind {
	case tName:
		switch t.text {
		case "if", "else", "elif", "for", "in", "as", "from", "and", "or", "is",
			"import", "while", "with", "try", "except", "finally", "def", "class",
			"return", "pass", "break", "continue", "del", "global", "nonlocal", "assert", "raise":
			return false
		}
		return true
	case tInt, tFloat, tImag, tString:
		return true
	case tOp:
		switch t.text {
		case "(", "[", "{", "-", "+", "~", "*", "...":
			return true
		}
	}
	return false
}

// expr is Python's "expression": a conditional expression or lambda.
func (p *parser) expr() Expr {
	p.enter()
	defer p.leave()
	if p.isKw("lambda") {
		return p.lambda()
	}
	if p.isKw("yield") {
		p.fail(p.tok().pos, "'yield' outside parentheses is not allowed here")
	}
	pos := p.tok().pos
	e := p.disjunction()
	if p.acceptKw("if") {
		test := p.disjunction()
		if !p.acceptKw("else") {
			p.fail(p.tok().pos, "expected 'else' after 'if' expression")
		}
		return &IfExp{node{pos}, test, e, p.expr()}
	}
	return e
}

func (p *parser) lambda() Expr {
	pos := p.next().pos
	args := p.params(":", false)
	p.expectOp(":")
	return &Lambda{node{pos}, args, p.expr()}
}

func (p *parser) yieldExpr() Expr {
	pos := p.next().pos
	if p.acceptKw("from") {
		return &Yield{node{pos}, p.expr(), true}
	}
	if p.startsExpr() {
		return &Yield{node{pos}, p.starExprs(), false}
	}
	return &Yield{node: node{pos}}
}

func (p *parser) disjunction() Expr {
	pos := p.tok().pos
	e := p.conjunction()
	if !p.isKw("or") {
		return e
	}
	vals := []Expr{e}
	for p.acceptKw("or") {
		vals = append(vals, p.conjunction())
	}
	return &BoolOp{node{pos}, "or", vals}
}

func (p *parser) conjunction() Expr {
	pos := p.tok().pos
	e := p.inversion()
	if !p.isKw("and") {
		return e
	}
	vals := []Expr{e}
	for p.acceptKw("and") {
		vals = append(vals, p.inversion())
	}
	return &BoolOp{node{pos}, "and", vals}
}

func (p *parser) inversion() Expr {
	if p.isKw("not") {
		p.enter()
		defer p.leave()
		pos := p.next().pos
		return &UnaryOp{node{pos}, "not", p.inversion()}
	}
	return p.comparison()
}

func (p *parser) compOp() string {
	t := p.tok()
	if t.kind == tOp {
		switch t.text {
		case "<", ">", "==", ">=", "<=", "!=":
			p.i++
			return t.text
		}
		return ""
	}
	if t.kind == tName {
		switch t.text {
		case "in":
			p.i++
			return "in"
		case "not":
			if nx := p.peek(1); nx.kind == tName && nx.text == "in" {
				p.i += 2
				return "not in"
			}
		case "is":
			p.i++
			if p.acceptKw("not") {
				return "is not"
			}
			return "is"
		}
	}
	return ""
}

func (p *parser) comparison() Expr {
	pos := p.tok().pos
	e := p.bitOr()
	var ops []string
	var rights []Expr
	for {
		op := p.compOp()
		if op == "" {
			break
		}
		ops = append(ops, op)
		rights = append(rights, p.bitOr())
	}
	if len(ops) == 0 {
		return e
	}
	return &Compare{node{pos}, e, ops, rights}
}

// binary parses a left-associative level of binary operators.
func (p *parser) binary(ops []string, operand func() Expr) Expr {
	saved := p.links
	defer func() { p.links = saved }()
	pos := p.tok().pos
	e := operand()
	for {
		t := p.tok()
		if t.kind != tOp {
			return e
		}
		found := false
		for _, op := range ops {
			if t.text == op {
				found = true
				break
			}
		}
		if !found {
			return e
		}
		p.i++
		e = &BinOp{node{pos}, t.text, e, operand()}
		p.chain(pos)
	}
}

// maxChain bounds a left-deep chain (a + b + c ..., a.b.c ..., f()()...):
// the tree it makes is walked recursively when compiled and run.
const maxChain = 5000

// chain counts one more link of the current chain.
func (p *parser) chain(pos Pos) {
	p.links++
	if p.links > maxChain {
		p.fail(pos, "expression too long (this server allows 5000 operators in a chain)")
	}
}

func (p *parser) bitOr() Expr  { return p.binary([]string{"|"}, p.bitXor) }
func (p *parser) bitXor() Expr { return p.binary([]string{"^"}, p.bitAnd) }
func (p *parser) bitAnd() Expr { return p.binary([]string{"&"}, p.shift) }
func (p *parser) shift() Expr  { return p.binary([]string{"<<", ">>"}, p.sum) }
func (p *parser) sum() Expr    { return p.binary([]string{"+", "-"}, p.term) }
func (p *parser) term() Expr   { return p.binary([]string{"*", "/", "//", "%", "@"}, p.factor) }

func (p *parser) factor() Expr {
	t := p.tok()
	if t.kind == tOp && (t.text == "-" || t.text == "+" || t.text == "~") {
		p.enter()
		defer p.leave()
		p.i++
		x := p.factor()
		// Fold negative number literals, so -9223372036854775808 is an int64.
		if c, ok := x.(*Constant); ok && t.text == "-" {
			switch v := c.Value.(type) {
			case int64:
				if v != 0 {
					return &Constant{node{t.pos}, -v}
				}
			case float64:
				return &Constant{node{t.pos}, -v}
			}
		}
		return &UnaryOp{node{t.pos}, t.text, x}
	}
	return p.power()
}

func (p *parser) power() Expr {
	pos := p.tok().pos
	if p.isKw("await") {
		p.unsupported(pos, "await")
	}
	e := p.atomExpr()
	if p.acceptOp("**") {
		p.enter()
		defer p.leave()
		return &BinOp{node{pos}, "**", e, p.factor()}
	}
	return e
}

// atomExpr is an atom followed by calls, subscripts and attributes.
func (p *parser) atomExpr() Expr {
	saved := p.links
	defer func() { p.links = saved }()
	e := p.atom()
	for {
		p.chain(p.tok().pos)
		t := p.tok()
		if t.kind != tOp {
			return e
		}
		switch t.text {
		case "(":
			p.enter()
			p.i++
			args, kws := p.callArgs()
			p.expectOp(")")
			p.leave()
			e = &Call{node{t.pos}, e, args, kws}
		case "[":
			p.enter()
			p.i++
			idx := p.subscript()
			p.expectOp("]")
			p.leave()
			e = &Subscript{node{t.pos}, e, idx}
		case ".":
			p.i++
			n := p.tok()
			if n.kind != tName {
				p.fail(n.pos, "invalid syntax")
			}
			p.i++
			e = &Attribute{node{t.pos}, e, n.text}
		default:
			return e
		}
	}
}

func (p *parser) subscript() Expr {
	pos := p.tok().pos
	first := p.sliceItem()
	if !p.isOp(",") {
		return first
	}
	elts := []Expr{first}
	for p.acceptOp(",") {
		if p.isOp("]") {
			break
		}
		elts = append(elts, p.sliceItem())
	}
	return &TupleExpr{node{pos}, elts}
}

func (p *parser) sliceItem() Expr {
	pos := p.tok().pos
	var lo Expr
	if !p.isOp(":") {
		if p.isOp("*") {
			return p.starExpr()
		}
		lo = p.namedExprTest()
		if !p.isOp(":") {
			return lo
		}
	}
	p.expectOp(":")
	s := &SliceExpr{node: node{pos}, Lo: lo}
	if !p.isOp("]") && !p.isOp(",") && !p.isOp(":") {
		s.Hi = p.expr()
	}
	if p.acceptOp(":") {
		if !p.isOp("]") && !p.isOp(",") {
			s.Step = p.expr()
		}
	}
	return s
}

// callArgs parses arguments up to (not including) ')'.
func (p *parser) callArgs() ([]Expr, []Keyword) {
	var args []Expr
	var kws []Keyword
	for !p.isOp(")") {
		t := p.tok()
		switch {
		case p.acceptOp("**"):
			kws = append(kws, Keyword{Value: p.expr()})
		case p.acceptOp("*"):
			if len(kws) > 0 && kws[len(kws)-1].Arg == "" {
				p.fail(t.pos, "iterable argument unpacking follows keyword argument unpacking")
			}
			args = append(args, &Starred{node{t.pos}, p.expr()})
		case t.kind == tName && p.peek(1).kind == tOp && p.peek(1).text == "=":
			name := p.name()
			p.i++
			for _, k := range kws {
				if k.Arg == name {
					p.fail(t.pos, "keyword argument repeated: "+name)
				}
			}
			kws = append(kws, Keyword{Arg: name, Value: p.expr()})
		default:
			e := p.namedExprTest()
			if p.isKw("for") || p.isKw("async") {
				e = p.comprehension(t.pos, "gen", e, nil)
				if len(args) > 0 || len(kws) > 0 || p.isOp(",") && p.peek(1).kind != tOp {
					p.fail(t.pos, "Generator expression must be parenthesized")
				}
			}
			if len(kws) > 0 {
				if kws[len(kws)-1].Arg == "" {
					p.fail(t.pos, "positional argument follows keyword argument unpacking")
				}
				p.fail(t.pos, "positional argument follows keyword argument")
			}
			args = append(args, e)
		}
		if !p.acceptOp(",") {
			break
		}
	}
	return args, kws
}

func (p *parser) atom() Expr {
	t := p.tok()
	switch t.kind {
	case tName:
		switch t.text {
		case "True":
			p.i++
			return &Constant{node{t.pos}, true}
		case "False":
			p.i++
			return &Constant{node{t.pos}, false}
		case "None":
			p.i++
			return &Constant{node{t.pos}, nil}
		case "yield":
			p.fail(t.pos, "'yield' outside parentheses is not allowed here")
		case "await":
			p.unsupported(t.pos, "await")
		}
		if keywords[t.text] {
			p.fail(t.pos, "invalid syntax")
		}
		p.i++
		return &Name{node{t.pos}, t.text}
	case tInt, tFloat, tImag:
		p.i++
		return &Constant{node{t.pos}, t.val}
	case tString:
		return p.strings()
	case tOp:
		switch t.text {
		case "(":
			return p.parenAtom()
		case "[":
			return p.listAtom()
		case "{":
			return p.braceAtom()
		case "...":
			p.i++
			return &Constant{node{t.pos}, ellipsis{}}
		}
	case tIndent:
		p.failKind("IndentationError", t.pos, "unexpected indent")
	case tEOF, tNewline, tDedent:
		p.fail(t.pos, "invalid syntax")
	}
	p.fail(t.pos, "invalid syntax")
	return nil
}

func (p *parser) parenAtom() Expr {
	p.enter()
	defer p.leave()
	pos := p.next().pos
	if p.acceptOp(")") {
		return &TupleExpr{node: node{pos}}
	}
	if p.isKw("yield") {
		y := p.yieldExpr()
		p.expectOp(")")
		return y
	}
	first := p.starOrNamed()
	if p.isKw("for") || p.isKw("async") {
		c := p.comprehension(pos, "gen", first, nil)
		p.expectOp(")")
		return c
	}
	if p.acceptOp(")") {
		if s, ok := first.(*Starred); ok {
			p.fail(s.P, "cannot use starred expression here")
		}
		return first
	}
	elts := []Expr{first}
	for p.acceptOp(",") {
		if p.isOp(")") {
			break
		}
		elts = append(elts, p.starOrNamed())
	}
	p.expectOp(")")
	return &TupleExpr{node{pos}, elts}
}

func (p *parser) starOrNamed() Expr {
	if p.isOp("*") {
		return p.starExpr()
	}
	return p.namedExprTest()
}

func (p *parser) listAtom() Expr {
	p.enter()
	defer p.leave()
	pos := p.next().pos
	if p.acceptOp("]") {
		return &ListExpr{node: node{pos}}
	}
	first := p.starOrNamed()
	if p.isKw("for") || p.isKw("async") {
		c := p.comprehension(pos, "list", first, nil)
		p.expectOp("]")
		return c
	}
	elts := []Expr{first}
	for p.acceptOp(",") {
		if p.isOp("]") {
			break
		}
		elts = append(elts, p.starOrNamed())
	}
	p.expectOp("]")
	return &ListExpr{node{pos}, elts}
}

func (p *parser) braceAtom() Expr {
	p.enter()
	defer p.leave()
	pos := p.next().pos
	if p.acceptOp("}") {
		return &DictExpr{node: node{pos}}
	}
	if p.acceptOp("**") {
		d := &DictExpr{node: node{pos}, Keys: []Expr{nil}, Values: []Expr{p.bitOr()}}
		return p.dictRest(d)
	}
	first := p.starOrNamed()
	if p.acceptOp(":") {
		v := p.expr()
		if p.isKw("for") || p.isKw("async") {
			c := p.comprehension(pos, "dict", first, v)
			p.expectOp("}")
			return c
		}
		return p.dictRest(&DictExpr{node{pos}, []Expr{first}, []Expr{v}})
	}
	if p.isKw("for") || p.isKw("async") {
		c := p.comprehension(pos, "set", first, nil)
		p.expectOp("}")
		return c
	}
	elts := []Expr{first}
	for p.acceptOp(",") {
		if p.isOp("}") {
			break
		}
		elts = append(elts, p.starOrNamed())
	}
	p.expectOp("}")
	return &SetExpr{node{pos}, elts}
}

func (p *parser) dictRest(d *DictExpr) Expr {
	for p.acceptOp(",") {
		if p.isOp("}") {
			break
		}
		if p.acceptOp("**") {
			d.Keys = append(d.Keys, nil)
			d.Values = append(d.Values, p.bitOr())
			continue
		}
		k := p.expr()
		p.expectOp(":")
		d.Keys = append(d.Keys, k)
		d.Values = append(d.Values, p.expr())
	}
	p.expectOp("}")
	return d
}

// comprehension parses the for/if clauses after a comprehension's element.
func (p *parser) comprehension(pos Pos, kind string, elt, value Expr) Expr {
	if s, ok := elt.(*Starred); ok {
		p.fail(s.P, "iterable unpacking cannot be used in comprehension")
	}
	c := &Comp{node: node{pos}, Kind: kind, Elt: elt, Value: value}
	for p.isKw("for") || p.isKw("async") {
		if p.isKw("async") {
			p.unsupported(p.tok().pos, "async comprehension")
		}
		p.i++
		g := Comprehension{Target: p.targetList()}
		p.expectKw("in")
		g.Iter = p.disjunction()
		for p.acceptKw("if") {
			g.Ifs = append(g.Ifs, p.disjunctionOrNamed())
		}
		c.Gens = append(c.Gens, g)
	}
	return c
}

func (p *parser) disjunctionOrNamed() Expr {
	if p.tok().kind == tName && p.peek(1).kind == tOp && p.peek(1).text == ":=" {
		return p.namedExprTest()
	}
	return p.disjunction()
}

// strings parses adjacent string literals into one constant, or a
// JoinedStr when any is an f-string.
func (p *parser) strings() Expr {
	pos := p.tok().pos
	var parts []Expr
	var buf strings.Builder
	isBytes, hasFmt, first := false, false, true
	for p.tok().kind == tString {
		t := p.next()
		st := t.val.(*strTok)
		if first {
			isBytes = st.bytes
			first = false
		} else if st.bytes != isBytes {
			p.fail(t.pos, "cannot mix bytes and nonbytes literals")
		}
		if !st.fmt {
			buf.WriteString(st.value)
			continue
		}
		hasFmt = true
		fparts := p.fstring(st, t.pos)
		for _, fp := range fparts {
			if c, ok := fp.(*Constant); ok {
				buf.WriteString(c.Value.(string))
				continue
			}
			if buf.Len() > 0 {
				parts = append(parts, &Constant{node{pos}, buf.String()})
				buf.Reset()
			}
			parts = append(parts, fp)
		}
	}
	if isBytes {
		return &Constant{node{pos}, []byte(buf.String())}
	}
	if !hasFmt {
		return &Constant{node{pos}, buf.String()}
	}
	if buf.Len() > 0 {
		parts = append(parts, &Constant{node{pos}, buf.String()})
	}
	return &JoinedStr{node{pos}, parts}
}
