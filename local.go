package rpyc

import (
	"context"

	"github.com/rpyc-go/rpyc/brine"
)

// Local values seen as Python objects by Go code on the serving side:
// the same attributes, methods (Python names, defaults, keyword
// arguments) and dunder methods the peer gets for them, without the
// attribute policy, which guards only the peer. The classic server's
// interpreter reaches Go modules this way, so code sent to it sees what
// a client sees. A *Netref passed in is called on its peer.

// LocalGetattr is getattr(obj, name) on a local value: a field's value,
// or a bound method to call with LocalCall.
func (c *Conn) LocalGetattr(ctx context.Context, obj any, name string) (any, error) {
	return c.policy.LocalGetattr(ctx, obj, name)
}

// LocalSetattr is setattr(obj, name, value): fields marked
// `rpyc:"name,rw"` (or any exported field under AllowPublicAttrs).
func (c *Conn) LocalSetattr(ctx context.Context, obj any, name string, value any) error {
	return c.policy.LocalSetattr(ctx, obj, name, value)
}

// LocalDelattr is delattr(obj, name).
func (c *Conn) LocalDelattr(ctx context.Context, obj any, name string) error {
	return c.policy.LocalDelattr(ctx, obj, name)
}

// LocalCall is fn(*args, **kw).
func (c *Conn) LocalCall(ctx context.Context, fn any, args []any, kw Kwargs) (any, error) {
	return c.policy.LocalCall(ctx, fn, args, kw)
}

// LocalCallMethod is obj.name(*args, **kw) in one step.
func (c *Conn) LocalCallMethod(ctx context.Context, obj any, name string, args []any, kw Kwargs) (any, error) {
	return c.policy.LocalCallMethod(ctx, obj, name, args, kw)
}

// LocalDir is dir(obj).
func (c *Conn) LocalDir(ctx context.Context, obj any) ([]string, error) {
	if n, ok := obj.(*Netref); ok {
		return n.Dir(ctx)
	}
	return c.policy.LocalDir(ctx, obj), nil
}

// LocalRepr is repr(obj), as the peer would get it.
func (c *Conn) LocalRepr(ctx context.Context, obj any) (string, error) {
	return localText(c, ctx, obj, handleRepr)
}

// LocalStr is str(obj), as the peer would get it.
func (c *Conn) LocalStr(ctx context.Context, obj any) (string, error) {
	return localText(c, ctx, obj, handleStr)
}

func localText(c *Conn, ctx context.Context, obj any, h handlerFunc) (string, error) {
	v, err := h(c, ctx, brine.Tuple{obj})
	if err != nil {
		return "", err
	}
	s, _ := v.(string)
	return s, nil
}
