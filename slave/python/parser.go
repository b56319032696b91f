package python

import (
	"fmt"
	"strings"
)

// The parser: recursive descent over the tokens, one method per grammar
// rule of Python 3.11's grammar that this interpreter supports. Errors
// unwind by panic(bailout) inside the parser only; Parse and ParseExpr
// recover it and return a *SyntaxError, so no panic leaves the package.

// maxNesting bounds how deeply expressions and blocks may nest; deeper
// source gets a SyntaxError, never a Go stack overflow.
const maxNesting = 200

type parser struct {
	src    string
	toks   []token
	i      int
	depth  int
	links  int // links of the chain being parsed (see maxChain)
	fdepth int // f-strings nested in f-strings
}

type bailout struct{ err *SyntaxError }

// Parse parses a module: the statements execute runs.
func Parse(src string) (stmts []Stmt, err error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	defer p.recover(&err)
	for p.tok().kind == tNewline {
		p.i++
	}
	for p.tok().kind != tEOF {
		if p.tok().kind == tIndent {
			p.failKind("IndentationError", p.tok().pos, "unexpected indent")
		}
		stmts = append(stmts, p.statement()...)
	}
	return stmts, nil
}

// ParseExpr parses the expression eval evaluates (a bare tuple is
// allowed, as in Python's eval).
func ParseExpr(src string) (e Expr, err error) {
	src = strings.TrimLeft(src, " \t")
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	// Indentation and line ends mean nothing inside eval's expression.
	kept := toks[:0:0]
	for _, t := range toks {
		if t.kind != tIndent && t.kind != tDedent && t.kind != tNewline {
			kept = append(kept, t)
		}
	}
	p := &parser{src: src, toks: kept}
	defer p.recover(&err)
	e = p.starExprs()
	if p.tok().kind != tEOF {
		p.fail(p.tok().pos, "invalid syntax")
	}
	return e, nil
}

func (p *parser) recover(err *error) {
	if r := recover(); r != nil {
		b, ok := r.(bailout)
		if !ok {
			panic(r)
		}
		*err = b.err
	}
}

func (p *parser) tok() token { return p.toks[p.i] }

