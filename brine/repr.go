package brine

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Repr formats a brine value the way Python's repr() does, so Go code can
// show values (and answer __repr__/__str__) exactly as a Python peer would.
// Values of other types are formatted with %v.
func Repr(v any) string {
	var b strings.Builder
	writeRepr(&b, v)
	return b.String()
}

func writeRepr(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case uint64:
		b.WriteString(strconv.FormatUint(x, 10))
	case *big.Int:
		b.WriteString(x.String())
	case float64:
		b.WriteString(FloatRepr(x))
	case float32:
		b.WriteString(FloatRepr(float64(x)))
	case complex128:
		writeComplex(b, x)
	case string:
		writeQuoted(b, x, false)
	case []byte:
		b.WriteByte('b')
		writeQuoted(b, string(x), true)
	case Tuple:
		b.WriteByte('(')
		writeItems(b, x)
		if len(x) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case FrozenSet:
		if len(x) == 0 {
			b.WriteString("frozenset()")
			return
		}
		b.WriteString("frozenset({")
		writeItems(b, x)
		b.WriteString("})")
	case Slice:
		b.WriteString("slice(")
		writeItems(b, []any{x.Start, x.Stop, x.Step})
		b.WriteByte(')')
	case EllipsisType:
		b.WriteString("Ellipsis")
	case NotImplementedType:
		b.WriteString("NotImplemented")
	default:
		b.WriteString(reprFallback(v))
	}
}

func writeItems(b *strings.Builder, items []any) {
	for i, e := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		writeRepr(b, e)
	}
}

// FloatRepr formats f as Python's repr(float): the shortest text that reads
// back to f, in fixed notation for exponents -4..15 and with ".0" on whole
// numbers, scientific ("1e+16", "5e-324") otherwise.
func FloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := formatShortest(f)
	if !strings.ContainsAny(s, ".en") {
		s += ".0"
	}
	return s
}

// formatShortest is Python's float_repr_style 'r' without the ".0" suffix:
// complex components use it as is ("(13+18.2j)").
func formatShortest(f float64) string {
	sci := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expText, _ := strings.Cut(sci, "e")
	exp, _ := strconv.Atoi(expText)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		e := strconv.Itoa(exp)
		if len(e) < 2 {
			e = "0" + e
		}
		return mant + "e" + sign + e
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func writeComplex(b *strings.Builder, c complex128) {
	re, im := real(c), imag(c)
	part := func(f float64) string {
		switch {
		case math.IsNaN(f):
			return "nan"
		case math.IsInf(f, 1):
			return "inf"
		case math.IsInf(f, -1):
			return "-inf"
		}
		return formatShortest(f)
	}
	if re == 0 && !math.Signbit(re) {
		b.WriteString(part(im))
		b.WriteByte('j')
		return
	}
	b.WriteByte('(')
	b.WriteString(part(re))
	ims := part(im)
	if ims[0] != '-' {
		b.WriteByte('+')
	}
	b.WriteString(ims)
	b.WriteString("j)")
}

// writeQuoted follows Python's str/bytes repr: single quotes unless the
// text holds a single quote and no double quote.
func writeQuoted(b *strings.Builder, s string, isBytes bool) {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	b.WriteByte(quote)
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == quote || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
			continue
		case c == '\t':
			b.WriteString(`\t`)
			i++
			continue
		case c == '\n':
			b.WriteString(`\n`)
			i++
			continue
		case c == '\r':
			b.WriteString(`\r`)
			i++
			continue
		}
		if isBytes || c < utf8.RuneSelf {
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
			} else {
				b.WriteString(`\x`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			b.WriteString(`\x`)
			b.WriteString(pad(strconv.FormatInt(int64(r), 16), 2))
		case r < 0x10000:
			b.WriteString(`\u`)
			b.WriteString(pad(strconv.FormatInt(int64(r), 16), 4))
		default:
			b.WriteString(`\U`)
			b.WriteString(pad(strconv.FormatInt(int64(r), 16), 8))
		}
	}
	b.WriteByte(quote)
}

func pad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
