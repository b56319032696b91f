package classic

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Our own decoder of pickles of plain data, written from the pickle
// format's documented opcodes (each one's byte, argument and effect on
// the unpickler's stack, as Python's pickletools module describes them).
//
// Why not og-rek's decoder, which the encoder side still uses: it decodes
// a dict into a Go map (or into its Dict, which iterates in an arbitrary
// order), so the order Python gave a dict's keys is lost before anyone
// can keep it, and Python code relies on that order (a JSON-like config
// dict delivered to a server prints in another order there). It also
// does not know protocol 4's set opcodes (EMPTY_SET, ADDITEMS,
// FROZENSET), which Python's default protocol writes for every set, and
// it builds arbitrary objects that a plain-data reader would only refuse
// afterwards. This decoder reads every protocol Python writes (0 to 5)
// for plain data, keeps the pickle's order for dict keys and set items,
// keeps sharing (an object the pickle refers to twice is built once),
// refuses recursive structures, and allocates no more than the input's
// size: every length is checked against the bytes left before anything
// is made.

// ErrBadPickle is matched by the errors of Unpickle for bytes that are
// not a valid pickle (truncated, an unknown opcode, a broken stack); each
// is an *UnpickleError. A valid pickle of something other than plain
// data is ErrNotPlainData instead.
var ErrBadPickle = errors.New("classic: invalid pickle data")

// UnpickleError is an invalid pickle: what is wrong, in the words of
// Python's pickle.loads, and the exception class it raises for it
// (UnpicklingError mostly; EOFError when the data ends before an
// opcode, ValueError for a protocol past 5, AttributeError for an
// APPEND to something other than a list). It matches ErrBadPickle.
type UnpickleError struct {
	Class string
	Msg   string
}

func (e *UnpickleError) Error() string { return ErrBadPickle.Error() + ": " + e.Msg }

// Is makes errors.Is(err, ErrBadPickle) hold.
func (e *UnpickleError) Is(target error) bool { return target == ErrBadPickle }

// maxPickleProtocol is the highest protocol Python writes today.
const maxPickleProtocol = 5

// maxUnpickleDepth bounds the nesting a pickle may build (the builder
// recurses once per level).
const maxUnpickleDepth = 1000

// The decoder's values while it runs. Containers are pointers so that
// the memo shares them and later opcodes (APPENDS, SETITEMS, ADDITEMS)
// fill the very object an earlier PUT remembered.
type (
	pkList      struct{ items []any }
	pkTuple     struct{ items []any }
	pkDict      struct{ keys, vals []any }
	pkSet       struct{ items []any }
	pkFrozenSet struct{ items []any }
	pkByteArray struct{ b []byte }
	pkGlobal    struct{ module, name string }
)

// pkDecoder is one run over one pickle.
type pkDecoder struct {
	data     []byte
	pos      int
	stack    []any
	marks    []int // stack heights at each MARK
	memo     map[uint64]any
	encoding string
}

func badPickle(format string, args ...any) error {
	return &UnpickleError{Class: "UnpicklingError", Msg: fmt.Sprintf(format, args...)}
}

var (
	errTruncated = badPickle("pickle data was truncated")
	errEOF       = &UnpickleError{Class: "EOFError", Msg: "Ran out of input"}
)

func (d *pkDecoder) byte1() (byte, error) {
	if d.pos >= len(d.data) {
		return 0, errTruncated
	}
	b := d.data[d.pos]
	d.pos++
	return b, nil
}

