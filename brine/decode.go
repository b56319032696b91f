package brine

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// Decoder holds the limits for decoding untrusted input. The zero value is
// ready to use with the defaults.
//
// Decoding is strict: anything Python's brine.load would reject is an
// error, and so are inputs Python quietly accepts but no encoder produces
// (truncated bytes payloads, trailing bytes after the value, a slice or
// frozenset built from something other than a tuple). Int text must be
// ASCII digits with an optional leading '+' or '-'; leading zeros are
// accepted, while whitespace and '_' separators (which Python's int() would
// take) are refused. Non-canonical length forms (INT_L4 for a small number,
// BYTES_L4 of length 1, TUPLE_L1 of one item) are accepted.
type Decoder struct {
	// MaxDepth bounds how deeply tuples, frozensets and slices may nest.
	// Zero means DefaultMaxDepth (1000).
	MaxDepth int
	// MaxIntDigits bounds the length of an int's decimal text.
	// Zero means DefaultMaxIntDigits (4300, as CPython).
	MaxIntDigits int
	// AliasBytes makes decoded []byte values share the input's memory
	// instead of copying it: for callers that hand over a buffer they
	// will not reuse (a freshly read frame), it saves a copy of every
	// blob. The capacity of each such slice is clipped to its length, so
	// appending to it cannot write into the input.
	AliasBytes bool
	// InternStrings makes short decoded strs (method and attribute names,
	// type names) share one string per distinct value, saving an
	// allocation each. A Decoder that interns must not be used by several
	// goroutines at once.
	InternStrings bool
	// Charge, when set, is told of the Go memory decoding allocates as it
	// goes (an estimate: item slots, tuple headers, copied strs and
	// bytes, boxed numbers), in steps of at least ChargeStep bytes; an
	// error it returns stops decoding with that error. Decoded values can
	// take some 28 times their wire size (a tuple of one-tuples of None),
	// so a caller that bounds memory bounds the decode, not the frame.
	// Decodes that allocate less than one step are never charged.
	Charge func(n int64) error
	// ChargeStep is the granularity of Charge; zero means 64 KiB.
	ChargeStep int64

	intern *internTable
	cost   int64 // estimate for the last decode
}

// LastCost returns the estimated Go memory the last decode allocated,
// the sum of what Charge was told and what was below one step. It is
// kept only by a Decoder with Charge or InternStrings set, which must not
// be shared by goroutines anyway; other Decoders are safe for concurrent
// use and report 0.
func (d *Decoder) LastCost() int64 { return d.cost }

// Decode decodes exactly one value filling all of data, with the default
// limits.
func Decode(data []byte) (any, error) {
	var d Decoder
	return d.Decode(data)
}

// Decode decodes exactly one value that fills all of data.
func (d *Decoder) Decode(data []byte) (any, error) {
	v, n, err := d.DecodePrefix(data)
	if err != nil {
		return nil, err
	}
	if n != len(data) {
		return nil, &DecodeError{Offset: n, Msg: strconv.Itoa(len(data)-n) + " trailing bytes after the value"}
	}
	return v, nil
}

// DecodePrefix decodes one value from the start of data and returns it with
// the number of bytes it used. Message layers use it when the value is
// followed by something else.
func (d *Decoder) DecodePrefix(data []byte) (any, int, error) {
	st := decodeState{data: data, maxDepth: d.MaxDepth, maxDigits: d.MaxIntDigits, alias: d.AliasBytes}
	if d.InternStrings {
		if d.intern == nil {
			d.intern = &internTable{}
		}
		st.intern = d.intern
	}
	if st.maxDepth <= 0 {
		st.maxDepth = DefaultMaxDepth
	}
	if st.maxDigits <= 0 {
		st.maxDigits = DefaultMaxIntDigits
	}
	if d.Charge != nil {
		st.charge = d.Charge
		st.step = d.ChargeStep
		if st.step <= 0 {
			st.step = 64 << 10
		}
	}
	v, err := st.value(0)
	if d.Charge != nil || d.InternStrings {
		d.cost = st.cost // such a Decoder is not shared between goroutines
	}
	if err == nil {
		err = st.chargeErr
	}
	if err != nil {
		return nil, st.pos, err
	}
	return v, st.pos, nil
}

type decodeState struct {
	data      []byte
	pos       int
	maxDepth  int
	maxDigits int
	alias     bool
	slab      []any   // see slab.go
	hdrs      []Tuple // see slab.go
	intern    *internTable

	cost      int64 // estimated bytes allocated so far
	charged   int64 // of which told to charge
	step      int64
	charge    func(int64) error
	chargeErr error
}

// spend adds n bytes to the decode's cost and charges whole steps. Once a
// charge fails, decoding stops at the next item.
func (s *decodeState) spend(n int64) {
	s.cost += n
	if s.charge == nil || s.chargeErr != nil || s.cost-s.charged < s.step {
		return
	}
	d := s.cost - s.charged
	s.charged = s.cost
	if err := s.charge(d); err != nil {
		s.chargeErr = err
	}
}

