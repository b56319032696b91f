package rpyc

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// maxIntDigits is Python's limit on the digits of a decimal int literal
// (sys.int_info.str_digits_check_threshold): past it Python refuses the
// text, and so do we, which also bounds the quadratic cost of reading it.
const maxIntDigits = 4300

// number reads an int, float or imaginary literal, as Python's tokenizer
// does: 12, 1_000, 0x40, 0o17, 0b101, 1.5, .5, 1., 1e400 (inf), 2j.
func (p *litParser) number() (node, error) {
	start := p.i
	s := p.s
	if s[p.i] == '0' && p.i+1 < len(s) {
		base, name := 0, ""
		switch s[p.i+1] {
		case 'x', 'X':
			base, name = 16, "hexadecimal"
		case 'o', 'O':
			base, name = 8, "octal"
		case 'b', 'B':
			base, name = 2, "binary"
		}
		if base != 0 {
			p.i += 2
			digits, ok := p.digits(base, true)
			if !ok || p.i < len(s) && isIdentByte(s[p.i]) {
				p.i = start
				return node{}, p.errorf("invalid %s literal %q", name, p.word())
			}
			return node{v: parseInt(digits, base), kind: kindNumber}, nil
		}
	}
	intPart := ""
	if s[p.i] != '.' {
		var ok bool
		if intPart, ok = p.digits(10, false); !ok {
			p.i = start
			return node{}, p.errorf("invalid decimal literal %q", p.word())
		}
	}
	isFloat := false
	if p.i < len(s) && s[p.i] == '.' {
		isFloat = true
		p.i++
		if p.i < len(s) && isDigit(s[p.i]) {
			if _, ok := p.digits(10, false); !ok {
				p.i = start
				return node{}, p.errorf("invalid decimal literal %q", p.word())
			}
		}
	}
	if p.i < len(s) && (s[p.i] == 'e' || s[p.i] == 'E') {
		j := p.i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			isFloat = true
			p.i = j
			if _, ok := p.digits(10, false); !ok {
				p.i = start
				return node{}, p.errorf("invalid decimal literal %q", p.word())
			}
		}
	}
	imaginary := p.i < len(s) && (s[p.i] == 'j' || s[p.i] == 'J')
	text := strings.ReplaceAll(s[start:p.i], "_", "")
	if imaginary {
		p.i++
	}
	if p.i < len(s) && isIdentByte(s[p.i]) {
		p.i = start
		return node{}, p.errorf("invalid decimal literal %q", p.word())
	}
	if imaginary || isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) { // out of range: ±inf or 0, as Python
			p.i = start
			return node{}, p.errorf("invalid decimal literal %q", p.word())
		}
		if imaginary {
			return node{v: complex(0, f), kind: kindNumber}, nil
		}
		return node{v: f, kind: kindNumber}, nil
	}
	if strings.TrimLeft(intPart, "0") != "" && intPart[0] == '0' {
		p.i = start
		return node{}, p.errorf("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
	}
	if len(intPart) > maxIntDigits {
		p.i = start
		return node{}, p.errorf("the int has more than %d digits, Python's limit for integer string conversion", maxIntDigits)
	}
	return node{v: parseInt(intPart, 10), kind: kindNumber}, nil
}

// digits reads digits of base with single underscores between them (and,
// with leadingUnderscore, one before the first, as in 0x_ff). It returns
// them without underscores; ok is false for a misplaced underscore, a
// digit of the wrong base, or no digit at all.
func (p *litParser) digits(base int, leadingUnderscore bool) (string, bool) {
	var b strings.Builder
	s := p.s
	if leadingUnderscore && p.i < len(s) && s[p.i] == '_' {
		p.i++
	}
	for p.i < len(s) {
		c := s[p.i]
		if c == '_' {
			if b.Len() == 0 || p.i+1 >= len(s) || digitValue(s[p.i+1]) >= base {
				return "", false
			}
			p.i++
			continue
		}
		d := digitValue(c)
		if d >= base {
			if d < 10 {
				return "", false // a decimal digit out of base: 0b102, 0o8
			}
			break
		}
		b.WriteByte(c)
		p.i++
	}
	return b.String(), b.Len() > 0
}

// digitValue is a digit's value in any base up to 16; 99 for a non-digit.
func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
}

// parseInt converts valid digits to an int64, or a *big.Int past it.
func parseInt(digits string, base int) any {
	if n, err := strconv.ParseInt(digits, base, 64); err == nil {
		return n
	}
	b, _ := new(big.Int).SetString(digits, base)
	return b
}

// word is the run of name characters from the position, for messages.
func (p *litParser) word() string {
	j := p.i
	for j < len(p.s) && (isIdentByte(p.s[j]) || p.s[j] == '.') && j-p.i < 40 {
		j++
	}
	return p.s[p.i:j]
}

// negate is -v for a number constant; an int that fits int64 again
// (-9223372036854775808) becomes an int64.
func negate(v any) any {
	switch x := v.(type) {
	case int64:
		if x == math.MinInt64 {
			return new(big.Int).Neg(big.NewInt(x))
		}
		return -x
	case *big.Int:
		n := new(big.Int).Neg(x)
		if n.IsInt64() {
			return n.Int64()
		}
		return n
	case float64:
		return -x
	case complex128:
		return -x
	}
	return v
}
