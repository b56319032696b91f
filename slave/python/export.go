package python

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"weak"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// An interpreter object leaves the interpreter (an eval result, a
// namespace value, an argument to a client's callback) as an *exported:
// an rpyc.Object that runs each request of the client on it through the
// interpreter, holding the interpreter lock, as a Python server's
// objects answer under the GIL. The same object always leaves as the
// same *exported while one is alive, so `is` and the client's netref
// cache see one object.

type exported struct {
	in *Interp
	v  Value
}

var _ rpyc.Object = (*exported)(nil)

// exportTable maps interpreter objects to their live wrapper.
type exportTable struct {
	mu sync.Mutex
	m  map[uintptr]weak.Pointer[exported]
}

func (t *exportTable) init() { t.m = map[uintptr]weak.Pointer[exported]{} }

func addrOf(v Value) uintptr {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		return rv.Pointer()
	}
	return 0
}

// wrap returns the wrapper of v.
func (t *exportTable) wrap(in *Interp, v Value) *exported {
	addr := addrOf(v)
	if addr == 0 {
		return &exported{in: in, v: v}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[uintptr]weak.Pointer[exported]{}
	}
	if wp, ok := t.m[addr]; ok {
		if e := wp.Value(); e != nil {
			return e
		}
	}
	e := &exported{in: in, v: v}
	wp := weak.Make(e)
	t.m[addr] = wp
	runtime.AddCleanup(e, func(addr uintptr) {
		t.mu.Lock()
		if cur, ok := t.m[addr]; ok && cur == wp {
			delete(t.m, addr)
		}
		t.mu.Unlock()
	}, addr)
	return e
}

// export converts an interpreter value for the outside: plain values by
// value, everything else by reference.
func (th *Thread) export(v Value) any { return th.toHost(v, true, 0) }

