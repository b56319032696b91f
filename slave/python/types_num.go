package python

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// int, bool, float and complex.

func init() {
	ClassInt.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "int", args, kw, "x=", "base=")
		if err != nil {
			return nil, err
		}
		if a[0] == unbound {
			if a[1] != unbound {
				return nil, th.newError(ErrTypeError, "int() missing string argument")
			}
			return int64(0), nil
		}
		if a[1] != unbound {
			base, err := index(th, a[1])
			if err != nil {
				return nil, err
			}
			return intFromString(th, a[0], int(base))
		}
		return toInt(th, a[0])
	}
	ClassBool.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "bool", kw); err != nil {
			return nil, err
		}
		if len(args) == 0 {
			return false, nil
		}
		if len(args) > 1 {
			return nil, th.typeErrorf("bool expected at most 1 argument, got %d", len(args))
		}
		return truth(th, args[0])
	}
	ClassFloat.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "float", kw); err != nil {
			return nil, err
		}
		if len(args) == 0 {
			return 0.0, nil
		}
		if len(args) > 1 {
			return nil, th.typeErrorf("float expected at most 1 argument, got %d", len(args))
		}
		return toFloatValue(th, args[0])
	}
	ClassComplex.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "complex", args, kw, "real=", "imag=")
		if err != nil {
			return nil, err
		}
		var re, im complex128
		if a[0] != unbound {
			if s, ok := a[0].(string); ok {
				c, err := strconv.ParseComplex(strings.ReplaceAll(strings.TrimSpace(s), "j", "i"), 128)
				if err != nil {
					return nil, th.newError(ErrValueError, "complex() arg is a malformed string")
				}
				return c, nil
			}
			c, ok := toComplex(th, a[0])
			if !ok {
				return nil, th.typeErrorf("complex() first argument must be a string or a number, not '%s'", typeName(a[0]))
			}
			re = c
		}
		if a[1] != unbound {
			c, ok := toComplex(th, a[1])
			if !ok {
				return nil, th.typeErrorf("complex() second argument must be a number, not '%s'", typeName(a[1]))
			}
			im = c * 1i
		}
		return re + im, nil
	}

	numDunders(ClassInt)
	numDunders(ClassFloat)
	numDunders(ClassComplex)
	ClassBool.dict.SetStr("__repr__", newBuiltin("__repr__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return repr(th, args[0])
	}))

	def(ClassInt, "bit_length", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "bit_length", args, kw, 1, 1); err != nil {
			return nil, err
		}
		return int64(new(big.Int).Abs(bigOf(args[0])).BitLen()), nil
	})
	def(ClassInt, "bit_count", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "bit_count", args, kw, 1, 1); err != nil {
			return nil, err
		}
		b := new(big.Int).Abs(bigOf(args[0]))
		n := 0
		for _, w := range b.Bits() {
			for ; w != 0; w &= w - 1 {
				n++
			}
		}
		return int64(n), nil
	})
	def(ClassInt, "conjugate", func(th *Thread, args []Value, kw []KV) (Value, error) { return intValue(args[0]), nil })
	def(ClassInt, "__index__", func(th *Thread, args []Value, kw []KV) (Value, error) { return intValue(args[0]), nil })
	def(ClassInt, "__int__", func(th *Thread, args []Value, kw []KV) (Value, error) { return intValue(args[0]), nil })
	def(ClassInt, "__float__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		f, _, err := toFloat(th, args[0])
		return f, err
	})
	def(ClassInt, "is_integer", func(th *Thread, args []Value, kw []KV) (Value, error) { return true, nil })
	def(ClassInt, "as_integer_ratio", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return Tuple{intValue(args[0]), int64(1)}, nil
	})
	defProp(ClassInt, "real", func(th *Thread, self Value) (Value, error) { return intValue(self), nil })
	defProp(ClassInt, "imag", func(th *Thread, self Value) (Value, error) { return int64(0), nil })
	defProp(ClassInt, "numerator", func(th *Thread, self Value) (Value, error) { return intValue(self), nil })
	defProp(ClassInt, "denominator", func(th *Thread, self Value) (Value, error) { return int64(1), nil })
	def(ClassInt, "to_bytes", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "to_bytes", args, kw, "self", "length=", "byteorder=", "*", "signed=")
		if err != nil {
			return nil, err
		}
		n, err := intArgOr(th, a[1], 1)
		if err != nil {
			return nil, err
		}
		if n < 0 || n > maxItems {
			return nil, th.newError(ErrValueError, "length argument must be non-negative")
		}
		order := "big"
		if a[2] != unbound {
			if order, err = strArg(th, "to_bytes", a[2]); err != nil {
				return nil, err
			}
		}
		signed, err := truth(th, argOr(a[3], false))
		if err != nil {
			return nil, err
		}
		v := bigOf(a[0])
		if v.Sign() < 0 {
			if !signed {
				return nil, th.newError(ErrOverflowError, "can't convert negative int to unsigned")
			}
			v = new(big.Int).Add(v, new(big.Int).Lsh(big.NewInt(1), uint(8*n)))
		}
		if v.BitLen() > int(8*n) || signed && bigOf(a[0]).Sign() >= 0 && v.BitLen() >= int(8*n) && n > 0 {
			return nil, th.newError(ErrOverflowError, "int too big to convert")
		}
		out := make([]byte, n)
		v.FillBytes(out)
		switch order {
		case "big":
		case "little":
			for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
				out[i], out[j] = out[j], out[i]
			}
		default:
			return nil, th.newError(ErrValueError, "byteorder must be either 'little' or 'big'")
		}
		return out, nil
	})
	defClassMethod(ClassInt, "from_bytes", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "from_bytes", args, kw, "cls", "bytes", "byteorder=", "*", "signed=")
		if err != nil {
			return nil, err
		}
		items, err := bytesFrom(th, a[1])
		if err != nil {
			return nil, err
		}
		b := append([]byte{}, items...)
		order := "big"
		if a[2] != unbound {
			if order, err = strArg(th, "from_bytes", a[2]); err != nil {
				return nil, err
			}
		}
		if order == "little" {
			for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
				b[i], b[j] = b[j], b[i]
			}
		} else if order != "big" {
			return nil, th.newError(ErrValueError, "byteorder must be either 'little' or 'big'")
		}
		v := new(big.Int).SetBytes(b)
		if signed, _ := truth(th, argOr(a[3], false)); signed && len(b) > 0 && b[0]&0x80 != 0 {
			v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
		return normBig(v), nil
	})

	def(ClassFloat, "is_integer", func(th *Thread, args []Value, kw []KV) (Value, error) {
		f := args[0].(float64)
		return f == math.Trunc(f) && !math.IsInf(f, 0), nil
	})
	def(ClassFloat, "__int__", func(th *Thread, args []Value, kw []KV) (Value, error) { return toInt(th, args[0]) })
	def(ClassFloat, "__float__", func(th *Thread, args []Value, kw []KV) (Value, error) { return args[0], nil })
	def(ClassFloat, "conjugate", func(th *Thread, args []Value, kw []KV) (Value, error) { return args[0], nil })
	def(ClassFloat, "as_integer_ratio", func(th *Thread, args []Value, kw []KV) (Value, error) {
		f := args[0].(float64)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, th.newError(ErrOverflowError, "cannot convert Infinity to integer ratio")
		}
		r := new(big.Rat).SetFloat64(f)
		return Tuple{normBig(r.Num()), normBig(r.Denom())}, nil
	})
	def(ClassFloat, "hex", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return strconv.FormatFloat(args[0].(float64), 'x', -1, 64), nil
	})
	defProp(ClassFloat, "real", func(th *Thread, self Value) (Value, error) { return self, nil })
	defProp(ClassFloat, "imag", func(th *Thread, self Value) (Value, error) { return 0.0, nil })
	defProp(ClassComplex, "real", func(th *Thread, self Value) (Value, error) { return real(self.(complex128)), nil })
	defProp(ClassComplex, "imag", func(th *Thread, self Value) (Value, error) { return imag(self.(complex128)), nil })
	def(ClassComplex, "conjugate", func(th *Thread, args []Value, kw []KV) (Value, error) {
		c := args[0].(complex128)
		return complex(real(c), -imag(c)), nil
	})
}

