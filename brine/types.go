package brine

// Tuple is Python's tuple: an ordered, immutable sequence. It is a distinct
// type (not []any) so that a Go slice passed to the RPyC layer can still mean
// "a list, by reference" while a Tuple always means "a tuple, by value".
type Tuple []any

// FrozenSet is Python's frozenset. The elements keep the order they had on
// the wire (Python's iteration order), so a decoded set re-encodes to the
// same bytes. Duplicates sent by a peer are kept as sent.
type FrozenSet []any

// Slice is Python's slice(start, stop, step). Python allows any value in
// each position; nil means None.
type Slice struct {
	Start, Stop, Step any
}

// EllipsisType is the type of Python's Ellipsis singleton (...).
type EllipsisType struct{}

// NotImplementedType is the type of Python's NotImplemented singleton, which
// RPyC servers return from comparisons they cannot answer.
type NotImplementedType struct{}

// Ellipsis is Python's "...".
var Ellipsis = EllipsisType{}

// NotImplemented is Python's NotImplemented.
var NotImplemented = NotImplementedType{}

// String returns Python's name for the value.
func (EllipsisType) String() string { return "Ellipsis" }

// String returns Python's name for the value.
func (NotImplementedType) String() string { return "NotImplemented" }

// String formats the tuple as Python's repr does.
func (t Tuple) String() string { return Repr(t) }

// String formats the frozenset as Python's repr does.
func (s FrozenSet) String() string { return Repr(s) }

// String formats the slice as Python's repr does.
func (s Slice) String() string { return Repr(s) }
