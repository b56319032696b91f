package rpyc

// The object model's public names. The model itself (how Go values
// answer Python's attribute access, calls, dunders and conversions) is
// internal/pyobj; these are what a service or a client names.

import (
	"reflect"

	"github.com/rpyc-go/rpyc/internal/pyobj"
)

// As converts a result to T, so a call reads naturally:
//
//	n, err := rpyc.As[int](root.CallMethod(ctx, "add", 1, 2))
//
// An error passed in is returned as is. Conversions follow Python's types:
// ints to any Go integer type that holds them (else a *TypeError), ints and
// floats to floats, str to string, bytes to []byte, tuples to slices or
// arrays of a convertible element type, a remote list, tuple, set or dict
// (a netref) to a slice, array or map, fetched by value in one or two
// round trips under the connection's context (see Obtain, which takes a
// context, and MaxByValueItems), None to nil/zero, a netref to
// *Netref, a callable netref to a Go func type (calling it calls the peer),
// and any value to an interface type it implements.
func As[T any](v any, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	rv, err := pyobj.ConvertTo(v, reflect.TypeFor[T]())
	if err != nil {
		return zero, err
	}
	out, _ := rv.Interface().(T) // comma-ok: a nil for an interface T is its zero value
	return out, nil
}

// Exposer lets a type rename or hide what it exposes. Keys are Go method or
// field names; a value is the Python name to use, or "" to hide it.
type Exposer interface {
	RPyCNames() map[string]string
}

// ParamNamer lets a type give its methods Python signatures, so Python
// callers can pass keyword arguments and leave out defaulted ones. The map
// is keyed by Go method name; each value is a Python parameter list such
// as "a, b=2, *rest, sep=”, **opts". The names match the Go parameters in
// order (after an optional leading context.Context): plain names first,
// then a Kwargs parameter for "**opts", then the variadic parameter for
// "*rest". Names after "*rest" are keyword-only, as in Python. Defaults
// are Python literals: ints, floats, 'strings', True, False, None.
type ParamNamer interface {
	RPyCParams() map[string]string
}

// TypeNamer lets a type choose the Python type name its references carry
// (the id_pack's name_pack), e.g. "mylib.Counter".
type TypeNamer interface {
	RPyCTypeName() string
}

// Pickler is implemented by Go values that choose their own pickle form:
// RPyCPickle returns plain data (or og-rek's Call, Class, None, Bytes) to
// pickle in their place, as Python's __reduce__ does.
type Pickler interface {
	RPyCPickle() (any, error)
}

// Documenter gives a type's values and methods their Python docstrings,
// since a Go doc comment is not there at run time. Keys are Go method
// names, and "" for the type itself: its __doc__, and its class's. A
// method's __doc__ is its Python signature ("greet(name,
// greeting='hello')"), then a blank line and the text given here.
// Without a Documenter a value's __doc__ is None, as for a Python class
// without a docstring. RPyCDoc is called once per type, on its zero
// value.
type Documenter interface {
	RPyCDoc() map[string]string
}

// Formatter lets a type answer Python's format(obj, spec) and
// f"{obj:spec}" itself, for every spec (the empty one included). Without
// it, an empty spec gives str(obj), a value that is a fmt.Formatter
// (*big.Float, ...) takes Python's numeric specs ("{:>12,.2f}"), and any
// other spec is Python's TypeError("unsupported format string passed to
// T.__format__"), as for a Python object without __format__.
type Formatter interface {
	RPyCFormat(spec string) (string, error)
}

// The model recognises these interfaces by their own declarations, which
// must keep the same method sets.
var (
	_ pyobj.Exposer    = Exposer(nil)
	_ Exposer          = pyobj.Exposer(nil)
	_ pyobj.ParamNamer = ParamNamer(nil)
	_ ParamNamer       = pyobj.ParamNamer(nil)
	_ pyobj.TypeNamer  = TypeNamer(nil)
	_ TypeNamer        = pyobj.TypeNamer(nil)
	_ pyobj.Pickler    = Pickler(nil)
	_ Pickler          = pyobj.Pickler(nil)
	_ pyobj.Documenter = Documenter(nil)
	_ Documenter       = pyobj.Documenter(nil)
	_ pyobj.Formatter  = Formatter(nil)
	_ Formatter        = pyobj.Formatter(nil)
)

// Class is a Go type as a Python class, for a peer that wants one:
// isinstance(x, cls) (answered by the client itself for the type's own
// instances, through HANDLE_INSTANCECHECK for an interface type's
// class), cls(...) to build an instance, cls.__name__ and cls.__doc__.
// A service exposes one as an attribute (a tagged field, or a dynamic
// attribute, AttrGetter), and every value's __class__ is its type's
// class. See ClassOf.
type Class = pyobj.Class

// ClassOf returns the Python class of Go type T, the same *Class on
// every call (and the one a T value's __class__ gives). The class of a
// struct type T is also the class of *T (a service serves its structs as
// pointers). ClassOf also exposes the class for calling: Python then
// builds a *T with it, arguments filling the fields a dict would set (the
// tagged ones, or every exported field of a struct that tags none), by
// position in declaration order or by name; missing fields keep their
// zero value. A class only reached as __class__ answers isinstance but
// cannot be called. The class of an interface type has every type
// implementing it as instances and cannot be called; another type's
// class converts its one argument to T (a list for a []T) or makes T's
// zero value.
func ClassOf[T any]() *Class { return pyobj.ClassOf(reflect.TypeFor[T]()) }

// SnakeCase turns a Go identifier into the Python name it is exposed
// under: GetHistory → get_history, HTTPServer → http_server, ID → id,
// Add2 → add2.
func SnakeCase(name string) string { return pyobj.SnakeCase(name) }

// Restrict wraps obj so the peer reaches only the attribute names in read
// (get and call) and sets only those in write (when the config allows
// setattr at all). Everything else is an AttributeError, whatever obj
// exposes. It is Python's rpyc.restricted(obj, attrs, wattrs).
func Restrict(obj any, read, write []string) any { return pyobj.Restrict(obj, read, write) }

// ErrNotPicklable is matched by errors about a Go value that has no
// pickle form (a func, a channel, a peer's object, a cycle).
var ErrNotPicklable = pyobj.ErrNotPicklable

// Pickle encodes plain Go data as a Python pickle of the given protocol
// (2 to 5; higher is treated as 4, lower as 2): nil, bools, every integer
// kind and *big.Int, floats, complex numbers, strings (str), []byte
// (bytes), brine.Tuple (tuple), brine.FrozenSet (frozenset), other slices
// and arrays (list), maps (dict) and structs, or pointers to them, as
// dicts of their `rpyc`-tagged fields. Anything else fails with
// ErrNotPicklable, naming where in the value it was found.
func Pickle(v any, protocol int) ([]byte, error) { return pyobj.Pickle(v, protocol) }
