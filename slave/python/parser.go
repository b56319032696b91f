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
