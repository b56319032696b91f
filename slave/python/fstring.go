package python

import "strings"

// fstring splits an f-string's body into constant text and formatted
// values: {expr}, {expr!r}, {expr:spec}, {expr=} and the rest of PEP 498
// and PEP 701's forms as far as Python 3.11 reads them (quotes inside a
// replacement field may be any kind of quote).
func (p *parser) fstring(st *strTok, pos Pos) []Expr {
	p.enter()
	defer p.leave()
	p.fdepth++
	defer func() { p.fdepth-- }()
	if p.fdepth > maxFstringNesting {
		p.fail(pos, "f-string: too many nested f-strings (this server allows 8)")
	}
	body := st.value
	var parts []Expr
	var lit strings.Builder
	flush := func() {
		if lit.Len() == 0 {
			return
		}
		text := lit.String()
		lit.Reset()
		if !st.raw {
			var err error
			if text, err = unescape(text, false); err != nil {
				p.fail(pos, err.Error())
			}
		} else {
			text = strings.ReplaceAll(text, "\r\n", "\n")
		}
		parts = append(parts, &Constant{node{pos}, text})
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\\' && !st.raw && i+1 < len(body):
			// Keep the escape (decoded at flush), so "\{" is not a field.
			if body[i+1] == 'N' && i+2 < len(body) && body[i+2] == '{' {
				end := strings.IndexByte(body[i:], '}')
				if end < 0 {
					p.fail(pos, "f-string: malformed \\N character escape")
				}
				lit.WriteString(body[i : i+end+1])
				i += end
				continue
			}
			lit.WriteByte(c)
			lit.WriteByte(body[i+1])
			i++
		case c == '{' && i+1 < len(body) && body[i+1] == '{':
			lit.WriteByte('{')
			i++
		case c == '}' && i+1 < len(body) && body[i+1] == '}':
			lit.WriteByte('}')
			i++
		case c == '}':
			p.fail(pos, "f-string: single '}' is not allowed")
		case c == '{':
			flush()
			fv, n := p.fstringField(body[i+1:], pos, st.raw)
			parts = append(parts, fv...)
			i += n
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts
}

// fstringField parses one replacement field starting just after its
// '{'; it returns the parts it makes (the text of a self-documenting
// "x=" and the value) and how many bytes it used, through the '}'.
func (p *parser) fstringField(s string, pos Pos, raw bool) ([]Expr, int) {
	end, stop := scanFieldExpr(s)
	if end < 0 {
		p.fail(pos, "f-string: expecting '}'")
	}
	text := s[:end]
	if strings.TrimSpace(text) == "" {
		p.fail(pos, "f-string: valid expression required before '}'")
	}
	var out []Expr
	fv := &FormattedValue{node: node{pos}}
	i := end
	if stop == '=' {
		j := i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		out = append(out, &Constant{node{pos}, s[:j]})
		i = j
	}
	fv.Value = p.subExpr(text, pos)
	if i < len(s) && s[i] == '!' {
		if i+1 >= len(s) {
			p.fail(pos, "f-string: expecting '}'")
		}
		switch s[i+1] {
		case 's', 'r', 'a':
			fv.Conv = s[i+1]
		default:
			p.fail(pos, "f-string: invalid conversion character: expected 's', 'r', or 'a'")
		}
		i += 2
	}
	if i < len(s) && s[i] == ':' {
		specEnd := matchSpecEnd(s[i+1:])
		if specEnd < 0 {
			p.fail(pos, "f-string: expecting '}'")
		}
		spec := &strTok{value: s[i+1 : i+1+specEnd], fmt: true, raw: raw}
		parts := p.fstring(spec, pos)
		fv.Spec = &JoinedStr{node{pos}, parts}
		i += 1 + specEnd
	}
	if i >= len(s) || s[i] != '}' {
		p.fail(pos, "f-string: expecting '}'")
	}
	if stop == '=' && fv.Conv == 0 && fv.Spec == nil {
		fv.Conv = 'r'
	}
	out = append(out, fv)
	return out, i + 1
}

// scanFieldExpr finds where a replacement field's expression ends: at
// depth 0, a '}', a ':', a '!' that is not '!=', or an '=' that is not
// part of '==', '<=', '>=', '!=' and is followed by '}', '!' or ':'. It
// returns the index and the character found there, or -1.
func scanFieldExpr(s string) (int, byte) {
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\'', '"':
			j := skipStringLit(s, i)
			if j < 0 {
				return -1, 0
			}
			i = j - 1
		case '(', '[', '{':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth == 0 {
				return i, c
			}
			depth--
		case '!':
			if depth == 0 && (i+1 >= len(s) || s[i+1] != '=') {
				return i, c
			}
			if i+1 < len(s) && s[i+1] == '=' {
				i++
			}
		case ':':
			if depth == 0 {
				return i, c
			}
		case '=':
			if depth == 0 {
				if i+1 < len(s) && s[i+1] == '=' {
					i++
					continue
				}
				if i > 0 && strings.IndexByte("<>=!", s[i-1]) >= 0 {
					continue
				}
				rest := strings.TrimLeft(s[i+1:], " ")
				if rest == "" || rest[0] == '}' || rest[0] == '!' || rest[0] == ':' {
					return i, c
				}
			}
		case '#':
			return -1, 0
		}
	}
	return -1, 0
}

// skipStringLit returns the index just past the string literal starting
// at s[i], or -1.
func skipStringLit(s string, i int) int {
	q := s[i : i+1]
	if strings.HasPrefix(s[i:], q+q+q) {
		q = q + q + q
	}
	for j := i + len(q); j < len(s); j++ {
		if s[j] == '\\' {
			j++
			continue
		}
		if strings.HasPrefix(s[j:], q) {
			return j + len(q)
		}
	}
	return -1
}

// matchSpecEnd finds the '}' that ends a format spec, skipping nested
// replacement fields.
func matchSpecEnd(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// subExpr parses the expression of a replacement field, as if it were in
// parentheses.
func (p *parser) subExpr(text string, pos Pos) Expr {
	toks, err := tokenize("(" + text + ")")
	if err != nil {
		se := err.(*SyntaxError)
		p.fail(pos, "f-string: "+se.Msg)
	}
	kept := toks[:0:0]
	for _, t := range toks {
		if t.kind != tIndent && t.kind != tDedent && t.kind != tNewline {
			t.pos = pos
			kept = append(kept, t)
		}
	}
	sub := &parser{src: p.src, toks: kept, depth: p.depth, fdepth: p.fdepth}
	e := sub.starExprs()
	if sub.tok().kind != tEOF {
		p.fail(pos, "f-string: invalid syntax")
	}
	if y, ok := e.(*Yield); ok {
		return y
	}
	return e
}

// maxFstringNesting bounds f-strings inside f-strings (each level reads
// its text again).
const maxFstringNesting = 8
