package pyobj

import (
	"context"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
)

// CompareByMethod serves HANDLE_CMP with the object's own comparison
// method when its Go type has one (a method exposed as __eq__, __lt__,
// ...: a path, a date, a version), as Python's server calls
// type(obj).__eq__(obj, other); HANDLE_HASH uses __hash__ the same way
// (other is then unused). ok is false when the type defines no such
// method, or its method returned NotImplemented, and the generic
// comparison (Compare, Hash) applies.
func CompareByMethod(ctx context.Context, obj, other any, op string) (v any, ok bool, err error) {
	obj = Unroot(obj)
	if obj == nil || classOf(obj) != nil {
		return nil, false, nil
	}
	m := infoOf(reflect.TypeOf(obj)).methods[op]
	if m == nil {
		return nil, false, nil
	}
	args := brine.Tuple{other}
	if op == "__hash__" {
		args = brine.Tuple{}
	}
	v, err = m.sig.callMethod(ctx, reflect.ValueOf(obj), m.fn, args, nil)
	if err != nil {
		return nil, true, err
	}
	if v == brine.NotImplemented {
		return nil, false, nil
	}
	return v, true, nil
}
