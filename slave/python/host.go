package python

import (
	"errors"
	"math/big"
	"reflect"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Foreign values go to the Host with the interpreter lock let go.
// Arguments are converted before (under the lock), results after (under
// it again): Python containers travel to Go code as plain copies, and
// to a client (a netref) by reference, as a Python server would pass
// them.

// maxConvertDepth bounds the nesting converted between interpreter and
// host values.
const maxConvertDepth = 100

// fromHost converts a value coming back from the Host.
func (th *Thread) fromHost(v any) Value {
	return fromHostDepth(v, 0, nil)
}

// fromHostDepth converts v; fresh, when set, is the thread of a call
// whose result is new (maps become dicts).
func fromHostDepth(v any, depth int, fresh *Thread) Value {
	switch x := v.(type) {
	case nil, bool, int64, *big.Int, float64, complex128, string, []byte,
		brine.Slice, brine.EllipsisType, brine.NotImplementedType:
		return v
	case *rpyc.Netref:
		return x
	case *exported:
		return x.v
	case *vinegar.Class:
		return ExcClass(x)
	case brine.Tuple:
		if depth > maxConvertDepth {
			return x
		}
		out := make(Tuple, len(x))
		for i, it := range x {
			out[i] = fromHostDepth(it, depth+1, fresh)
		}
		return out
	case brine.FrozenSet:
		s := &Set{frozen: true}
		th := plainThread()
		for _, it := range x {
			_ = s.add(th, fromHostDepth(it, depth+1, fresh))
		}
		return s
	case []any:
		if depth > maxConvertDepth {
			return x
		}
		out := make([]Value, len(x))
		for i, it := range x {
			out[i] = fromHostDepth(it, depth+1, fresh)
		}
		return &List{items: out}
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case uint32:
		return int64(x)
	case uint8:
		return int64(x)
	case float32:
		return float64(x)
	}
	if _, ok := v.(Value); ok && isInterpValue(v) {
		return v
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u <= 1<<63-1 {
			return int64(u)
		}
		return new(big.Int).SetUint64(u)
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.Bool:
		return rv.Bool()
	case reflect.String:
		return rv.String()
	case reflect.Map:
		if fresh != nil && depth <= maxConvertDepth {
			return mapToDict(rv, depth, fresh)
		}
	case reflect.Slice:
		if depth > maxConvertDepth || rv.Type().Elem().Kind() == reflect.Uint8 {
			return v
		}
		// A slice a Go function returned is a new list for the code.
		out := make([]Value, rv.Len())
		for i := range out {
			out[i] = fromHostDepth(rv.Index(i).Interface(), depth+1, fresh)
		}
		return &List{items: out}
	}
	return v
}

// isInterpValue reports whether v is one of the interpreter's own types.
func isInterpValue(v any) bool {
	switch v.(type) {
	case *List, *Dict, *Set, *Range, *Function, *Builtin, *Method, *Class, *Instance, *Module,
		*Property, *StaticMethod, *ClassMethod, *Super, *Iterator, *Generator, *dictView, *ByteArray, *Cell, Tuple:
		return true
	}
	return false
}

// toHostArg converts an argument for a call on callee: a client's
// object gets Python containers by reference, Go code gets copies.
func (th *Thread) toHostArg(callee any, v Value) any {
	_, remote := callee.(*rpyc.Netref)
	if _, ok := callee.(ByReference); ok {
		remote = true
	}
	return th.toHost(v, remote, 0)
}

// ByReference is implemented by a foreign callable that changes the
// lists it is given in place (random.shuffle): code passes its
// containers to it by reference, as it passes them to a client's
// functions, instead of as copies.
type ByReference interface {
	RPyCByReference()
}

// ForeignModule is implemented by the host's modules (import os gives
// one): code sees their type as module, as Python's.
type ForeignModule interface {
	RPyCModule()
}

func (th *Thread) toHost(v Value, byRef bool, depth int) any {
	switch x := v.(type) {
	case nil, bool, int64, *big.Int, float64, complex128, string, []byte,
		brine.Slice, brine.EllipsisType, brine.NotImplementedType:
		return v
	case Tuple:
		out := make(brine.Tuple, len(x))
		for i, it := range x {
			if depth > maxConvertDepth {
				out[i] = nil
				continue
			}
			out[i] = th.toHost(it, byRef, depth+1)
		}
		return out
	case *ByteArray:
		if byRef {
			return th.in.exports.wrap(th.in, x)
		}
		return append([]byte{}, x.b...)
	case *List:
		if byRef {
			return th.in.exports.wrap(th.in, x)
		}
		out := make([]any, len(x.items))
		for i, it := range x.items {
			if depth > maxConvertDepth {
				break
			}
			out[i] = th.toHost(it, false, depth+1)
		}
		return out
	case *Dict:
		if byRef {
			return th.in.exports.wrap(th.in, x)
		}
		if th.in.dictCopy != nil {
			keys := make([]any, 0, x.n)
			vals := make([]any, 0, x.n)
			for _, e := range x.entries {
				if !e.live || depth > maxConvertDepth {
					continue
				}
				keys = append(keys, th.toHost(e.key, false, depth+1))
				vals = append(vals, th.toHost(e.val, false, depth+1))
			}
			return th.in.dictCopy(keys, vals)
		}
		out := make(map[any]any, x.n)
		for _, e := range x.entries {
			if !e.live || depth > maxConvertDepth {
				continue
			}
			k := th.toHost(e.key, false, depth+1)
			if k != nil && !reflect.TypeOf(k).Comparable() {
				k = plainRepr(e.key)
			}
			out[k] = th.toHost(e.val, false, depth+1)
		}
		return out
	case *Set:
		if byRef {
			// A frozenset of plain values goes by value, as Python's
			// brine sends it; a set, or one holding objects, by reference.
			if x.frozen && depth <= maxConvertDepth {
				out := make(brine.FrozenSet, 0, x.len())
				for _, k := range x.keys() {
					out = append(out, th.toHost(k, true, depth+1))
				}
				if brine.Dumpable(out) {
					return out
				}
			}
			return th.in.exports.wrap(th.in, x)
		}
		out := make([]any, 0, x.len())
		for _, k := range x.keys() {
			out = append(out, th.toHost(k, false, depth+1))
		}
		if x.frozen {
			return brine.FrozenSet(out)
		}
		if th.in.setCopy != nil {
			return th.in.setCopy(out)
		}
		return out
	}
	if isInterpValue(v) {
		return th.in.exports.wrap(th.in, v)
	}
	return v
}

func (th *Thread) toHostArgs(callee any, args []Value) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = th.toHostArg(callee, a)
	}
	return out
}