// take returns the next n bytes, or an error when fewer are left: no
// length read from the input is trusted before this check.
func (d *pkDecoder) take(n uint64) ([]byte, error) {
	if n > uint64(len(d.data)-d.pos) {
		return nil, errTruncated
	}
	b := d.data[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return b, nil
}

func (d *pkDecoder) uint(n int) (uint64, error) {
	b, err := d.take(uint64(n))
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, nil
}

// line is the text up to the next newline (not included).
func (d *pkDecoder) line() (string, error) {
	i := bytes.IndexByte(d.data[d.pos:], '\n')
	if i < 0 {
		return "", errTruncated
	}
	s := string(d.data[d.pos : d.pos+i])
	d.pos += i + 1
	return s, nil
}

func (d *pkDecoder) push(v any) { d.stack = append(d.stack, v) }

// base is the lowest stack index the current mark lets opcodes reach.
func (d *pkDecoder) base() int {
	if len(d.marks) == 0 {
		return 0
	}
	return d.marks[len(d.marks)-1]
}

// underflow is the error of an opcode that finds too few items.
func (d *pkDecoder) underflow() error {
	if len(d.marks) > 0 {
		return badPickle("unexpected MARK found")
	}
	return badPickle("unpickling stack underflow")
}

func (d *pkDecoder) pop() (any, error) {
	if len(d.stack) <= d.base() {
		return nil, d.underflow()
	}
	v := d.stack[len(d.stack)-1]
	d.stack = d.stack[:len(d.stack)-1]
	return v, nil
}

func (d *pkDecoder) top() (any, error) {
	if len(d.stack) <= d.base() {
		return nil, d.underflow()
	}
	return d.stack[len(d.stack)-1], nil
}

// popMark returns the items pushed since the last MARK and drops the
// mark.
func (d *pkDecoder) popMark() ([]any, error) {
	if len(d.marks) == 0 {
		return nil, badPickle("could not find MARK")
	}
	k := d.marks[len(d.marks)-1]
	d.marks = d.marks[:len(d.marks)-1]
	items := append([]any(nil), d.stack[k:]...)
	d.stack = d.stack[:k]
	return items, nil
}

// decode runs the opcodes up to STOP and returns what STOP finds.
func (d *pkDecoder) decode() (any, error) {
	for {
		if d.pos >= len(d.data) {
			return nil, errEOF
		}
		op, err := d.byte1()
		if err != nil {
			return nil, err
		}
		if op == '.' { // STOP: the result is the top of the stack
			return d.pop()
		}
		if err := d.step(op); err != nil {
			return nil, err
		}
	}
}

// step runs one opcode.
func (d *pkDecoder) step(op byte) error {
	switch op {
	case 0x80: // PROTO
		p, err := d.byte1()
		if err != nil {
			return err
		}
		if p > maxPickleProtocol {
			return &UnpickleError{Class: "ValueError", Msg: fmt.Sprintf("unsupported pickle protocol: %d", p)}
		}
		return nil
	case 0x95: // FRAME: a length hint for buffered readers; the data is all here
		n, err := d.uint(8)
		if err != nil {
			return err
		}
		if n > uint64(len(d.data)-d.pos) {
			return errTruncated
		}
		return nil
	case '(': // MARK
		d.marks = append(d.marks, len(d.stack))
		return nil
	case '0': // POP (with an empty stack above the mark, the mark itself)
		if len(d.stack) > d.base() {
			d.stack = d.stack[:len(d.stack)-1]
			return nil
		}
		_, err := d.popMark()
		return err
	case '1': // POP_MARK
		_, err := d.popMark()
		return err
	case '2': // DUP
		v, err := d.top()
		if err != nil {
			return err
		}
		d.push(v)
		return nil

	case 'N': // NONE
		d.push(nil)
		return nil
	case 0x88: // NEWTRUE
		d.push(true)
		return nil
	case 0x89: // NEWFALSE
		d.push(false)
		return nil
	case 'I': // INT: decimal text; "01" and "00" are True and False
		s, err := d.line()
		if err != nil {
			return err
		}
		switch s {
		case "01":
			d.push(true)
			return nil
		case "00":
			d.push(false)
			return nil
		}
		return d.pushIntText(s, "INT")
	case 'L': // LONG: decimal text, maybe with Python 2's trailing L
		s, err := d.line()
		if err != nil {
			return err
		}
		return d.pushIntText(strings.TrimSuffix(s, "L"), "LONG")
	case 'J': // BININT: 4 bytes, signed
		v, err := d.uint(4)
		if err != nil {
			return err
		}
		d.push(int64(int32(uint32(v))))
		return nil
	case 'K': // BININT1
		v, err := d.uint(1)
		if err != nil {
			return err
		}
		d.push(int64(v))
		return nil
	case 'M': // BININT2
		v, err := d.uint(2)
		if err != nil {
			return err
		}
		d.push(int64(v))
		return nil
	case 0x8a: // LONG1: 1-byte length, two's complement little-endian
		n, err := d.uint(1)
		if err != nil {
			return err
		}
		return d.pushLongBytes(n)
	case 0x8b: // LONG4: 4-byte signed length
		n, err := d.uint(4)
		if err != nil {
			return err
		}
		if int32(uint32(n)) < 0 {
			return badPickle("LONG pickle has negative byte count")
		}
		return d.pushLongBytes(n)
	case 'F': // FLOAT: repr text
		s, err := d.line()
		if err != nil {
			return err
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return badPickle("could not convert string to float: %q", s)
		}
		d.push(f)
		return nil
	case 'G': // BINFLOAT: 8 bytes, big-endian IEEE 754
		b, err := d.take(8)
		if err != nil {
			return err
		}
		d.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
		return nil

	case 'V': // UNICODE: raw-unicode-escape text
		s, err := d.line()
		if err != nil {
			return err
		}
		u, err := rawUnicodeEscape(s)
		if err != nil {
			return err
		}
		d.push(u)
		return nil
	case 'X': // BINUNICODE: 4-byte length, UTF-8
		return d.pushUTF8(4)
	case 0x8c: // SHORT_BINUNICODE
		return d.pushUTF8(1)
	case 0x8d: // BINUNICODE8
		return d.pushUTF8(8)
	case 'B': // BINBYTES
		return d.pushBytes(4)
	case 'C': // SHORT_BINBYTES
		return d.pushBytes(1)
	case 0x8e: // BINBYTES8
		return d.pushBytes(8)
	case 0x96: // BYTEARRAY8
		n, err := d.uint(8)
		if err != nil {
			return err
		}
		b, err := d.take(n)
		if err != nil {
			return err
		}
		d.push(&pkByteArray{b: append([]byte{}, b...)})
		return nil
	case 'S': // STRING: a quoted Python 2 str literal
		s, err := d.line()
		if err != nil {
			return err
		}
		if len(s) < 2 || s[0] != s[len(s)-1] || (s[0] != '\'' && s[0] != '"') {
			return badPickle("the STRING opcode argument must be quoted")
		}
		b, err := escapeDecode(s[1 : len(s)-1])
		if err != nil {
			return err
		}
		return d.pushPy2Str(b)
	case 'T': // BINSTRING: 4-byte signed length, Python 2 str
		n, err := d.uint(4)
		if err != nil {
			return err
		}
		if int32(uint32(n)) < 0 {
			return badPickle("BINSTRING pickle has negative byte count")
		}
		b, err := d.take(n)
		if err != nil {
			return err
		}
		return d.pushPy2Str(b)
	case 'U': // SHORT_BINSTRING
		n, err := d.uint(1)
		if err != nil {
			return err
		}
		b, err := d.take(n)
		if err != nil {
			return err
		}
		return d.pushPy2Str(b)
	case 0x98: // READONLY_BUFFER: makes the top read-only; bytes already are
		_, err := d.top()
		return err
	case 0x97: // NEXT_BUFFER
		return badPickle("pickle stream refers to out-of-band data but no *buffers* argument was given")

	case ')': // EMPTY_TUPLE
		d.push(&pkTuple{items: []any{}})
		return nil
	case 0x85, 0x86, 0x87: // TUPLE1, TUPLE2, TUPLE3
		n := int(op-0x85) + 1
		if len(d.stack)-d.base() < n {
			return d.underflow()
		}
		items := append([]any{}, d.stack[len(d.stack)-n:]...)
		d.stack = d.stack[:len(d.stack)-n]
		d.push(&pkTuple{items: items})
		return nil
	case 't': // TUPLE
		items, err := d.popMark()
		if err != nil {
			return err
		}
		d.push(&pkTuple{items: items})
		return nil
	case ']': // EMPTY_LIST
		d.push(&pkList{items: []any{}})
		return nil
	case 'l': // LIST
		items, err := d.popMark()
		if err != nil {
			return err
		}
		d.push(&pkList{items: items})
		return nil
	case '}': // EMPTY_DICT
		d.push(&pkDict{})
		return nil
	case 'd': // DICT
		items, err := d.popMark()
		if err != nil {
			return err
		}
		dict := &pkDict{}
		if err := dict.setPairs(items); err != nil {
			return err
		}
		d.push(dict)
		return nil
	case 0x8f: // EMPTY_SET
		d.push(&pkSet{items: []any{}})
		return nil
	case 0x91: // FROZENSET
		items, err := d.popMark()
		if err != nil {
			return err
		}
		d.push(&pkFrozenSet{items: items})
		return nil
	case 'a': // APPEND
		v, err := d.pop()
		if err != nil {
			return err
		}
		return d.appendTo([]any{v})
	case 'e': // APPENDS
		items, err := d.popMark()
		if err != nil {
			return err
		}
		return d.appendTo(items)
	case 's': // SETITEM
		v, err := d.pop()
		if err != nil {
			return err
		}
		k, err := d.pop()
		if err != nil {
			return err
		}
		return d.setItems([]any{k, v})
	case 'u': // SETITEMS
		items, err := d.popMark()
		if err != nil {
			return err
		}
		return d.setItems(items)
	case 0x90: // ADDITEMS
		items, err := d.popMark()
		if err != nil {
			return err
		}
		t, err := d.top()
		if err != nil {
			return err
		}
		set, ok := t.(*pkSet)
		if !ok {
			return badPickle("ADDITEMS on a %s, not a set", pkTypeName(t))
		}
		set.items = append(set.items, items...)
		return nil

	case 'p': // PUT: decimal index
		n, err := d.decimalIndex("PUT")
		if err != nil {
			return err
		}
		return d.put(n)
	case 'q': // BINPUT
		n, err := d.uint(1)
		if err != nil {
			return err
		}
		return d.put(n)
	case 'r': // LONG_BINPUT
		n, err := d.uint(4)
		if err != nil {
			return err
		}
		return d.put(n)
	case 0x94: // MEMOIZE
		return d.put(uint64(len(d.memo)))
	case 'g': // GET
		n, err := d.decimalIndex("GET")
		if err != nil {
			return err
		}
		return d.get(n)
	case 'h': // BINGET
		n, err := d.uint(1)
		if err != nil {
			return err
		}
		return d.get(n)
	case 'j': // LONG_BINGET
		n, err := d.uint(4)
		if err != nil {
			return err
		}
		return d.get(n)

	case 'c': // GLOBAL: "module\nname\n"
		mod, err := d.line()
		if err != nil {
			return err
		}
		name, err := d.line()
		if err != nil {
			return err
		}
		d.push(&pkGlobal{module: mod, name: name})
		return nil
	case 0x93: // STACK_GLOBAL
		name, err := d.pop()
		if err != nil {
			return err
		}
		mod, err := d.pop()
		if err != nil {
			return err
		}
		ms, ok1 := mod.(string)
		ns, ok2 := name.(string)
		if !ok1 || !ok2 {
			return badPickle("STACK_GLOBAL requires str")
		}
		d.push(&pkGlobal{module: ms, name: ns})
		return nil
	case 'R': // REDUCE: callable(*args)
		args, err := d.pop()
		if err != nil {
			return err
		}
		fn, err := d.pop()
		if err != nil {
			return err
		}
		v, err := d.reduce(fn, args)
		if err != nil {
			return err
		}
		d.push(v)
		return nil

	case 'P', 'Q':
		return fmt.Errorf("%w: the pickle refers to persistent objects (PERSID), which only its own unpickler can load", ErrNotPlainData)
	case 'i', 'o', 0x81, 0x92, 'b':
		return fmt.Errorf("%w: the pickle builds a class instance (%s); send plain data (None, bool, int, float, complex, str, bytes, bytearray, list, tuple, dict, set, frozenset)", ErrNotPlainData, pkOpName(op))
	case 0x82, 0x83, 0x84:
		return fmt.Errorf("%w: the pickle uses the copyreg extension registry (EXT%d), which this side does not have", ErrNotPlainData, 1<<(op-0x82))
	}
	return badPickle("invalid load key, %s.", pyByteRepr(op))
}

// pkOpName names the object-building opcodes in errors.
func pkOpName(op byte) string {
	switch op {
	case 'i':
		return "INST"
	case 'o':
		return "OBJ"
	case 0x81:
		return "NEWOBJ"
	case 0x92:
		return "NEWOBJ_EX"
	}
	return "BUILD"
}

// pyByteRepr is how Python's error shows a byte: 'x' or '\x00'.
func pyByteRepr(b byte) string {
	if b >= 0x20 && b < 0x7f && b != '\'' && b != '\\' {
		return "'" + string(rune(b)) + "'"
	}
	return fmt.Sprintf("'\\x%02x'", b)
}

func (d *pkDecoder) put(n uint64) error {
	v, err := d.top()
	if err != nil {
		return err
	}
	if d.memo == nil {
		d.memo = map[uint64]any{}
	}
	d.memo[n] = v
	return nil
}

func (d *pkDecoder) get(n uint64) error {
	v, ok := d.memo[n]
	if !ok {
		return badPickle("Memo value not found at index %d", n)
	}
	d.push(v)
	return nil
}

func (d *pkDecoder) appendTo(items []any) error {
	t, err := d.top()
	if err != nil {
		return err
	}
	l, ok := t.(*pkList)
	if !ok {
		return &UnpickleError{Class: "AttributeError", Msg: fmt.Sprintf("'%s' object has no attribute 'append'", pkTypeName(t))}
	}
	l.items = append(l.items, items...)
	return nil
}

func (d *pkDecoder) setItems(items []any) error {
	t, err := d.top()
	if err != nil {
		return err
	}
	dict, ok := t.(*pkDict)
	if !ok {
		return badPickle("SETITEM on a %s, not a dict", pkTypeName(t))
	}
	return dict.setPairs(items)
}

// setPairs appends key, value, key, value, ... in order; a key given
// twice is kept twice here and resolved by the builder (Python keeps
// its first position and the last value).
func (dict *pkDict) setPairs(items []any) error {
	if len(items)%2 != 0 {
		return badPickle("odd number of items for SETITEMS")
	}
	for i := 0; i < len(items); i += 2 {
		dict.keys = append(dict.keys, items[i])
		dict.vals = append(dict.vals, items[i+1])
	}
	return nil
}

func (d *pkDecoder) pushIntText(s, what string) error {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		d.push(n)
		return nil
	}
	b, ok := new(big.Int).SetString(s, 0)
	if !ok {
		return badPickle("invalid literal for %s: %q", what, s)
	}
	d.push(intValue(b))
	return nil
}

