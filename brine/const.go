package brine

// Wire tags. Each encoded value starts with one of these bytes; the numbers
// are fixed by Python's rpyc.core.brine and pinned by TestTags.
const (
	TagNone           byte = 0x00
	TagEmptyBytes     byte = 0x01
	TagEmptyTuple     byte = 0x02
	TagTrue           byte = 0x03
	TagFalse          byte = 0x04
	TagNotImplemented byte = 0x05
	TagEllipsis       byte = 0x06
	TagUnicode        byte = 0x08 // followed by a complete bytes encoding of UTF-8 text
	TagBytes1         byte = 0x0a
	TagBytes2         byte = 0x0b
	TagBytes3         byte = 0x0c
	TagBytes4         byte = 0x0d
	TagBytesL1        byte = 0x0e
	TagBytesL4        byte = 0x0f
	TagTuple1         byte = 0x10
	TagTuple2         byte = 0x11
	TagTuple3         byte = 0x12
	TagTuple4         byte = 0x13
	TagTupleL1        byte = 0x14
	TagTupleL4        byte = 0x15
	TagIntL1          byte = 0x16 // decimal ASCII text, length in one byte
	TagIntL4          byte = 0x17 // decimal ASCII text, length in four bytes
	TagFloat          byte = 0x18
	TagSlice          byte = 0x19
	TagFrozenSet      byte = 0x1a
	TagComplex        byte = 0x1b
)

// Immediate ints: values in [ImmMin, ImmMax] are the single byte value+immBase.
const (
	ImmMin  = -48
	ImmMax  = 159
	immBase = 0x50
)

// Defaults for a Decoder whose fields are zero.
const (
	// DefaultMaxDepth bounds nesting. Python (recursion limit 1000) manages
	// 496 nested tuples; we allow twice that and never use much stack.
	DefaultMaxDepth = 1000
	// DefaultMaxIntDigits matches CPython 3.11's int max_str_digits (4300):
	// parsing decimal text is superlinear, so a peer may not make us parse
	// megabytes of digits.
	DefaultMaxIntDigits = 4300
)
