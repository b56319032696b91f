package brine

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// Encode returns the brine encoding of v. It is Python's brine.dump: the
// bytes are identical to what rpyc 5.3 and 6.0 produce for the same value.
//
// Accepted types: nil, bool, every int and uint kind, *big.Int, float32,
// float64, complex64, complex128, string (valid UTF-8), []byte, Tuple,
// FrozenSet, Slice, EllipsisType and NotImplementedType, nested freely
// inside Tuple, FrozenSet and Slice. Anything else is an *EncodeError.
func Encode(v any) ([]byte, error) {
	return Append(nil, v)
}

// Append appends the encoding of v to dst, so a caller can reuse a buffer
// or prefix a header without copying.
func Append(dst []byte, v any) ([]byte, error) {
	return appendValue(dst, v, 0)
}

// Dumpable reports whether Encode would accept v.
func Dumpable(v any) bool {
	return dumpable(v, 0)
}

func dumpable(v any, depth int) bool {
	if depth > DefaultMaxDepth {
		return false
	}
	switch x := v.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, complex64, complex128, []byte, EllipsisType, NotImplementedType:
		return true
	case *big.Int:
		return x != nil
	case string:
		return utf8.ValidString(x)
	case Tuple:
		for _, e := range x {
			if !dumpable(e, depth+1) {
				return false
			}
		}
		return true
	case FrozenSet:
		for _, e := range x {
			if !dumpable(e, depth+1) {
				return false
			}
		}
		return true
	case Slice:
		return dumpable(x.Start, depth+1) && dumpable(x.Stop, depth+1) && dumpable(x.Step, depth+1)
	}
	return false
}

