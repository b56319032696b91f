package slave

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// structModule is Python's struct: pack, unpack, unpack_from,
// iter_unpack and calcsize for the standard formats (<, >, !, =) and
// the native one (@, with the platform's alignment), struct.error for
// what does not fit.
type structModule struct {
	Module
	Error *vinegar.Class `rpyc:"error"`
}

type structItem struct {
	code  byte
	count int
	size  int
}

// structLayout reads a format: byte order, native alignment, items.
func structLayout(format string) (binary.ByteOrder, bool, []structItem, error) {
	var order binary.ByteOrder = binary.LittleEndian
	native := true
	f := format
	if f != "" {
		switch f[0] {
		case '<', '=':
			native, f = false, f[1:]
		case '>', '!':
			order, native, f = binary.BigEndian, false, f[1:]
		case '@':
			f = f[1:]
		}
	}
	var items []structItem
	for i := 0; i < len(f); i++ {
		if f[i] == ' ' {
			continue
		}
		n := 1
		j := i
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		if j > i {
			n, _ = strconv.Atoi(f[i:j])
			if j == len(f) {
				return nil, false, nil, errStructError.New("repeat count given without format specifier")
			}
			i = j
		}
		size := map[byte]int{'x': 1, 'c': 1, 'b': 1, 'B': 1, '?': 1, 'h': 2, 'H': 2, 'i': 4, 'I': 4, 'l': 4, 'L': 4,
			'q': 8, 'Q': 8, 'e': 2, 'f': 4, 'd': 8, 's': 1, 'p': 1, 'n': 8, 'N': 8, 'P': 8}[f[i]]
		if size == 0 {
			return nil, false, nil, errStructError.New("bad char in struct format")
		}
		if native && (f[i] == 'l' || f[i] == 'L') {
			size = 8
		}
		if !native && (f[i] == 'n' || f[i] == 'N' || f[i] == 'P') {
			return nil, false, nil, errStructError.New("bad char in struct format")
		}
		items = append(items, structItem{code: f[i], count: n, size: size})
	}
	return order, native, items, nil
}

func align(off, size int) int {
	if size > 1 && off%size != 0 {
		return off + size - off%size
	}
	return off
}

// Calcsize is struct.calcsize.
func (m *structModule) Calcsize(format string) (int, error) {
	_, native, items, err := structLayout(format)
	if err != nil {
		return 0, err
	}
	off := 0
	for _, it := range items {
		if it.code == 's' || it.code == 'p' || it.code == 'x' {
			off += it.count
			continue
		}
		for range it.count {
			if native {
				off = align(off, it.size)
			}
			off += it.size
		}
	}
	return off, nil
}

// Pack is struct.pack.
func (m *structModule) Pack(format string, values ...any) ([]byte, error) {
	order, native, items, err := structLayout(format)
	if err != nil {
		return nil, err
	}
	var out []byte
	vi := 0
	next := func() (any, error) {
		if vi >= len(values) {
			return nil, errStructError.New(fmt.Sprintf("pack expected %d items for packing (got %d)", countItems(items), len(values)))
		}
		vi++
		return values[vi-1], nil
	}
	for _, it := range items {
		switch it.code {
		case 'x':
			out = append(out, make([]byte, it.count)...)
			continue
		case 's', 'p':
			v, err := next()
			if err != nil {
				return nil, err
			}
			b, ok := v.([]byte)
			if !ok {
				return nil, errStructError.New("argument for 's' must be a bytes object")
			}
			buf := make([]byte, it.count)
			copy(buf, b)
			out = append(out, buf...)
			continue
		}
		for range it.count {
			v, err := next()
			if err != nil {
				return nil, err
			}
			if native {
				for len(out)%it.size != 0 && it.size > 1 {
					out = append(out, 0)
				}
			}
			b, err := packOne(order, it, v)
			if err != nil {
				return nil, err
			}
			out = append(out, b...)
		}
	}
	if vi != len(values) {
		return nil, errStructError.New(fmt.Sprintf("pack expected %d items for packing (got %d)", countItems(items), len(values)))
	}
	return out, nil
}

func countItems(items []structItem) int {
	n := 0
	for _, it := range items {
		switch it.code {
		case 'x':
		case 's', 'p':
			n++
		default:
			n += it.count
		}
	}
	return n
}

