package python

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Formatting: format(v, spec) with Python's format-spec mini-language,
// printf-style % formatting, and str.format.

// maxFormatWidth bounds a width or precision in a format spec.
const maxFormatWidth = 1 << 24

type fmtSpec struct {
	fill     rune
	align    byte // '<', '>', '^', '=' or 0
	sign     byte // '+', '-', ' ' or 0
	alt      bool
	zero     bool
	width    int
	grouping byte // ',' or '_' or 0
	prec     int  // -1 when absent
	typ      byte // 0 when absent
}

func parseSpec(th *Thread, spec string) (fmtSpec, error) {
	s := fmtSpec{fill: ' ', prec: -1}
	bad := func() (fmtSpec, error) {
		return s, th.newError(ErrValueError, "Invalid format specifier '"+spec+"'")
	}
	i := 0
	if r, size := utf8.DecodeRuneInString(spec); size > 0 && size < len(spec) && strings.IndexByte("<>^=", spec[size]) >= 0 {
		s.fill, s.align = r, spec[size]
		i = size + 1
	} else if len(spec) > 0 && strings.IndexByte("<>^=", spec[0]) >= 0 {
		s.align = spec[0]
		i = 1
	}
	if i < len(spec) && strings.IndexByte("+- ", spec[i]) >= 0 {
		s.sign = spec[i]
		i++
	}
	if i < len(spec) && spec[i] == 'z' {
		i++
	}
	if i < len(spec) && spec[i] == '#' {
		s.alt = true
		i++
	}
	if i < len(spec) && spec[i] == '0' {
		s.zero = true
		i++
	}
	start := i
	for i < len(spec) && spec[i] >= '0' && spec[i] <= '9' {
		i++
	}
	if i > start {
		w, err := strconv.Atoi(spec[start:i])
		if err != nil || w > maxFormatWidth {
			return s, th.newError(ErrValueError, "Too many decimal digits in format string")
		}
		s.width = w
	}
	if i < len(spec) && (spec[i] == ',' || spec[i] == '_') {
		s.grouping = spec[i]
		i++
	}
	if i < len(spec) && spec[i] == '.' {
		i++
		start = i
		for i < len(spec) && spec[i] >= '0' && spec[i] <= '9' {
			i++
		}
		if i == start {
			return s, th.newError(ErrValueError, "Format specifier missing precision")
		}
		p, err := strconv.Atoi(spec[start:i])
		if err != nil || p > maxFormatWidth {
			return s, th.newError(ErrValueError, "Too many decimal digits in format string")
		}
		s.prec = p
	}
	if i < len(spec) {
		s.typ = spec[i]
		i++
	}
	if i != len(spec) {
		return bad()
	}
	if s.zero && s.align == 0 {
		s.fill, s.align = '0', '='
	}
	return s, nil
}

// pad aligns body (with sign/prefix kept in front for '=').
func (s fmtSpec) pad(prefix, body string, defAlign byte) string {
	n := utf8.RuneCountInString(prefix) + utf8.RuneCountInString(body)
	if s.width <= n {
		return prefix + body
	}
	fill := strings.Repeat(string(s.fill), s.width-n)
	align := s.align
	if align == 0 {
		align = defAlign
	}
	switch align {
	case '<':
		return prefix + body + fill
	case '^':
		half := (s.width - n) / 2
		return strings.Repeat(string(s.fill), half) + prefix + body + strings.Repeat(string(s.fill), s.width-n-half)
	case '=':
		return prefix + fill + body
	}
	return fill + prefix + body
}

// format is format(v, spec).
func format(th *Thread, v Value, spec string) (Value, error) {
	switch x := v.(type) {
	case string:
		return formatStr(th, x, spec)
	case bool:
		if spec == "" {
			return repr(th, x)
		}
		n, _, _ := asInt(x)
		return formatInt(th, n, nil, spec)
	case int64:
		if spec == "" {
			return strconv.FormatInt(x, 10), nil
		}
		return formatInt(th, x, nil, spec)
	case *big.Int:
		return formatInt(th, 0, x, spec)
	case float64:
		return formatFloat(th, x, spec)
	case *Instance:
		if m, ok := x.class.lookup("__format__"); ok {
			if _, builtin := m.(*Builtin); !builtin {
				r, err := callBound(th, m, x, []Value{spec})
				if err != nil {
					return nil, err
				}
				if _, ok := r.(string); !ok {
					return nil, th.typeErrorf("__format__ must return a str, not %s", typeName(r))
				}
				return r, nil
			}
		}
	}
	if isForeign(v) && spec != "" {
		return th.hostCallMethod(v, "__format__", []Value{spec}, nil)
	}
	if spec != "" {
		return nil, th.typeErrorf("unsupported format string passed to %s.__format__", typeName(v))
	}
	return toStr(th, v)
}

