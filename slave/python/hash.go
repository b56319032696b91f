package python

import (
	"hash/maphash"
	"math"
	"math/big"
	"reflect"
	"unsafe"

	"github.com/rpyc-go/rpyc/brine"
)

// Hashing, as Python hashes: numbers equal across int, float and bool hash
// alike (CPython's numeric hash), strings with a per-process seed.

var hashSeed = maphash.MakeSeed()

const hashModulus = (1 << 61) - 1

func hashInt64(n int64) uint64 {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
		if n == math.MinInt64 {
			u = 1 << 63
		}
	}
	h := int64(u % hashModulus)
	if neg {
		h = -h
	}
	if h == -1 {
		h = -2
	}
	return uint64(h)
}

func hashBig(b *big.Int) uint64 {
	m := new(big.Int).Mod(new(big.Int).Abs(b), big.NewInt(hashModulus)).Int64()
	if b.Sign() < 0 {
		m = -m
	}
	if m == -1 {
		m = -2
	}
	return uint64(m)
}

// hashFloat is CPython's hash of a float, so hash(1.0) == hash(1).
func hashFloat(f float64) uint64 {
	switch {
	case math.IsInf(f, 1):
		return 314159
	case math.IsInf(f, -1):
		return negInfHash
	case math.IsNaN(f):
		return 0
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return hashInt64(int64(f))
	}
	m, e := math.Frexp(f)
	sign := int64(1)
	if m < 0 {
		sign, m = -1, -m
	}
	var x uint64
	for m != 0 {
		x = ((x << 28) & hashModulus) | x>>(61-28)
		m *= 268435456.0
		e -= 28
		y := uint64(m)
		m -= float64(y)
		x += y
		if x >= hashModulus {
			x -= hashModulus
		}
	}
	if e >= 0 {
		e = e % 61
	} else {
		e = 61 - 1 - ((-1 - e) % 61)
	}
	x = ((x << uint(e)) & hashModulus) | x>>(61-uint(e))
	h := int64(x) * sign
	if h == -1 {
		h = -2
	}
	return uint64(h)
}

// hashOf is hash(v).
func hashOf(th *Thread, v Value) (uint64, error) {
	switch x := v.(type) {
	case nil:
		return 0x9e3779b9, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case int64:
		return hashInt64(x), nil
	case *big.Int:
		return hashBig(x), nil
	case float64:
		return hashFloat(x), nil
	case string:
		return maphash.String(hashSeed, x), nil
	case []byte:
		return maphash.Bytes(hashSeed, x), nil
	case complex128:
		return hashFloat(real(x)) + 1000003*hashFloat(imag(x)), nil
	case Tuple:
		if err := th.enter(); err != nil {
			return 0, err
		}
		defer th.leave()
		acc := uint64(0x27D4EB2F165667C5)
		for _, it := range x {
			h, err := hashOf(th, it)
			if err != nil {
				return 0, err
			}
			acc += h * 0xC2B2AE3D27D4EB4F
			acc = acc<<31 | acc>>33
			acc *= 0x9E3779B185EBCA87
		}
		// CPython's finish: the length mixed in, and -1 kept for errors.
		acc += uint64(len(x)) ^ (0x27D4EB2F165667C5 ^ 3527539)
		if acc == math.MaxUint64 {
			return 1546275796, nil
		}
		return acc, nil
	case *Set:
		if !x.frozen {
			return 0, th.typeErrorf("unhashable type: 'set'")
		}
		// CPython's frozenset hash: the members' hashes shuffled and
		// xor-ed (so order does not matter), then the size mixed in.
		var acc uint64
		for _, k := range x.keys() {
			h, err := hashOf(th, k)
			if err != nil {
				return 0, err
			}
			acc ^= ((h ^ 89869747) ^ (h << 16)) * 3644798167
		}
		acc ^= (uint64(x.len()) + 1) * 1927868237
		acc ^= (acc >> 11) ^ (acc >> 25)
		acc = acc*69069 + 907133923
		if acc == math.MaxUint64 {
			acc = 590923713
		}
		return acc, nil
	case *List:
		return 0, th.typeErrorf("unhashable type: 'list'")
	case *Dict:
		return 0, th.typeErrorf("unhashable type: 'dict'")
	case *ByteArray:
		return 0, th.typeErrorf("unhashable type: 'bytearray'")
	case brine.Slice:
		return 0, th.typeErrorf("unhashable type: 'slice'")
	case *Instance:
		if m, ok := x.class.lookup("__hash__"); ok {
			if m == nil {
				return 0, th.typeErrorf("unhashable type: '%s'", x.class.name)
			}
			if _, isB := m.(*Builtin); !isB {
				r, err := callBound(th, m, x, nil)
				if err != nil {
					return 0, err
				}
				switch n := r.(type) {
				case int64:
					return hashInt64(n), nil
				case *big.Int:
					return hashBig(n), nil
				case bool:
					return hashOf(th, n)
				}
				return 0, th.typeErrorf("__hash__ method should return an integer")
			}
		}
		return ptrHash(x), nil
	case *dictView:
		return 0, th.typeErrorf("unhashable type: '%s'", x.kind.name)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return uint64(rv.Pointer()) >> 4, nil
	}
	if rv.Type().Comparable() {
		var h maphash.Hash
		h.SetSeed(hashSeed)
		h.WriteString(rv.Type().String())
		return h.Sum64(), nil
	}
	return 0, th.typeErrorf("unhashable type: '%s'", typeName(v))
}

func ptrHash[T any](p *T) uint64 { return uint64(uintptr(unsafe.Pointer(p))) >> 4 }

var negInfHash = func() uint64 { n := int64(-314159); return uint64(n) }()
