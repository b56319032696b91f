package python

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
)

// repr is repr(v).
func repr(th *Thread, v Value) (string, error) {
	switch x := v.(type) {
	case nil:
		return "None", nil
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case *big.Int:
		return bigStr(th, x)
	case float64:
		return floatRepr(x), nil
	case string:
		return strRepr(x), nil
	case []byte:
		return bytesRepr(x), nil
	case complex128:
		return complexRepr(x), nil
	case *ByteArray:
		return "bytearray(" + bytesRepr(x.b) + ")", nil
	case Tuple:
		if len(x) == 1 {
			s, err := reprNested(th, x[0])
			return "(" + s + ",)", err
		}
		return reprItems(th, "(", ")", x)
	case *List:
		return reprContainer(th, x, "[", "]", x.items)
	case *Dict:
		if x.kind != nil {
			return reprDictKind(th, x)
		}
		return reprDict(th, x)
	case *Set:
		if x.len() == 0 {
			if x.frozen {
				return "frozenset()", nil
			}
			return "set()", nil
		}
		s, err := reprContainer(th, x, "{", "}", x.keys())
		if x.frozen {
			s = "frozenset(" + s + ")"
		}
		return s, err
	case *dictView:
		s, err := reprItems(th, "[", "]", viewItems(x))
		return x.kind.name + "(" + s + ")", err
	case *Range:
		if x.step == 1 {
			return fmt.Sprintf("range(%d, %d)", x.start, x.stop), nil
		}
		return fmt.Sprintf("range(%d, %d, %d)", x.start, x.stop, x.step), nil
	case brine.Slice:
		parts := make([]string, 3)
		for i, p := range []Value{x.Start, x.Stop, x.Step} {
			s, err := repr(th, p)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "slice(" + strings.Join(parts, ", ") + ")", nil
	case brine.EllipsisType:
		return "Ellipsis", nil
	case brine.NotImplementedType:
		return "NotImplemented", nil
	case *Function:
		return fmt.Sprintf("<function %s at %#x>", x.qualname, ptrHash(x)<<4), nil
	case *Builtin:
		return "<built-in function " + x.name + ">", nil
	case *Method:
		self, err := reprNested(th, x.self)
		if err != nil {
			return "", err
		}
		name := ""
		switch f := x.fn.(type) {
		case *Function:
			name = f.qualname
		case *Builtin:
			return "<built-in method " + f.name + " of " + typeName(x.self) + " object>", nil
		}
		return "<bound method " + name + " of " + self + ">", nil
	case *Class:
		if x.module == "builtins" || x.module == "" {
			return "<class '" + x.qualname + "'>", nil
		}
		return "<class '" + x.module + "." + x.qualname + "'>", nil
	case *Module:
		return "<module '" + x.name + "' (built-in)>", nil
	case *Generator:
		return fmt.Sprintf("<generator object %s at %#x>", x.name(), ptrHash(x)<<4), nil
	case *Instance:
		if th.plain {
			if x.exc != nil {
				s, _ := reprItems(th, "(", ")", x.exc.args)
				if len(x.exc.args) == 1 {
					s = strings.TrimSuffix(s, ",)") + ")"
				}
				return x.class.name + s, nil
			}
			return objectRepr(x), nil
		}
		if s, ok, err := textDunder(th, x, "__repr__"); ok {
			return s, err
		}
		return objectRepr(x), nil
	case *Property:
		return fmt.Sprintf("<property object at %#x>", ptrHash(x)<<4), nil
	case *StaticMethod:
		s, err := reprNested(th, x.fn)
		return "<staticmethod(" + s + ")>", err
	case *ClassMethod:
		s, err := reprNested(th, x.fn)
		return "<classmethod(" + s + ")>", err
	case *Super:
		return "<super: <class '" + x.cls.name + "'>, <" + x.objType.name + " object>>", nil
	case *Iterator:
		return fmt.Sprintf("<%s object at %#x>", x.cls.name, ptrHash(x)<<4), nil
	case *Cell:
		return "<cell>", nil
	}
	if isForeign(v) && !th.plain {
		return th.hostRepr(v)
	}
	return fmt.Sprintf("<%s object>", typeName(v)), nil
}

func objectRepr(x *Instance) string {
	name := x.class.qualname
	if m := x.class.module; m != "builtins" && m != "" {
		name = m + "." + name
	}
	return fmt.Sprintf("<%s object at %#x>", name, ptrHash(x)<<4)
}

func reprNested(th *Thread, v Value) (string, error) {
	if err := th.enter(); err != nil {
		return "", err
	}
	defer th.leave()
	return repr(th, v)
}

func reprItems(th *Thread, open, close string, items []Value) (string, error) {
	if err := th.enter(); err != nil {
		return "", err
	}
	defer th.leave()
	var b strings.Builder
	b.WriteString(open)
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		s, err := repr(th, it)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	b.WriteString(close)
	return b.String(), nil
}

// reprContainer guards against a container that contains itself.
func reprContainer(th *Thread, self Value, open, close string, items []Value) (string, error) {
	for _, v := range th.reprStack {
		if identical(v, self) {
			return open + "..." + close, nil
		}
	}
	th.reprStack = append(th.reprStack, self)
	defer func() { th.reprStack = th.reprStack[:len(th.reprStack)-1] }()
	return reprItems(th, open, close, items)
}

func reprDict(th *Thread, d *Dict) (string, error) {
	for _, v := range th.reprStack {
		if v == Value(d) {
			return "{...}", nil
		}
	}
	th.reprStack = append(th.reprStack, d)
	defer func() { th.reprStack = th.reprStack[:len(th.reprStack)-1] }()
	if err := th.enter(); err != nil {
		return "", err
	}
	defer th.leave()
	var b strings.Builder
	b.WriteByte('{')
	first := true
	for i := 0; i < len(d.entries); i++ {
		e := d.entries[i]
		if !e.live {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		k, err := repr(th, e.key)
		if err != nil {
			return "", err
		}
		v, err := repr(th, e.val)
		if err != nil {
			return "", err
		}
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
	}
	b.WriteByte('}')
	return b.String(), nil
}

func bigStr(th *Thread, b *big.Int) (string, error) {
	if b.BitLen() > 14300 {
		return "", th.newError(ErrValueError, "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit")
	}
	s := b.String()
	if n := len(strings.TrimPrefix(s, "-")); n > maxIntDigits {
		return "", th.newError(ErrValueError, "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit")
	}
	return s, nil
}

// floatRepr is Python's repr of a float: the shortest text that reads
// back as the same float.
func floatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimPrefix(mant, "-")
	digits := strings.Replace(mant, ".", "", 1)
	sign := ""
	if neg {
		sign = "-"
	}
	if e < -4 || e >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if e < 0 {
			es = "-"
			e = -e
		}
		return fmt.Sprintf("%s%se%s%02d", sign, m, es, e)
	}
	if e >= 0 {
		if len(digits) <= e+1 {
			return sign + digits + strings.Repeat("0", e+1-len(digits)) + ".0"
		}
		return sign + digits[:e+1] + "." + digits[e+1:]
	}
	return sign + "0." + strings.Repeat("0", -e-1) + digits
}

