package rpyc

// The Python-literal parser: what ast.literal_eval accepts (see
// ParseLiteral), read by recursive descent over the text. It has two
// users: ParseLiteral (the rpyc command's call arguments, defaults in
// RPyCParams) and Obtain, which reads the repr of a remote container
// (obtain_literal.go). They differ in one thing: Obtain wants a set as a
// list ([]any), ParseLiteral as the frozenset a peer can receive by
// value.

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
)

// errNotLiteral is matched by every parse error (errors.Is).
var errNotLiteral = errors.New("not a plain-data literal")

// literalError is a parse error at a position of the text.
type literalError struct {
	pos int // byte offset
	msg string
}

func (e *literalError) Error() string        { return fmt.Sprintf("%s (column %d)", e.msg, e.pos+1) }
func (e *literalError) Is(target error) bool { return target == errNotLiteral }
func (p *litParser) errorf(f string, a ...any) error {
	return &literalError{pos: p.i, msg: fmt.Sprintf(f, a...)}
}

// litParser reads one literal from s.
type litParser struct {
	s        string
	i        int
	depth    int // brackets open: inside them a newline is a space
	maxDepth int // brackets that may nest
	// literalEval is ast.literal_eval's reading (ParseLiteral): a set is
	// a brine.FrozenSet and ... is Ellipsis. Without it the text is a
	// repr for Obtain: a set is a list ([]any), and ... (repr's mark of
	// a recursive container) is refused.
	literalEval bool
	nans        int // NaNs seen: each is a key of its own, as in Python
}

// nodeKind is what the parsed text was, as far as literal_eval's rules
// on signs and complex sums care: a number constant, a signed number, a
// real-plus-imaginary sum, or anything else.
type nodeKind uint8

const (
	kindValue nodeKind = iota
	kindNumber
	kindSigned
	kindSum
)

type node struct {
	v    any
	kind nodeKind
}

// parseLiteralText parses s as ast.literal_eval would (literalEval) or
// as a repr for Obtain.
func parseLiteralText(s string, literalEval bool, maxDepth int) (any, error) {
	p := &litParser{s: s, literalEval: literalEval, maxDepth: maxDepth}
	if i := strings.IndexByte(s, 0); i >= 0 {
		p.i = i
		return nil, p.errorf("a literal cannot contain a NUL byte")
	}
	if !utf8.ValidString(s) {
		return nil, p.errorf("the text is not valid UTF-8")
	}
	p.depth++ // blank lines before the value are allowed
	p.space()
	p.depth--
	if p.i == len(p.s) {
		return nil, p.errorf("empty: expected a value")
	}
	v, err := p.exprList()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		r, _ := utf8.DecodeRuneInString(p.s[p.i:])
		if r == '\n' || r == '\r' {
			return nil, p.errorf("unexpected line break after the value (a value spans lines only inside brackets)")
		}
		return nil, p.errorf("unexpected %q after the value", r)
	}
	return v, nil
}

// unexpected reports the character at the position.
func (p *litParser) unexpected(want string) error {
	if p.i >= len(p.s) {
		return p.errorf("unexpected end, expected %s", want)
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.i:])
	switch r {
	case '\n', '\r':
		return p.errorf("unexpected line break, expected %s (a value spans lines only inside brackets)", want)
	}
	return p.errorf("unexpected %q, expected %s", r, want)
}

// space skips blanks, comments and backslash-newline continuations, and
// line breaks inside brackets or when only blanks follow (Python's eval
// mode ends the expression at a line break otherwise).
func (p *litParser) space() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; c {
		case ' ', '\t', '\f':
			p.i++
		case '#':
			for p.i < len(p.s) && p.s[p.i] != '\n' && p.s[p.i] != '\r' {
				p.i++
			}
		case '\\':
			n := lineBreak(p.s[p.i+1:])
			if n == 0 {
				return
			}
			p.i += 1 + n
		case '\n', '\r':
			if p.depth > 0 {
				p.i++
				continue
			}
			if p.blankRest() {
				p.i = len(p.s)
			}
			return
		default:
			return
		}
	}
}

// blankRest reports whether only blanks and comments follow.
func (p *litParser) blankRest() bool {
	save := p.i
	defer func() { p.i = save }()
	p.depth++
	p.space()
	p.depth--
	return p.i == len(p.s)
}