func formatStr(th *Thread, x, spec string) (Value, error) {
	if spec == "" {
		return x, nil
	}
	s, err := parseSpec(th, spec)
	if err != nil {
		return nil, err
	}
	if s.typ != 0 && s.typ != 's' {
		return nil, th.errorf(ErrValueError, "Unknown format code '%c' for object of type 'str'", s.typ)
	}
	if s.sign != 0 {
		return nil, th.newError(ErrValueError, "Sign not allowed in string format specifier")
	}
	if s.align == '=' {
		return nil, th.newError(ErrValueError, "'=' alignment not allowed in string format specifier")
	}
	if s.prec >= 0 && utf8.RuneCountInString(x) > s.prec {
		x = string([]rune(x)[:s.prec])
	}
	return s.pad("", x, '<'), nil
}

// group inserts a separator every n digits from the right.
func group(digits string, sep byte, n int) string {
	if len(digits) <= n {
		return digits
	}
	var b strings.Builder
	first := len(digits) % n
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += n {
		if b.Len() > 0 {
			b.WriteByte(sep)
		}
		b.WriteString(digits[i : i+n])
	}
	return b.String()
}

func signPrefix(neg bool, sign byte) string {
	switch {
	case neg:
		return "-"
	case sign == '+':
		return "+"
	case sign == ' ':
		return " "
	}
	return ""
}

func formatInt(th *Thread, n int64, b *big.Int, spec string) (Value, error) {
	s, err := parseSpec(th, spec)
	if err != nil {
		return nil, err
	}
	if b == nil {
		if r, ok := formatSmallInt(s, n); ok {
			return r, nil
		}
		b = big.NewInt(n)
	}
	switch s.typ {
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		f, _ := new(big.Float).SetInt(b).Float64()
		return formatFloat(th, f, spec)
	case 'c':
		if !b.IsInt64() || b.Int64() < 0 || b.Int64() > 0x10ffff {
			return nil, th.newError(ErrOverflowError, "%c arg not in range(0x110000)")
		}
		return s.pad("", string(rune(b.Int64())), '>'), nil
	case 's':
		return nil, th.newError(ErrValueError, "Unknown format code 's' for object of type 'int'")
	}
	if s.prec >= 0 {
		return nil, th.newError(ErrValueError, "Precision not allowed in integer format specifier")
	}
	neg := b.Sign() < 0
	abs := new(big.Int).Abs(b)
	base, prefix, groupN := 10, "", 3
	switch s.typ {
	case 'b':
		base, prefix, groupN = 2, "0b", 4
	case 'o':
		base, prefix, groupN = 8, "0o", 4
	case 'x':
		base, prefix, groupN = 16, "0x", 4
	case 'X':
		base, prefix, groupN = 16, "0X", 4
	case 'd', 'n', 0:
	default:
		return nil, th.errorf(ErrValueError, "Unknown format code '%c' for object of type 'int'", s.typ)
	}
	if abs.BitLen() > 14300 && base == 10 {
		return nil, th.newError(ErrValueError, "Exceeds the limit (4300 digits) for integer string conversion")
	}
	digits := abs.Text(base)
	if s.typ == 'X' {
		digits = strings.ToUpper(digits)
	}
	if !s.alt {
		prefix = ""
	}
	if s.grouping != 0 {
		if s.grouping == ',' && base != 10 {
			return nil, th.errorf(ErrValueError, "Cannot specify ',' with '%c'.", s.typ)
		}
		if s.align == '=' && s.fill == '0' && s.width > 0 {
			// Zero padding is grouped too.
			want := s.width - len(signPrefix(neg, s.sign)) - len(prefix)
			for len(group(digits, s.grouping, groupN)) < want {
				digits = "0" + digits
			}
		}
		digits = group(digits, s.grouping, groupN)
	}
	return s.pad(signPrefix(neg, s.sign)+prefix, digits, '>'), nil
}

