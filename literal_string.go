package rpyc

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// atStringPrefix reports whether a string prefix (r, u, b, br, rb, f,
// ... in any case) and a quote come next.
func (p *litParser) atStringPrefix() bool {
	_, n := p.stringPrefix()
	return n > 0
}

// stringPrefix reads the prefix letters before a quote at the position
// without moving: the lower-cased prefix and its length (0: no string
// starts here).
func (p *litParser) stringPrefix() (string, int) {
	s := p.s[p.i:]
	for n := 1; n <= 2 && n < len(s); n++ {
		if s[n] != '\'' && s[n] != '"' {
			continue
		}
		switch pre := strings.ToLower(s[:n]); pre {
		case "r", "u", "b", "f", "br", "rb", "fr", "rf":
			return pre, n
		}
		return "", 0
	}
	return "", 0
}

// stringLiterals reads one or more adjacent string literals and joins them, as
// Python does with 'a' "b": all str or all bytes.
func (p *litParser) stringLiterals() (node, error) {
	var out []byte
	first := true
	isBytes := false
	for {
		c := p.peek()
		if !(c == '\'' || c == '"' || c != 0 && p.atStringPrefix()) {
			break
		}
		start := p.i
		s, b, err := p.stringToken()
		if err != nil {
			return node{}, err
		}
		if first {
			isBytes = b
		} else if b != isBytes {
			p.i = start
			return node{}, p.errorf("cannot mix bytes and nonbytes literals")
		}
		first = false
		out = append(out, s...)
	}
	if isBytes {
		if out == nil {
			out = []byte{}
		}
		return node{v: out}, nil
	}
	return node{v: string(out)}, nil
}

// stringToken reads one string literal: its value (UTF-8 for str, the
// bytes for bytes) and whether it is bytes.
func (p *litParser) stringToken() (val []byte, isBytes bool, err error) {
	start := p.i
	pre, n := p.stringPrefix()
	if strings.Contains(pre, "f") {
		return nil, false, p.errorf("an f-string is not a literal")
	}
	raw := strings.Contains(pre, "r")
	isBytes = strings.Contains(pre, "b")
	p.i += n
	q := p.s[p.i]
	closing := p.s[p.i : p.i+1]
	if strings.HasPrefix(p.s[p.i:], strings.Repeat(closing, 3)) {
		closing = p.s[p.i : p.i+3]
	}
	triple := len(closing) == 3
	p.i += len(closing)
	var out []byte
	for {
		if p.i >= len(p.s) {
			p.i = start
			return nil, false, p.errorf("unterminated string literal")
		}
		c := p.s[p.i]
		switch {
		case c == q && strings.HasPrefix(p.s[p.i:], closing):
			p.i += len(closing)
			return out, isBytes, nil
		case (c == '\n' || c == '\r') && !triple:
			p.i = start
			return nil, false, p.errorf("unterminated string literal (a line break needs ''' quotes or \\n)")
		case c == '\\' && raw:
			// Raw: the backslash stays, and protects the next character
			// (a quote does not end the string, and a raw string cannot
			// end in an odd backslash).
			if p.i+1 >= len(p.s) {
				p.i = start
				return nil, false, p.errorf("unterminated string literal")
			}
			_, size := utf8.DecodeRuneInString(p.s[p.i+1:])
			if isBytes && p.s[p.i+1] >= utf8.RuneSelf {
				p.i++
				return nil, false, p.errorf("bytes can only contain ASCII literal characters")
			}
			out = append(out, p.s[p.i:p.i+1+size]...)
			p.i += 1 + size
		case c == '\\':
			if out, err = p.escape(out, isBytes); err != nil {
				return nil, false, err
			}
		default:
			if isBytes && c >= utf8.RuneSelf {
				return nil, false, p.errorf("bytes can only contain ASCII literal characters")
			}
			out = append(out, c)
			p.i++
		}
	}
}

// escape reads the backslash escape at the position and appends what it
// stands for: a character (UTF-8) in a str, a byte in bytes. Unknown
// escapes stay as written, backslash included, as in Python.
func (p *litParser) escape(out []byte, isBytes bool) ([]byte, error) {
	at := p.i
	p.i++ // the backslash
	if p.i >= len(p.s) {
		return nil, p.errorf("unterminated string literal")
	}
	if n := lineBreak(p.s[p.i:]); n > 0 {
		p.i += n // a continuation line: nothing
		return out, nil
	}
	c := p.s[p.i]
	if simple := strings.IndexByte(`\'"abfnrtv`, c); simple >= 0 {
		p.i++
		return append(out, "\\'\"\a\b\f\n\r\t\v"[simple]), nil
	}
	switch {
	case c >= '0' && c <= '7':
		v := 0
		for k := 0; k < 3 && p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '7'; k++ {
			v = v*8 + int(p.s[p.i]-'0')
			p.i++
		}
		if isBytes {
			return append(out, byte(v)), nil // Python keeps the low byte of \400..\777
		}
		return utf8.AppendRune(out, rune(v)), nil
	case c == 'x', !isBytes && (c == 'u' || c == 'U'):
		n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		p.i++
		hex := p.s[p.i:min(p.i+n, len(p.s))]
		v, err := strconv.ParseUint(hex, 16, 32)
		if len(hex) < n || err != nil || strings.ContainsAny(hex, "+-_") {
			p.i = at
			return nil, p.errorf("truncated \\%c escape: it takes %d hex digits", c, n)
		}
		p.i += n
		switch {
		case isBytes:
			return append(out, byte(v)), nil
		case v > utf8.MaxRune:
			p.i = at
			return nil, p.errorf("\\%c%s is past the last Unicode character U+10FFFF", c, hex)
		case v >= 0xD800 && v <= 0xDFFF:
			p.i = at
			return nil, p.errorf("\\%c%s is a lone surrogate, which cannot be sent as UTF-8", c, hex)
		}
		return utf8.AppendRune(out, rune(v)), nil
	case c == 'N' && !isBytes:
		p.i = at
		return nil, p.errorf("\\N{...} escapes are not supported: write the character itself or its \\u escape")
	}
	// Unknown: the backslash stays, and the character is read as usual.
	return append(out, '\\'), nil
}
