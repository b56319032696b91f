package rpyc

import (
	"context"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
)

// CallLocal calls a local callable the peer handed back to us, as
// HANDLE_CALL would: a bound method of one of our objects (what the
// peer got from GETATTR), a Go func, or a value whose type has a method
// exposed as __call__. A service uses it to call what a client passes as
// a callback when that callback is one of the service's own methods
// (sorted(items, key=obj.method) on a classic server). ctx should be the
// request's context.
func CallLocal(ctx context.Context, fn any, args ...any) (any, error) {
	c, ok := ConnFromContext(ctx)
	if !ok {
		c = &Conn{}
	}
	return c.call(ctx, fn, brine.Tuple(args), nil)
}

// IsCallable reports whether a local value is callable by the peer (see
// CallLocal); a *Netref reports false, as only its peer knows.
func IsCallable(v any) bool {
	switch x := v.(type) {
	case nil, *Netref:
		return false
	case *boundMethod:
		return true
	case *rootObject:
		return IsCallable(x.value)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Func {
		return !rv.IsNil()
	}
	return infoOf(rv.Type()).methods["__call__"] != nil
}
