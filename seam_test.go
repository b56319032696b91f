package rpyc

import (
	"context"
	"iter"
	"testing"

	"github.com/rpyc-go/rpyc/internal/pyobj"
)

// lookalike has every method of pyobj.Remote but is a user's local value.
type lookalike struct{}

func (lookalike) TypeName() string                                        { return "builtins.list" }
func (lookalike) String() string                                          { return "lookalike" }
func (lookalike) GetAttr(context.Context, string) (any, error)            { return nil, nil }
func (lookalike) SetAttr(context.Context, string, any) error              { return nil }
func (lookalike) DelAttr(context.Context, string) error                   { return nil }
func (lookalike) Call(context.Context, ...any) (any, error)               { return nil, nil }
func (lookalike) CallMethod(context.Context, string, ...any) (any, error) { return nil, nil }
func (lookalike) Iter(context.Context) iter.Seq2[any, error]              { return nil }

// TestModelRecognisesOnlyNetrefs: the object model takes exactly a
// *Netref for the peer's object, never a user's type with the same
// methods, nor one embedding a *Netref.
func TestModelRecognisesOnlyNetrefs(t *testing.T) {
	n := &Netref{}
	if _, ok := pyobj.AsRemote(n); !ok {
		t.Errorf("AsRemote(*Netref) = false, want true")
	}
	var _ pyobj.Remote = lookalike{}
	for _, v := range []any{lookalike{}, &lookalike{}, struct{ *Netref }{n}} {
		if _, ok := pyobj.AsRemote(v); ok {
			t.Errorf("AsRemote(%T) = true, want false: a local value", v)
		}
	}
	if got := pyobj.Describe(lookalike{}); got != "rpyc.lookalike" {
		t.Errorf("Describe(lookalike) = %q, want the Go type, not a netref", got)
	}
}