// lineBreak is the length of the line break at the start of s (0: none).
func lineBreak(s string) int {
	switch {
	case strings.HasPrefix(s, "\r\n"):
		return 2
	case strings.HasPrefix(s, "\n"), strings.HasPrefix(s, "\r"):
		return 1
	}
	return 0
}

// peek is the next byte after blanks (0 at the end).
func (p *litParser) peek() byte {
	p.space()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// eat consumes c if it comes next.
func (p *litParser) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// exprList is a value, or values separated by commas: a tuple, as
// "1, 2" is at the top of a Python expression.
func (p *litParser) exprList() (any, error) {
	first, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.peek() != ',' {
		return first.v, nil
	}
	items := brine.Tuple{first.v}
	for p.eat(',') {
		if c := p.peek(); c == 0 || c == '\n' || c == '\r' {
			break
		}
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		items = append(items, n.v)
	}
	return items, nil
}

// expr is a value, a signed number, or a real number plus or minus an
// imaginary one (1+2j): the only arithmetic literal_eval allows.
func (p *litParser) expr() (node, error) {
	left, err := p.unary()
	if err != nil {
		return node{}, err
	}
	op := p.peek()
	if op != '+' && op != '-' {
		return left, nil
	}
	start := p.i
	p.i++
	right, err := p.unary()
	if err != nil {
		return node{}, err
	}
	re, okLeft, overflow := realValue(left)
	im, okRight := right.v.(complex128)
	if !okLeft || !okRight || right.kind != kindNumber {
		p.i = start
		return node{}, p.errorf("%c is allowed only between a real number and an imaginary one, as in 1+2j", op)
	}
	if overflow {
		p.i = start
		return node{}, p.errorf("int too large to convert to float")
	}
	v := complex(re, 0) + im
	if op == '-' {
		v = complex(re, 0) - im
	}
	if c := p.peek(); c == '+' || c == '-' {
		return node{}, p.errorf("%c: only one + or - may join a real and an imaginary number", c)
	}
	return node{v: v, kind: kindSum}, nil
}

// realValue is the float value of a (signed) int or float constant;
// overflow is set for an int too large for a float.
func realValue(n node) (f float64, ok, overflow bool) {
	if n.kind != kindNumber && n.kind != kindSigned {
		return 0, false, false
	}
	switch x := n.v.(type) {
	case int64:
		return float64(x), true, false
	case float64:
		return x, true, false
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true, math.IsInf(f, 0)
	}
	return 0, false, false
}

// unary is a primary with at most one sign, which applies to a number
// constant only (literal_eval refuses --1 and -True).
func (p *litParser) unary() (node, error) {
	c := p.peek()
	if c != '+' && c != '-' {
		return p.primary()
	}
	start := p.i
	p.i++
	if c := p.peek(); c == '+' || c == '-' {
		p.i = start
		return node{}, p.errorf("a sign applies to a number only, once")
	}
	operand, err := p.primary()
	if err != nil {
		return node{}, err
	}
	if operand.kind != kindNumber {
		p.i = start
		return node{}, p.errorf("a sign applies to a number only, once")
	}
	if c == '+' {
		return node{v: operand.v, kind: kindSigned}, nil
	}
	return node{v: negate(operand.v), kind: kindSigned}, nil
}

// primary is a constant, a container, or a parenthesized expression.
func (p *litParser) primary() (node, error) {
	c := p.peek()
	switch {
	case c == 0:
		return node{}, p.unexpected("a value")
	case c == '(':
		return p.parens()
	case c == '[':
		if err := p.open(); err != nil {
			return node{}, err
		}
		items, err := p.items(']')
		if err != nil {
			return node{}, err
		}
		return node{v: items}, nil
	case c == '{':
		return p.braces()
	case c == '\'' || c == '"' || p.atStringPrefix():
		return p.stringLiterals()
	case c >= '0' && c <= '9', c == '.' && p.i+1 < len(p.s) && isDigit(p.s[p.i+1]):
		return p.number()
	case strings.HasPrefix(p.s[p.i:], "...") && p.literalEval:
		p.i += 3
		return node{v: brine.Ellipsis}, nil
	case isIdentStart(p.s[p.i:]):
		return p.name()
	}
	return node{}, p.unexpected("a value")
}

// parens is (), (value), or (a tuple,).
func (p *litParser) parens() (node, error) {
	if err := p.open(); err != nil {
		return node{}, err
	}
	if p.eat(')') {
		p.depth--
		return node{v: brine.Tuple{}}, nil
	}
	first, err := p.expr()
	if err != nil {
		return node{}, err
	}
	if p.eat(')') {
		p.depth--
		return first, nil // grouping keeps what it groups: (1)+(2j) is a sum
	}
	if !p.eat(',') {
		return node{}, p.unexpected("',' or ')'")
	}
	items, err := p.items(')')
	if err != nil {
		return node{}, err
	}
	return node{v: append(brine.Tuple{first.v}, items...)}, nil
}

// open enters a bracket (the opening byte is next).
func (p *litParser) open() error {
	if p.depth >= p.maxDepth {
		return p.errorf("nested more than %d deep", p.maxDepth)
	}
	p.i++
	p.depth++
	return nil
}

// items reads comma-separated values up to end, a trailing comma
// allowed, and leaves the bracket.
func (p *litParser) items(end byte) ([]any, error) {
	out := []any{}
	for {
		if p.eat(end) {
			p.depth--
			return out, nil
		}
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, n.v)
		if !p.eat(',') {
			if p.eat(end) {
				p.depth--
				return out, nil
			}
			return nil, p.unexpected(fmt.Sprintf("',' or '%c'", end))
		}
	}
}

