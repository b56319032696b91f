package rpyc

import (
	"context"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/internal/pyobj"
)

// CallLocal calls a local callable the peer handed back to us, as
// HANDLE_CALL would: a bound method of one of our objects (what the
// peer got from GETATTR), a Go func, or a value whose type has a method
// exposed as __call__. A service uses it to call what a client passes as
// a callback when that callback is one of the service's own methods
// (sorted(items, key=obj.method) on a classic server). ctx should be the
// request's context: the connection's policy applies.
func CallLocal(ctx context.Context, fn any, args ...any) (any, error) {
	p := &pyobj.Policy{}
	if c, ok := ConnFromContext(ctx); ok {
		p = &c.policy
	}
	return p.Call(ctx, fn, brine.Tuple(args), nil)
}

// IsCallable reports whether a local value is callable by the peer (see
// CallLocal); a *Netref reports false, as only its peer knows.
func IsCallable(v any) bool {
	if _, ok := v.(*Netref); ok {
		return false
	}
	return pyobj.IsCallable(v)
}
