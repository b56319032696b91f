package pyobj

import (
	"context"
	"fmt"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
)

// Root is a service as the peer sees it (what GETROOT returns): the Go
// value plus Python's get_service_name and get_service_aliases.
type Root struct {
	value   any
	name    string
	aliases []string
}

// NewRoot makes the root of svc, named as the engine names services. It
// refuses a service whose RPyCParams signatures do not parse.
func NewRoot(svc any, name string, aliases []string) (*Root, error) {
	if r, ok := svc.(*Root); ok {
		return r, nil
	}
	if ti := infoOf(reflect.TypeOf(svc)); ti.err != nil {
		return nil, ti.err
	}
	return &Root{value: svc, name: name, aliases: aliases}, nil
}

// Value returns the service.
func (r *Root) Value() any { return r.value }

func (r *Root) special(name string) (resolved, bool) {
	switch name {
	case "get_service_name":
		return resolved{call: func(context.Context, brine.Tuple, Kwargs) (any, error) { return r.name, nil }}, true
	case "get_service_aliases":
		return resolved{call: func(context.Context, brine.Tuple, Kwargs) (any, error) {
			t := make(brine.Tuple, len(r.aliases))
			for i, a := range r.aliases {
				t[i] = a
			}
			return t, nil
		}}, true
	}
	return resolved{}, false
}

func (r *Root) String() string {
	return fmt.Sprintf("<%s service>", r.name)
}

// Unroot returns the service behind a Root, and any other value as it is.
func Unroot(v any) any {
	if r, ok := v.(*Root); ok {
		return r.value
	}
	return v
}
