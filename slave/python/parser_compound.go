package python

import (
	"fmt"
)

// Compound statements: if, while, for, try, with, def, class.

// block parses the suite after a colon: statements on the same line, or
// an indented block.
func (p *parser) block(what string, line int) []Stmt {
	if !p.isOp(":") {
		p.fail(p.tok().pos, "expected ':'")
	}
	p.i++
	if p.tok().kind != tNewline {
		return p.simpleStmts()
	}
	p.i++
	if p.tok().kind != tIndent {
		p.failKind("IndentationError", p.tok().pos, fmt.Sprintf("expected an indented block after %s on line %d", what, line))
	}
	p.i++
	var out []Stmt
	for p.tok().kind != tDedent && p.tok().kind != tEOF {
		if p.tok().kind == tIndent {
			p.failKind("IndentationError", p.tok().pos, "unexpected indent")
		}
		out = append(out, p.statement()...)
	}
	if p.tok().kind == tDedent {
		p.i++
	}
	return out
}

func (p *parser) namedExprTest() Expr {
	if p.tok().kind == tName && p.peek(1).kind == tOp && p.peek(1).text == ":=" {
		pos := p.tok().pos
		n := &Name{node{pos}, p.name()}
		p.i++
		return &NamedExpr{node{pos}, n, p.expr()}
	}
	return p.expr()
}

func (p *parser) ifStmt() Stmt {
	p.enter()
	defer p.leave()
	t := p.next()
	st := &If{node: node{t.pos}, Test: p.namedExprTest()}
	st.Body = p.block("'"+t.text+"' statement", t.pos.Line)
	switch {
	case p.isKw("elif"):
		st.Else = []Stmt{p.ifStmt()}
	case p.isKw("else"):
		e := p.next()
		st.Else = p.block("'else' statement", e.pos.Line)
	}
	return st
}

func (p *parser) whileStmt() Stmt {
	t := p.next()
	st := &While{node: node{t.pos}, Test: p.namedExprTest()}
	st.Body = p.block("'while' statement", t.pos.Line)
	if p.isKw("else") {
		e := p.next()
		st.Else = p.block("'else' statement", e.pos.Line)
	}
	return st
}

func (p *parser) forStmt() Stmt {
	t := p.next()
	target := p.targetList()
	p.expectKw("in")
	st := &For{node: node{t.pos}, Target: target, Iter: p.starExprs()}
	st.Body = p.block("'for' statement", t.pos.Line)
	if p.isKw("else") {
		e := p.next()
		st.Else = p.block("'else' statement", e.pos.Line)
	}
	return st
}

// targetList parses for-loop and comprehension targets (stops at 'in').
func (p *parser) targetList() Expr {
	pos := p.tok().pos
	var elts []Expr
	trailing := false
	for {
		var e Expr
		if p.isOp("*") {
			sp := p.next().pos
			e = &Starred{node{sp}, p.bitOr()}
		} else {
			e = p.bitOr()
		}
		elts = append(elts, e)
		trailing = false
		if !p.acceptOp(",") {
			break
		}
		trailing = true
		if p.isKw("in") {
			break
		}
	}
	var target Expr
	if len(elts) == 1 && !trailing {
		target = elts[0]
	} else {
		target = &TupleExpr{node{pos}, elts}
	}
	p.checkTarget(target, "assign to")
	return target
}

func (p *parser) tryStmt() Stmt {
	t := p.next()
	st := &Try{node: node{t.pos}}
	st.Body = p.block("'try' statement", t.pos.Line)
	for p.isKw("except") {
		e := p.next()
		if p.isOp("*") {
			p.unsupported(e.pos, "except* (exception groups)")
		}
		h := Handler{P: e.pos}
		if !p.isOp(":") {
			h.Type = p.expr()
			if p.isOp(",") {
				// except A, B: is Python 2; Python 3 wants a tuple.
				p.fail(p.tok().pos, "multiple exception types must be parenthesized")
			}
			if p.acceptKw("as") {
				h.Name = p.name()
			}
		}
		h.Body = p.block("'except' statement", e.pos.Line)
		st.Handlers = append(st.Handlers, h)
		if h.Type == nil && p.isKw("except") {
			p.fail(e.pos, "default 'except:' must be last")
		}
	}
	if p.isKw("else") {
		if len(st.Handlers) == 0 {
			p.fail(p.tok().pos, "expected 'except' or 'finally' block")
		}
		e := p.next()
		st.Else = p.block("'else' statement", e.pos.Line)
	}
	if p.isKw("finally") {
		e := p.next()
		st.Finally = p.block("'finally' statement", e.pos.Line)
	}
	if len(st.Handlers) == 0 && st.Finally == nil {
		p.fail(p.tok().pos, "expected 'except' or 'finally' block")
	}
	return st
}

func (p *parser) withStmt() Stmt {
	t := p.next()
	st := &With{node: node{t.pos}}
	// with (a as b, c as d): is Python 3.10 syntax; tell it from a
	// parenthesised expression by looking for 'as' inside.
	paren := false
	if p.isOp("(") && p.parenthesisedWith() {
		p.i++
		paren = true
	}
	for {
		item := WithItem{Ctx: p.expr()}
		if p.acceptKw("as") {
			item.Target = p.withTarget()
			p.checkTarget(item.Target, "assign to")
		}
		st.Items = append(st.Items, item)
		if !p.acceptOp(",") {
			break
		}
		if paren && p.isOp(")") {
			break
		}
	}
	if paren {
		p.expectOp(")")
	}
	st.Body = p.block("'with' statement", t.pos.Line)
	return st
}

