//go:build unix

package interop

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// valueGen makes random brine values covering every type and the length
// boundaries of each encoding. Everything it makes must survive Python's
// brine.load then brine.dump unchanged, byte for byte.
type valueGen struct {
	r *rand.Rand
}

func newValueGen(seed int64) *valueGen {
	return &valueGen{r: rand.New(rand.NewPCG(uint64(seed), 0x7270796367))}
}

// edgeValues are always sent first, so every boundary is covered whatever
// the seed.
func (g *valueGen) edgeValues() []any {
	vs := []any{
		nil, true, false, brine.Ellipsis, brine.NotImplemented,
		// Immediate ints end at -48 and 159; beyond them comes INT_L1 text.
		int64(brine.ImmMin), int64(brine.ImmMax), int64(brine.ImmMin - 1), int64(brine.ImmMax + 1),
		int64(0), int64(-1), int64(1), int64(math.MaxInt64), int64(math.MinInt64),
		uint64(math.MaxUint64), uint64(1 << 63), int8(-128), int16(math.MaxInt16), int32(math.MinInt32),
		uint8(255), uint16(65535), uint32(math.MaxUint32), int(12345),
		// INT_L1 holds texts up to 255 characters, sign included.
		g.bigWithText(255, false), g.bigWithText(256, false),
		g.bigWithText(255, true), g.bigWithText(256, true), g.bigWithText(1000, true),
		// Floats.
		0.0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		math.Float64frombits(0xfff8000000000000), // negative quiet NaN
		math.Float64frombits(0x7ff8000000000123), // quiet NaN with payload
		math.MaxFloat64, math.SmallestNonzeroFloat64, 0.1, -2.5e-308, 1e300,
		complex(0, 0), complex(math.Copysign(0, -1), math.Inf(1)), complex(math.NaN(), -1.5), complex(1e-300, 1e300),
		// Bytes: each length form, and both sides of the compression
		// threshold (the body is the payload plus a 5-byte BYTES_L4 header).
		[]byte{}, []byte{0}, []byte("ab"), []byte("abc"), []byte("abcd"), []byte("abcde"),
		g.bytes(255), g.bytes(256), g.bytes(2995), g.bytes(2996), g.bytes(70000),
		// Strings.
		"", "a", "héllo", "日本語テキスト", "\x00\x7f\u0080\u07ff\u0800\uffff\U00010000\U0010ffff",
		strings.Repeat("ж", 2000), g.text(5000),
		// Tuples: each header form.
		brine.Tuple{}, brine.Tuple{int64(1)}, brine.Tuple{nil, nil}, brine.Tuple{1, 2, 3},
		brine.Tuple{1, 2, 3, 4}, brine.Tuple{1, 2, 3, 4, 5},
		g.wideTuple(255), g.wideTuple(256),
		brine.Tuple{brine.Tuple{}, brine.Tuple{brine.Tuple{}}},
		// Frozensets.
		brine.FrozenSet{}, brine.FrozenSet{int64(0)}, g.frozenSet(),
		// Slices.
		brine.Slice{}, brine.Slice{Start: int64(1), Stop: int64(10), Step: int64(-2)},
		brine.Slice{Start: "a", Stop: brine.Tuple{}, Step: 1.5},
		// Deep nesting, well inside Python's recursion limit (about two
		// frames per level on load and on dump).
		g.deep(300),
	}
	return vs
}

// value returns one random value; depth limits nesting.
func (g *valueGen) value(depth int) any {
	r := g.r
	if depth <= 0 {
		return g.scalar()
	}
	switch n := r.IntN(100); {
	case n < 55:
		return g.scalar()
	case n < 65:
		return g.bytes(g.size())
	case n < 72:
		return g.text(g.size() / 2)
	case n < 85:
		t := make(brine.Tuple, g.smallLen())
		for i := range t {
			t[i] = g.value(depth - 1)
		}
		return t
	case n < 90:
		return g.frozenSet()
	case n < 95:
		return brine.Slice{Start: g.sliceItem(depth), Stop: g.sliceItem(depth), Step: g.sliceItem(depth)}
	case n < 97:
		return g.wideTuple([]int{5, 200, 255, 256, 300}[r.IntN(5)])
	default:
		return g.deep(1 + r.IntN(60))
	}
}

func (g *valueGen) sliceItem(depth int) any {
	if g.r.IntN(3) == 0 {
		return nil
	}
	return g.value(depth - 1)
}

// scalar returns a small non-container value.
func (g *valueGen) scalar() any {
	r := g.r
	switch r.IntN(16) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return []any{brine.Ellipsis, brine.NotImplemented}[r.IntN(2)]
	case 3, 4, 5, 6:
		return g.int()
	case 7:
		return g.bigInt()
	case 8, 9:
		return g.float()
	case 10:
		return complex(g.float(), g.float())
	case 11, 12:
		return g.bytes(r.IntN(300))
	case 13, 14:
		return g.text(r.IntN(80))
	default:
		return brine.Tuple{}
	}
}

func (g *valueGen) int() any {
	r := g.r
	switch r.IntN(8) {
	case 0:
		return int64(brine.ImmMin + r.IntN(brine.ImmMax-brine.ImmMin+1))
	case 1:
		// Around the immediate range's edges.
		return int64([]int{brine.ImmMin, brine.ImmMax}[r.IntN(2)] + r.IntN(7) - 3)
	case 2:
		return r.Int64()
	case 3:
		return -r.Int64()
	case 4:
		return r.Uint64()
	case 5:
		return int32(r.Uint32())
	case 6:
		return int64(r.IntN(1<<20)) - 1<<19
	default:
		return int64(1) << r.IntN(63)
	}
}