func complexRepr(c complex128) string {
	re, im := real(c), imag(c)
	ims := floatRepr(im)
	if strings.HasSuffix(ims, ".0") {
		ims = ims[:len(ims)-2]
	}
	if re == 0 && !math.Signbit(re) {
		return ims + "j"
	}
	res := floatRepr(re)
	if strings.HasSuffix(res, ".0") {
		res = res[:len(res)-2]
	}
	if im >= 0 || math.IsNaN(im) {
		ims = "+" + ims
	}
	return "(" + res + ims + "j)"
}

// strRepr quotes a str as Python's repr does.
func strRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i-1])
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case !unicode.IsPrint(r) && r != ' ':
			switch {
			case r <= 0xff:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r <= 0xffff:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

func bytesRepr(x []byte) string {
	q := byte('\'')
	if containsByte(x, '\'') && !containsByte(x, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteString("b")
	b.WriteByte(q)
	for _, c := range x {
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// asciiEscape is ascii(): repr with non-ASCII escaped.
func asciiEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	return b.String()
}

// toStr is str(v).
func toStr(th *Thread, v Value) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case *Instance:
		if th.plain {
			if x.exc != nil {
				return excStr(th, x), nil
			}
			return objectRepr(x), nil
		}
		if s, ok, err := textDunder(th, x, "__str__"); ok {
			return s, err
		}
		return repr(th, v)
	}
	if isForeign(v) && !th.plain {
		return th.hostStr(v)
	}
	return repr(th, v)
}

// plainRepr is repr for values that need no interpreter (exception
// arguments while formatting an error).
func plainRepr(v Value) string {
	s, err := repr(plainThread(), v)
	if err != nil {
		return fmt.Sprintf("<%s object>", typeName(v))
	}
	return s
}

func plainStr(v Value) string {
	if s, ok := v.(string); ok {
		return s
	}
	return plainRepr(v)
}

// plainThread runs no code: repr and str of exceptions while
// formatting an error, outside any request.
func plainThread() *Thread {
	return &Thread{in: plainInterp, ctx: context.Background(), plain: true}
}

var plainInterp = &Interp{host: noHost{}, maxDepth: 100}

// textDunder calls x's own __repr__ or __str__ (one defined in code, or
// an exception's); ok is false when x has only object's.
func textDunder(th *Thread, x *Instance, name string) (s string, ok bool, err error) {
	m, found := x.class.lookup(name)
	if !found {
		return "", false, nil
	}
	if _, builtin := m.(*Builtin); builtin && x.exc == nil {
		return "", false, nil
	}
	if err := th.enter(); err != nil {
		return "", true, err
	}
	defer th.leave()
	r, err := callBound(th, m, x, nil)
	if err != nil {
		return "", true, err
	}
	s, isStr := r.(string)
	if !isStr {
		return "", true, th.typeErrorf("%s returned non-string (type %s)", name, typeName(r))
	}
	return s, true, nil
}