func (p *parser) withTarget() Expr {
	if p.isOp("(") || p.isOp("[") {
		return p.atomExpr()
	}
	return p.bitOr()
}

// parenthesisedWith reports whether the '(' after with opens a list of
// with items rather than an expression: the matching ')' is followed by
// ':' and an 'as' or ',' appears at depth 1.
func (p *parser) parenthesisedWith() bool {
	depth, sawItem := 0, false
	for j := p.i; j < len(p.toks); j++ {
		t := p.toks[j]
		if t.kind == tOp {
			switch t.text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
				if depth == 0 {
					nx := p.toks[min(j+1, len(p.toks)-1)]
					return sawItem && nx.kind == tOp && nx.text == ":"
				}
			case ",":
				if depth == 1 {
					sawItem = true
				}
			}
		}
		if t.kind == tName && t.text == "as" && depth == 1 {
			sawItem = true
		}
		if t.kind == tNewline || t.kind == tEOF {
			return false
		}
	}
	return false
}

func (p *parser) decorated() Stmt {
	var decs []Expr
	for p.acceptOp("@") {
		decs = append(decs, p.namedExprTest())
		if p.tok().kind != tNewline {
			p.fail(p.tok().pos, "invalid syntax")
		}
		p.i++
	}
	switch {
	case p.isKw("def"):
		return p.funcDef(decs)
	case p.isKw("class"):
		return p.classDef(decs)
	case p.isKw("async"):
		p.unsupported(p.tok().pos, "async def")
	}
	p.fail(p.tok().pos, "invalid syntax")
	return nil
}

func (p *parser) funcDef(decs []Expr) Stmt {
	t := p.next()
	st := &FunctionDef{node: node{t.pos}, Name: p.name(), Decorators: decs}
	if p.isOp("[") {
		p.unsupported(p.tok().pos, "a type parameter list")
	}
	p.expectOp("(")
	st.Args = p.params(")", true)
	p.expectOp(")")
	if p.acceptOp("->") {
		p.expr() // the return annotation: ignored
	}
	st.Body = p.block("function definition", t.pos.Line)
	return st
}

func (p *parser) classDef(decs []Expr) Stmt {
	t := p.next()
	st := &ClassDef{node: node{t.pos}, Name: p.name(), Decorators: decs}
	if p.isOp("[") {
		p.unsupported(p.tok().pos, "a type parameter list")
	}
	if p.acceptOp("(") {
		args, kws := p.callArgs()
		for _, a := range args {
			if _, ok := a.(*Starred); ok {
				p.unsupported(a.pos(), "a starred base class list")
			}
		}
		st.Bases, st.Keywords = args, kws
		p.expectOp(")")
	}
	st.Body = p.block("class definition", t.pos.Line)
	return st
}

// params parses a parameter list up to end (")" for def, ":" for
// lambda); annotations are allowed (and ignored) in a def.
func (p *parser) params(end string, annotations bool) *Arguments {
	a := &Arguments{}
	seen := map[string]bool{}
	add := func(pos Pos, n string) {
		if seen[n] {
			p.fail(pos, "duplicate argument '"+n+"' in function definition")
		}
		seen[n] = true
	}
	kwOnly, sawDefault := false, false
	for !p.isOp(end) {
		pos := p.tok().pos
		switch {
		case p.acceptOp("/"):
			if kwOnly || a.PosOnly > 0 || len(a.Args) == 0 {
				p.fail(pos, "invalid syntax")
			}
			a.PosOnly = len(a.Args)
		case p.acceptOp("**"):
			a.Kwarg = p.name()
			add(pos, a.Kwarg)
			p.annotation(annotations)
			if p.isOp(",") && p.peek(1).kind == tOp && p.peek(1).text == end {
				p.i++
			}
			if !p.isOp(end) {
				p.fail(p.tok().pos, "arguments cannot follow var-keyword argument")
			}
			return a
		case p.acceptOp("*"):
			if kwOnly {
				p.fail(pos, "* argument may appear only once")
			}
			kwOnly = true
			if p.tok().kind == tName {
				a.Vararg = p.name()
				add(pos, a.Vararg)
				p.annotation(annotations)
			} else if p.isOp(end) || p.isOp(",") && p.peek(1).kind == tOp && p.peek(1).text == end {
				p.fail(pos, "named arguments must follow bare *")
			}
		default:
			arg := Arg{Name: p.name()}
			add(pos, arg.Name)
			p.annotation(annotations)
			if p.acceptOp("=") {
				arg.Default = p.expr()
				if !kwOnly {
					sawDefault = true
				}
			} else if sawDefault && !kwOnly {
				p.fail(pos, "non-default argument follows default argument")
			}
			if kwOnly {
				a.KwOnly = append(a.KwOnly, arg)
			} else {
				a.Args = append(a.Args, arg)
			}
		}
		if !p.acceptOp(",") {
			break
		}
	}
	return a
}

func (p *parser) annotation(allowed bool) {
	if allowed && p.acceptOp(":") {
		p.expr()
	}
}