// do runs f for a request on this object.
func (e *exported) do(ctx context.Context, f func(th *Thread) (any, error)) (any, error) {
	var out any
	err := e.in.run(ctx, func(th *Thread) error {
		r, err := f(th)
		if err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, e.in.exception(err)
	}
	return out, nil
}

// RPyCGetattr is getattr(obj, name).
func (e *exported) RPyCGetattr(ctx context.Context, name string) (any, error) {
	return e.do(ctx, func(th *Thread) (any, error) {
		v, err := getAttr(th, e.v, name)
		if err != nil {
			return nil, err
		}
		return th.export(v), nil
	})
}

// RPyCSetattr is setattr(obj, name, value).
func (e *exported) RPyCSetattr(ctx context.Context, name string, value any) error {
	_, err := e.do(ctx, func(th *Thread) (any, error) {
		return nil, setAttr(th, e.v, name, th.fromHost(value))
	})
	return err
}

// RPyCDelattr is delattr(obj, name).
func (e *exported) RPyCDelattr(ctx context.Context, name string) error {
	_, err := e.do(ctx, func(th *Thread) (any, error) {
		return nil, delAttr(th, e.v, name)
	})
	return err
}

// RPyCDir is dir(obj).
func (e *exported) RPyCDir(ctx context.Context) ([]string, error) {
	r, err := e.do(ctx, func(th *Thread) (any, error) { return dir(th, e.v) })
	if err != nil {
		return nil, err
	}
	return r.([]string), nil
}

// RPyCMethods lists the callable attributes of the object's class, for
// the client's proxy class (Python's inspect_methods).
func (e *exported) RPyCMethods(ctx context.Context) ([]string, error) {
	r, err := e.do(ctx, func(th *Thread) (any, error) {
		seen := map[string]bool{}
		cls := typeOf(e.v)
		mros := cls.mro
		if c, ok := e.v.(*Class); ok {
			mros = append(append([]*Class{}, ClassType.mro...), c.mro...)
		}
		for _, k := range mros {
			for _, key := range k.dict.Keys() {
				name, ok := key.(string)
				if !ok {
					continue
				}
				v, _ := k.dict.GetStr(name)
				switch v.(type) {
				case *Function, *Builtin, *Method, *StaticMethod, *ClassMethod, *Class:
					seen[name] = true
				case *Instance:
					if isCallable(v) {
						seen[name] = true
					}
				}
			}
		}
		out := make([]string, 0, len(seen))
		for n := range seen {
			out = append(out, n)
		}
		sort.Strings(out)
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return r.([]string), nil
}

// RPyCCall is obj(*args, **kw).
func (e *exported) RPyCCall(ctx context.Context, args brine.Tuple, kw rpyc.Kwargs) (any, error) {
	return e.do(ctx, func(th *Thread) (any, error) {
		av := make([]Value, len(args))
		for i, a := range args {
			av[i] = th.fromHost(a)
		}
		var kv []KV
		if len(kw) > 0 {
			names := make([]string, 0, len(kw))
			for k := range kw {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				kv = append(kv, KV{k, th.fromHost(kw[k])})
			}
		}
		r, err := call(th, e.v, av, kv)
		if err != nil {
			return nil, err
		}
		return th.export(r), nil
	})
}

// RPyCTypeName names the object's type for the client: builtins.list and
// the like use the client's own proxy classes for Python's types.
func (e *exported) RPyCTypeName() string {
	c := typeOf(e.v)
	if c.module == "" {
		return "builtins." + c.qualname
	}
	return c.module + "." + c.qualname
}

// RPyCPickle gives Python's classic.obtain (pickle) plain data.
func (e *exported) RPyCPickle() (any, error) {
	r, err := e.do(context.Background(), func(th *Thread) (any, error) {
		return th.plainData(e.v, 0)
	})
	return r, err
}

// plainData converts a value made only of plain data for pickling.
func (th *Thread) plainData(v Value, depth int) (any, error) {
	if depth > maxConvertDepth {
		return nil, th.newError(ErrRecursionError, "value nested too deeply to pickle")
	}
	switch x := v.(type) {
	case nil, bool, int64, *big.Int, float64, complex128, string, []byte:
		return v, nil
	case Tuple:
		out := make(brine.Tuple, len(x))
		for i, it := range x {
			p, err := th.plainData(it, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case *List:
		out := make([]any, len(x.items))
		for i, it := range x.items {
			p, err := th.plainData(it, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case *Dict:
		if th.in.dictCopy != nil {
			var keys, vals []any
			for _, en := range x.entries {
				if !en.live {
					continue
				}
				k, err := th.plainData(en.key, depth+1)
				if err != nil {
					return nil, err
				}
				val, err := th.plainData(en.val, depth+1)
				if err != nil {
					return nil, err
				}
				keys, vals = append(keys, k), append(vals, val)
			}
			return th.in.dictCopy(keys, vals), nil
		}
		out := map[any]any{}
		for _, en := range x.entries {
			if !en.live {
				continue
			}
			k, err := th.plainData(en.key, depth+1)
			if err != nil {
				return nil, err
			}
			if k != nil && !reflect.TypeOf(k).Comparable() {
				return nil, th.newError(ErrTypeError, "cannot pickle a dict with this key type")
			}
			val, err := th.plainData(en.val, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = val
		}
		return out, nil
	case *Set:
		out := make([]any, 0, x.len())
		for _, k := range x.keys() {
			p, err := th.plainData(k, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		if !x.frozen && th.in.setCopy != nil {
			return th.in.setCopy(out), nil
		}
		return brine.FrozenSet(out), nil
	case *ByteArray:
		return append([]byte{}, x.b...), nil
	}
	return nil, th.typeErrorf("cannot pickle '%s' object", typeName(v))
}

// GoString is the object's repr without running code (the engine calls
// it where no code may run, with its own locks held).
func (e *exported) GoString() string {
	if !e.in.mu.TryLock() {
		return fmt.Sprintf("<%s object>", typeName(e.v))
	}
	defer e.in.mu.Unlock()
	s, err := repr(plainThread(), e.v)
	if err != nil {
		return fmt.Sprintf("<%s object>", typeName(e.v))
	}
	return s
}

// exception converts an error leaving the interpreter into the Python
// exception rpyc sends: class, args, attributes, and the traceback text.
func (in *Interp) exception(err error) error {
	var se *SyntaxError
	if errors.As(err, &se) {
		return syntaxException(se)
	}
	var out *vinegar.Exception
	_ = in.run(context.Background(), func(th *Thread) error {
		out = th.toVinegar(asException(th, err))
		return nil
	})
	return out
}

func (th *Thread) toVinegar(e *Instance) *vinegar.Exception {
	mod := e.class.module
	if mod == "" {
		mod = "builtins"
	}
	ve := &vinegar.Exception{Module: mod, Name: e.class.name, Cause: e.exc.goErr}
	ve.Args = make(brine.Tuple, len(e.exc.args))
	for i, a := range e.exc.args {
		ve.Args[i] = th.export(a)
	}
	if e.dict != nil {
		for _, en := range e.dict.entries {
			if k, ok := en.key.(string); ok && en.live {
				ve.Attrs = append(ve.Attrs, vinegar.Attr{Name: k, Value: th.export(en.val)})
			}
		}
	}
	ve.Traceback = formatTraceback(th, e)
	return ve
}

// syntaxException is a parse error as Python's compile() reports it.
func syntaxException(se *SyntaxError) *vinegar.Exception {
	text := any(nil)
	if se.Text != "" {
		text = se.Text
	}
	ve := vinegar.New(se.Class, se.Msg, brine.Tuple{"<string>", int64(se.Pos.Line), int64(se.Pos.Col + 1), text, int64(se.Pos.Line), int64(se.Pos.Col + 2)})
	ve.WithAttr("msg", se.Msg).WithAttr("filename", "<string>").WithAttr("lineno", int64(se.Pos.Line)).
		WithAttr("offset", int64(se.Pos.Col+1)).WithAttr("text", text)
	tb := "Traceback (most recent call last):\n  File \"<string>\", line " + fmt.Sprint(se.Pos.Line) + "\n"
	if se.Text != "" {
		line := se.Text
		trimmed := strings.TrimLeft(line, " \t\f")
		col := se.Pos.Col - (len(line) - len(trimmed))
		tb += "    " + strings.TrimRight(trimmed, "\r\n") + "\n    " + strings.Repeat(" ", max(col, 0)) + "^\n"
	}
	tb += se.Class + ": " + se.Msg + "\n"
	ve.Traceback = tb
	return ve
}
