package pyobj

// The object protocol: what every Python object has because object has
// it, and so what Python code assumes of any value it reaches. Every
// local Go value answers these names when nothing more specific does
// (its native class, its type's methods and fields, a dynamic attribute):
//
//	__format__(spec)   format(x, spec), f"{x:spec}" (format.go)
//	__doc__            the type's docstring (Documenter), else None
//	__class__          the type of a program's value as a Python class (typeobject.go)
//	__sizeof__()       the bytes the value takes, shallow, as sys.getsizeof
//	__dir__()          dir(x), as HANDLE_DIR answers it
//	__repr__(), __str__(), __hash__()
//	__eq__, __ne__, __lt__, __le__, __gt__, __ge__   as HANDLE_CMP answers
//
// Answering a name is not reaching it: the peer gets only what the
// policy lets through (CheckName), and Python's default safe_attrs have
// __format__, __doc__, __repr__, __str__, __hash__ and the comparisons
// but not __class__, __sizeof__ or __dir__, which a Python server refuses
// as ours does (Config.SafeAttrs opens them). A Python client needs none
// of those three through GETATTR: dir() is HANDLE_DIR, and a builtin
// netref's __class__ is local. Code on this side (the classic server's
// interpreter, through Local*) reaches them all.
//
// Interpreter objects (Object) answer every name themselves, and a
// Restrict-ed value only its listed names, as Python's restricted() does.

import (
	"context"
	"reflect"
	"slices"

	"github.com/rpyc-go/rpyc/brine"
)

// protocolNames are the names of the object protocol, sorted.
var protocolNames = []string{
	"__class__", "__dir__", "__doc__", "__eq__", "__format__", "__ge__", "__gt__",
	"__hash__", "__le__", "__lt__", "__ne__", "__repr__", "__sizeof__", "__str__",
}

// protocolCallables are the protocol's methods, as INSPECT lists them.
var protocolCallables = slices.DeleteFunc(slices.Clone(protocolNames), func(n string) bool {
	return n == "__class__" || n == "__doc__"
})

// objectAttr resolves a protocol name on obj; ok is false for other
// names.
func (p *Policy) objectAttr(obj any, name string) (resolved, bool) {
	call := func(lo, hi int, f func(ctx context.Context, args brine.Tuple) (any, error)) (resolved, bool) {
		return resolved{call: func(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error) {
			if err := checkArgs(name, args, kw, lo, hi); err != nil {
				return nil, err
			}
			return f(ctx, args)
		}}, true
	}
	switch name {
	case "__format__":
		return call(1, 1, func(_ context.Context, args brine.Tuple) (any, error) {
			spec, ok := args[0].(string)
			if !ok {
				return nil, typeError("format() argument 2 must be str, not %s", gotDesc(args[0]))
			}
			return formatValue(obj, spec)
		})
	case "__doc__":
		return resolved{value: docOf(obj)}, true
	case "__class__":
		c, ok := classFor(obj)
		if !ok {
			return resolved{}, false
		}
		return resolved{value: c}, true
	case "__sizeof__":
		return call(0, 0, func(context.Context, brine.Tuple) (any, error) { return sizeOf(obj), nil })
	case "__dir__":
		return call(0, 0, func(ctx context.Context, _ brine.Tuple) (any, error) { return p.Dir(ctx, obj), nil })
	case "__repr__":
		return call(0, 0, func(context.Context, brine.Tuple) (any, error) { return Repr(obj), nil })
	case "__str__":
		return call(0, 0, func(context.Context, brine.Tuple) (any, error) { return Str(obj), nil })
	case "__hash__":
		if k := classOf(Unroot(obj)); k == listClass || k == dictClass {
			return resolved{value: nil}, true // unhashable: Python's list.__hash__ is None
		}
		return call(0, 0, func(ctx context.Context, _ brine.Tuple) (any, error) {
			if v, ok, err := CompareByMethod(ctx, obj, nil, "__hash__"); ok {
				return v, err
			}
			return Hash(obj)
		})
	case "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__":
		return call(1, 1, func(_ context.Context, args brine.Tuple) (any, error) {
			return Compare(obj, args[0], name)
		})
	}
	return resolved{}, false
}

// protocolDir is what the protocol adds to dir(obj) for the peer: the
// names its policy lets through.
func (p *Policy) protocolDir(obj any, add func(string)) {
	for _, n := range protocolNames {
		if _, err := p.CheckName(n, AccessGet); err != nil {
			continue
		}
		if _, ok := p.objectAttr(obj, n); ok {
			add(n)
		}
	}
}

// sizeOf is obj.__sizeof__(): the bytes the value itself takes, with the
// array behind a slice, the bytes of a string and an estimate of a map's
// entries, but not what they point to (as sys.getsizeof counts a list's
// slots, not its items).
func sizeOf(obj any) int64 {
	rv := reflect.ValueOf(Unroot(obj))
	if !rv.IsValid() {
		return 16
	}
	n := int64(rv.Type().Size())
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
		n += int64(rv.Type().Size())
	}
	switch rv.Kind() {
	case reflect.Slice:
		n += int64(rv.Cap()) * int64(rv.Type().Elem().Size())
	case reflect.String:
		n += int64(rv.Len())
	case reflect.Map:
		n += int64(rv.Len()) * int64(rv.Type().Key().Size()+rv.Type().Elem().Size())
	}
	return n
}