func (s *decodeState) fail(off int, msg string) error {
	return &DecodeError{Offset: off, Msg: msg}
}

// take returns the next n bytes, or an error naming what was cut short.
func (s *decodeState) take(n int, what string) ([]byte, error) {
	if n < 0 || len(s.data)-s.pos < n {
		return nil, s.fail(s.pos, "truncated "+what+": need "+strconv.Itoa(n)+" bytes, have "+strconv.Itoa(len(s.data)-s.pos))
	}
	b := s.data[s.pos : s.pos+n]
	s.pos += n
	return b, nil
}

// length reads a one- or four-byte big-endian length field.
func (s *decodeState) length(four bool, what string) (int, error) {
	if !four {
		b, err := s.take(1, what+" length")
		if err != nil {
			return 0, err
		}
		return int(b[0]), nil
	}
	b, err := s.take(4, what+" length")
	if err != nil {
		return 0, err
	}
	return int(binary.BigEndian.Uint32(b)), nil
}

func (s *decodeState) value(depth int) (any, error) {
	start := s.pos
	if s.pos >= len(s.data) {
		if s.pos == 0 {
			return nil, s.fail(0, "empty input")
		}
		return nil, s.fail(s.pos, "truncated: value expected")
	}
	tag := s.data[s.pos]
	s.pos++
	switch {
	case tag >= ImmMin+immBase && tag <= ImmMax+immBase:
		return int64(tag) - immBase, nil
	case tag == TagNone:
		return nil, nil
	case tag == TagTrue:
		return true, nil
	case tag == TagFalse:
		return false, nil
	case tag == TagEllipsis:
		return Ellipsis, nil
	case tag == TagNotImplemented:
		return NotImplemented, nil
	case tag == TagEmptyBytes:
		return []byte{}, nil
	case tag >= TagBytes1 && tag <= TagBytes4:
		return s.bytes(int(tag-TagBytes1) + 1)
	case tag == TagBytesL1 || tag == TagBytesL4:
		n, err := s.length(tag == TagBytesL4, "bytes")
		if err != nil {
			return nil, err
		}
		return s.bytes(n)
	case tag == TagUnicode:
		return s.unicode(start)
	case tag == TagEmptyTuple:
		return emptyTuple, nil
	case tag >= TagTuple1 && tag <= TagTuple4:
		return s.tuple(int(tag-TagTuple1)+1, depth)
	case tag == TagTupleL1 || tag == TagTupleL4:
		n, err := s.length(tag == TagTupleL4, "tuple")
		if err != nil {
			return nil, err
		}
		return s.tuple(n, depth)
	case tag == TagIntL1 || tag == TagIntL4:
		n, err := s.length(tag == TagIntL4, "int")
		if err != nil {
			return nil, err
		}
		return s.intText(n)
	case tag == TagFloat:
		b, err := s.take(8, "float")
		if err != nil {
			return nil, err
		}
		s.spend(8)
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case tag == TagComplex:
		b, err := s.take(16, "complex")
		if err != nil {
			return nil, err
		}
		re := math.Float64frombits(binary.BigEndian.Uint64(b))
		im := math.Float64frombits(binary.BigEndian.Uint64(b[8:]))
		s.spend(16)
		return complex(re, im), nil
	case tag == TagSlice:
		return s.slice(start, depth)
	case tag == TagFrozenSet:
		return s.frozenSet(start, depth)
	}
	return nil, s.fail(start, "unknown tag 0x"+strconv.FormatUint(uint64(tag), 16))
}

func (s *decodeState) bytes(n int) ([]byte, error) {
	b, err := s.take(n, "bytes")
	if err != nil {
		return nil, err
	}
	if s.alias {
		s.spend(24) // the slice header, boxed
		return b[:len(b):len(b)], nil
	}
	s.spend(int64(24 + n))
	return append([]byte(nil), b...), nil
}

func (s *decodeState) unicode(start int) (any, error) {
	inner := s.pos
	if inner >= len(s.data) {
		return nil, s.fail(inner, "truncated str: bytes value expected")
	}
	tag := s.data[inner]
	s.pos++
	var n int
	switch {
	case tag == TagEmptyBytes:
		return "", nil
	case tag >= TagBytes1 && tag <= TagBytes4:
		n = int(tag-TagBytes1) + 1
	case tag == TagBytesL1 || tag == TagBytesL4:
		var err error
		if n, err = s.length(tag == TagBytesL4, "str"); err != nil {
			return nil, err
		}
	default:
		return nil, s.fail(inner, "str must wrap a bytes value, found tag 0x"+strconv.FormatUint(uint64(tag), 16))
	}
	b, err := s.take(n, "str")
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(b) {
		return nil, s.fail(start, "str is not valid UTF-8")
	}
	if s.intern != nil && len(b) <= internMaxLen {
		return s.intern.str(b), nil
	}
	s.spend(int64(16 + len(b)))
	return string(b), nil
}