func intValue(v Value) Value {
	if b, ok := v.(bool); ok {
		if b {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

// numDunders gives a numeric type the dunder methods a client or code
// may call by name (x.__add__(y)), mapped onto the operators.
func numDunders(cls *Class) {
	for op := opAdd; op <= opXor; op++ {
		op := op
		name := binopDunder[op]
		def(cls, "__"+name+"__", func(th *Thread, args []Value, kw []KV) (Value, error) {
			if err := nargs(th, name, args, kw, 2, 2); err != nil {
				return nil, err
			}
			r, err := numOp(th, op, args[0], args[1])
			if err == errNoOp {
				return NotImplemented, nil
			}
			return r, err
		})
		def(cls, "__r"+name+"__", func(th *Thread, args []Value, kw []KV) (Value, error) {
			if err := nargs(th, name, args, kw, 2, 2); err != nil {
				return nil, err
			}
			r, err := numOp(th, op, args[1], args[0])
			if err == errNoOp {
				return NotImplemented, nil
			}
			return r, err
		})
	}
	for _, u := range []struct{ name, op string }{{"__neg__", "-"}, {"__pos__", "+"}, {"__invert__", "~"}} {
		u := u
		def(cls, u.name, func(th *Thread, args []Value, kw []KV) (Value, error) { return unaryOp(th, u.op, args[0]) })
	}
	def(cls, "__abs__", func(th *Thread, args []Value, kw []KV) (Value, error) { return absValue(th, args[0]) })
	def(cls, "__bool__", func(th *Thread, args []Value, kw []KV) (Value, error) { return truth(th, args[0]) })
	def(cls, "__repr__", func(th *Thread, args []Value, kw []KV) (Value, error) { return repr(th, args[0]) })
	def(cls, "__str__", func(th *Thread, args []Value, kw []KV) (Value, error) { return repr(th, args[0]) })
	def(cls, "__format__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__format__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		spec, err := strArg(th, "__format__", args[1])
		if err != nil {
			return nil, err
		}
		return format(th, args[0], spec)
	})
	def(cls, "__hash__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		h, err := hashOf(th, args[0])
		return int64(h), err
	})
	compareDunders(cls)
}

// compareDunders adds __eq__, __lt__ and friends over richCompare.
func compareDunders(cls *Class) {
	for op := cmpLt; op <= cmpGe; op++ {
		op := op
		def(cls, cmpDunder[op], func(th *Thread, args []Value, kw []KV) (Value, error) {
			if err := nargs(th, cmpDunder[op], args, kw, 2, 2); err != nil {
				return nil, err
			}
			if _, ok := args[1].(*Instance); ok {
				return NotImplemented, nil
			}
			r, err := richCompare(th, op, args[0], args[1])
			if err != nil {
				if e, ok := err.(*Instance); ok && e.class == ErrTypeError {
					return NotImplemented, nil
				}
			}
			return r, err
		})
	}
}

func absValue(th *Thread, v Value) (Value, error) {
	switch x := v.(type) {
	case bool:
		return intValue(x), nil
	case int64:
		if x < 0 {
			return unaryOp(th, "-", x)
		}
		return x, nil
	case *big.Int:
		return normBig(new(big.Int).Abs(x)), nil
	case float64:
		return math.Abs(x), nil
	case complex128:
		return math.Hypot(real(x), imag(x)), nil
	case *Instance:
		if m, ok := x.class.lookup("__abs__"); ok {
			return callBound(th, m, x, nil)
		}
	}
	return nil, th.typeErrorf("bad operand type for abs(): '%s'", typeName(v))
}

// toInt is int(v) for one argument.
func toInt(th *Thread, v Value) (Value, error) {
	switch x := v.(type) {
	case int64, *big.Int:
		return x, nil
	case bool:
		return intValue(x), nil
	case float64:
		if math.IsInf(x, 0) {
			return nil, th.newError(ErrOverflowError, "cannot convert float infinity to integer")
		}
		if math.IsNaN(x) {
			return nil, th.newError(ErrValueError, "cannot convert float NaN to integer")
		}
		if x > -9.2e18 && x < 9.2e18 {
			return int64(x), nil
		}
		b, _ := big.NewFloat(math.Trunc(x)).Int(nil)
		return normBig(b), nil
	case string, []byte, *ByteArray:
		return intFromString(th, v, 10)
	case *Instance:
		for _, name := range []string{"__int__", "__index__", "__trunc__"} {
			if m, ok := x.class.lookup(name); ok {
				r, err := callBound(th, m, x, nil)
				if err != nil {
					return nil, err
				}
				if !isInt(r) {
					return nil, th.typeErrorf("%s returned non-int (type %s)", name, typeName(r))
				}
				return intValue(r), nil
			}
		}
	}
	return nil, th.typeErrorf("int() argument must be a string, a bytes-like object or a real number, not '%s'", typeName(v))
}

// intFromString parses int(s, base), with Python's prefixes, underscores
// and surrounding white space.
func intFromString(th *Thread, v Value, base int) (Value, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	case *ByteArray:
		s = string(x.b)
	default:
		return nil, th.newError(ErrTypeError, "int() can't convert non-string with explicit base")
	}
	if base != 0 && (base < 2 || base > 36) {
		return nil, th.newError(ErrValueError, "int() base must be >= 2 and <= 36, or 0")
	}
	bad := func() (Value, error) {
		r, _ := repr(th, v)
		return nil, th.errorf(ErrValueError, "invalid literal for int() with base %d: %s", base, r)
	}
	t := strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg = t[0] == '-'
		t = t[1:]
	}
	lower := strings.ToLower(t)
	prefixBase := 0
	switch {
	case strings.HasPrefix(lower, "0x"):
		prefixBase = 16
	case strings.HasPrefix(lower, "0o"):
		prefixBase = 8
	case strings.HasPrefix(lower, "0b"):
		prefixBase = 2
	}
	if prefixBase != 0 && (base == 0 || base == prefixBase) {
		t = t[2:]
		base = prefixBase
		t = strings.TrimPrefix(t, "_")
	}
	if base == 0 {
		if len(t) > 1 && t[0] == '0' && strings.Trim(t, "0_") != "" {
			return bad()
		}
		base = 10
	}
	if t == "" || strings.HasPrefix(t, "_") || strings.HasSuffix(t, "_") || strings.Contains(t, "__") {
		return bad()
	}
	t = strings.ReplaceAll(t, "_", "")
	if len(t) > maxIntDigits && base == 10 {
		return nil, th.newError(ErrValueError, "Exceeds the limit (4300 digits) for integer string conversion: value has too many digits")
	}
	b, ok := new(big.Int).SetString(t, base)
	if !ok {
		return bad()
	}
	if neg {
		b.Neg(b)
	}
	return normBig(b), nil
}

