package brine

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestTags pins every wire number to the value Python's brine uses.
func TestTags(t *testing.T) {
	tags := []struct {
		got  byte
		want byte
	}{
		{TagNone, 0x00}, {TagEmptyBytes, 0x01}, {TagEmptyTuple, 0x02}, {TagTrue, 0x03},
		{TagFalse, 0x04}, {TagNotImplemented, 0x05}, {TagEllipsis, 0x06}, {TagUnicode, 0x08},
		{TagBytes1, 0x0a}, {TagBytes2, 0x0b}, {TagBytes3, 0x0c}, {TagBytes4, 0x0d},
		{TagBytesL1, 0x0e}, {TagBytesL4, 0x0f}, {TagTuple1, 0x10}, {TagTuple2, 0x11},
		{TagTuple3, 0x12}, {TagTuple4, 0x13}, {TagTupleL1, 0x14}, {TagTupleL4, 0x15},
		{TagIntL1, 0x16}, {TagIntL4, 0x17}, {TagFloat, 0x18}, {TagSlice, 0x19},
		{TagFrozenSet, 0x1a}, {TagComplex, 0x1b},
	}
	for i, tc := range tags {
		if tc.got != tc.want {
			t.Errorf("tag %d = %#x, want %#x", i, tc.got, tc.want)
		}
	}
	if ImmMin != -48 || ImmMax != 159 || immBase != 0x50 {
		t.Error("immediate int range changed")
	}
}

