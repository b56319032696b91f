package rpyc

import (
	"context"

	"github.com/rpyc-go/rpyc/internal/pyobj"
)

// Dynamic attributes, Python's _rpyc_getattr, _rpyc_setattr and
// _rpyc_delattr: a service (or any served value) answers the names it
// declares, exported methods and tagged fields, and may answer more
// through these interfaces, each on its own. They are small interfaces
// beside Object rather than Object itself because a service keeps its
// declared methods and only adds names (Object answers every name, for
// values with no Go type behind their attributes, such as an
// interpreter's); they share Object's method names and signatures.
//
// Every name passes the connection's attribute policy first, as a
// declared name does: names starting with "_" reach a hook only when
// they are in Config.SafeAttrs, and setting or deleting needs
// Config.AllowSetattr or Config.AllowDelattr. (Python's server lets
// _rpyc_setattr bypass allow_setattr; a Go service's Config is the one
// place that says what a peer may change.) A declared name wins over
// the hook. A hook returns ErrNoAttribute for a name it does not have:
// the peer then gets Python's AttributeError ("'Registry' object has no
// attribute 'x'"), after the names every object has (__doc__,
// __format__, ...) are tried; an AttributeError of the hook's own
// (vinegar.New("AttributeError", ...)) is sent as it is.
type (
	// AttrGetter answers getattr(obj, name) for names obj does not
	// declare. A func it returns is a method the peer can call.
	AttrGetter interface {
		RPyCGetattr(ctx context.Context, name string) (any, error)
	}
	// AttrSetter answers setattr(obj, name, value) for names that are
	// not fields of obj.
	AttrSetter interface {
		RPyCSetattr(ctx context.Context, name string, value any) error
	}
	// AttrDeleter answers delattr(obj, name).
	AttrDeleter interface {
		RPyCDelattr(ctx context.Context, name string) error
	}
	// AttrLister adds names to what dir(obj) lists (those the policy
	// lets through).
	AttrLister interface {
		RPyCDir(ctx context.Context) ([]string, error)
	}
)

// ErrNoAttribute is what an AttrGetter, AttrSetter or AttrDeleter
// returns (or wraps) for a name it does not have.
var ErrNoAttribute = pyobj.ErrNoAttribute

var (
	_ pyobj.AttrGetter  = AttrGetter(nil)
	_ AttrGetter        = pyobj.AttrGetter(nil)
	_ pyobj.AttrSetter  = AttrSetter(nil)
	_ AttrSetter        = pyobj.AttrSetter(nil)
	_ pyobj.AttrDeleter = AttrDeleter(nil)
	_ AttrDeleter       = pyobj.AttrDeleter(nil)
	_ pyobj.AttrLister  = AttrLister(nil)
	_ AttrLister        = pyobj.AttrLister(nil)
)