func (p *parser) peek(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(s string) bool {
	t := p.toks[p.i]
	return t.kind == tOp && t.text == s
}

func (p *parser) isKw(s string) bool {
	t := p.toks[p.i]
	return t.kind == tName && t.text == s
}

func (p *parser) acceptOp(s string) bool {
	if p.isOp(s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) acceptKw(s string) bool {
	if p.isKw(s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectOp(s string) token {
	if !p.isOp(s) {
		p.fail(p.tok().pos, fmt.Sprintf("expected '%s'", s))
	}
	return p.next()
}

func (p *parser) expectKw(s string) {
	if !p.acceptKw(s) {
		p.fail(p.tok().pos, "invalid syntax")
	}
}

func (p *parser) fail(pos Pos, msg string) { p.failKind("SyntaxError", pos, msg) }

func (p *parser) failKind(class string, pos Pos, msg string) {
	panic(bailout{&SyntaxError{Class: class, Msg: msg, Pos: pos, Text: lineText(p.src, pos.Line)}})
}

// unsupported refuses a construct this interpreter does not run.
func (p *parser) unsupported(pos Pos, what string) {
	p.fail(pos, what+" is not supported by this server")
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxNesting {
		p.fail(p.tok().pos, "too many nested expressions or blocks (this server allows 200)")
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) name() string {
	t := p.tok()
	if t.kind != tName || keywords[t.text] {
		p.fail(t.pos, "invalid syntax")
	}
	p.i++
	return t.text
}

// statement parses one statement (a line of simple statements gives
// several).
func (p *parser) statement() []Stmt {
	p.enter()
	defer p.leave()
	t := p.tok()
	if t.kind == tName {
		switch t.text {
		case "if":
			return []Stmt{p.ifStmt()}
		case "while":
			return []Stmt{p.whileStmt()}
		case "for":
			return []Stmt{p.forStmt()}
		case "try":
			return []Stmt{p.tryStmt()}
		case "with":
			return []Stmt{p.withStmt()}
		case "def":
			return []Stmt{p.funcDef(nil)}
		case "class":
			return []Stmt{p.classDef(nil)}
		case "async":
			p.unsupported(t.pos, "async "+p.peek(1).text)
		case "match", "case":
			if p.softKeywordLine() {
				p.unsupported(t.pos, "the match statement")
			}
		}
	}
	if p.isOp("@") {
		return []Stmt{p.decorated()}
	}
	return p.simpleStmts()
}

// softKeywordLine reports whether the current logical line ends with a
// colon (a match or case clause rather than a use of the name).
func (p *parser) softKeywordLine() bool {
	nx := p.peek(1)
	if nx.kind == tOp && strings.Contains("=.,;)]}:", nx.text) && nx.text != "" {
		return false
	}
	for j := p.i; j < len(p.toks); j++ {
		if p.toks[j].kind == tNewline || p.toks[j].kind == tEOF {
			prev := p.toks[j-1]
			return prev.kind == tOp && prev.text == ":"
		}
	}
	return false
}

func (p *parser) simpleStmts() []Stmt {
	var out []Stmt
	for {
		out = append(out, p.smallStmt())
		if !p.acceptOp(";") {
			break
		}
		if p.tok().kind == tNewline || p.tok().kind == tEOF {
			break
		}
	}
	p.endOfLine()
	return out
}

func (p *parser) endOfLine() {
	switch p.tok().kind {
	case tNewline:
		p.i++
	case tEOF:
	default:
		p.fail(p.tok().pos, "invalid syntax")
	}
}

func (p *parser) smallStmt() Stmt {
	t := p.tok()
	pos := t.pos
	if t.kind == tName {
		switch t.text {
		case "pass":
			p.i++
			return &Pass{node{pos}}
		case "break":
			p.i++
			return &Break{node{pos}}
		case "continue":
			p.i++
			return &Continue{node{pos}}
		case "return":
			p.i++
			var v Expr
			if !p.atStmtEnd() {
				v = p.starExprs()
			}
			return &Return{node{pos}, v}
		case "raise":
			p.i++
			r := &Raise{node: node{pos}}
			if !p.atStmtEnd() {
				r.Exc = p.expr()
				if p.acceptKw("from") {
					r.Cause = p.expr()
				}
			}
			return r
		case "global", "nonlocal":
			p.i++
			names := []string{p.name()}
			for p.acceptOp(",") {
				names = append(names, p.name())
			}
			if t.text == "global" {
				return &Global{node{pos}, names}
			}
			return &Nonlocal{node{pos}, names}
		case "del":
			p.i++
			var targets []Expr
			for {
				e := p.bitOr()
				p.checkTarget(e, "delete")
				targets = append(targets, e)
				if !p.acceptOp(",") || p.atStmtEnd() {
					break
				}
			}
			return &Del{node{pos}, targets}
		case "assert":
			p.i++
			a := &Assert{node: node{pos}, Test: p.expr()}
			if p.acceptOp(",") {
				a.Msg = p.expr()
			}
			return a
		case "import":
			return p.importStmt()
		case "from":
			return p.fromImport()
		case "print":
			if nx := p.peek(1); nx.kind == tString || nx.kind == tName && !keywords[nx.text] || nx.kind == tInt {
				p.fail(pos, "Missing parentheses in call to 'print'. Did you mean print(...)?")
			}
		case "exec":
			if nx := p.peek(1); nx.kind == tString {
				p.fail(pos, "Missing parentheses in call to 'exec'")
			}
		case "type":
			if nx := p.peek(1); nx.kind == tName && !keywords[nx.text] && p.peek(2).kind == tOp && (p.peek(2).text == "=" || p.peek(2).text == "[") {
				p.unsupported(pos, "the type statement")
			}
		}
	}
	return p.exprStmt()
}

func (p *parser) atStmtEnd() bool {
	t := p.tok()
	return t.kind == tNewline || t.kind == tEOF || t.kind == tOp && t.text == ";"
}

func (p *parser) exprStmt() Stmt {
	pos := p.tok().pos
	first := p.starExprsOrYield()
	switch {
	case p.isOp("="):
		targets := []Expr{first}
		var value Expr
		for p.acceptOp("=") {
			value = p.starExprsOrYield()
			targets = append(targets, value)
		}
		targets = targets[:len(targets)-1]
		for _, t := range targets {
			p.checkTarget(t, "assign to")
		}
		return &Assign{node{pos}, targets, value}
	case p.isOp(":"):
		p.i++
		p.checkTarget(first, "assign to")
		if _, ok := first.(*TupleExpr); ok {
			p.fail(pos, "only single target (not tuple) can be annotated")
		}
		a := &AnnAssign{node: node{pos}, Target: first, Ann: p.expr()}
		_, a.Simple = first.(*Name)
		if p.acceptOp("=") {
			a.Value = p.starExprsOrYield()
		}
		return a
	}
	if t := p.tok(); t.kind == tOp && len(t.text) >= 2 && strings.HasSuffix(t.text, "=") && t.text != "==" && t.text != "<=" && t.text != ">=" && t.text != "!=" {
		p.i++
		switch first.(type) {
		case *Name, *Attribute, *Subscript:
		default:
			p.fail(pos, "'"+describeExpr(first)+"' is an illegal expression for augmented assignment")
		}
		return &AugAssign{node{pos}, first, strings.TrimSuffix(t.text, "="), p.starExprsOrYield()}
	}
	return &ExprStmt{node{pos}, first}
}

func (p *parser) starExprsOrYield() Expr {
	if p.isKw("yield") {
		return p.yieldExpr()
	}
	return p.starExprs()
}

// checkTarget refuses what cannot be assigned to (or deleted).
func (p *parser) checkTarget(e Expr, verb string) {
	switch x := e.(type) {
	case *Name:
		if x.ID == "__debug__" {
			p.fail(x.P, "cannot "+verb+" __debug__")
		}
	case *Attribute, *Subscript:
	case *TupleExpr:
		for _, el := range x.Elts {
			p.checkTarget(el, verb)
		}
	case *ListExpr:
		for _, el := range x.Elts {
			p.checkTarget(el, verb)
		}
	case *Starred:
		if verb == "delete" {
			p.fail(x.P, "cannot delete starred")
		}
		p.checkTarget(x.Value, verb)
	default:
		p.fail(e.pos(), "cannot "+verb+" "+describeExpr(e))
	}
}

// describeExpr names an expression kind as Python's error messages do.
func describeExpr(e Expr) string {
	switch x := e.(type) {
	case *Constant:
		if x.Value == nil || x.Value == true || x.Value == false {
			return fmt.Sprint(pyConstName(x.Value))
		}
		return "literal"
	case *Call:
		return "function call"
	case *BinOp, *UnaryOp:
		return "expression"
	case *BoolOp:
		return "expression"
	case *Compare:
		return "comparison"
	case *Lambda:
		return "lambda"
	case *IfExp:
		return "conditional expression"
	case *JoinedStr:
		return "f-string expression"
	case *Comp:
		switch x.Kind {
		case "gen":
			return "generator expression"
		case "dict":
			return "dict comprehension"
		case "set":
			return "set comprehension"
		}
		return "list comprehension"
	case *DictExpr:
		return "dict literal"
	case *SetExpr:
		return "set display"
	case *Yield:
		return "yield expression"
	case *NamedExpr:
		return "named expression"
	case *TupleExpr:
		return "tuple"
	}
	return "expression"
}

func pyConstName(v any) string {
	switch v {
	case nil:
		return "None"
	case true:
		return "True"
	}
	return "False"
}

func (p *parser) dottedName() string {
	parts := []string{p.name()}
	for p.acceptOp(".") {
		parts = append(parts, p.name())
	}
	return strings.Join(parts, ".")
}

func (p *parser) importStmt() Stmt {
	pos := p.next().pos
	var names []Alias
	for {
		a := Alias{Name: p.dottedName()}
		if p.acceptKw("as") {
			a.AsName = p.name()
		}
		names = append(names, a)
		if !p.acceptOp(",") {
			break
		}
	}
	return &Import{node{pos}, names}
}

func (p *parser) fromImport() Stmt {
	pos := p.next().pos
	level := 0
	for {
		if p.acceptOp(".") {
			level++
		} else if p.acceptOp("...") {
			level += 3
		} else {
			break
		}
	}
	mod := ""
	if !p.isKw("import") {
		mod = p.dottedName()
	}
	p.expectKw("import")
	st := &ImportFrom{node: node{pos}, Module: mod, Level: level}
	if p.acceptOp("*") {
		st.Names = []Alias{{Name: "*"}}
		return st
	}
	paren := p.acceptOp("(")
	for {
		a := Alias{Name: p.name()}
		if p.acceptKw("as") {
			a.AsName = p.name()
		}
		st.Names = append(st.Names, a)
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
	return st
}

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