// TestGoTypes: every Go kind that brine accepts encodes as Python would
// encode the same number or text.
func TestGoTypes(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{int8(-1), "4f"}, {int16(300), "1603333030"}, {int32(160), "1603313630"},
		{uint(159), "ef"}, {uint8(200), "1603323030"}, {uint16(7), "57"}, {uint32(1), "51"},
		{uint64(math.MaxUint64), "1614" + hexOf([]byte("18446744073709551615"))},
		{float32(1.5), "183ff8000000000000"}, {complex64(1i), "1b00000000000000003ff0000000000000"},
		{math.NaN(), "187ff8000000000000"}, {big.NewInt(5), "55"},
		{"é", "080bc3a9"},
	}
	for _, tc := range cases {
		got, err := Encode(tc.v)
		if err != nil {
			t.Errorf("Encode(%T %v): %v", tc.v, tc.v, err)
			continue
		}
		if h := hexOf(got); h != tc.want {
			t.Errorf("Encode(%T %v) = %s, want %s", tc.v, tc.v, h, tc.want)
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// TestUndumpable: values with no brine form are refused with a typed error
// (Python's brine-undumpable.jsonl: list, dict, set, object, function,
// subclasses of dumpable types, a lone surrogate).
func TestUndumpable(t *testing.T) {
	type myInt int
	type myStr string
	cases := map[string]any{
		"list":            []any{1, 2},
		"dict":            map[string]int{"a": 1},
		"struct":          struct{}{},
		"func":            func() {},
		"named int":       myInt(3),
		"named string":    myStr("x"),
		"invalid utf8":    "\xed\xa0\x80",
		"nil big":         (*big.Int)(nil),
		"tuple with list": Tuple{1, []int{2}},
		"fset with map":   FrozenSet{map[int]int{}},
		"slice with func": Slice{Start: func() {}},
	}
	for name, v := range cases {
		if Dumpable(v) {
			t.Errorf("%s: Dumpable = true, want false", name)
		}
		_, err := Encode(v)
		var ee *EncodeError
		if !errors.As(err, &ee) || !errors.Is(err, ErrUndumpable) {
			t.Errorf("%s: Encode error = %v, want *EncodeError", name, err)
		}
	}
}

// TestNoHugeAllocation: a declared length far beyond the input is refused
// before any allocation of that size.
func TestNoHugeAllocation(t *testing.T) {
	for _, in := range [][]byte{
		{TagBytesL4, 0xff, 0xff, 0xff, 0xff, 'A', 'B', 'C', 'D', 'E'},
		{TagTupleL4, 0xff, 0xff, 0xff, 0xff, 0x51, 0x52, 0x53, 0x54, 0x55},
		{TagIntL4, 0xff, 0xff, 0xff, 0xff, '1', '2', '3', '4', '5'},
		{TagUnicode, TagBytesL4, 0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c', 'd'},
	} {
		allocs := testing.AllocsPerRun(10, func() {
			if _, err := Decode(in); err == nil {
				t.Fatalf("Decode(%x) succeeded", in)
			}
		})
		if allocs > 8 {
			t.Errorf("Decode(%x): %v allocations", in, allocs)
		}
	}
}

// TestIntLimits: ints at every size boundary round-trip, and int text beyond
// MaxIntDigits is refused.
func TestIntLimits(t *testing.T) {
	for _, s := range []string{"-49", "160", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809", "1" + string(bytes.Repeat([]byte("0"), 300))} {
		z, _ := new(big.Int).SetString(s, 10)
		enc, err := Encode(z)
		if err != nil {
			t.Fatal(err)
		}
		v, err := Decode(enc)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if Repr(v) != s {
			t.Errorf("round trip of %s = %s", s, Repr(v))
		}
		if z.IsInt64() {
			if _, ok := v.(int64); !ok {
				t.Errorf("%s decoded as %T, want int64", s, v)
			}
		} else if _, ok := v.(*big.Int); !ok {
			t.Errorf("%s decoded as %T, want *big.Int", s, v)
		}
	}
	long := append([]byte{TagIntL4, 0, 0, 0x13, 0x88}, bytes.Repeat([]byte("7"), 5000)...)
	if _, err := Decode(long); err == nil {
		t.Error("5000-digit int accepted")
	}
	d := Decoder{MaxIntDigits: 6000}
	if _, err := d.Decode(long); err != nil {
		t.Errorf("MaxIntDigits 6000: %v", err)
	}
}

// randomValue builds a random brine value for property tests.
func randomValue(r *rand.Rand, depth int) any {
	n := 14
	if depth > 3 {
		n = 10
	}
	switch r.IntN(n) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return int64(r.IntN(400) - 200)
	case 3:
		return r.Int64() - r.Int64()
	case 4:
		z := new(big.Int).Lsh(big.NewInt(r.Int64()), uint(64+r.IntN(900)))
		if r.IntN(2) == 0 {
			z.Neg(z)
		}
		return z
	case 5:
		return math.Float64frombits(r.Uint64())
	case 6:
		return complex(r.NormFloat64(), r.NormFloat64())
	case 7:
		b := make([]byte, r.IntN(300))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return b
	case 8:
		rs := []rune("aé日😀\x00'\"\\\n")
		out := make([]rune, r.IntN(20))
		for i := range out {
			out[i] = rs[r.IntN(len(rs))]
		}
		return string(out)
	case 9:
		return []any{Ellipsis, NotImplemented}[r.IntN(2)]
	case 10, 11:
		tup := make(Tuple, r.IntN(7))
		if r.IntN(20) == 0 {
			tup = make(Tuple, 256+r.IntN(10))
		}
		for i := range tup {
			tup[i] = randomValue(r, depth+1)
		}
		return tup
	case 12:
		fs := make(FrozenSet, r.IntN(5))
		for i := range fs {
			fs[i] = int64(r.IntN(1000))
		}
		return fs
	default:
		return Slice{randomValue(r, depth+1), randomValue(r, depth+1), randomValue(r, depth+1)}
	}
}

// TestRandomRoundTrip: encode, decode, encode gives the same bytes for
// thousands of random values.
func TestRandomRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		v := randomValue(r, 0)
		enc, err := Encode(v)
		if err != nil {
			t.Fatalf("Encode(%s): %v", Repr(v), err)
		}
		back, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(%s)): %v", Repr(v), err)
		}
		enc2, _ := Encode(back)
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("round trip changed %s", Repr(v))
		}
	}
}

// TestDecodePrefix: a value followed by more bytes reports how much it used.
func TestDecodePrefix(t *testing.T) {
	var d Decoder
	v, n, err := d.DecodePrefix([]byte{TagTuple2, 0x51, 0x52, 0xff, 0xff})
	if err != nil || n != 3 || Repr(v) != "(1, 2)" {
		t.Fatalf("DecodePrefix = %v, %d, %v", v, n, err)
	}
}
