package rpyc

// The engine's side of the seam with the object model (internal/pyobj,
// which presents local Go values to the peer and never imports this
// package): a connection's Policy, made from its Config, and what the
// model needs to know about the peer's objects (*Netref), installed once.

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/rpyc-go/rpyc/internal/pyobj"
)

func init() {
	pyobj.SetPeer(pyobj.Peer{
		Type:    reflect.TypeFor[*Netref](),
		Convert: convertNetref,
	})
}

var _ pyobj.Remote = (*Netref)(nil)

// policyOf is what cfg (defaults applied) lets the peer do to local
// objects.
func policyOf(cfg *Config) pyobj.Policy {
	return pyobj.Policy{
		DenyGetattr:      cfg.DenyGetattr,
		AllowSetattr:     cfg.AllowSetattr,
		AllowDelattr:     cfg.AllowDelattr,
		DenySafeAttrs:    cfg.DenySafeAttrs,
		SafeAttrs:        cfg.SafeAttrs,
		DenyExposedAttrs: cfg.DenyExposedAttrs,
		AllowPublicAttrs: cfg.AllowPublicAttrs || cfg.AllowAllAttrs,
		ExposedPrefix:    cfg.ExposedPrefix,
		MaxBuildItems:    cfg.Limits.MaxBuildItems,
	}
}

// convertNetref is pyobj.Peer.Convert: a netref as a slice, array, map
// or struct (fetched by value) or a func (calling it).
func convertNetref(r pyobj.Remote, t reflect.Type) (reflect.Value, error) {
	n := r.(*Netref)
	if t.Kind() == reflect.Func {
		return remoteFunc(n, t), nil
	}
	return convertByValue(n, t)
}

// convertByValue fetches a remote container (a list, tuple, set or dict
// behind a netref) by value, at most MaxByValueItems items, and converts
// it to t. It serves As and Go parameters of slice, array, map and
// struct types (a dict fills a struct by field name); it runs under the
// connection's context (bounded by Config.SyncRequestTimeout). A netref
// that is not a container is a *TypeError, as is one too large to fetch
// (which also matches ErrTooLarge), in words a Python caller reads too.
func convertByValue(n *Netref, t reflect.Type) (reflect.Value, error) {
	if !sequenceTypes[n.TypeName()] && !dictTypes[n.TypeName()] {
		return reflect.Value{}, pyobj.NewTypeError(n, t, "", "", nil)
	}
	f := &fetcher{limit: MaxByValueItems}
	plain, err := f.netref(n.conn.ctx, n, 0)
	if errors.Is(err, ErrTooLarge) {
		msg := fmt.Sprintf("fetching %s by value for %s: %v", n, t, err)
		note := fmt.Sprintf("too large to pass by value: over %d items or %d levels deep; pass it in parts", MaxByValueItems, MaxObtainDepth)
		return reflect.Value{}, pyobj.NewTypeError(n, t, msg, note, err)
	}
	if err != nil {
		return reflect.Value{}, fmt.Errorf("fetching %s by value for %s: %w", n, t, err)
	}
	if _, still := plain.(*Netref); still {
		return reflect.Value{}, pyobj.NewTypeError(n, t, "", "", nil)
	}
	return pyobj.ConvertTo(plain, t)
}

// remoteFunc makes a Go function of type t that calls the peer's callable.
// Its results are filled from the peer's result: (T), (T, error), (error)
// or nothing. Without an error result, a failure panics inside the caller's
// handler, where it is recovered and sent back as an exception. A leading
// context.Context parameter bounds the call.
func remoteFunc(n *Netref, t reflect.Type) reflect.Value {
	return reflect.MakeFunc(t, func(in []reflect.Value) []reflect.Value {
		ctx := n.conn.ctx
		args := make([]any, 0, len(in))
		for i, a := range in {
			if i == 0 && t.In(0) == ctxType {
				if c, ok := a.Interface().(context.Context); ok && c != nil {
					ctx = c
				}
				continue
			}
			if t.IsVariadic() && i == len(in)-1 {
				for j := 0; j < a.Len(); j++ {
					args = append(args, a.Index(j).Interface())
				}
				continue
			}
			args = append(args, a.Interface())
		}
		res, err := n.Call(ctx, args...)
		out := make([]reflect.Value, t.NumOut())
		for i := range out {
			out[i] = reflect.Zero(t.Out(i))
		}
		errIdx := -1
		if k := t.NumOut(); k > 0 && t.Out(k-1) == errorType {
			errIdx = k - 1
		}
		if err == nil && t.NumOut() > 0 && errIdx != 0 {
			rv, cerr := pyobj.ConvertTo(res, t.Out(0))
			if cerr != nil {
				err = cerr
			} else {
				out[0] = rv
			}
		}
		if err != nil {
			if errIdx < 0 {
				panic(err)
			}
			out[errIdx] = reflect.ValueOf(&err).Elem()
		}
		return out
	})
}

var (
	ctxType   = reflect.TypeFor[context.Context]()
	errorType = reflect.TypeFor[error]()
)