// toFloatValue is float(v).
func toFloatValue(th *Thread, v Value) (Value, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64, bool, *big.Int:
		f, _, err := toFloat(th, x)
		return f, err
	case string, []byte:
		s := ""
		if b, ok := x.([]byte); ok {
			s = string(b)
		} else {
			s = x.(string)
		}
		t := strings.ToLower(strings.TrimSpace(s))
		switch strings.TrimLeft(t, "+-") {
		case "inf", "infinity":
			if strings.HasPrefix(t, "-") {
				return math.Inf(-1), nil
			}
			return math.Inf(1), nil
		case "nan":
			return math.NaN(), nil
		}
		if strings.Contains(t, "_") && (strings.HasPrefix(t, "_") || strings.HasSuffix(t, "_") || strings.Contains(t, "__")) {
			t = "x"
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64)
		if err != nil && !isRangeErr(err) || strings.ContainsAny(t, "xp") {
			r, _ := repr(th, s)
			return nil, th.newError(ErrValueError, "could not convert string to float: "+r)
		}
		return f, nil
	case *Instance:
		for _, name := range []string{"__float__", "__index__"} {
			if m, ok := x.class.lookup(name); ok {
				r, err := callBound(th, m, x, nil)
				if err != nil {
					return nil, err
				}
				f, ok, err := toFloat(th, r)
				if err != nil || !ok {
					return nil, th.typeErrorf("%s returned non-float (type %s)", name, typeName(r))
				}
				return f, nil
			}
		}
	}
	return nil, th.typeErrorf("float() argument must be a string or a real number, not '%s'", typeName(v))
}
