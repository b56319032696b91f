package python

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// printf-style formatting: str % args and bytes % args.

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
