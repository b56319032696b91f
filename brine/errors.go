package brine

import (
	"errors"
	"fmt"
)

// ErrMalformed is matched (errors.Is) by every decoding error, so a caller
// can tell "the peer sent garbage" from other failures.
var ErrMalformed = errors.New("brine: malformed data")

// ErrUndumpable is matched by every encoding error: the value has no brine
// form and must travel by reference (or not at all).
var ErrUndumpable = errors.New("brine: value cannot be dumped")

// DecodeError says where in the input decoding failed and why.
type DecodeError struct {
	Offset int    // byte offset of the value or field that failed
	Msg    string // what was wrong there
}

// Error formats the offset and the problem.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("brine: offset %d: %s", e.Offset, e.Msg)
}

// Unwrap makes every DecodeError match ErrMalformed.
func (e *DecodeError) Unwrap() error { return ErrMalformed }

// EncodeError names the Go type that could not be encoded.
type EncodeError struct {
	Type string // Go type name, from %T
	Msg  string
}

// Error names the Go type brine cannot carry.
func (e *EncodeError) Error() string {
	if e.Msg != "" {
		return fmt.Sprintf("brine: cannot dump %s: %s", e.Type, e.Msg)
	}
	return fmt.Sprintf("brine: cannot dump %s", e.Type)
}

// Unwrap makes every EncodeError match ErrUndumpable.
func (e *EncodeError) Unwrap() error { return ErrUndumpable }