func packOne(order binary.ByteOrder, it structItem, v any) ([]byte, error) {
	b := make([]byte, it.size)
	switch it.code {
	case 'c':
		c, ok := v.([]byte)
		if !ok || len(c) != 1 {
			return nil, errStructError.New("char format requires a bytes object of length 1")
		}
		return c, nil
	case '?':
		if truthy(v) {
			b[0] = 1
		}
		return b, nil
	case 'e', 'f', 'd':
		f, ok := number(v)
		if !ok {
			return nil, errStructError.New("required argument is not a float")
		}
		switch it.code {
		case 'f':
			order.PutUint32(b, math.Float32bits(float32(f)))
		case 'd':
			order.PutUint64(b, math.Float64bits(f))
		default:
			return nil, vinegar.New("NotImplementedError", "struct format 'e' (half float) is not supported here")
		}
		return b, nil
	}
	n, err := intArg(v, "struct")
	if err != nil {
		return nil, errStructError.New("required argument is not an integer")
	}
	signed := it.code == 'b' || it.code == 'h' || it.code == 'i' || it.code == 'l' || it.code == 'q' || it.code == 'n'
	bits := uint(it.size * 8)
	if signed {
		lo, hi := -(int64(1) << (bits - 1)), int64(1)<<(bits-1)-1
		if bits == 64 {
			lo, hi = math.MinInt64, math.MaxInt64
		}
		if n < lo || n > hi {
			return nil, errStructError.New(fmt.Sprintf("%s format requires %d <= number <= %d", structName(it.code), lo, hi))
		}
	} else if n < 0 || (bits < 64 && uint64(n) >= uint64(1)<<bits) {
		return nil, errStructError.New(fmt.Sprintf("%s format requires 0 <= number <= %d", structName(it.code), uint64(1)<<bits-1))
	}
	u := uint64(n)
	switch it.size {
	case 1:
		b[0] = byte(u)
	case 2:
		order.PutUint16(b, uint16(u))
	case 4:
		order.PutUint32(b, uint32(u))
	case 8:
		order.PutUint64(b, u)
	}
	return b, nil
}

// Unpack is struct.unpack.
func (m *structModule) Unpack(format string, buffer any) (brine.Tuple, error) {
	b, err := bytesArg(buffer, "unpacking")
	if err != nil {
		return nil, err
	}
	size, err := m.Calcsize(format)
	if err != nil {
		return nil, err
	}
	if len(b) != size {
		return nil, errStructError.New(fmt.Sprintf("unpack requires a buffer of %d bytes", size))
	}
	return m.unpack(format, b)
}

// UnpackFrom is struct.unpack_from(format, buffer, offset=0).
func (m *structModule) UnpackFrom(format string, buffer any, offset ...int) (brine.Tuple, error) {
	b, err := bytesArg(buffer, "unpacking")
	if err != nil {
		return nil, err
	}
	off := 0
	if len(offset) > 0 {
		off = offset[0]
	}
	size, err := m.Calcsize(format)
	if err != nil {
		return nil, err
	}
	if off < 0 || off+size > len(b) {
		return nil, errStructError.New(fmt.Sprintf("unpack_from requires a buffer of at least %d bytes for unpacking %d bytes at offset %d (actual buffer size is %d)", off+size, size, off, len(b)))
	}
	return m.unpack(format, b[off:off+size])
}

// IterUnpack is struct.iter_unpack.
func (m *structModule) IterUnpack(format string, buffer any) ([]any, error) {
	b, err := bytesArg(buffer, "unpacking")
	if err != nil {
		return nil, err
	}
	size, err := m.Calcsize(format)
	if err != nil {
		return nil, err
	}
	if size == 0 || len(b)%size != 0 {
		return nil, errStructError.New(fmt.Sprintf("iterative unpacking requires a buffer of a multiple of %d bytes", size))
	}
	out := []any{}
	for i := 0; i < len(b); i += size {
		t, err := m.unpack(format, b[i:i+size])
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func (m *structModule) unpack(format string, b []byte) (brine.Tuple, error) {
	order, native, items, err := structLayout(format)
	if err != nil {
		return nil, err
	}
	out := brine.Tuple{}
	off := 0
	for _, it := range items {
		switch it.code {
		case 'x':
			off += it.count
			continue
		case 's', 'p':
			out = append(out, append([]byte{}, b[off:off+it.count]...))
			off += it.count
			continue
		}
		for range it.count {
			if native {
				off = align(off, it.size)
			}
			p := b[off : off+it.size]
			off += it.size
			var u uint64
			switch it.size {
			case 1:
				u = uint64(p[0])
			case 2:
				u = uint64(order.Uint16(p))
			case 4:
				u = uint64(order.Uint32(p))
			case 8:
				u = order.Uint64(p)
			}
			switch it.code {
			case 'c':
				out = append(out, []byte{p[0]})
			case '?':
				out = append(out, p[0] != 0)
			case 'f':
				out = append(out, float64(math.Float32frombits(uint32(u))))
			case 'd':
				out = append(out, math.Float64frombits(u))
			case 'b':
				out = append(out, int64(int8(u)))
			case 'h':
				out = append(out, int64(int16(u)))
			case 'i', 'l':
				if it.size == 8 {
					out = append(out, int64(u))
				} else {
					out = append(out, int64(int32(u)))
				}
			case 'q', 'n':
				out = append(out, int64(u))
			case 'Q', 'N', 'P', 'L':
				if u > math.MaxInt64 {
					out = append(out, bigOf(int64(0)).SetUint64(u))
				} else {
					out = append(out, int64(u))
				}
			default:
				out = append(out, int64(u))
			}
		}
	}
	return out, nil
}

// structName is how CPython's struct errors name a format.
func structName(c byte) string {
	if n, ok := map[byte]string{'b': "byte", 'B': "ubyte", 'h': "short", 'H': "ushort"}[c]; ok {
		return n
	}
	return "'" + string(c) + "'"
}