func (th *Thread) toHostKw(callee any, kw []KV) rpyc.Kwargs {
	if len(kw) == 0 {
		return nil
	}
	out := make(rpyc.Kwargs, len(kw))
	for _, k := range kw {
		out[k.Name] = th.toHostArg(callee, k.Value)
	}
	return out
}

// hostErr turns an error from the Host into an exception.
func (th *Thread) hostErr(err error) error {
	if err == nil {
		return nil
	}
	return th.raise(asException(th, err))
}

func (th *Thread) hostGetAttr(obj Value, name string) (Value, error) {
	var r any
	err := th.outside(func() error {
		var err error
		r, err = th.in.host.GetAttr(th.ctx, obj, name)
		return err
	})
	if err != nil {
		return nil, th.hostErr(err)
	}
	return th.fromHost(r), nil
}

func (th *Thread) hostSetAttr(obj Value, name string, v Value) error {
	arg := th.toHostArg(obj, v)
	return th.hostErr(th.outside(func() error { return th.in.host.SetAttr(th.ctx, obj, name, arg) }))
}

func (th *Thread) hostDelAttr(obj Value, name string) error {
	return th.hostErr(th.outside(func() error { return th.in.host.DelAttr(th.ctx, obj, name) }))
}

// fromHostResult converts what a call returned: a map is a new dict for
// the code (Python functions return new dicts), with its keys in sorted
// order since Go maps have none; a map read as an attribute stays the Go
// map itself (os.environ), as does anything else shared.
func (th *Thread) fromHostResult(v any) Value {
	return fromHostDepth(v, 0, th)
}

// mapToDict copies a Go map into a dict, keys sorted.
func mapToDict(rv reflect.Value, depth int, th *Thread) Value {
	keys := make([]Value, 0, rv.Len())
	var vals []any
	it := rv.MapRange()
	for it.Next() {
		keys = append(keys, fromHostDepth(it.Key().Interface(), depth+1, nil))
		vals = append(vals, it.Value().Interface())
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		r, err := richCompare(th, cmpLt, keys[order[i]], keys[order[j]])
		return err == nil && r == true
	})
	d := NewDict()
	for _, i := range order {
		if err := d.Set(th, keys[i], fromHostDepth(vals[i], depth+1, th)); err != nil {
			return rv.Interface()
		}
	}
	return d
}

