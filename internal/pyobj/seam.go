package pyobj

// The seam between the model and the protocol engine (package rpyc). The
// model never imports the engine; the engine reaches the model through
// the operations of a Policy (GetAttr, CallAttr, Dir, ...) and the
// helpers it needs to box values (Normalize, AsIterator, TypeName), and
// the model reaches the engine only through what is declared here: the
// Policy a connection's Config and Limits make, and the peer's objects,
// which the engine makes and the model recognises and calls as Remote.

import (
	"context"
	"iter"
	"reflect"
)

// Policy is what one connection lets its peer do to local objects: the
// attribute policy of its Config (Python's _check_attr, with the same
// field names) and the size of what one request may build. The engine
// makes one per connection, with every default applied, and never
// changes it; the model only reads it. The operations the peer's
// requests reach (GetAttr, CallAttr, Dir, ...) are its methods.
type Policy struct {
	// DenyGetattr, AllowSetattr and AllowDelattr say whether the peer
	// may read, set and delete attributes at all.
	DenyGetattr, AllowSetattr, AllowDelattr bool
	// DenySafeAttrs makes the dunders in SafeAttrs unreachable too.
	DenySafeAttrs bool
	// SafeAttrs are the names starting with "_" the peer may reach.
	SafeAttrs map[string]bool
	// DenyExposedAttrs hides what Go types expose (methods, marked fields).
	DenyExposedAttrs bool
	// AllowPublicAttrs exposes every exported method and field, marked or
	// not (Config.AllowPublicAttrs or Config.AllowAllAttrs).
	AllowPublicAttrs bool
	// ExposedPrefix is stripped from names the peer asks for ("exposed_").
	ExposedPrefix string
	// MaxBuildItems bounds the items one request may make a list or dict
	// method build (Limits.MaxBuildItems); zero or negative: no bound.
	MaxBuildItems int
}

// Remote is an object that lives on the peer: the engine's *rpyc.Netref,
// as the model uses one the peer passed in (an argument, an item stored in
// a Go list, a service that is itself a netref). The model never makes
// one, and recognises one only through AsRemote. Every method is a round
// trip to the peer.
type Remote interface {
	// TypeName is the Python type the peer reports ("builtins.list").
	TypeName() string
	// String names the object for messages and repr.
	String() string
	GetAttr(ctx context.Context, name string) (any, error)
	SetAttr(ctx context.Context, name string, value any) error
	DelAttr(ctx context.Context, name string) error
	// Call and CallMethod take keyword arguments as a trailing Kwargs.
	Call(ctx context.Context, args ...any) (any, error)
	CallMethod(ctx context.Context, name string, args ...any) (any, error)
	// Iter iterates the object; the error, if any, is the last pair.
	Iter(ctx context.Context) iter.Seq2[any, error]
}

// Peer is what the engine tells the model about the peer's objects. The
// engine installs it once with SetPeer, before any connection exists.
type Peer struct {
	// Type is the dynamic type of the peer's objects (*rpyc.Netref). Only
	// a value of exactly this type is a Remote: a Go type of the user's
	// with the same methods, or a struct embedding a *rpyc.Netref, stays a
	// local object like any other.
	Type reflect.Type
	// Convert makes r into a value of t, a slice, array, map or func
	// type: a remote list, tuple, set or dict fetched by value, a
	// callable as a Go func that calls it. It serves ConvertTo, so a Go
	// method's []T or map[K]V parameter accepts the peer's list or dict.
	Convert func(r Remote, t reflect.Type) (reflect.Value, error)
}

// peer is set once by SetPeer, before any other goroutine reads it.
var peer Peer

// SetPeer installs the engine's answer to what the model asks of the
// peer's objects. Package rpyc calls it from an init function; nothing
// else may.
func SetPeer(p Peer) { peer = p }

// AsRemote returns v as the peer's object, if it is one (see Peer.Type).
func AsRemote(v any) (Remote, bool) {
	if v == nil || peer.Type == nil || reflect.TypeOf(v) != peer.Type {
		return nil, false
	}
	r, ok := v.(Remote)
	return r, ok
}
