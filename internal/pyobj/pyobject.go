package pyobj

import (
	"context"
	"errors"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Object is implemented by Go values that are Python objects in their
// own right, whose attributes are not fixed by a Go type: the objects of
// an interpreter (the classic server's lists, dicts, functions and
// instances of classes defined in code). The object model asks them
// instead of reflecting on their type; the peer's repr, str, ==, hash,
// iteration and with blocks become calls of their dunder methods
// (__repr__, __eq__, __iter__, __exit__, ...), as in Python.
//
// Every method gets the context of the request it serves. Errors are
// sent to the peer as exceptions (a *vinegar.Exception for a Python
// class). An Object also names its type for the peer with RPyCTypeName
// ("builtins.list" gives a Python client its own list proxy).
type Object interface {
	// RPyCGetattr is getattr(obj, name).
	RPyCGetattr(ctx context.Context, name string) (any, error)
	// RPyCSetattr is setattr(obj, name, value).
	RPyCSetattr(ctx context.Context, name string, value any) error
	// RPyCDelattr is delattr(obj, name).
	RPyCDelattr(ctx context.Context, name string) error
	// RPyCDir is dir(obj).
	RPyCDir(ctx context.Context) ([]string, error)
	// RPyCMethods lists the callable attributes of obj's class, which a
	// Python client makes methods of its proxy class (INSPECT).
	RPyCMethods(ctx context.Context) ([]string, error)
	// RPyCCall is obj(*args, **kw).
	RPyCCall(ctx context.Context, args brine.Tuple, kw Kwargs) (any, error)
	// RPyCTypeName is the type's "module.name".
	RPyCTypeName() string
}

// ObjectCall calls obj.name(*args) on an Object.
func ObjectCall(ctx context.Context, o Object, name string, args ...any) (any, error) {
	m, err := o.RPyCGetattr(ctx, name)
	if err != nil {
		return nil, err
	}
	if f, ok := m.(Object); ok {
		return f.RPyCCall(ctx, brine.Tuple(args), nil)
	}
	return nil, vinegar.New("TypeError", "'"+name+"' is not callable")
}

// ObjectText is repr(obj) or str(obj) through __repr__ or __str__.
func ObjectText(ctx context.Context, o Object, name string) (string, error) {
	r, err := ObjectCall(ctx, o, name)
	if err != nil {
		return "", err
	}
	s, ok := r.(string)
	if !ok {
		return "", vinegar.New("TypeError", name+" returned non-string")
	}
	return s, nil
}

// objectBuffIter answers BUFFITER on an Object: up to n items of its
// iteration.
func objectBuffIter(ctx context.Context, o Object, n int64) (brine.Tuple, error) {
	it := any(o)
	if _, err := o.RPyCGetattr(ctx, "__next__"); err != nil {
		if it, err = ObjectCall(ctx, o, "__iter__"); err != nil {
			return nil, err
		}
	}
	io, ok := it.(Object)
	if !ok {
		return brine.Tuple{}, nil
	}
	var out brine.Tuple
	for int64(len(out)) < n {
		v, err := ObjectCall(ctx, io, "__next__")
		if err != nil {
			if errors.Is(err, vinegar.ErrStopIteration) {
				break
			}
			return nil, err
		}
		out = append(out, v)
	}
	if out == nil {
		out = brine.Tuple{}
	}
	return out, nil
}
