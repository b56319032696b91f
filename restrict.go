package rpyc

import (
	"github.com/rpyc-go/rpyc/brine"
)

// Restrict wraps obj so the peer reaches only the attribute names in read
// (get and call) and sets only those in write (when the config allows
// setattr at all). Everything else is an AttributeError, whatever obj
// exposes. It is Python's rpyc.restricted(obj, attrs, wattrs).
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

func (r *restricted) RPyCTypeName() string { return pyTypeName(r.obj) }

func (r *restricted) String() string { return pyStr(r.obj) }

// names lists what dir() shows: the readable names.
func (r *restricted) names() brine.Tuple {
	out := brine.Tuple{}
	for _, n := range sortedKeys(r.read) {
		out = append(out, n)
	}
	return out
}
