package pyobj

import (
	"github.com/rpyc-go/rpyc/brine"
)

// Restrict is rpyc.Restrict: obj, reachable only under the names in read
// (get and call) and settable only under those in write.
func Restrict(obj any, read, write []string) any {
	r := &restricted{obj: obj, read: map[string]bool{}, write: map[string]bool{}}
	for _, n := range read {
		r.read[n] = true
	}
	for _, n := range write {
		r.write[n] = true
	}
	return r
}

type restricted struct {
	obj         any
	read, write map[string]bool
}

func (r *restricted) RPyCTypeName() string { return TypeName(r.obj) }

func (r *restricted) String() string { return Str(r.obj) }

// names lists what dir() shows: the readable names.
func (r *restricted) names() brine.Tuple {
	out := brine.Tuple{}
	for _, n := range sortedKeys(r.read) {
		out = append(out, n)
	}
	return out
}