// pushLongBytes reads an n-byte two's complement little-endian integer.
func (d *pkDecoder) pushLongBytes(n uint64) error {
	b, err := d.take(n)
	if err != nil {
		return err
	}
	if n == 0 {
		d.push(int64(0))
		return nil
	}
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	d.push(intValue(v))
	return nil
}

// intValue is int64 when the value fits, as the rest of rpyc-go gives
// Python ints.
func intValue(b *big.Int) any {
	if b.IsInt64() {
		return b.Int64()
	}
	return b
}

func (d *pkDecoder) pushUTF8(lenBytes int) error {
	n, err := d.uint(lenBytes)
	if err != nil {
		return err
	}
	b, err := d.take(n)
	if err != nil {
		return err
	}
	if !utf8.Valid(b) {
		return badPickle("a str is not valid UTF-8")
	}
	d.push(string(b))
	return nil
}

func (d *pkDecoder) pushBytes(lenBytes int) error {
	n, err := d.uint(lenBytes)
	if err != nil {
		return err
	}
	b, err := d.take(n)
	if err != nil {
		return err
	}
	d.push(append([]byte{}, b...))
	return nil
}

// pushPy2Str decodes a Python 2 str as Python 3's unpickler does, with
// the encoding the caller chose (ASCII unless told).
func (d *pkDecoder) pushPy2Str(b []byte) error {
	switch strings.ToLower(strings.ReplaceAll(d.encoding, "_", "-")) {
	case "", "ascii", "us-ascii":
		for _, c := range b {
			if c >= 0x80 {
				return badPickle("'ascii' codec can't decode byte 0x%02x: ordinal not in range(128)", c)
			}
		}
		d.push(string(b))
	case "bytes":
		d.push(append([]byte{}, b...))
	case "latin1", "latin-1", "iso-8859-1", "l1":
		d.push(latin1(b))
	case "utf-8", "utf8":
		if !utf8.Valid(b) {
			return badPickle("'utf-8' codec can't decode a Python 2 str")
		}
		d.push(string(b))
	default:
		return badPickle("unknown encoding for Python 2 str: %s", d.encoding)
	}
	return nil
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// reduce is REDUCE for the callables Python's pickler uses for plain
// data: set and frozenset (protocols 0-3), complex, bytearray, bytes
// and _codecs.encode (bytes in protocols 0-2), collections.OrderedDict
// (read as a dict), and dict(pairs) (what rpyc-go's own pickler writes
// for a dict whose order matters).
func (d *pkDecoder) reduce(fn, args any) (any, error) {
	g, ok := fn.(*pkGlobal)
	if !ok {
		return nil, badPickle("REDUCE of a %s, which is not callable", pkTypeName(fn))
	}
	t, ok := args.(*pkTuple)
	if !ok {
		return nil, badPickle("REDUCE arguments are a %s, not a tuple", pkTypeName(args))
	}
	a := t.items
	switch pyName(g) {
	case "builtins.set", "builtins.frozenset":
		var items []any
		switch len(a) {
		case 0:
		case 1:
			src, ok := iterableItems(a[0])
			if !ok {
				return nil, badPickle("%s() of a %s", g.name, pkTypeName(a[0]))
			}
			items = append([]any{}, src...)
		default:
			return nil, badPickle("%s expected at most 1 argument, got %d", g.name, len(a))
		}
		if g.name == "set" {
			return &pkSet{items: items}, nil
		}
		return &pkFrozenSet{items: items}, nil
	case "builtins.complex":
		if len(a) >= 1 && len(a) <= 2 {
			re, ok1 := pkFloat(a[0])
			im, ok2 := 0.0, true
			if len(a) == 2 {
				im, ok2 = pkFloat(a[1])
			}
			if ok1 && ok2 {
				return complex(re, im), nil
			}
		}
		return nil, badPickle("complex() arguments are not numbers")
	case "builtins.bytes":
		if len(a) == 0 {
			return []byte{}, nil
		}
		if b, ok := a[0].([]byte); ok && len(a) == 1 {
			return append([]byte{}, b...), nil
		}
		return nil, badPickle("bytes() arguments are not bytes")
	case "builtins.bytearray":
		if len(a) == 0 {
			return &pkByteArray{b: []byte{}}, nil
		}
		switch x := a[0].(type) {
		case []byte:
			if len(a) == 1 {
				return &pkByteArray{b: append([]byte{}, x...)}, nil
			}
		case string:
			if len(a) == 2 {
				b, err := encodeLatin1(x, a[1])
				if err != nil {
					return nil, err
				}
				return &pkByteArray{b: b}, nil
			}
		}
		return nil, badPickle("bytearray() arguments are not bytes")
	case "_codecs.encode":
		if len(a) == 2 {
			if s, ok := a[0].(string); ok {
				return encodeLatin1(s, a[1])
			}
		}
		return nil, badPickle("_codecs.encode() arguments are not (str, encoding)")
	case "collections.OrderedDict", "builtins.dict":
		dict := &pkDict{}
		if len(a) == 1 {
			if src, ok := a[0].(*pkDict); ok {
				dict.keys = append(dict.keys, src.keys...)
				dict.vals = append(dict.vals, src.vals...)
				return dict, nil
			}
			src, ok := iterableItems(a[0])
			if !ok {
				return nil, badPickle("%s() of a %s", g.name, pkTypeName(a[0]))
			}
			for _, it := range src {
				pair, ok := iterableItems(it)
				if !ok || len(pair) != 2 {
					return nil, badPickle("%s() items are not pairs", g.name)
				}
				dict.keys = append(dict.keys, pair[0])
				dict.vals = append(dict.vals, pair[1])
			}
		} else if len(a) > 1 {
			return nil, badPickle("%s expected at most 1 argument, got %d", g.name, len(a))
		}
		return dict, nil
	}
	return nil, fmt.Errorf("%w: a %s object; convert it to plain data on the sending side first", ErrNotPlainData, pyName(g))
}

// pyName is the global's Python 3 name (Python 2's __builtin__ and
// copy_reg are renamed as the unpickler's fix_imports does).
func pyName(g *pkGlobal) string {
	mod := g.module
	switch mod {
	case "__builtin__":
		mod = "builtins"
	case "copy_reg":
		mod = "copyreg"
	}
	return mod + "." + g.name
}

func encodeLatin1(s string, enc any) ([]byte, error) {
	e, _ := enc.(string)
	switch strings.ToLower(strings.ReplaceAll(e, "_", "-")) {
	case "latin1", "latin-1", "iso-8859-1", "l1":
	case "utf-8", "utf8":
		return []byte(s), nil
	default:
		return nil, badPickle("bytes encoded as %q, not latin-1", e)
	}
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, badPickle("'latin-1' codec can't encode character %U", r)
		}
		out = append(out, byte(r))
	}
	return out, nil
}

