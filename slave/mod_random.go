package slave

import (
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"sort"
	"sync"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/slave/python"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Python's random, number for number: the Mersenne Twister (MT19937,
// as Matsumoto and Nishimura published it), seeded as CPython seeds it
// (an int's 32-bit words, least significant first, through
// init_by_array; a str, bytes or bytearray as the int of its bytes
// followed by their SHA-512; a float through its hash), and each
// function drawing from it as CPython's random module draws: random()
// from two words (27 and 26 bits), getrandbits from whole words,
// _randbelow by rejection on n.bit_length() bits, shuffle, choice,
// sample, choices and randrange on top of those. So a script that seeds
// gets on this server the numbers it gets from CPython.

const (
	mtN         = 624
	mtM         = 397
	mtMatrixA   = 0x9908b0df
	mtUpperMask = 0x80000000
	mtLowerMask = 0x7fffffff
)

// mt19937 is the generator's state.
type mt19937 struct {
	mt  [mtN]uint32
	mti int
}

func (g *mt19937) initGenrand(s uint32) {
	g.mt[0] = s
	for i := 1; i < mtN; i++ {
		g.mt[i] = 1812433253*(g.mt[i-1]^(g.mt[i-1]>>30)) + uint32(i)
	}
	g.mti = mtN
}

func (g *mt19937) initByArray(key []uint32) {
	g.initGenrand(19650218)
	i, j := 1, 0
	k := max(mtN, len(key))
	for ; k > 0; k-- {
		g.mt[i] = (g.mt[i] ^ ((g.mt[i-1] ^ (g.mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= mtN {
			g.mt[0] = g.mt[mtN-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k = mtN - 1; k > 0; k-- {
		g.mt[i] = (g.mt[i] ^ ((g.mt[i-1] ^ (g.mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= mtN {
			g.mt[0] = g.mt[mtN-1]
			i = 1
		}
	}
	g.mt[0] = 0x80000000
}

func (g *mt19937) uint32() uint32 {
	if g.mti >= mtN {
		twist := func(a, b, c uint32) uint32 {
			y := (a & mtUpperMask) | (b & mtLowerMask)
			v := c ^ (y >> 1)
			if y&1 != 0 {
				v ^= mtMatrixA
			}
			return v
		}
		kk := 0
		for ; kk < mtN-mtM; kk++ {
			g.mt[kk] = twist(g.mt[kk], g.mt[kk+1], g.mt[kk+mtM])
		}
		for ; kk < mtN-1; kk++ {
			g.mt[kk] = twist(g.mt[kk], g.mt[kk+1], g.mt[kk+mtM-mtN])
		}
		g.mt[mtN-1] = twist(g.mt[mtN-1], g.mt[0], g.mt[mtM-1])
		g.mti = 0
	}
	y := g.mt[g.mti]
	g.mti++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// Random is random.Random: one generator, safe for concurrent use. The
// random module is one of these (its functions are the methods of a
// hidden instance in Python).
type Random struct {
	mu        sync.Mutex
	g         mt19937
	gaussNext *float64
}

// newRandomSeeded returns a generator seeded as Random(a).
func newRandomSeeded(a any) (*Random, error) {
	r := &Random{}
	return r, r.seed(a)
}

// RPyCTypeName is Python's class.
func (r *Random) RPyCTypeName() string { return "random.Random" }

// GoString is Python's repr.
func (r *Random) GoString() string { return "<random.Random object>" }

// RPyCParams gives the methods Python's arguments.
func (r *Random) RPyCParams() map[string]string {
	return map[string]string{"Seed": "a=None, version=2", "Randrange": "start, stop=None, step=1",
		"Choices": "population, weights=None, cum_weights=None, k=1", "Sample": "population, k, counts=None",
		"Gauss": "mu=0.0, sigma=1.0", "Uniform": "a, b", "Randint": "a, b", "Shuffle": "x", "Choice": "seq",
		"Getrandbits": "k", "Randbytes": "n", "Triangular": "low=0.0, high=1.0, mode=None", "Expovariate": "lambd=1.0",
		"Normalvariate": "mu=0.0, sigma=1.0", "Lognormvariate": "mu, sigma", "Paretovariate": "alpha",
		"Weibullvariate": "alpha, beta"}
}

// RPyCInPlace lists the methods that change their argument in place, so
// code passes its lists to them by reference (see codeHost).
func (r *Random) RPyCInPlace() []string { return []string{"shuffle"} }

// seed is Random.seed(a) for version 2.
func (r *Random) seed(a any) error {
	var n *big.Int
	switch x := a.(type) {
	case nil:
		var b [2496]byte
		_, _ = rand.Read(b[:])
		n = new(big.Int).SetBytes(b[:])
	case bool:
		n = big.NewInt(0)
		if x {
			n.SetInt64(1)
		}
	case int64:
		n = big.NewInt(x)
	case *big.Int:
		n = new(big.Int).Set(x)
	case float64:
		h, err := python.Hash(x)
		if err != nil {
			return err
		}
		n = new(big.Int).SetUint64(uint64(h)) // the hash as an unsigned word
	case string:
		n = seedBytes([]byte(x))
	case []byte:
		n = seedBytes(x)
	default:
		if b, ok, err := python.Copy(context.Background(), a); ok && err == nil {
			if bs, isBytes := b.([]byte); isBytes {
				n = seedBytes(bs) // a bytearray
				break
			}
		}
		return vinegar.New("TypeError", "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.")
	}
	n.Abs(n)
	// The key: 32-bit words, least significant first; at least one.
	var key []uint32
	for _, w := range n.Bits() {
		key = append(key, uint32(uint64(w)))
		if bitsPerWord == 64 {
			key = append(key, uint32(uint64(w)>>32))
		}
	}
	for len(key) > 1 && key[len(key)-1] == 0 {
		key = key[:len(key)-1]
	}
	if len(key) == 0 {
		key = []uint32{0}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.g.initByArray(key)
	r.gaussNext = nil
	return nil
}

const bitsPerWord = 32 << (^big.Word(0) >> 63)

// seedBytes is version 2's seed of a str or bytes: the int of the
// bytes followed by their SHA-512, big-endian.
func seedBytes(b []byte) *big.Int {
	sum := sha512.Sum512(b)
	return new(big.Int).SetBytes(append(append([]byte{}, b...), sum[:]...))
}

// float is random(): 53 random bits from two words.
func (r *Random) float() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.floatLocked()
}

func (r *Random) floatLocked() float64 {
	a := r.g.uint32() >> 5
	b := r.g.uint32() >> 6
	return (float64(a)*67108864.0 + float64(b)) * (1.0 / 9007199254740992.0)
}

// bitsLocked is getrandbits(k) for k >= 0.
func (r *Random) bitsLocked(k int) *big.Int {
	if k <= 32 {
		if k == 0 {
			return new(big.Int)
		}
		return new(big.Int).SetUint64(uint64(r.g.uint32() >> (32 - k)))
	}
	words := (k-1)/32 + 1
	buf := make([]byte, words*4)
	for i := 0; i < words; i, k = i+1, k-32 {
		w := r.g.uint32()
		if k < 32 {
			w >>= 32 - k
		}
		binary.BigEndian.PutUint32(buf[(words-1-i)*4:], w)
	}
	return new(big.Int).SetBytes(buf)
}

// belowLocked is _randbelow(n) for n > 0: bit_length(n) random bits
// until they are below n.
func (r *Random) belowLocked(n *big.Int) *big.Int {
	k := n.BitLen()
	v := r.bitsLocked(k)
	for v.Cmp(n) >= 0 {
		v = r.bitsLocked(k)
	}
	return v
}

func (r *Random) below(n int64) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.belowLocked(big.NewInt(n)).Int64()
}

// Seed is random.seed(a=None, version=2).
func (r *Random) Seed(a any, version int) error {
	if version != 2 {
		return vinegar.New("NotImplementedError", fmt.Sprintf("random.seed(version=%d): only version 2 (the default) is supported by this server", version))
	}
	return r.seed(a)
}

// Random is random.random().
func (r *Random) Random() float64 { return r.float() }

// Getrandbits is random.getrandbits(k).
func (r *Random) Getrandbits(k int64) (any, error) {
	if k < 0 {
		return nil, vinegar.New("ValueError", "number of bits must be non-negative")
	}
	if k > 1<<24 {
		return nil, vinegar.New("MemoryError", "getrandbits: too many bits for this server")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return intResult(r.bitsLocked(int(k))), nil
}

// Randbytes is random.randbytes(n): getrandbits(n*8) as little-endian
// bytes.
func (r *Random) Randbytes(n int64) ([]byte, error) {
	if n < 0 {
		return nil, vinegar.New("ValueError", "number of bytes must be non-negative")
	}
	if n > 1<<24 {
		return nil, vinegar.New("MemoryError", "randbytes: too many bytes for this server")
	}
	r.mu.Lock()
	v := r.bitsLocked(int(n) * 8)
	r.mu.Unlock()
	out := make([]byte, n)
	be := v.Bytes()
	for i := range be {
		out[i] = be[len(be)-1-i]
	}
	return out, nil
}

func intResult(b *big.Int) any {
	if b.IsInt64() {
		return b.Int64()
	}
	return b
}

// Uniform is random.uniform(a, b).
func (r *Random) Uniform(a, b any) (float64, error) {
	x, ok1 := number(a)
	y, ok2 := number(b)
	if !ok1 || !ok2 {
		return 0, vinegar.New("TypeError", "uniform() arguments must be numbers")
	}
	return x + (y-x)*r.float(), nil
}

// Randint is random.randint(a, b): randrange(a, b+1).
func (r *Random) Randint(a, b any) (any, error) {
	bb, err := indexArg(b)
	if err != nil {
		return nil, err
	}
	return r.Randrange(a, intResult(new(big.Int).Add(bb, big.NewInt(1))), int64(1))
}

// indexArg reads an int argument (an int-valued float is refused, as
// Python 3.12 will; 3.11 warns).
func indexArg(v any) (*big.Int, error) {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x), nil
	case bool:
		if x {
			return big.NewInt(1), nil
		}
		return big.NewInt(0), nil
	case *big.Int:
		return x, nil
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			b, _ := big.NewFloat(x).Int(nil)
			return b, nil
		}
		return nil, vinegar.New("ValueError", "non-integer arg 1 for randrange()")
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("'%s' object cannot be interpreted as an integer", pyType(v)))
}

// Randrange is random.randrange(start, stop=None, step=1).
func (r *Random) Randrange(start, stop, step any) (any, error) {
	istart, err := indexArg(start)
	if err != nil {
		return nil, err
	}
	if stop == nil {
		if istart.Sign() > 0 {
			r.mu.Lock()
			defer r.mu.Unlock()
			return intResult(r.belowLocked(istart)), nil
		}
		return nil, vinegar.New("ValueError", "empty range for randrange()")
	}
	istop, err := indexArg(stop)
	if err != nil {
		return nil, err
	}
	istep, err := indexArg(step)
	if err != nil {
		return nil, err
	}
	width := new(big.Int).Sub(istop, istart)
	if istep.Cmp(big.NewInt(1)) == 0 {
		if width.Sign() > 0 {
			r.mu.Lock()
			defer r.mu.Unlock()
			return intResult(new(big.Int).Add(istart, r.belowLocked(width))), nil
		}
		return nil, vinegar.New("ValueError", fmt.Sprintf("empty range for randrange() (%s, %s, %s)", istart, istop, width))
	}
	var n *big.Int
	switch istep.Sign() {
	case 1:
		n = bigFloorDiv(new(big.Int).Add(width, new(big.Int).Sub(istep, big.NewInt(1))), istep)
	case -1:
		n = bigFloorDiv(new(big.Int).Add(width, new(big.Int).Add(istep, big.NewInt(1))), istep)
	default:
		return nil, vinegar.New("ValueError", "zero step for randrange()")
	}
	if n.Sign() <= 0 {
		return nil, vinegar.New("ValueError", "empty range for randrange()")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	off := new(big.Int).Mul(istep, r.belowLocked(n))
	return intResult(off.Add(off, istart)), nil
}

// bigFloorDiv is Python's // on big ints.
func bigFloorDiv(a, b *big.Int) *big.Int {
	q, m := new(big.Int).QuoRem(a, b, new(big.Int))
	if m.Sign() != 0 && (m.Sign() < 0) != (b.Sign() < 0) {
		q.Sub(q, big.NewInt(1))
	}
	return q
}

// Choice is random.choice(seq).
func (r *Random) Choice(ctx context.Context, seq any) (any, error) {
	items, err := listOf(ctx, seq)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, vinegar.New("IndexError", "Cannot choose from an empty sequence")
	}
	return items[r.below(int64(len(items)))], nil
}

// Shuffle is random.shuffle(x): x changed in place, whether it is a
// list of this server, of the connection's code, or the client's own.
func (r *Random) Shuffle(ctx context.Context, x any) error {
	perm := func(s []any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		for i := len(s) - 1; i > 0; i-- {
			j := r.belowLocked(big.NewInt(int64(i + 1))).Int64()
			s[i], s[j] = s[j], s[i]
		}
	}
	switch v := x.(type) {
	case *[]any:
		perm(*v)
		return nil
	case *rpyc.Netref:
		// The client's list: shuffled here, written back in one call.
		items, err := listOf(ctx, v)
		if err != nil {
			return err
		}
		perm(items)
		_, err = v.CallMethod(ctx, "__setitem__", brine.Slice{}, items)
		return err
	}
	if ok, err := python.EditList(ctx, x, perm); ok || err != nil {
		return err
	}
	return vinegar.New("TypeError", fmt.Sprintf("'%s' object does not support item assignment", pyType(x)))
}

// Sample is random.sample(population, k, *, counts=None).
func (r *Random) Sample(ctx context.Context, population any, k int64, counts any) (any, error) {
	items, err := listOf(ctx, population)
	if err != nil {
		return nil, err
	}
	if counts != nil {
		cs, err := listOf(ctx, counts)
		if err != nil {
			return nil, err
		}
		if len(cs) != len(items) {
			return nil, vinegar.New("ValueError", "The number of counts does not match the population")
		}
		cum := make([]int64, len(cs))
		var total int64
		for i, c := range cs {
			n, ok := c.(int64)
			if !ok {
				return nil, vinegar.New("TypeError", "Counts must be integers")
			}
			total += n
			cum[i] = total
		}
		if total <= 0 {
			return nil, vinegar.New("ValueError", "Total of counts must be greater than zero")
		}
		idx := make([]any, total)
		for i := range idx {
			idx[i] = int64(i)
		}
		sel, err := r.sample(idx, k)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(sel))
		for i, s := range sel {
			// bisect_right(cum_counts[:-1], s)
			j := sort.Search(len(cum)-1, func(m int) bool { return cum[m] > s.(int64) })
			out[i] = items[j]
		}
		return &out, nil
	}
	out, err := r.sample(items, k)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (r *Random) sample(items []any, k int64) ([]any, error) {
	n := int64(len(items))
	if k < 0 || k > n {
		return nil, vinegar.New("ValueError", "Sample larger than population or is negative")
	}
	out := make([]any, k)
	// CPython's choice between a pool and a set of picked indexes,
	// which draws differently.
	setsize := int64(21)
	if k > 5 {
		setsize += int64(math.Pow(4, math.Ceil(math.Log(float64(k*3))/math.Log(4))))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if n <= setsize {
		pool := append([]any{}, items...)
		for i := int64(0); i < k; i++ {
			j := r.belowLocked(big.NewInt(n - i)).Int64()
			out[i] = pool[j]
			pool[j] = pool[n-i-1]
		}
		return out, nil
	}
	picked := map[int64]bool{}
	for i := int64(0); i < k; i++ {
		j := r.belowLocked(big.NewInt(n)).Int64()
		for picked[j] {
			j = r.belowLocked(big.NewInt(n)).Int64()
		}
		picked[j] = true
		out[i] = items[j]
	}
	return out, nil
}

// Choices is random.choices(population, weights=None, *,
// cum_weights=None, k=1): with replacement.
func (r *Random) Choices(ctx context.Context, population, weights, cumWeights any, k int64) (any, error) {
	items, err := listOf(ctx, population)
	if err != nil {
		return nil, err
	}
	n := len(items)
	out := make([]any, 0, max(k, 0))
	if cumWeights == nil && weights == nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		for i := int64(0); i < k; i++ {
			j := int(math.Floor(r.floatLocked() * float64(n)))
			if j >= n {
				return nil, vinegar.New("IndexError", "list index out of range")
			}
			out = append(out, items[j])
		}
		return &out, nil
	}
	if cumWeights != nil && weights != nil {
		return nil, vinegar.New("TypeError", "Cannot specify both weights and cumulative weights")
	}
	var cum []float64
	src := cumWeights
	if weights != nil {
		src = weights
	}
	ws, err := listOf(ctx, src)
	if err != nil {
		return nil, err
	}
	t := 0.0
	for _, w := range ws {
		f, ok := number(w)
		if !ok {
			return nil, vinegar.New("TypeError", fmt.Sprintf("unsupported operand type(s) for +: 'int' and '%s'", pyType(w)))
		}
		if weights != nil {
			t += f
			cum = append(cum, t)
		} else {
			cum = append(cum, f)
		}
	}
	if len(cum) != n {
		return nil, vinegar.New("ValueError", "The number of weights does not match the population")
	}
	total := cum[n-1]
	if total <= 0 {
		return nil, vinegar.New("ValueError", "Total of weights must be greater than zero")
	}
	if math.IsInf(total, 0) || math.IsNaN(total) {
		return nil, vinegar.New("ValueError", "Total of weights must be finite")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	hi := n - 1
	for i := int64(0); i < k; i++ {
		x := r.floatLocked() * total
		// bisect_right(cum_weights, x, 0, hi)
		j := sort.Search(hi, func(m int) bool { return cum[m] > x })
		out = append(out, items[j])
	}
	return &out, nil
}

// Gauss is random.gauss(mu=0.0, sigma=1.0): CPython's pairs of
// Box-Muller draws (the second kept for the next call).
func (r *Random) Gauss(mu, sigma float64) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	z := r.gaussNext
	r.gaussNext = nil
	if z == nil {
		x2pi := r.floatLocked() * 2 * math.Pi
		g2rad := math.Sqrt(-2.0 * math.Log(1.0-r.floatLocked()))
		v := math.Cos(x2pi) * g2rad
		next := math.Sin(x2pi) * g2rad
		z, r.gaussNext = &v, &next
	}
	return mu + *z*sigma
}

// Triangular is random.triangular(low=0.0, high=1.0, mode=None).
func (r *Random) Triangular(low, high float64, mode any) float64 {
	u := r.float()
	c := 0.5
	if mode != nil {
		m, _ := number(mode)
		if high == low {
			return low
		}
		c = (m - low) / (high - low)
	}
	if u > c {
		u, c = 1.0-u, 1.0-c
		low, high = high, low
	}
	return low + (high-low)*math.Sqrt(u*c)
}

// Expovariate is random.expovariate(lambd=1.0).
func (r *Random) Expovariate(lambd float64) (float64, error) {
	if lambd == 0 {
		return 0, vinegar.New("ZeroDivisionError", "float division by zero")
	}
	return -math.Log(1.0-r.float()) / lambd, nil
}

// Normalvariate is random.normalvariate(mu=0.0, sigma=1.0): Kinderman
// and Monahan's ratio method, as CPython draws it.
func (r *Random) Normalvariate(mu, sigma float64) float64 {
	magic := 4 * math.Exp(-0.5) / math.Sqrt(2.0)
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		u1 := r.floatLocked()
		u2 := 1.0 - r.floatLocked()
		z := magic * (u1 - 0.5) / u2
		if z*z/4.0 <= -math.Log(u2) {
			return mu + z*sigma
		}
	}
}

// Lognormvariate is random.lognormvariate(mu, sigma).
func (r *Random) Lognormvariate(mu, sigma float64) float64 {
	return math.Exp(r.Normalvariate(mu, sigma))
}

// Paretovariate is random.paretovariate(alpha).
func (r *Random) Paretovariate(alpha float64) float64 {
	return math.Pow(1.0-r.float(), -1.0/alpha)
}

// Weibullvariate is random.weibullvariate(alpha, beta).
func (r *Random) Weibullvariate(alpha, beta float64) float64 {
	return alpha * math.Pow(-math.Log(1.0-r.float()), 1.0/beta)
}

// randomModule is Python's random: its functions are one generator's
// methods, seeded from the OS; Random makes others.
type randomModule struct {
	Module
	*generator
	// RandomClass is random.Random.
	RandomClass *randomClass `rpyc:"Random"`
}

func newRandom() *randomModule {
	r, _ := newRandomSeeded(nil)
	return &randomModule{Module: newModule("random"), generator: r,
		RandomClass: &randomClass{classBase: newClassBase("random", "Random")}}
}

// RPyCTypeName is the module's, not the embedded generator's.
func (m *randomModule) RPyCTypeName() string { return m.Module.RPyCTypeName() }

// GoString is the module's repr.
func (m *randomModule) GoString() string { return m.Module.GoString() }

// generator names the module's embedded Random so that its field does
// not hide the method random().
type generator = Random

// randomClass is random.Random, the class.
type randomClass struct{ classBase }

// RPyCNames makes Call the class's __call__.
func (c *randomClass) RPyCNames() map[string]string { return map[string]string{"Call": "__call__"} }

// Call is Random(x=None): a new generator seeded with x.
func (c *randomClass) Call(ctx context.Context, kw rpyc.Kwargs, args ...any) (any, error) {
	return c.construct(ctx, kw, args)
}

func (c *randomClass) instance(v any) bool { _, ok := v.(*Random); return ok }

func (c *randomClass) construct(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
	var seed any
	if len(args) > 1 {
		return nil, vinegar.New("TypeError", fmt.Sprintf("Random() takes at most 1 argument (%d given)", len(args)))
	}
	if len(args) == 1 {
		seed = args[0]
	}
	if x, ok := kw["x"]; ok {
		seed = x
	}
	return newRandomSeeded(seed)
}
