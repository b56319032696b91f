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

// percentFormat is str % args.
func percentFormat(th *Thread, f string, args Value) (Value, error) {
	out, err := percent(th, f, args, false)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func bytesPercentFormat(th *Thread, f []byte, args Value) (Value, error) {
	out, err := percent(th, string(f), args, true)
	if err != nil {
		return nil, err
	}
	return []byte(out), nil
}

func percent(th *Thread, f string, args Value, isBytes bool) (string, error) {
	var list []Value
	var mapping Value
	switch a := args.(type) {
	case Tuple:
		list = a
	case *Dict, *Instance:
		mapping = a
		list = []Value{a}
	default:
		if isForeign(a) {
			mapping = a
		}
		list = []Value{a}
	}
	ai := 0
	next := func() (Value, error) {
		if ai >= len(list) {
			return nil, th.newError(ErrTypeError, "not enough arguments for format string")
		}
		ai++
		return list[ai-1], nil
	}
	usedMapping := false
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(f) {
			return "", th.newError(ErrValueError, "incomplete format")
		}
		var arg Value
		haveArg := false
		if f[i] == '(' {
			if mapping == nil {
				return "", th.newError(ErrTypeError, "format requires a mapping")
			}
			depth, j := 1, i+1
			for ; j < len(f) && depth > 0; j++ {
				switch f[j] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth > 0 {
				return "", th.newError(ErrValueError, "incomplete format key")
			}
			key := f[i+1 : j-1]
			var kv Value = key
			if isBytes {
				kv = []byte(key)
			}
			v, err := getItem(th, mapping, kv)
			if err != nil {
				return "", err
			}
			arg, haveArg, usedMapping = v, true, true
			i = j
		}
		spec := fmtSpec{fill: ' ', prec: -1, align: '>'}
		for ; i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0; i++ {
			switch f[i] {
			case '-':
				spec.align = '<'
			case '+':
				spec.sign = '+'
			case ' ':
				if spec.sign == 0 {
					spec.sign = ' '
				}
			case '#':
				spec.alt = true
			case '0':
				spec.zero = true
			}
		}
		if i < len(f) && f[i] == '*' {
			v, err := next()
			if err != nil {
				return "", err
			}
			w, _, ok := asInt(v)
			if !ok {
				return "", th.newError(ErrTypeError, "* wants int")
			}
			if w < 0 {
				spec.align, w = '<', -w
			}
			spec.width = int(min(w, maxFormatWidth))
			i++
		} else {
			start := i
			for i < len(f) && f[i] >= '0' && f[i] <= '9' {
				i++
			}
			if i > start {
				w, _ := strconv.Atoi(f[start:i])
				spec.width = min(w, maxFormatWidth)
			}
		}
		if i < len(f) && f[i] == '.' {
			i++
			if i < len(f) && f[i] == '*' {
				v, err := next()
				if err != nil {
					return "", err
				}
				p, _, ok := asInt(v)
				if !ok {
					return "", th.newError(ErrTypeError, "* wants int")
				}
				spec.prec = int(min(max(p, 0), maxFormatWidth))
				i++
			} else {
				start := i
				for i < len(f) && f[i] >= '0' && f[i] <= '9' {
					i++
				}
				p, _ := strconv.Atoi(f[start:i])
				spec.prec = min(p, maxFormatWidth)
			}
		}
		for i < len(f) && (f[i] == 'l' || f[i] == 'h' || f[i] == 'L') {
			i++
		}
		if i >= len(f) {
			return "", th.newError(ErrValueError, "incomplete format")
		}
		conv := f[i]
		if conv == '%' {
			b.WriteByte('%')
			continue
		}
		if !haveArg {
			v, err := next()
			if err != nil {
				return "", err
			}
			arg = v
		}
		if spec.zero && spec.align != '<' && strings.IndexByte("diouxXeEfFgG", conv) >= 0 {
			spec.fill, spec.align = '0', '='
		}
		s, err := percentOne(th, conv, spec, arg, isBytes)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	if ai < len(list) && !usedMapping && mapping == nil {
		return "", th.newError(ErrTypeError, "not all arguments converted during "+map[bool]string{false: "string", true: "bytes"}[isBytes]+" formatting")
	}
	return b.String(), nil
}

func percentOne(th *Thread, conv byte, spec fmtSpec, arg Value, isBytes bool) (string, error) {
	switch conv {
	case 's', 'r', 'a':
		var s string
		var err error
		switch {
		case conv == 's' && isBytes:
			bs, ok := bytesOf(arg)
			if !ok {
				return "", th.typeErrorf("%%b requires a bytes-like object, or an object that implements __bytes__, not '%s'", typeName(arg))
			}
			s = string(bs)
		case conv == 's':
			s, err = toStr(th, arg)
		default:
			s, err = repr(th, arg)
			if conv == 'a' || isBytes {
				s = asciiEscape(s)
			}
		}
		if err != nil {
			return "", err
		}
		if spec.prec >= 0 && utf8.RuneCountInString(s) > spec.prec {
			s = string([]rune(s)[:spec.prec])
		}
		return spec.pad("", s, '>'), nil
	case 'c':
		if n, _, ok := asInt(arg); ok {
			if n < 0 || n > 0x10ffff {
				return "", th.newError(ErrOverflowError, "%c arg not in range(0x110000)")
			}
			return spec.pad("", string(rune(n)), '>'), nil
		}
		if s, ok := arg.(string); ok && utf8.RuneCountInString(s) == 1 {
			return spec.pad("", s, '>'), nil
		}
		return "", th.newError(ErrTypeError, "%c requires int or char")
	case 'd', 'i', 'u':
		n, err := intArg(th, conv, arg, true)
		if err != nil {
			return "", err
		}
		neg := n.Sign() < 0
		digits := new(big.Int).Abs(n).String()
		if spec.prec > len(digits) {
			digits = strings.Repeat("0", spec.prec-len(digits)) + digits
		}
		return spec.pad(signPrefix(neg, spec.sign), digits, '>'), nil
	case 'o', 'x', 'X':
		n, err := intArg(th, conv, arg, false)
		if err != nil {
			return "", err
		}
		neg := n.Sign() < 0
		base := map[byte]int{'o': 8, 'x': 16, 'X': 16}[conv]
		digits := new(big.Int).Abs(n).Text(base)
		if conv == 'X' {
			digits = strings.ToUpper(digits)
		}
		if spec.prec > len(digits) {
			digits = strings.Repeat("0", spec.prec-len(digits)) + digits
		}
		prefix := ""
		if spec.alt {
			prefix = map[byte]string{'o': "0o", 'x': "0x", 'X': "0X"}[conv]
		}
		return spec.pad(signPrefix(neg, spec.sign)+prefix, digits, '>'), nil
	case 'e', 'E', 'f', 'F', 'g', 'G':
		x, ok, err := toFloat(th, arg)
		if err != nil {
			return "", err
		}
		if !ok {
			if inst, isInst := arg.(*Instance); isInst {
				if m, has := inst.class.lookup("__float__"); has {
					r, err := callBound(th, m, inst, nil)
					if err != nil {
						return "", err
					}
					x, _, _ = toFloat(th, r)
					ok = true
				}
			}
			if !ok {
				return "", th.typeErrorf("must be real number, not %s", typeName(arg))
			}
		}
		sp := spec
		sp.typ = conv
		if sp.prec < 0 {
			sp.prec = 6
		}
		neg := math.Signbit(x) && !math.IsNaN(x)
		a := math.Abs(x)
		var body string
		switch conv {
		case 'f', 'F':
			body = strconv.FormatFloat(a, 'f', sp.prec, 64)
		case 'e', 'E':
			body = pyExp(strconv.FormatFloat(a, 'e', sp.prec, 64))
		default:
			p := sp.prec
			if p == 0 {
				p = 1
			}
			body = formatG(a, p, sp.alt)
		}
		body = strings.NewReplacer("+Inf", "inf", "Inf", "inf", "NaN", "nan").Replace(body)
		if conv == 'E' || conv == 'F' || conv == 'G' {
			body = strings.ToUpper(body)
		}
		return spec.pad(signPrefix(neg, spec.sign), body, '>'), nil
	}
	return "", th.errorf(ErrValueError, "unsupported format character '%c' (0x%x)", conv, conv)
}

func intArg(th *Thread, conv byte, arg Value, truncFloat bool) (*big.Int, error) {
	switch x := arg.(type) {
	case int64, bool, *big.Int:
		return bigOf(x), nil
	case float64:
		if truncFloat {
			if math.IsInf(x, 0) || math.IsNaN(x) {
				return nil, th.newError(ErrOverflowError, "cannot convert float infinity to integer")
			}
			b, _ := big.NewFloat(math.Trunc(x)).Int(nil)
			return b, nil
		}
	case *Instance:
		if m, ok := x.class.lookup("__index__"); ok {
			r, err := callBound(th, m, x, nil)
			if err != nil {
				return nil, err
			}
			return intArg(th, conv, r, truncFloat)
		}
		if m, ok := x.class.lookup("__int__"); ok && truncFloat {
			r, err := callBound(th, m, x, nil)
			if err != nil {
				return nil, err
			}
			return intArg(th, conv, r, truncFloat)
		}
	}
	if conv == 'd' || conv == 'i' || conv == 'u' {
		return nil, th.typeErrorf("%%%c format: a real number is required, not %s", conv, typeName(arg))
	}
	return nil, th.typeErrorf("%%%c format: an integer is required, not %s", conv, typeName(arg))
}

// strFormat is str.format(*args, **kwargs).
func strFormat(th *Thread, f string, args []Value, kw []KV) (string, error) {
	auto := 0
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == '}' {
			if i+1 < len(f) && f[i+1] == '}' {
				b.WriteByte('}')
				i++
				continue
			}
			return "", th.newError(ErrValueError, "Single '}' encountered in format string")
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(f) && f[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		// Find the matching '}', allowing one level of nested fields in
		// the spec.
		depth, j := 1, i+1
		for ; j < len(f) && depth > 0; j++ {
			switch f[j] {
			case '{':
				depth++
			case '}':
				depth--
			}
		}
		if depth > 0 {
			return "", th.newError(ErrValueError, "expected '}' before end of string")
		}
		field := f[i+1 : j-1]
		i = j - 1
		name, conv, spec := field, byte(0), ""
		if k := strings.IndexByte(name, ':'); k >= 0 {
			name, spec = name[:k], name[k+1:]
		}
		if k := strings.IndexByte(name, '!'); k >= 0 {
			if k+2 != len(name) {
				return "", th.newError(ErrValueError, "expected ':' after conversion specifier")
			}
			conv = name[k+1]
			name = name[:k]
		}
		v, err := formatField(th, name, args, kw, &auto)
		if err != nil {
			return "", err
		}
		if strings.Contains(spec, "{") {
			s, err := strFormatNested(th, spec, args, kw, &auto)
			if err != nil {
				return "", err
			}
			spec = s
		}
		switch conv {
		case 0:
		case 's':
			if v, err = toStr(th, v); err != nil {
				return "", err
			}
		case 'r':
			if v, err = repr(th, v); err != nil {
				return "", err
			}
		case 'a':
			r, err := repr(th, v)
			if err != nil {
				return "", err
			}
			v = asciiEscape(r)
		default:
			return "", th.errorf(ErrValueError, "Unknown conversion specifier %c", conv)
		}
		s, err := format(th, v, spec)
		if err != nil {
			return "", err
		}
		b.WriteString(s.(string))
	}
	return b.String(), nil
}

func strFormatNested(th *Thread, spec string, args []Value, kw []KV, auto *int) (string, error) {
	var b strings.Builder
	for i := 0; i < len(spec); i++ {
		if spec[i] != '{' {
			b.WriteByte(spec[i])
			continue
		}
		j := strings.IndexByte(spec[i:], '}')
		if j < 0 {
			return "", th.newError(ErrValueError, "unmatched '{' in format spec")
		}
		v, err := formatField(th, spec[i+1:i+j], args, kw, auto)
		if err != nil {
			return "", err
		}
		s, err := toStr(th, v)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
		i += j
	}
	return b.String(), nil
}

// formatField resolves a replacement field name: "", a number or a
// keyword, then .attr and [key] parts.
func formatField(th *Thread, name string, args []Value, kw []KV, auto *int) (Value, error) {
	first := name
	rest := ""
	if k := strings.IndexAny(name, ".["); k >= 0 {
		first, rest = name[:k], name[k:]
	}
	var v Value
	switch {
	case first == "":
		if *auto < 0 {
			return nil, th.newError(ErrValueError, "cannot switch from manual field specification to automatic field numbering")
		}
		if *auto >= len(args) {
			return nil, th.errorf(ErrIndexError, "Replacement index %d out of range for positional args tuple", *auto)
		}
		v = args[*auto]
		*auto++
	case first[0] >= '0' && first[0] <= '9':
		n, err := strconv.Atoi(first)
		if err != nil {
			return nil, th.newError(ErrValueError, "invalid field name '"+first+"'")
		}
		if *auto > 0 {
			return nil, th.newError(ErrValueError, "cannot switch from automatic field numbering to manual field specification")
		}
		*auto = -1
		if n >= len(args) {
			return nil, th.errorf(ErrIndexError, "Replacement index %d out of range for positional args tuple", n)
		}
		v = args[n]
	default:
		found := false
		for _, k := range kw {
			if k.Name == first {
				v, found = k.Value, true
				break
			}
		}
		if !found {
			return nil, th.raise(newExc(ErrKeyError, first))
		}
	}
	for rest != "" {
		var err error
		if rest[0] == '.' {
			end := strings.IndexAny(rest[1:], ".[")
			attr := rest[1:]
			if end >= 0 {
				attr, rest = rest[1:end+1], rest[end+1:]
			} else {
				rest = ""
			}
			if v, err = getAttr(th, v, attr); err != nil {
				return nil, err
			}
			continue
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, th.newError(ErrValueError, "Missing ']' in format string")
		}
		key := rest[1:end]
		rest = rest[end+1:]
		var k Value = key
		if n, err := strconv.Atoi(key); err == nil {
			k = int64(n)
		}
		if v, err = getItem(th, v, k); err != nil {
			return nil, err
		}
	}
	return v, nil
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