func iterableItems(v any) ([]any, bool) {
	switch x := v.(type) {
	case *pkList:
		return x.items, true
	case *pkTuple:
		return x.items, true
	case *pkSet:
		return x.items, true
	case *pkFrozenSet:
		return x.items, true
	}
	return nil, false
}

func pkFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func pkTypeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case complex128:
		return "complex"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case *pkList:
		return "list"
	case *pkTuple:
		return "tuple"
	case *pkDict:
		return "dict"
	case *pkSet:
		return "set"
	case *pkFrozenSet:
		return "frozenset"
	case *pkByteArray:
		return "bytearray"
	case *pkGlobal:
		return pyName(x)
	}
	return fmt.Sprintf("%T", v)
}

// rawUnicodeEscape decodes Python's raw-unicode-escape: bytes are
// Latin-1 characters, except \uXXXX and \UXXXXXXXX after an odd number
// of backslashes.
func rawUnicodeEscape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			b.WriteRune(rune(c))
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '\\' {
			j++
		}
		run := j - i
		if run%2 == 0 || j >= len(s) || (s[j] != 'u' && s[j] != 'U') {
			b.WriteString(s[i:j])
			i = j
			continue
		}
		b.WriteString(s[i : j-1])
		n := 4
		if s[j] == 'U' {
			n = 8
		}
		if j+1+n > len(s) {
			return "", badPickle("truncated \\uXXXX escape in a UNICODE argument")
		}
		v, err := strconv.ParseUint(s[j+1:j+1+n], 16, 32)
		if err != nil {
			return "", badPickle("truncated \\uXXXX escape in a UNICODE argument")
		}
		if v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) {
			return "", badPickle("\\U%08x out of range in a UNICODE argument", v)
		}
		b.WriteRune(rune(v))
		i = j + 1 + n
	}
	return b.String(), nil
}

