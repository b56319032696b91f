package python

import (
	"math"
	"math/big"
	"math/bits"
	"math/cmplx"
)

// Numbers: Python's int is unbounded (int64 while it fits, *big.Int
// past it), float is float64, bool is an int.

// maxIntBits bounds the size of an int one operation may build (about
// 20 million decimal digits): beyond it Python would run the machine out
// of memory; here it is a MemoryError.
const maxIntBits = 1 << 26

type binop uint8

const (
	opAdd binop = iota
	opSub
	opMul
	opTrueDiv
	opFloorDiv
	opMod
	opPow
	opLShift
	opRShift
	opAnd
	opOr
	opXor
	opMatMul
)

var binopSym = [...]string{"+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@"}
var binopDunder = [...]string{"add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "lshift", "rshift", "and", "or", "xor", "matmul"}

// smallInts are the boxed ints in [smallIntMin, smallIntMax): loops and
// arithmetic hand them out without allocating.
const (
	smallIntMin = -256
	smallIntMax = 1 << 16
)

var smallInts = func() []Value {
	out := make([]Value, smallIntMax-smallIntMin)
	for i := range out {
		out[i] = int64(i + smallIntMin)
	}
	return out
}()

// boxInt is an int as a Value, without allocating for small ones.
func boxInt(n int64) Value {
	if n >= smallIntMin && n < smallIntMax {
		return smallInts[n-smallIntMin]
	}
	return n
}

func normBig(b *big.Int) Value {
	if b.IsInt64() {
		return b.Int64()
	}
	return b
}

// asInt reads an int (or bool) as int64 or *big.Int.
func asInt(v Value) (int64, *big.Int, bool) {
	switch x := v.(type) {
	case int64:
		return x, nil, true
	case bool:
		if x {
			return 1, nil, true
		}
		return 0, nil, true
	case *big.Int:
		return 0, x, true
	}
	return 0, nil, false
}

func bigOf(v Value) *big.Int {
	i, b, _ := asInt(v)
	if b != nil {
		return b
	}
	return big.NewInt(i)
}

func isInt(v Value) bool {
	switch v.(type) {
	case int64, bool, *big.Int:
		return true
	}
	return false
}

// toFloat converts an int or float to float64.
func toFloat(th *Thread, v Value) (float64, bool, error) {
	switch x := v.(type) {
	case float64:
		return x, true, nil
	case int64:
		return float64(x), true, nil
	case bool:
		if x {
			return 1, true, nil
		}
		return 0, true, nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		if math.IsInf(f, 0) {
			return 0, true, th.newError(ErrOverflowError, "int too large to convert to float")
		}
		return f, true, nil
	}
	return 0, false, nil
}

func (th *Thread) tooBig() error {
	return th.newError(ErrMemoryError, "integer result too large for this server (over 2**26 bits)")
}

// intOp applies op to two ints.
func intOp(th *Thread, op binop, a, b Value) (Value, error) {
	x, xb, _ := asInt(a)
	y, yb, _ := asInt(b)
	if xb == nil && yb == nil {
		switch op {
		case opAdd:
			if r := x + y; (r > x) == (y > 0) {
				return boxInt(r), nil
			}
		case opSub:
			r := x - y
			if (r < x) == (y > 0) {
				return boxInt(r), nil
			}
		case opMul:
			if x == 0 || y == 0 {
				return int64(0), nil
			}
			r := x * y
			if r/y == x && !(x == -1 && y == math.MinInt64) && !(y == -1 && x == math.MinInt64) {
				return boxInt(r), nil
			}
		case opFloorDiv:
			if y == 0 {
				return nil, th.newError(ErrZeroDivisionError, "integer division or modulo by zero")
			}
			if !(x == math.MinInt64 && y == -1) {
				q := x / y
				if (x%y != 0) && ((x < 0) != (y < 0)) {
					q--
				}
				return boxInt(q), nil
			}
		case opMod:
			if y == 0 {
				return nil, th.newError(ErrZeroDivisionError, "integer modulo by zero")
			}
			if y == -1 {
				return int64(0), nil
			}
			m := x % y
			if m != 0 && (m < 0) != (y < 0) {
				m += y
			}
			return boxInt(m), nil
		case opAnd:
			return x & y, nil
		case opOr:
			return x | y, nil
		case opXor:
			return x ^ y, nil
		case opLShift:
			if y < 0 {
				return nil, th.newError(ErrValueError, "negative shift count")
			}
			if y < 63 && x == (x<<y)>>y {
				return x << y, nil
			}
		case opRShift:
			if y < 0 {
				return nil, th.newError(ErrValueError, "negative shift count")
			}
			if y > 63 {
				y = 63
			}
			return x >> y, nil
		case opTrueDiv:
			if y == 0 {
				return nil, th.newError(ErrZeroDivisionError, "division by zero")
			}
			if x > -(1<<53) && x < 1<<53 && y > -(1<<53) && y < 1<<53 {
				return float64(x) / float64(y), nil
			}
		case opPow:
			if y >= 0 {
				if r, ok := powInt64(x, y); ok {
					return r, nil
				}
			}
		}
	}
	X, Y := bigOf(a), bigOf(b)
	switch op {
	case opAdd:
		return normBig(new(big.Int).Add(X, Y)), nil
	case opSub:
		return normBig(new(big.Int).Sub(X, Y)), nil
	case opMul:
		if X.BitLen()+Y.BitLen() > maxIntBits {
			return nil, th.tooBig()
		}
		return normBig(new(big.Int).Mul(X, Y)), nil
	case opFloorDiv, opMod:
		if Y.Sign() == 0 {
			if op == opMod {
				return nil, th.newError(ErrZeroDivisionError, "integer modulo by zero")
			}
			return nil, th.newError(ErrZeroDivisionError, "integer division or modulo by zero")
		}
		q, m := new(big.Int), new(big.Int)
		q.DivMod(X, Y, m) // Euclidean: m >= 0
		if m.Sign() != 0 && Y.Sign() < 0 {
			q.Add(q, big.NewInt(1))
			m.Add(m, Y)
		}
		if op == opMod {
			return normBig(m), nil
		}
		return normBig(q), nil
	case opAnd:
		return normBig(new(big.Int).And(X, Y)), nil
	case opOr:
		return normBig(new(big.Int).Or(X, Y)), nil
	case opXor:
		return normBig(new(big.Int).Xor(X, Y)), nil
	case opLShift:
		if Y.Sign() < 0 {
			return nil, th.newError(ErrValueError, "negative shift count")
		}
		if !Y.IsInt64() || int64(X.BitLen())+Y.Int64() > maxIntBits {
			if X.Sign() == 0 {
				return int64(0), nil
			}
			return nil, th.tooBig()
		}
		return normBig(new(big.Int).Lsh(X, uint(Y.Int64()))), nil
	case opRShift:
		if Y.Sign() < 0 {
			return nil, th.newError(ErrValueError, "negative shift count")
		}
		if !Y.IsInt64() || Y.Int64() > int64(X.BitLen()) {
			if X.Sign() < 0 {
				return int64(-1), nil
			}
			return int64(0), nil
		}
		return normBig(new(big.Int).Rsh(X, uint(Y.Int64()))), nil
	case opTrueDiv:
		if Y.Sign() == 0 {
			return nil, th.newError(ErrZeroDivisionError, "division by zero")
		}
		f, _ := new(big.Rat).SetFrac(X, Y).Float64()
		if math.IsInf(f, 0) {
			return nil, th.newError(ErrOverflowError, "integer division result too large for a float")
		}
		return f, nil
	case opPow:
		if Y.Sign() < 0 {
			fx, _, err := toFloat(th, a)
			if err != nil {
				return nil, err
			}
			fy, _, err := toFloat(th, b)
			if err != nil {
				return nil, err
			}
			return floatOp(th, opPow, fx, fy)
		}
		if X.CmpAbs(big.NewInt(1)) <= 0 {
			if X.Sign() < 0 && Y.Bit(0) == 1 {
				return int64(-1), nil
			}
			if X.Sign() == 0 && Y.Sign() > 0 {
				return int64(0), nil
			}
			return int64(1), nil
		}
		if !Y.IsInt64() || int64(X.BitLen())*Y.Int64() > maxIntBits {
			return nil, th.tooBig()
		}
		return normBig(new(big.Int).Exp(X, Y, nil)), nil
	}
	return nil, errNoOp
}

func powInt64(x, y int64) (int64, bool) {
	r := int64(1)
	for y > 0 {
		if y&1 == 1 {
			hi, lo := bits.Mul64(uint64(abs64(r)), uint64(abs64(x)))
			if hi != 0 || lo > math.MaxInt64 {
				return 0, false
			}
			neg := (r < 0) != (x < 0)
			r = int64(lo)
			if neg {
				r = -r
			}
		}
		y >>= 1
		if y > 0 {
			hi, lo := bits.Mul64(uint64(abs64(x)), uint64(abs64(x)))
			if hi != 0 || lo > math.MaxInt64 {
				return 0, false
			}
			x = int64(lo)
		}
	}
	return r, true
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// floatOp applies op to two floats.
func floatOp(th *Thread, op binop, x, y float64) (Value, error) {
	switch op {
	case opAdd:
		return x + y, nil
	case opSub:
		return x - y, nil
	case opMul:
		return x * y, nil
	case opTrueDiv:
		if y == 0 {
			return nil, th.newError(ErrZeroDivisionError, "float division by zero")
		}
		return x / y, nil
	case opFloorDiv:
		if y == 0 {
			return nil, th.newError(ErrZeroDivisionError, "float floor division by zero")
		}
		return math.Floor(x / y), nil
	case opMod:
		if y == 0 {
			return nil, th.newError(ErrZeroDivisionError, "float modulo")
		}
		m := math.Mod(x, y)
		if m != 0 && (m < 0) != (y < 0) {
			m += y
		}
		return m, nil
	case opPow:
		if x == 0 && y < 0 {
			return nil, th.newError(ErrZeroDivisionError, "0.0 cannot be raised to a negative power")
		}
		if x < 0 && y != math.Trunc(y) {
			return cmplx.Pow(complex(x, 0), complex(y, 0)), nil
		}
		r := math.Pow(x, y)
		if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
			return nil, th.newError(ErrOverflowError, "(34, 'Numerical result out of range')")
		}
		return r, nil
	}
	return nil, errNoOp
}

func complexOp(th *Thread, op binop, x, y complex128) (Value, error) {
	switch op {
	case opAdd:
		return x + y, nil
	case opSub:
		return x - y, nil
	case opMul:
		return x * y, nil
	case opTrueDiv:
		if y == 0 {
			return nil, th.newError(ErrZeroDivisionError, "complex division by zero")
		}
		return x / y, nil
	case opPow:
		if x == 0 && (real(y) < 0 || imag(y) != 0) {
			return nil, th.newError(ErrZeroDivisionError, "0.0 to a negative or complex power")
		}
		return cmplx.Pow(x, y), nil
	}
	return nil, errNoOp
}

// numOp applies op to two numbers, or returns errNoOp.
func numOp(th *Thread, op binop, a, b Value) (Value, error) {
	if isInt(a) && isInt(b) {
		return intOp(th, op, a, b)
	}
	if ca, ok := a.(complex128); ok {
		if cb, ok := toComplex(th, b); ok {
			return complexOp(th, op, ca, cb)
		}
		return nil, errNoOp
	}
	if cb, ok := b.(complex128); ok {
		if ca, ok := toComplex(th, a); ok {
			return complexOp(th, op, ca, cb)
		}
		return nil, errNoOp
	}
	x, okx, err := toFloat(th, a)
	if err != nil {
		return nil, err
	}
	y, oky, err := toFloat(th, b)
	if err != nil {
		return nil, err
	}
	if !okx || !oky {
		return nil, errNoOp
	}
	return floatOp(th, op, x, y)
}

func toComplex(th *Thread, v Value) (complex128, bool) {
	if c, ok := v.(complex128); ok {
		return c, true
	}
	f, ok, err := toFloat(th, v)
	if err != nil || !ok {
		return 0, false
	}
	return complex(f, 0), true
}

// cmpNum compares two numbers (ints, floats, bools): -1, 0, 1; ok is
// false when either is not a real number; a NaN compares unordered
// (nan true).
func cmpNum(a, b Value) (c int, nan, ok bool) {
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			switch {
			case x < y:
				return -1, false, true
			case x > y:
				return 1, false, true
			}
			return 0, false, true
		}
	}
	if isInt(a) && isInt(b) {
		return bigOf(a).Cmp(bigOf(b)), false, true
	}
	fa, fb := isFloatish(a), isFloatish(b)
	if !fa || !fb {
		return 0, false, false
	}
	x, xf := a.(float64)
	y, yf := b.(float64)
	if xf && math.IsNaN(x) || yf && math.IsNaN(y) {
		return 0, true, true
	}
	if xf && yf {
		switch {
		case x < y:
			return -1, false, true
		case x > y:
			return 1, false, true
		}
		return 0, false, true
	}
	// An int against a float: compare exactly.
	if xf && math.IsInf(x, 0) {
		if x > 0 {
			return 1, false, true
		}
		return -1, false, true
	}
	if yf && math.IsInf(y, 0) {
		if y > 0 {
			return -1, false, true
		}
		return 1, false, true
	}
	ra, rb := ratOf(a), ratOf(b)
	return ra.Cmp(rb), false, true
}

func isFloatish(v Value) bool {
	switch v.(type) {
	case int64, bool, *big.Int, float64:
		return true
	}
	return false
}

func ratOf(v Value) *big.Rat {
	if f, ok := v.(float64); ok {
		return new(big.Rat).SetFloat64(f)
	}
	return new(big.Rat).SetInt(bigOf(v))
}

func cmpInts(op cmpop, x, y int64) Value {
	switch op {
	case cmpLt:
		return x < y
	case cmpLe:
		return x <= y
	case cmpEq:
		return x == y
	case cmpNe:
		return x != y
	case cmpGt:
		return x > y
	case cmpGe:
		return x >= y
	case cmpIs:
		return x == y
	case cmpIsNot:
		return x != y
	}
	return false
}
