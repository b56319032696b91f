// Package literal reads Python literals (ints, floats, str, bytes,
// lists, tuples, dicts, sets, True, False, None) into the Go values a
// peer's brine would decode to. It serves by-value fetching, which reads
// the repr of a remote container, and the defaults of RPyCParams
// signatures.
package literal

// Reading Python's repr of plain data, so that a dict comes by value in
// one round trip (HANDLE_REPR) on any server: BUFFITER yields only a
// dict's keys, and a server with the strict default policy refuses
// items(). repr of a builtin dict whose contents are plain data (None,
// bools, ints, floats, str, bytes, lists, tuples, sets, dicts) is a
// Python literal, parsed here; anything else in it (an object's
// <... at 0x...> repr, a recursive {...}, a datetime) makes the parse
// fail, and the caller falls back to fetching items. As with Python's
// ast.literal_eval(repr(x)), an object whose class makes its repr look
// like a literal (numpy's float64 prints 1.5) arrives as that literal.

import (
	"errors"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
)

var errNotLiteral = errors.New("not a plain-data literal")

// Parse parses a Python literal as repr writes it, with brackets nested
// at most maxDepth deep.
func Parse(s string, maxDepth int) (any, error) {
	p := &litParser{s: s, maxDepth: maxDepth}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, errNotLiteral
	}
	return v, nil
}

type litParser struct {
	s        string
	i        int
	maxDepth int
}

func (p *litParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *litParser) eat(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *litParser) value(depth int) (any, error) {
	if depth > p.maxDepth {
		return nil, errNotLiteral
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, errNotLiteral
	}
	switch c := p.s[p.i]; {
	case c == '[':
		p.i++
		items, err := p.items(']', depth)
		if err != nil {
			return nil, err
		}
		return items, nil
	case c == '(':
		p.i++
		items, err := p.items(')', depth)
		if err != nil {
			return nil, err
		}
		return brine.Tuple(items), nil
	case c == '{':
		return p.braces(depth)
	case c == '\'' || c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return fixLatin1(s.(string)), nil
	case c == 'b' && p.i+1 < len(p.s) && (p.s[p.i+1] == '\'' || p.s[p.i+1] == '"'):
		p.i++
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return []byte(s.(string)), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	for _, w := range []struct {
		word string
		v    any
	}{{"None", nil}, {"True", true}, {"False", false}, {"inf", math.Inf(1)}, {"nan", math.NaN()}} {
		if strings.HasPrefix(p.s[p.i:], w.word) {
			p.i += len(w.word)
			return w.v, nil
		}
	}
	return nil, errNotLiteral
}

// items reads comma-separated values up to end (the opener was read).
func (p *litParser) items(end byte, depth int) ([]any, error) {
	out := []any{}
	for {
		if p.eat(end) {
			return out, nil
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if !p.eat(',') {
			if p.eat(end) {
				return out, nil
			}
			return nil, errNotLiteral
		}
	}
}

// braces reads a dict or a set.
func (p *litParser) braces(depth int) (any, error) {
	p.i++
	if p.eat('}') {
		return map[any]any{}, nil
	}
	first, err := p.value(depth + 1)
	if err != nil {
		return nil, err
	}
	if !p.eat(':') {
		items := []any{first}
		for p.eat(',') {
			if p.eat('}') {
				return items, nil
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		if !p.eat('}') {
			return nil, errNotLiteral
		}
		return items, nil
	}
	m := map[any]any{}
	k := first
	for {
		if k != nil && !reflect.TypeOf(k).Comparable() {
			return nil, errNotLiteral // a tuple key: the caller reports it
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[k] = v
		if !p.eat(',') {
			break
		}
		if k, err = p.value(depth + 1); err != nil {
			return nil, err
		}
		if !p.eat(':') {
			return nil, errNotLiteral
		}
	}
	if !p.eat('}') {
		return nil, errNotLiteral
	}
	return m, nil
}

func (p *litParser) number() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
		if strings.HasPrefix(p.s[p.i:], "inf") {
			p.i += 3
			return math.Inf(-1), nil
		}
	}
	isFloat := false
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c >= '0' && c <= '9':
		case c == '.' || c == 'e' || c == 'E':
			isFloat = true
		case (c == '+' || c == '-') && (p.s[p.i-1] == 'e' || p.s[p.i-1] == 'E'):
		default:
			goto done
		}
		p.i++
	}
done:
	text := p.s[start:p.i]
	if p.i < len(p.s) && (p.s[p.i] == 'j' || p.s[p.i] == 'J') {
		return nil, errNotLiteral // complex: leave it to BUFFITER
	}
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, errNotLiteral
		}
		return f, nil
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, nil
	}
	b, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return nil, errNotLiteral
	}
	return b, nil
}

// str reads a quoted string with Python's repr escapes.
func (p *litParser) str() (any, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return nil, errNotLiteral
			}
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case '\\', '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'x', 'u', 'U':
				n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
				if p.i+n > len(p.s) {
					return nil, errNotLiteral
				}
				r, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
				if err != nil {
					return nil, errNotLiteral
				}
				p.i += n
				if e == 'x' {
					// In bytes reprs \xhh is a byte; in str reprs a code
					// point below 256. Bytes are built from a string of
					// bytes, so write bytes for both and fix str below.
					b.WriteByte(byte(r))
					continue
				}
				b.WriteRune(rune(r))
			default:
				return nil, errNotLiteral
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return nil, errNotLiteral
}

// fixLatin1 is applied to str literals: a \xhh escape wrote one byte, but
// in a str it is the code point U+00hh.
func fixLatin1(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(rune(s[i]))
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
