package pyobj

// Dynamic attributes: Python's _rpyc_getattr, _rpyc_setattr and
// _rpyc_delattr, for Go values.
//
// A service answers the names it declares (its exported methods and
// tagged fields) and may answer more: names it only knows at run time
// (the keys of a registry, the columns of a table, a class made for the
// caller). Object (pyobject.go) is for values that answer every name
// themselves, an interpreter's objects; a service that keeps its
// declared methods and adds names needs only one of the small interfaces
// below, each alone, as io.Reader is to io.ReadWriteCloser. They share
// Object's method names and signatures, so an Object has them all, and a
// value implementing all of Object is asked as an Object instead.
//
// Every name goes through the connection's attribute policy first
// (Policy.CheckName, Python's _check_attr): names starting with "_" are
// refused unless they are safe dunders, and setting or deleting needs
// AllowSetattr or AllowDelattr. Python's server skips its policy for an
// object with _rpyc_getattr; ours does not, so a hook cannot open up
// what the configuration closes.
//
// Order: a declared name wins (a method, a readable field; for setattr,
// a field), then the hook. A hook says it does not have a name by
// returning an error matching ErrNoAttribute (the peer gets Python's
// AttributeError naming the object and the name) or an AttributeError of
// its own; for getattr the object protocol (__doc__, __format__, ...)
// is then tried, and the hook's error is sent when nothing answers.

import (
	"context"
	"errors"

	"github.com/rpyc-go/rpyc/vinegar"
)

// ErrNoAttribute is rpyc.ErrNoAttribute: what a dynamic attribute hook
// returns for a name it does not have.
var ErrNoAttribute = errors.New("rpyc: no such attribute")

// AttrGetter is rpyc.AttrGetter: getattr(obj, name) for names obj does
// not declare.
type AttrGetter interface {
	RPyCGetattr(ctx context.Context, name string) (any, error)
}

// AttrSetter is rpyc.AttrSetter: setattr(obj, name, value) for names
// that are not fields of obj.
type AttrSetter interface {
	RPyCSetattr(ctx context.Context, name string, value any) error
}

// AttrDeleter is rpyc.AttrDeleter: delattr(obj, name).
type AttrDeleter interface {
	RPyCDelattr(ctx context.Context, name string) error
}

// AttrLister is rpyc.AttrLister: the names dir(obj) adds to those obj
// declares.
type AttrLister interface {
	RPyCDir(ctx context.Context) ([]string, error)
}

// notMine reports whether a hook's error says it has no such name.
func notMine(err error) bool {
	return errors.Is(err, ErrNoAttribute) || errors.Is(err, vinegar.ErrAttributeError)
}

// hookError is the error the peer gets when a hook, and nothing after
// it, had the name: Python's message for ErrNoAttribute, the hook's own
// AttributeError otherwise.
func hookError(obj any, name string, err error) error {
	if errors.Is(err, ErrNoAttribute) {
		return noAttribute(obj, name)
	}
	return err
}