// bigInt returns an int beyond int64, with up to 600 digits.
func (g *valueGen) bigInt() any {
	digits := 19 + g.r.IntN(600)
	if g.r.IntN(4) == 0 {
		digits = 254 + g.r.IntN(4) // around the INT_L1/INT_L4 switch
	}
	return g.bigWithText(digits, g.r.IntN(2) == 0)
}

// bigWithText returns an int whose decimal text (sign included) has
// exactly n characters.
func (g *valueGen) bigWithText(n int, negative bool) *big.Int {
	if negative {
		n--
	}
	var b strings.Builder
	b.WriteByte(byte('1' + g.r.IntN(9)))
	for b.Len() < n {
		b.WriteByte(byte('0' + g.r.IntN(10)))
	}
	x, ok := new(big.Int).SetString(b.String(), 10)
	if !ok {
		panic("bad digits")
	}
	if negative {
		x.Neg(x)
	}
	return x
}

func (g *valueGen) float() float64 {
	r := g.r
	switch r.IntN(6) {
	case 0:
		return []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64,
			math.SmallestNonzeroFloat64, 1, -1, 0.5}[r.IntN(10)]
	case 1:
		return math.Float64frombits(r.Uint64()) // any bits, NaN payloads included
	case 2:
		return r.NormFloat64() * 1e6
	default:
		return r.Float64()
	}
}

// size picks a byte length, mostly small, sometimes past the compression
// threshold, rarely up to 70000.
func (g *valueGen) size() int {
	r := g.r
	switch n := r.IntN(100); {
	case n < 50:
		return r.IntN(5)
	case n < 80:
		return 5 + r.IntN(251)
	case n < 93:
		return 256 + r.IntN(3000)
	case n < 98:
		return 2990 + r.IntN(12)
	default:
		return 3000 + r.IntN(67001)
	}
}

// bytes returns n bytes, random or repetitive (so zlib has work to do).
func (g *valueGen) bytes(n int) []byte {
	b := make([]byte, n)
	switch g.r.IntN(3) {
	case 0:
		for i := range b {
			b[i] = byte(g.r.Uint32())
		}
	case 1:
		pat := []byte("rpyc-go interop ")
		for i := range b {
			b[i] = pat[i%len(pat)]
		}
	default:
		for i := range b {
			b[i] = byte(g.r.IntN(4))
		}
	}
	return b
}

// textRanges are the code point ranges text draws from: ASCII (controls
// included), Latin-1, Cyrillic, CJK, combining marks, the end of the BMP
// after the surrogates, emoji and the last plane.
var textRanges = [][2]rune{
	{0x00, 0x7f}, {0x20, 0x7e}, {0x20, 0x7e}, {0x80, 0xff}, {0x400, 0x4ff},
	{0x4e00, 0x9fff}, {0x300, 0x36f}, {0xe000, 0xfffd}, {0x1f300, 0x1f6ff}, {0x10fff0, 0x10ffff},
}

// text returns a valid UTF-8 string of about n runes.
func (g *valueGen) text(n int) string {
	var b strings.Builder
	rg := textRanges[g.r.IntN(len(textRanges))]
	for i := 0; i < n; i++ {
		if g.r.IntN(8) == 0 {
			rg = textRanges[g.r.IntN(len(textRanges))]
		}
		b.WriteRune(rg[0] + rune(g.r.IntN(int(rg[1]-rg[0]+1))))
	}
	return b.String()
}

func (g *valueGen) smallLen() int {
	if g.r.IntN(10) == 0 {
		return 5 + g.r.IntN(20)
	}
	return g.r.IntN(6)
}

// wideTuple returns a tuple of n scalars.
func (g *valueGen) wideTuple(n int) brine.Tuple {
	t := make(brine.Tuple, n)
	for i := range t {
		t[i] = g.scalar()
	}
	return t
}

// deep returns n nested one-element tuples around a scalar.
func (g *valueGen) deep(n int) any {
	v := g.scalar()
	for range n {
		v = brine.Tuple{v}
	}
	return v
}

// frozenSet returns a frozenset of distinct non-negative ints, in the
// order Python iterates it, so that Python's dump gives the bytes we sent.
//
// CPython puts int k (hash k) in slot k of a table whose size is a power of
// two, grown by four times the item count whenever it is three-fifths
// full. A set of n items therefore ends in a table of more than 5n/3
// slots, and ints below 3n/2 (or 8, the smallest table) never collide:
// iteration is ascending order. Larger or negative ints would collide
// and make the order depend on the insertion history.
func (g *valueGen) frozenSet() brine.FrozenSet {
	n := g.r.IntN(40)
	bound := max(8, 3*n/2)
	if n > bound {
		n = bound
	}
	picked := g.r.Perm(bound)[:n]
	seen := make([]bool, bound)
	for _, k := range picked {
		seen[k] = true
	}
	fs := make(brine.FrozenSet, 0, n)
	for k, ok := range seen {
		if ok {
			fs = append(fs, int64(k))
		}
	}
	return fs
}