// braces reads a dict or a set.
func (p *litParser) braces() (node, error) {
	if err := p.open(); err != nil {
		return node{}, err
	}
	if p.eat('}') {
		p.depth--
		return node{v: map[any]any{}}, nil
	}
	keyPos := p.peekPos()
	first, err := p.expr()
	if err != nil {
		return node{}, err
	}
	if !p.eat(':') {
		items := []any{first.v}
		if p.eat(',') {
			more, err := p.items('}')
			if err != nil {
				return node{}, err
			}
			items = append(items, more...)
		} else if !p.eat('}') {
			return node{}, p.unexpected("',' or '}'")
		} else {
			p.depth--
		}
		v, err := p.set(items, keyPos)
		return node{v: v}, err
	}
	d := newDictBuilder(p)
	k := first.v
	for {
		v, err := p.expr()
		if err != nil {
			return node{}, err
		}
		if err := d.put(k, v.v, keyPos); err != nil {
			return node{}, err
		}
		if !p.eat(',') {
			break
		}
		if p.peek() == '}' {
			break
		}
		keyPos = p.peekPos()
		kn, err := p.expr()
		if err != nil {
			return node{}, err
		}
		if !p.eat(':') {
			return node{}, p.unexpected("':'")
		}
		k = kn.v
	}
	if !p.eat('}') {
		return node{}, p.unexpected("',' or '}'")
	}
	p.depth--
	return node{v: d.m}, nil
}

// peekPos is the offset of the next token.
func (p *litParser) peekPos() int {
	p.space()
	return p.i
}

// name reads True, False, None, set(), and the float names inf and nan
// (which repr writes; Python's literal_eval does not read them).
func (p *litParser) name() (node, error) {
	start := p.i
	for p.i < len(p.s) && (isIdentByte(p.s[p.i]) || p.s[p.i] >= utf8.RuneSelf) {
		_, size := utf8.DecodeRuneInString(p.s[p.i:])
		p.i += size
	}
	word := p.s[start:p.i]
	switch word {
	case "None":
		return node{v: nil}, nil
	case "True":
		return node{v: true}, nil
	case "False":
		return node{v: false}, nil
	case "inf":
		return node{v: math.Inf(1), kind: kindNumber}, nil
	case "nan":
		return node{v: math.NaN(), kind: kindNumber}, nil
	case "set":
		if p.eat('(') && p.eat(')') {
			if p.literalEval {
				return node{v: brine.FrozenSet{}}, nil
			}
			return node{v: []any{}}, nil
		}
		p.i = start
		return node{}, p.errorf("set is a literal only as set(), the empty set")
	}
	p.i = start
	return node{}, p.errorf("name %q is not a literal (a string needs quotes: '%s')", word, word)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isIdentStart reports whether s starts a Python name (ASCII letter,
// underscore, or any non-ASCII character, which the parser then names
// in its error).
func isIdentStart(s string) bool {
	c := s[0]
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf
}