// items decodes n values. n is checked against the bytes left (every value
// takes at least one byte) before anything is allocated.
func (s *decodeState) items(n, depth int, what string) ([]any, error) {
	if depth >= s.maxDepth {
		return nil, s.fail(s.pos, "nesting deeper than "+strconv.Itoa(s.maxDepth))
	}
	if n > len(s.data)-s.pos {
		return nil, s.fail(s.pos, "truncated "+what+": "+strconv.Itoa(n)+" items declared, "+strconv.Itoa(len(s.data)-s.pos)+" bytes left")
	}
	out := s.itemsFor(n)
	if s.chargeErr != nil {
		return nil, s.chargeErr
	}
	for i := range out {
		if s.chargeErr != nil {
			return nil, s.chargeErr
		}
		v, err := s.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (s *decodeState) tuple(n, depth int) (any, error) {
	items, err := s.items(n, depth, "tuple")
	if err != nil {
		return nil, err
	}
	return s.boxTuple(Tuple(items)), nil
}

// tupleBody reads the tuple that must follow a SLICE or FSET tag.
func (s *decodeState) tupleBody(depth int, what string) ([]any, error) {
	off := s.pos
	if off >= len(s.data) {
		return nil, s.fail(off, "truncated "+what+": tuple expected")
	}
	tag := s.data[off]
	s.pos++
	var n int
	switch {
	case tag == TagEmptyTuple:
		return []any{}, nil
	case tag >= TagTuple1 && tag <= TagTuple4:
		n = int(tag-TagTuple1) + 1
	case tag == TagTupleL1 || tag == TagTupleL4:
		var err error
		if n, err = s.length(tag == TagTupleL4, what); err != nil {
			return nil, err
		}
	default:
		return nil, s.fail(off, what+" must wrap a tuple, found tag 0x"+strconv.FormatUint(uint64(tag), 16))
	}
	return s.items(n, depth, what)
}

func (s *decodeState) slice(start, depth int) (any, error) {
	items, err := s.tupleBody(depth, "slice")
	if err != nil {
		return nil, err
	}
	if len(items) != 3 {
		return nil, s.fail(start, "slice needs 3 items, got "+strconv.Itoa(len(items)))
	}
	s.spend(48)
	return Slice{Start: items[0], Stop: items[1], Step: items[2]}, nil
}

func (s *decodeState) frozenSet(start, depth int) (any, error) {
	items, err := s.tupleBody(depth, "frozenset")
	if err != nil {
		return nil, err
	}
	for _, e := range items {
		if !Hashable(e) {
			return nil, s.fail(start, "frozenset holds an unhashable "+typeName(e))
		}
	}
	s.spend(24)
	return FrozenSet(items), nil
}

// Hashable reports whether Python could hash v: everything brine carries
// except slices (unhashable before Python 3.12) and tuples or sets holding one.
func Hashable(v any) bool {
	switch x := v.(type) {
	case Slice:
		return false
	case Tuple:
		for _, e := range x {
			if !Hashable(e) {
				return false
			}
		}
	}
	return true
}

func (s *decodeState) intText(n int) (any, error) {
	off := s.pos
	if n > s.maxDigits+1 {
		if n > len(s.data)-s.pos {
			return nil, s.fail(off, "truncated int: "+strconv.Itoa(n)+" digits declared, "+strconv.Itoa(len(s.data)-s.pos)+" bytes left")
		}
		return nil, s.fail(off, "int text of "+strconv.Itoa(n)+" chars exceeds the limit of "+strconv.Itoa(s.maxDigits)+" digits")
	}
	b, err := s.take(n, "int")
	if err != nil {
		return nil, err
	}
	digits := b
	if len(digits) > 0 && (digits[0] == '-' || digits[0] == '+') {
		digits = digits[1:]
	}
	if len(digits) == 0 {
		return nil, s.fail(off, "int text has no digits")
	}
	if len(digits) > s.maxDigits {
		return nil, s.fail(off, "int text exceeds the limit of "+strconv.Itoa(s.maxDigits)+" digits")
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return nil, s.fail(off, "int text "+strconv.Quote(string(b))+" is not decimal")
		}
	}
	if len(b) <= 18 {
		v, _ := strconv.ParseInt(string(b), 10, 64)
		s.spend(8)
		return v, nil
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		s.spend(8)
		return v, nil
	}
	s.spend(int64(40 + len(b)/2))
	z, ok := new(big.Int).SetString(string(b), 10)
	if !ok {
		return nil, s.fail(off, "int text "+strconv.Quote(string(b))+" is not decimal")
	}
	return z, nil
}
