package slave

import (
	"context"
	"math"
	"math/big"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// mathModule is Python's math, over Go's math: ValueError "math domain
// error" where Python raises it, integers exact (factorial, gcd, comb).
type mathModule struct {
	Module
	Pi  float64 `rpyc:"pi"`
	E   float64 `rpyc:"e"`
	Tau float64 `rpyc:"tau"`
	Inf float64 `rpyc:"inf"`
	Nan float64 `rpyc:"nan"`
}

func newMath() *mathModule {
	return &mathModule{Module: newModule("math"), Pi: math.Pi, E: math.E, Tau: 2 * math.Pi, Inf: math.Inf(1), Nan: math.NaN()}
}

var errDomain = vinegar.New("ValueError", "math domain error")

func num(v any) (float64, error) {
	f, ok := number(v)
	if !ok {
		return 0, vinegar.New("TypeError", "must be real number, not "+pyType(v))
	}
	return f, nil
}

func domain(f float64, err error) (float64, error) {
	if err == nil && math.IsNaN(f) {
		return 0, errDomain
	}
	return f, err
}

// RPyCParams gives the functions Python's arguments.
func (m *mathModule) RPyCParams() map[string]string {
	return map[string]string{"Log": "x, *base", "Isclose": "a, b, rel_tol=1e-09, abs_tol=0.0", "Prod": "iterable, start=1"}
}

// Sqrt is math.sqrt.
func (m *mathModule) Sqrt(x any) (float64, error) {
	f, err := num(x)
	if err == nil && f < 0 {
		return 0, errDomain
	}
	return math.Sqrt(f), err
}

// Isqrt is math.isqrt.
func (m *mathModule) Isqrt(x any) (any, error) {
	if !isInt(x) || bigOf(normInt(x)).Sign() < 0 {
		return nil, vinegar.New("ValueError", "isqrt() argument must be nonnegative")
	}
	return normBig(new(big.Int).Sqrt(bigOf(normInt(x)))), nil
}

func normBig(n *big.Int) any {
	if n.IsInt64() {
		return n.Int64()
	}
	return n
}

// roundToInt is floor, ceil and trunc: an int as it is, a float rounded
// by round to an int.
func roundToInt(x any, round func(float64) float64) (any, error) {
	if isInt(x) {
		return normInt(x), nil
	}
	f, err := num(x)
	if err != nil {
		return nil, err
	}
	return toInt(round(f), 10, false)
}

// Floor is math.floor.
func (m *mathModule) Floor(x any) (any, error) { return roundToInt(x, math.Floor) }

// Ceil is math.ceil.
func (m *mathModule) Ceil(x any) (any, error) { return roundToInt(x, math.Ceil) }

// Trunc is math.trunc.
func (m *mathModule) Trunc(x any) (any, error) { return roundToInt(x, math.Trunc) }

// Log is math.log(x[, base]).
func (m *mathModule) Log(x any, base ...any) (float64, error) {
	f, err := num(x)
	if err != nil {
		return 0, err
	}
	if f <= 0 {
		return 0, errDomain
	}
	if len(base) == 0 {
		return math.Log(f), nil
	}
	b, err := num(base[0])
	if err != nil {
		return 0, err
	}
	if b <= 0 || b == 1 {
		if b == 1 {
			return 0, vinegar.New("ZeroDivisionError", "float division by zero")
		}
		return 0, errDomain
	}
	return math.Log(f) / math.Log(b), nil
}

func (m *mathModule) unary(x any, fn func(float64) float64, ok func(float64) bool) (float64, error) {
	f, err := num(x)
	if err != nil {
		return 0, err
	}
	if ok != nil && !ok(f) {
		return 0, errDomain
	}
	return domain(fn(f), nil)
}

func positive(f float64) bool { return f > 0 }

// Log2 is math.log2.
func (m *mathModule) Log2(x any) (float64, error) { return m.unary(x, math.Log2, positive) }

// Log10 is math.log10.
func (m *mathModule) Log10(x any) (float64, error) { return m.unary(x, math.Log10, positive) }

// Exp is math.exp.
func (m *mathModule) Exp(x any) (float64, error) {
	f, err := m.unary(x, math.Exp, nil)
	if math.IsInf(f, 1) {
		return 0, vinegar.New("OverflowError", "math range error")
	}
	return f, err
}

// Sin is math.sin.
func (m *mathModule) Sin(x any) (float64, error) { return m.unary(x, math.Sin, nil) }

// Cos is math.cos.
func (m *mathModule) Cos(x any) (float64, error) { return m.unary(x, math.Cos, nil) }

// Tan is math.tan.
func (m *mathModule) Tan(x any) (float64, error) { return m.unary(x, math.Tan, nil) }

// Asin is math.asin.
func (m *mathModule) Asin(x any) (float64, error) { return m.unary(x, math.Asin, nil) }

// Acos is math.acos.
func (m *mathModule) Acos(x any) (float64, error) { return m.unary(x, math.Acos, nil) }

// Atan is math.atan.
func (m *mathModule) Atan(x any) (float64, error) { return m.unary(x, math.Atan, nil) }

// Atan2 is math.atan2.
func (m *mathModule) Atan2(y, x any) (float64, error) {
	a, err := num(y)
	if err != nil {
		return 0, err
	}
	b, err := num(x)
	return math.Atan2(a, b), err
}

// Hypot is math.hypot.
func (m *mathModule) Hypot(coords ...any) (float64, error) {
	s := 0.0
	for _, c := range coords {
		f, err := num(c)
		if err != nil {
			return 0, err
		}
		s = math.Hypot(s, f)
	}
	return s, nil
}

// Fabs is math.fabs.
func (m *mathModule) Fabs(x any) (float64, error) { return m.unary(x, math.Abs, nil) }

// Degrees is math.degrees.
func (m *mathModule) Degrees(x any) (float64, error) {
	return m.unary(x, func(f float64) float64 { return f * 180 / math.Pi }, nil)
}

// Radians is math.radians.
func (m *mathModule) Radians(x any) (float64, error) {
	return m.unary(x, func(f float64) float64 { return f * math.Pi / 180 }, nil)
}

// Pow is math.pow.
func (m *mathModule) Pow(x, y any) (float64, error) {
	a, err := num(x)
	if err != nil {
		return 0, err
	}
	b, err := num(y)
	if err != nil {
		return 0, err
	}
	if a == 0 && b < 0 {
		return 0, errDomain
	}
	return domain(math.Pow(a, b), nil)
}

// Fmod is math.fmod.
func (m *mathModule) Fmod(x, y any) (float64, error) {
	a, err := num(x)
	if err != nil {
		return 0, err
	}
	b, err := num(y)
	if err != nil {
		return 0, err
	}
	return domain(math.Mod(a, b), nil)
}

// Copysign is math.copysign.
func (m *mathModule) Copysign(x, y any) (float64, error) {
	a, err := num(x)
	if err != nil {
		return 0, err
	}
	b, err := num(y)
	return math.Copysign(a, b), err
}

// Isnan is math.isnan.
func (m *mathModule) Isnan(x any) (bool, error) { f, err := num(x); return math.IsNaN(f), err }

// Isinf is math.isinf.
func (m *mathModule) Isinf(x any) (bool, error) { f, err := num(x); return math.IsInf(f, 0), err }

// Isfinite is math.isfinite.
func (m *mathModule) Isfinite(x any) (bool, error) {
	f, err := num(x)
	return !math.IsInf(f, 0) && !math.IsNaN(f), err
}

// Isclose is math.isclose.
func (m *mathModule) Isclose(a, b any, relTol, absTol float64) (bool, error) {
	x, err := num(a)
	if err != nil {
		return false, err
	}
	y, err := num(b)
	if err != nil {
		return false, err
	}
	if x == y {
		return true, nil
	}
	d := math.Abs(x - y)
	return d <= math.Max(relTol*math.Max(math.Abs(x), math.Abs(y)), absTol), nil
}

// Factorial is math.factorial.
func (m *mathModule) Factorial(x any) (any, error) {
	if !isInt(x) {
		return nil, vinegar.New("TypeError", "'"+pyType(x)+"' object cannot be interpreted as an integer")
	}
	n := bigOf(normInt(x))
	if n.Sign() < 0 {
		return nil, vinegar.New("ValueError", "factorial() not defined for negative values")
	}
	if n.Cmp(big.NewInt(100000)) > 0 {
		return nil, vinegar.New("OverflowError", "factorial() argument too large for this server")
	}
	return normBig(new(big.Int).MulRange(1, n.Int64())), nil
}

// Gcd is math.gcd.
func (m *mathModule) Gcd(ints ...any) (any, error) {
	g := big.NewInt(0)
	for _, x := range ints {
		if !isInt(x) {
			return nil, vinegar.New("TypeError", "'"+pyType(x)+"' object cannot be interpreted as an integer")
		}
		g.GCD(nil, nil, new(big.Int).Abs(g), new(big.Int).Abs(bigOf(normInt(x))))
	}
	return normBig(g), nil
}

// Lcm is math.lcm.
func (m *mathModule) Lcm(ints ...any) (any, error) {
	l := big.NewInt(1)
	for _, x := range ints {
		if !isInt(x) {
			return nil, vinegar.New("TypeError", "'"+pyType(x)+"' object cannot be interpreted as an integer")
		}
		n := new(big.Int).Abs(bigOf(normInt(x)))
		if n.Sign() == 0 {
			return int64(0), nil
		}
		g := new(big.Int).GCD(nil, nil, l, n)
		l.Mul(l, n).Div(l, g)
	}
	return normBig(l), nil
}

// Comb is math.comb.
func (m *mathModule) Comb(n, k int64) (any, error) {
	if n < 0 || k < 0 {
		return nil, vinegar.New("ValueError", "n must be a non-negative integer")
	}
	if k > n {
		return int64(0), nil
	}
	return normBig(new(big.Int).Binomial(n, k)), nil
}

// Perm is math.perm.
func (m *mathModule) Perm(n int64, k ...int64) (any, error) {
	kk := n
	if len(k) > 0 {
		kk = k[0]
	}
	if n < 0 || kk < 0 {
		return nil, vinegar.New("ValueError", "n must be a non-negative integer")
	}
	if kk > n {
		return int64(0), nil
	}
	return normBig(new(big.Int).MulRange(n-kk+1, n)), nil
}

// Prod is math.prod.
func (m *mathModule) Prod(ctx context.Context, iterable, start any) (any, error) {
	items, err := iterate(ctx, iterable)
	if err != nil {
		return nil, err
	}
	acc := start
	for _, it := range items {
		if isInt(acc) && isInt(it) {
			acc = normBig(new(big.Int).Mul(bigOf(normInt(acc)), bigOf(normInt(it))))
			continue
		}
		a, err := num(acc)
		if err != nil {
			return nil, err
		}
		b, err := num(it)
		if err != nil {
			return nil, err
		}
		acc = a * b
	}
	return acc, nil
}

// Fsum is math.fsum: an exact sum, rounded once.
func (m *mathModule) Fsum(ctx context.Context, iterable any) (float64, error) {
	items, err := iterate(ctx, iterable)
	if err != nil {
		return 0, err
	}
	sum := new(big.Float).SetPrec(2000)
	for _, it := range items {
		f, err := num(it)
		if err != nil {
			return 0, err
		}
		sum.Add(sum, new(big.Float).SetPrec(2000).SetFloat64(f))
	}
	f, _ := sum.Float64()
	return f, nil
}

// Modf is math.modf.
func (m *mathModule) Modf(x any) (any, error) {
	f, err := num(x)
	if err != nil {
		return nil, err
	}
	i, fr := math.Modf(f)
	return brine.Tuple{fr, i}, nil
}