func appendValue(dst []byte, v any, depth int) ([]byte, error) {
	if depth > DefaultMaxDepth {
		return dst, &EncodeError{Type: typeName(v), Msg: "nested too deeply"}
	}
	switch x := v.(type) {
	case nil:
		return append(dst, TagNone), nil
	case bool:
		if x {
			return append(dst, TagTrue), nil
		}
		return append(dst, TagFalse), nil
	case int:
		return AppendInt(dst, int64(x)), nil
	case int8:
		return AppendInt(dst, int64(x)), nil
	case int16:
		return AppendInt(dst, int64(x)), nil
	case int32:
		return AppendInt(dst, int64(x)), nil
	case int64:
		return AppendInt(dst, x), nil
	case uint:
		return appendUint(dst, uint64(x)), nil
	case uint8:
		return AppendInt(dst, int64(x)), nil
	case uint16:
		return AppendInt(dst, int64(x)), nil
	case uint32:
		return AppendInt(dst, int64(x)), nil
	case uint64:
		return appendUint(dst, x), nil
	case *big.Int:
		if x == nil {
			return dst, &EncodeError{Type: "*big.Int", Msg: "nil pointer"}
		}
		if x.IsInt64() {
			return AppendInt(dst, x.Int64()), nil
		}
		return appendIntText(dst, x.Append(nil, 10)), nil
	case float64:
		return appendFloat(append(dst, TagFloat), x), nil
	case float32:
		return appendFloat(append(dst, TagFloat), float64(x)), nil
	case complex128:
		return appendFloat(appendFloat(append(dst, TagComplex), real(x)), imag(x)), nil
	case complex64:
		return appendFloat(appendFloat(append(dst, TagComplex), float64(real(x))), float64(imag(x))), nil
	case []byte:
		return AppendBytes(dst, x), nil
	case string:
		if !utf8.ValidString(x) {
			return dst, &EncodeError{Type: "string", Msg: "not valid UTF-8"}
		}
		return AppendString(dst, x), nil
	case Tuple:
		return appendSeq(appendTupleHeader(dst, len(x)), x, depth)
	case FrozenSet:
		return appendSeq(appendTupleHeader(append(dst, TagFrozenSet), len(x)), x, depth)
	case Slice:
		dst = append(dst, TagSlice, TagTuple3)
		var err error
		for _, e := range [3]any{x.Start, x.Stop, x.Step} {
			if dst, err = appendValue(dst, e, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	case EllipsisType:
		return append(dst, TagEllipsis), nil
	case NotImplementedType:
		return append(dst, TagNotImplemented), nil
	}
	if a, ok := v.(Appender); ok {
		return a.AppendBrine(dst)
	}
	return dst, &EncodeError{Type: typeName(v)}
}

// Appender is implemented by values that write their own brine encoding.
// Layers above brine use it to encode straight into the output buffer
// (the RPyC engine writes its boxes this way, without building tuples
// first). The bytes appended must be one complete, valid brine value.
// Dumpable reports false for Appenders: they are not plain data.
type Appender interface {
	AppendBrine(dst []byte) ([]byte, error)
}

// AppendTupleHeader appends the tag (and length) that starts a tuple of n
// items; the caller then appends the n items. It lets an Appender write a
// tuple without building a Tuple.
func AppendTupleHeader(dst []byte, n int) []byte {
	return appendTupleHeader(dst, n)
}

func appendSeq(dst []byte, items []any, depth int) ([]byte, error) {
	var err error
	for _, e := range items {
		if dst, err = appendValue(dst, e, depth+1); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// AppendInt appends an int: one byte for -48..159, else decimal text.
func AppendInt(dst []byte, n int64) []byte {
	if n >= ImmMin && n <= ImmMax {
		return append(dst, byte(n+immBase))
	}
	var buf [24]byte
	return appendIntText(dst, strconv.AppendInt(buf[:0], n, 10))
}

func appendUint(dst []byte, n uint64) []byte {
	if n <= ImmMax {
		return append(dst, byte(int64(n)+immBase))
	}
	var buf [24]byte
	return appendIntText(dst, strconv.AppendUint(buf[:0], n, 10))
}

// appendIntText writes INT_L1 while the text (sign included) is shorter
// than 256 characters, INT_L4 from 256 on, as Python does.
func appendIntText(dst, text []byte) []byte {
	if len(text) < 256 {
		dst = append(dst, TagIntL1, byte(len(text)))
	} else {
		dst = append(dst, TagIntL4)
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(text)))
	}
	return append(dst, text...)
}

const (
	goNaN = 0x7ff8000000000001
	pyNaN = 0x7ff8000000000000
)

func appendFloat(dst []byte, f float64) []byte {
	bits := math.Float64bits(f)
	if bits == goNaN {
		// math.NaN() sets a payload bit; Python's float('nan') is the plain
		// quiet NaN. Other NaNs (e.g. decoded from a peer) keep their bits.
		bits = pyNaN
	}
	return binary.BigEndian.AppendUint64(dst, bits)
}

// AppendBytes appends a bytes value, choosing the shortest length form.
func AppendBytes(dst, b []byte) []byte {
	dst = appendBytesHeader(dst, len(b))
	return append(dst, b...)
}

// AppendString appends a str value: TAG_UNICODE then its UTF-8 as bytes.
// The caller guarantees s is valid UTF-8.
func AppendString(dst []byte, s string) []byte {
	dst = appendBytesHeader(append(dst, TagUnicode), len(s))
	return append(dst, s...)
}

func appendBytesHeader(dst []byte, n int) []byte {
	switch {
	case n == 0:
		return append(dst, TagEmptyBytes)
	case n <= 4:
		return append(dst, TagBytes1+byte(n-1))
	case n < 256:
		return append(dst, TagBytesL1, byte(n))
	}
	dst = append(dst, TagBytesL4)
	return binary.BigEndian.AppendUint32(dst, uint32(n))
}

func appendTupleHeader(dst []byte, n int) []byte {
	switch {
	case n == 0:
		return append(dst, TagEmptyTuple)
	case n <= 4:
		return append(dst, TagTuple1+byte(n-1))
	case n < 256:
		return append(dst, TagTupleL1, byte(n))
	}
	dst = append(dst, TagTupleL4)
	return binary.BigEndian.AppendUint32(dst, uint32(n))
}

func typeName(v any) string {
	return fmt.Sprintf("%T", v)
}

func reprFallback(v any) string {
	return fmt.Sprintf("%v", v)
}