func formatFloat(th *Thread, f float64, spec string) (Value, error) {
	if spec == "" {
		return floatRepr(f), nil
	}
	s, err := parseSpec(th, spec)
	if err != nil {
		return nil, err
	}
	neg := math.Signbit(f) && !math.IsNaN(f)
	a := math.Abs(f)
	var body string
	upper := false
	switch s.typ {
	case 'f', 'F', '%':
		p := s.prec
		if p < 0 {
			p = 6
		}
		if s.typ == '%' {
			a *= 100
		}
		body = strconv.FormatFloat(a, 'f', p, 64)
		if s.alt && p == 0 {
			body += "."
		}
		if s.typ == '%' {
			body += "%"
		}
		upper = s.typ == 'F'
	case 'e', 'E':
		p := s.prec
		if p < 0 {
			p = 6
		}
		body = pyExp(strconv.FormatFloat(a, 'e', p, 64))
		upper = s.typ == 'E'
	case 'g', 'G', 0, 'n':
		p := s.prec
		if s.typ == 0 && p < 0 {
			body = floatRepr(a)
			break
		}
		if p < 0 {
			p = 6
		}
		if p == 0 {
			p = 1
		}
		body = formatG(a, p, s.alt)
		if s.typ == 0 && !strings.ContainsAny(body, ".einf") {
			body += ".0"
		}
		upper = s.typ == 'G'
	default:
		return nil, th.errorf(ErrValueError, "Unknown format code '%c' for object of type 'float'", s.typ)
	}
	if math.IsInf(a, 0) {
		body = strings.Replace(body, "+Inf", "inf", 1)
		body = strings.Replace(body, "Inf", "inf", 1)
	}
	if math.IsNaN(f) {
		body = strings.Replace(body, "NaN", "nan", 1)
	}
	if upper {
		body = strings.ToUpper(body)
	}
	if s.grouping != 0 {
		intPart, rest := body, ""
		if i := strings.IndexAny(body, ".e%"); i >= 0 {
			intPart, rest = body[:i], body[i:]
		}
		if intPart != "inf" && intPart != "nan" {
			body = group(intPart, s.grouping, 3) + rest
		}
	}
	return s.pad(signPrefix(neg, s.sign), body, '>'), nil
}

// pyExp rewrites Go's exponent (e+06, e+100) as Python's (e+06, e+100):
// at least two digits.
func pyExp(s string) string {
	i := strings.LastIndexAny(s, "eE")
	if i < 0 {
		return s
	}
	exp := s[i+2:]
	if len(exp) < 2 {
		exp = "0" + exp
	}
	return s[:i+2] + exp
}

// formatG is %g with Python's rules for when to use an exponent and
// which zeros to keep.
func formatG(a float64, p int, alt bool) string {
	if math.IsInf(a, 0) || math.IsNaN(a) {
		return strconv.FormatFloat(a, 'g', p, 64)
	}
	e := strconv.FormatFloat(a, 'e', p-1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	var out string
	if x < -4 || x >= p {
		if !alt && strings.Contains(mant, ".") {
			mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		}
		out = pyExp(mant + "e" + exp)
	} else {
		out = strconv.FormatFloat(a, 'f', max(p-1-x, 0), 64)
		if !alt && strings.Contains(out, ".") {
			out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
		}
	}
	return out
}

// formatSmallInt formats an int64 in base 10, 16, 8 or 2 without a
// big.Int (the common f"{i:04d}"); ok is false for the other cases.
func formatSmallInt(s fmtSpec, n int64) (string, bool) {
	base, prefix := 0, ""
	switch s.typ {
	case 'd', 0:
		base = 10
	case 'x':
		base, prefix = 16, "0x"
	case 'X':
		base, prefix = 16, "0X"
	case 'o':
		base, prefix = 8, "0o"
	case 'b':
		base, prefix = 2, "0b"
	}
	if base == 0 || s.prec >= 0 || s.grouping != 0 || n == math.MinInt64 {
		return "", false
	}
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, base)
	if s.typ == 'X' {
		digits = strings.ToUpper(digits)
	}
	if !s.alt {
		prefix = ""
	}
	return s.pad(signPrefix(neg, s.sign)+prefix, digits, '>'), true
}