func (th *Thread) hostCall(fn Value, args []Value, kw []KV) (Value, error) {
	a, k := th.toHostArgs(fn, args), th.toHostKw(fn, kw)
	var r any
	err := th.outside(func() error {
		var err error
		r, err = th.in.host.Call(th.ctx, fn, a, k)
		return err
	})
	if err != nil {
		return nil, th.hostErr(err)
	}
	return th.fromHostResult(r), nil
}

func (th *Thread) hostCallMethod(obj Value, name string, args []Value, kw []KV) (Value, error) {
	a, k := th.toHostArgs(obj, args), th.toHostKw(obj, kw)
	var r any
	err := th.outside(func() error {
		var err error
		r, err = th.in.host.CallMethod(th.ctx, obj, name, a, k)
		return err
	})
	if err != nil {
		return nil, th.hostErr(err)
	}
	return th.fromHostResult(r), nil
}

func (th *Thread) hostDir(obj Value) ([]string, error) {
	var r []string
	err := th.outside(func() error {
		var err error
		r, err = th.in.host.Dir(th.ctx, obj)
		return err
	})
	return r, th.hostErr(err)
}

func (th *Thread) hostRepr(obj Value) (string, error) {
	var r string
	err := th.outside(func() error {
		var err error
		r, err = th.in.host.Repr(th.ctx, obj)
		return err
	})
	return r, th.hostErr(err)
}

func (th *Thread) hostStr(obj Value) (string, error) {
	var r string
	err := th.outside(func() error {
		var err error
		r, err = th.in.host.Str(th.ctx, obj)
		return err
	})
	return r, th.hostErr(err)
}

// nativeModules are modules the interpreter implements itself, made on
// first import (with the interpreter lock held).
var nativeModules = map[string]func(th *Thread) (*Module, error){}

// importModule imports a module: the interpreter's own, else the Host's.
// Imported modules are kept, so a module is one object.
func importModule(th *Thread, name string) (Value, error) {
	if m, ok := th.in.modules[name]; ok {
		return m, nil
	}
	if mk, ok := nativeModules[name]; ok {
		m, err := mk(th)
		if err != nil {
			return nil, err
		}
		th.in.modules[name] = m
		return m, nil
	}
	if strings.HasPrefix(name, "rpyc.utils.teleportation") {
		return nil, th.newError(ErrModuleNotFoundError, TeleportMessage)
	}
	var r any
	err := th.outside(func() error {
		var err error
		r, err = th.in.host.Import(th.ctx, name)
		return err
	})
	if err != nil {
		e := asException(th, err)
		if !e.class.isSubclass(ErrImportError) {
			e = newExc(ErrModuleNotFoundError, "No module named '"+name+"'")
		}
		e.attrs().SetStr("name", name)
		return nil, th.raise(e)
	}
	m := th.fromHost(r)
	th.in.modules[name] = m
	return m, nil
}

// TeleportMessage is the error for rpyc.classic.teleport_function, which
// sends CPython bytecode.
const TeleportMessage = "teleport_function needs CPython bytecode, which this Go server does not run; " +
	"send the function's source instead: conn.execute(\"def f(...): ...\") then conn.namespace[\"f\"]"

// importStar is from m import *.
func importStar(fr *Frame, m Value) error {
	th := fr.th
	var names []string
	if all, err := getAttr(th, m, "__all__"); err == nil {
		items, err := collect(th, all)
		if err != nil {
			return err
		}
		for _, it := range items {
			if s, ok := it.(string); ok {
				names = append(names, s)
			}
		}
	} else {
		ns, err := dir(th, m)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if !strings.HasPrefix(n, "_") {
				names = append(names, n)
			}
		}
	}
	for _, n := range names {
		v, err := getAttr(th, m, n)
		if err != nil {
			var e *Instance
			if errors.As(err, &e) && e.class.isSubclass(ErrAttributeError) {
				continue
			}
			return err
		}
		fr.globals.SetStr(n, v)
	}
	return nil
}
