package pyobj

import (
	"context"
	"runtime"

	"github.com/rpyc-go/rpyc/brine"
)

// Local values seen as Python objects by Go code on the serving side:
// the same attributes, methods (Python names, defaults, keyword
// arguments) and dunder methods the peer gets for them, without the name
// policy (CheckName), which guards only the peer. The classic server's
// interpreter reaches Go modules this way, so code sent to it sees what
// a client sees. A peer's object passed in is called on its peer.

// LocalGetattr is getattr(obj, name) on a local value: a field's value,
// or a bound method to call with LocalCall.
func (p *Policy) LocalGetattr(ctx context.Context, obj any, name string) (any, error) {
	if n, ok := AsRemote(obj); ok {
		return n.GetAttr(ctx, name)
	}
	if o, ok := obj.(Object); ok {
		return o.RPyCGetattr(ctx, name)
	}
	r, err := p.resolve(ctx, obj, name)
	if err != nil {
		return nil, err
	}
	if r.callable() {
		return &boundMethod{self: obj, name: name, call: r.callFunc()}, nil
	}
	return localResult(r.value), nil
}

// LocalSetattr is setattr(obj, name, value): fields marked
// `rpyc:"name,rw"` (or any exported field under AllowPublicAttrs).
func (p *Policy) LocalSetattr(ctx context.Context, obj any, name string, value any) error {
	if n, ok := AsRemote(obj); ok {
		return n.SetAttr(ctx, name, value)
	}
	return p.setField(ctx, obj, name, value)
}

// LocalDelattr is delattr(obj, name).
func (p *Policy) LocalDelattr(ctx context.Context, obj any, name string) error {
	if n, ok := AsRemote(obj); ok {
		return n.DelAttr(ctx, name)
	}
	return p.delAttr(ctx, obj, name)
}

// LocalCall is fn(*args, **kw).
func (p *Policy) LocalCall(ctx context.Context, fn any, args []any, kw Kwargs) (any, error) {
	if n, ok := AsRemote(fn); ok {
		return n.Call(ctx, append(args, kw)...)
	}
	v, err := p.Call(ctx, fn, brine.Tuple(args), kw)
	return localResult(v), err
}

// LocalCallMethod is obj.name(*args, **kw) in one step.
func (p *Policy) LocalCallMethod(ctx context.Context, obj any, name string, args []any, kw Kwargs) (any, error) {
	if n, ok := AsRemote(obj); ok {
		if kw != nil {
			args = append(args, kw)
		}
		return n.CallMethod(ctx, name, args...)
	}
	r, err := p.resolve(ctx, obj, name)
	if err != nil {
		return nil, err
	}
	var v any
	if r.callable() {
		v, err = r.invoke(ctx, brine.Tuple(args), kw)
	} else {
		v, err = p.Call(ctx, r.value, brine.Tuple(args), kw)
	}
	return localResult(v), err
}

// localResult makes a result what the peer would get: Go iterators
// (iter.Seq, channels) become Python iterators. One the Go code drops
// before its end is stopped when it is garbage collected, freeing its
// goroutine, as the object table stops those the peer drops.
func localResult(v any) any {
	if _, already := v.(*goIterator); already {
		return v // made here or by the object model before, with its own stop
	}
	v = AsIterator(v)
	if it, ok := v.(*goIterator); ok && it.stop != nil {
		runtime.AddCleanup(it, func(stop func()) { go stop() }, it.stop)
	}
	return v
}

// LocalDir is dir(obj) of a local value.
func (p *Policy) LocalDir(ctx context.Context, obj any) []string {
	t := p.Dir(ctx, obj)
	out := make([]string, 0, len(t))
	for _, n := range t {
		if s, ok := n.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
