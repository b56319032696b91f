package pyobj

// Conversion errors, in two languages. The same *TypeError reaches a Go
// caller (rpyc.As, in Go's words: "cannot convert float64 to int") and a
// Python caller whose argument did not fit a Go parameter (in Python's:
// "expected a list of int, got float at item 0"), so it keeps what both
// need: the Go type wanted at the top and where the conversion failed,
// the offending value, and why.

import (
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strings"
)

// TypeError is rpyc.TypeError, which documents it: a value that cannot
// become the Go type asked for.
type TypeError struct {
	Want string // the Go type wanted (where the value failed, see Path)
	Got  any    // the value offered (the offending item, see Path)
	Msg  string // when set, the whole message in Go's words
	// Path says where in the converted value Got was found, outermost
	// first ("item 0", "key 'a'", "field 'value'"); empty when the value
	// itself did not fit.
	Path []string

	top  reflect.Type // the type the whole value was converted to
	want reflect.Type // the type wanted at Path
	rng  string       // the range of the int wanted, when the number did not fit
	note string       // why, in Python's words, when not a plain mismatch
	// cause is an error behind the failure (rpyc.ErrTooLarge), for errors.Is.
	cause error
}

// Error says what could not become what, in Go's words.
func (e *TypeError) Error() string {
	var b strings.Builder
	b.WriteString("rpyc: ")
	for _, p := range e.Path {
		b.WriteString(p + ": ")
	}
	if e.Msg != "" {
		b.WriteString(e.Msg)
	} else {
		fmt.Fprintf(&b, "cannot convert %s to %s", Describe(e.Got), e.Want)
	}
	return b.String()
}

// Unwrap returns the error behind the failure, if any.
func (e *TypeError) Unwrap() error { return e.cause }

// PythonMessage is the error in the words a Python caller reads: the
// Python type wanted (for the whole argument), the Python type or value
// offered, and where: "expected a list of int, got float at item 0".
func (e *TypeError) PythonMessage() string {
	want := e.top
	if want == nil {
		want = e.want
	}
	var b strings.Builder
	b.WriteString("expected ")
	switch {
	case want == nil:
		b.WriteString(e.Want)
	case e.rng != "" && len(e.Path) == 0:
		b.WriteString("an int in " + e.rng)
	default:
		b.WriteString(pyTypeDesc(want))
	}
	b.WriteString(", got ")
	if e.rng != "" {
		b.WriteString(Repr(e.Got))
	} else {
		b.WriteString(gotDesc(e.Got))
	}
	if len(e.Path) > 0 {
		b.WriteString(" at " + strings.Join(e.Path, ", "))
		if e.rng != "" {
			b.WriteString(" (out of range " + e.rng + ")")
		}
	}
	if e.note != "" {
		b.WriteString(" (" + e.note + ")")
	}
	return b.String()
}

// gotDesc names the Python type of a value offered.
func gotDesc(v any) string {
	if v == nil {
		return "None"
	}
	return ShortTypeName(Normalize(v))
}

// NewTypeError is a conversion error the engine reports for a peer's
// object it could not fetch as a t: note says why in Python's words,
// msg in Go's, and cause is kept for errors.Is.
func NewTypeError(got any, t reflect.Type, msg, note string, cause error) *TypeError {
	return &TypeError{Want: t.String(), Got: got, Msg: msg, want: t, note: note, cause: cause}
}

// convErr is the plain mismatch: v cannot become a t.
func convErr(v any, t reflect.Type) *TypeError {
	return &TypeError{Want: t.String(), Got: v, want: t}
}

// rangeErr is an int that does not fit the integer type t.
func rangeErr(v any, t reflect.Type, msg string) *TypeError {
	e := convErr(v, t)
	e.Msg, e.rng = msg, intRange(t)
	return e
}

// intRange is the range of the integer type t, as "lo..hi".
func intRange(t reflect.Type) string {
	bits := uint(t.Bits())
	switch t.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		hi := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits), big.NewInt(1))
		return "0.." + hi.String()
	}
	hi := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits-1), big.NewInt(1))
	lo := new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), bits-1))
	return lo.String() + ".." + hi.String()
}

// atPath records that err happened at step (an item, key or field) of
// the value being converted. Errors that are not conversion errors are
// wrapped with the step.
func atPath(err error, step string) error {
	var te *TypeError
	if errors.As(err, &te) {
		te.Path = append([]string{step}, te.Path...)
		return te
	}
	return fmt.Errorf("%s: %w", step, err)
}

// pyTypeDesc names a Go type in Python's words, for the messages a
// Python caller reads: int for every integer kind, str for string, "a
// list of int" for []int, "a dict of str to float" for map[string]float64,
// the type's own name for a struct.
func pyTypeDesc(t reflect.Type) string {
	switch t {
	case bigIntType:
		return "int"
	case tupleType:
		return "a tuple"
	case frozenSetType:
		return "a frozenset"
	case kwargsType:
		return "a dict of str"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "int"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Complex64, reflect.Complex128:
		return "complex"
	case reflect.String:
		return "str"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes"
		}
		if t.Elem().Kind() == reflect.Interface && t.Elem().NumMethod() == 0 {
			return "a list"
		}
		return "a list of " + bare(pyTypeDesc(t.Elem()))
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface && t.Elem().NumMethod() == 0 {
			return "a dict of " + bare(pyTypeDesc(t.Key()))
		}
		return "a dict of " + bare(pyTypeDesc(t.Key())) + " to " + bare(pyTypeDesc(t.Elem()))
	case reflect.Func:
		return "a callable"
	case reflect.Chan:
		return "a channel"
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any value"
		}
		return "an object with the methods of " + goTypeName(t)
	case reflect.Pointer:
		return pyTypeDesc(t.Elem())
	case reflect.Struct:
		n := instanceName(t) // the name the peer knows its values by
		return n[strings.LastIndexByte(n, '.')+1:] + " (or a dict of its fields)"
	}
	return t.String()
}

// bare drops the article of a nested description ("a list of int" in
// "a list of list of int") and a struct's advice.
func bare(desc string) string {
	desc = strings.TrimPrefix(desc, "a ")
	desc, _, _ = strings.Cut(desc, " (")
	return desc
}

// pythonMessage is a conversion failure in the words a Python caller
// reads: a *TypeError's PythonMessage, or the error's own text.
func pythonMessage(err error) string {
	var te *TypeError
	if errors.As(err, &te) {
		return te.PythonMessage()
	}
	var ex interface{ Summary() string } // a *vinegar.Exception
	if errors.As(err, &ex) {
		return ex.Summary()
	}
	return err.Error()
}
