package slave

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// toGo converts a Starlark value to what the engine sends to Python:
// plain data by value (tuples) or as Go lists and dicts (by reference),
// functions as callables.
func (n *Namespace) toGo(v starlark.Value) (any, error) { return toGo(n, v, 0) }

const maxConvertDepth = 100

func toGo(n *Namespace, v starlark.Value, depth int) (any, error) {
	if depth > maxConvertDepth {
		return nil, vinegar.New("RecursionError", "value nested too deeply to send")
	}
	switch x := v.(type) {
	case nil, starlark.NoneType:
		return nil, nil
	case starlark.Bool:
		return bool(x), nil
	case starlark.Int:
		if i, ok := x.Int64(); ok {
			return i, nil
		}
		return x.BigInt(), nil
	case starlark.Float:
		return float64(x), nil
	case starlark.String:
		return string(x), nil
	case starlark.Bytes:
		return []byte(x), nil
	case starlark.Tuple:
		out := make(brine.Tuple, len(x))
		for i, it := range x {
			g, err := toGo(n, it, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	case *starlark.List:
		out := make([]any, x.Len())
		for i := range out {
			g, err := toGo(n, x.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	case *starlark.Dict:
		out := make(map[any]any, x.Len())
		for _, kv := range x.Items() {
			k, err := toGo(n, kv[0], depth+1)
			if err != nil {
				return nil, err
			}
			if k != nil && !reflect.TypeOf(k).Comparable() {
				k = brine.Repr(k) // a tuple key: Go maps cannot hold it
			}
			val, err := toGo(n, kv[1], depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = val
		}
		return out, nil
	case *starlark.Set:
		out := []any{}
		for it := range starlark.Elements(x) {
			g, err := toGo(n, it, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
		return out, nil
	case *goValue:
		return x.v, nil
	case *moduleValue:
		return x.v, nil
	case *remoteValue:
		return x.ref, nil
	case starlark.Callable:
		return &Function{fn: x, ns: n}, nil
	}
	return v.String(), nil
}

// toStarlark converts a value from Python (or a Go module object) to
// Starlark. Netrefs stay references: code can call them and read their
// attributes.
func toStarlark(n *Namespace, v any) (starlark.Value, error) { return toStarlarkDepth(n, v, 0) }

func toStarlarkDepth(n *Namespace, v any, depth int) (starlark.Value, error) {
	if depth > maxConvertDepth {
		return nil, vinegar.New("RecursionError", "value nested too deeply")
	}
	switch x := v.(type) {
	case nil:
		return starlark.None, nil
	case bool:
		return starlark.Bool(x), nil
	case int:
		return starlark.MakeInt(x), nil
	case int64:
		return starlark.MakeInt64(x), nil
	case *big.Int:
		return starlark.MakeBigInt(x), nil
	case float64:
		return starlark.Float(x), nil
	case string:
		return starlark.String(x), nil
	case []byte:
		return starlark.Bytes(x), nil
	case brine.Tuple:
		out := make(starlark.Tuple, len(x))
		for i, it := range x {
			s, err := toStarlarkDepth(n, it, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	case []any:
		items := make([]starlark.Value, len(x))
		for i, it := range x {
			s, err := toStarlarkDepth(n, it, depth+1)
			if err != nil {
				return nil, err
			}
			items[i] = s
		}
		return starlark.NewList(items), nil
	case map[any]any:
		d := starlark.NewDict(len(x))
		for k, val := range x {
			ks, err := toStarlarkDepth(n, k, depth+1)
			if err != nil {
				return nil, err
			}
			vs, err := toStarlarkDepth(n, val, depth+1)
			if err != nil {
				return nil, err
			}
			if err := d.SetKey(ks, vs); err != nil {
				return nil, vinegar.New("TypeError", err.Error())
			}
		}
		return d, nil
	case *Function:
		return x.fn, nil
	case *rpyc.Netref:
		return &remoteValue{ref: x}, nil
	case interface{ isModule() }:
		return &moduleValue{ns: n, v: v}, nil
	}
	if t := reflect.TypeOf(v); t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		return &moduleValue{ns: n, v: v}, nil // an object: its attributes and methods
	}
	return &goValue{v: v}, nil
}

// Function is a Starlark function as a Python callable:
// conn.namespace["f"](21) calls it on the server.
type Function struct {
	fn starlark.Callable
	ns *Namespace
}

// RPyCNames makes Call the __call__ Python uses.
func (f *Function) RPyCNames() map[string]string { return map[string]string{"Call": "__call__"} }

// Call calls the function with the caller's arguments.
func (f *Function) Call(ctx context.Context, kw rpyc.Kwargs, args ...any) (any, error) {
	sargs := make(starlark.Tuple, len(args))
	for i, a := range args {
		s, err := toStarlark(f.ns, a)
		if err != nil {
			return nil, err
		}
		sargs[i] = s
	}
	var skw []starlark.Tuple
	for k, v := range kw {
		s, err := toStarlark(f.ns, v)
		if err != nil {
			return nil, err
		}
		skw = append(skw, starlark.Tuple{starlark.String(k), s})
	}
	th, stop := f.ns.thread(ctx, f.fn.Name())
	defer stop()
	f.ns.run.Lock()
	defer f.ns.run.Unlock()
	v, err := starlark.Call(th, f.fn, sargs, skw)
	if err != nil {
		return nil, pyError(err)
	}
	return f.ns.toGo(v)
}

// GoString is the function's Python repr.
func (f *Function) GoString() string { return "<function " + f.fn.Name() + ">" }

// remoteValue is a Python object (a netref) inside Starlark: calling it
// and reading its attributes go to the client.
type remoteValue struct{ ref *rpyc.Netref }

var (
	_ starlark.Callable = (*remoteValue)(nil)
	_ starlark.HasAttrs = (*remoteValue)(nil)
)

func (r *remoteValue) String() string       { return r.ref.String() }
func (r *remoteValue) Type() string         { return r.ref.TypeName() }
func (r *remoteValue) Freeze()              {}
func (r *remoteValue) Truth() starlark.Bool { return true }
func (r *remoteValue) Hash() (uint32, error) {
	return 0, fmt.Errorf("unhashable: remote %s", r.ref.TypeName())
}
func (r *remoteValue) Name() string        { return r.ref.TypeName() }
func (r *remoteValue) AttrNames() []string { return nil }

func (r *remoteValue) Attr(name string) (starlark.Value, error) {
	v, err := r.ref.GetAttr(context.Background(), name)
	if err != nil {
		return nil, err
	}
	return toStarlark(nil, v)
}

func (r *remoteValue) CallInternal(th *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	goArgs := make([]any, 0, len(args)+1)
	for _, a := range args {
		g, err := toGo(nil, a, 0)
		if err != nil {
			return nil, err
		}
		goArgs = append(goArgs, g)
	}
	if len(kwargs) > 0 {
		kw := rpyc.Kwargs{}
		for _, p := range kwargs {
			g, err := toGo(nil, p[1], 0)
			if err != nil {
				return nil, err
			}
			kw[string(p[0].(starlark.String))] = g
		}
		goArgs = append(goArgs, kw)
	}
	back := outsideOf(th) // waiting for the client: let other code run
	v, err := r.ref.Call(threadCtx(th), goArgs...)
	back()
	if err != nil {
		return nil, err
	}
	return toStarlark(nil, v)
}

// goValue is any other Go value inside Starlark (a module object):
// opaque, shown by its repr.
type goValue struct{ v any }

func (g *goValue) String() string        { return pyRepr(g.v) }
func (g *goValue) Type() string          { return fmt.Sprintf("%T", g.v) }
func (g *goValue) Freeze()               {}
func (g *goValue) Truth() starlark.Bool  { return true }
func (g *goValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: %T", g.v) }

// classify names the Python exception for a Starlark error message.
func classify(err error) string {
	if _, ok := err.(resolve.ErrorList); ok {
		if strings.Contains(err.Error(), "undefined:") {
			return "NameError"
		}
		return "SyntaxError"
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "undefined:"):
		return "NameError"
	case strings.Contains(msg, "division by zero"), strings.Contains(msg, "modulo by zero"):
		return "ZeroDivisionError"
	case strings.Contains(msg, "not in dict"), strings.Contains(msg, "key ") && strings.Contains(msg, " not in "):
		return "KeyError"
	case strings.Contains(msg, "out of range"):
		return "IndexError"
	case strings.Contains(msg, "has no ") && (strings.Contains(msg, "attribute") || strings.Contains(msg, "field or method")):
		return "AttributeError"
	case strings.Contains(msg, "unknown binary op"), strings.Contains(msg, "invalid call of non-function"),
		strings.Contains(msg, "missing argument"), strings.Contains(msg, "unexpected keyword"),
		strings.Contains(msg, "got unexpected"), strings.Contains(msg, "unhashable"), strings.Contains(msg, "want "):
		return "TypeError"
	case strings.Contains(msg, "cancelled"):
		return "KeyboardInterrupt"
	}
	return "RuntimeError"
}