// escapeDecode decodes the inside of a Python 2 str literal (the STRING
// opcode): backslash escapes, octal and \x escapes; an unknown escape
// stays as written.
func escapeDecode(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(s) {
			return nil, badPickle("trailing \\ in a STRING argument")
		}
		switch e := s[i]; e {
		case '\n':
		case '\\', '\'', '"':
			out = append(out, e)
		case 'a':
			out = append(out, 7)
		case 'b':
			out = append(out, 8)
		case 'f':
			out = append(out, 12)
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, 11)
		case 'x':
			if i+3 > len(s) {
				return nil, badPickle("invalid \\x escape in a STRING argument")
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, badPickle("invalid \\x escape in a STRING argument")
			}
			out = append(out, byte(v))
			i += 2
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			for k := 0; k < 2 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; k++ {
				i++
				v = v*8 + int(s[i]-'0')
			}
			out = append(out, byte(v))
		default:
			out = append(out, '\\', e)
		}
	}
	return out, nil
}

// decimalIndex reads the memo index of a text PUT or GET: a decimal line.
func (d *pkDecoder) decimalIndex(op string) (uint64, error) {
	s, err := d.line()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 63)
	if err != nil {
		return 0, badPickle("invalid %s index %q", op, s)
	}
	return n, nil
}
