package python

import (
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/rpyc-go/rpyc/brine"
)

// The builtin functions, shared read-only by every interpreter (they
// reach their interpreter through the thread).

var (
	builtinsOnce sync.Once
	builtinsDict *Dict
)

func newBuiltins(in *Interp) *Dict {
	builtinsOnce.Do(func() { builtinsDict = makeBuiltins() })
	return builtinsDict
}

func makeBuiltins() *Dict {
	d := NewDict()
	for _, c := range []*Class{ClassObject, ClassType, ClassInt, ClassBool, ClassFloat, ClassComplex, ClassStr,
		ClassBytes, ClassByteArray, ClassTuple, ClassList, ClassDict, ClassSet, ClassFrozenSet, ClassRange,
		ClassSlice, ClassProperty, ClassStaticMethod, ClassClassMethod, ClassSuper} {
		d.SetStr(c.name, c)
	}
	for _, n := range builtinExcNames {
		d.SetStr(n, builtinExc(n))
	}
	d.SetStr("EnvironmentError", ErrOSError)
	d.SetStr("IOError", ErrOSError)
	d.SetStr("Ellipsis", brine.Ellipsis)
	d.SetStr("NotImplemented", brine.NotImplemented)
	d.SetStr("__debug__", true)
	d.SetStr("__name__", "builtins")
	add := func(name string, fn goFunc) { d.SetStr(name, newBuiltin(name, fn)) }
	one := func(name string, fn func(th *Thread, v Value) (Value, error)) {
		add(name, func(th *Thread, args []Value, kw []KV) (Value, error) {
			if err := noKw(th, name, kw); err != nil {
				return nil, err
			}
			if len(args) != 1 {
				return nil, th.typeErrorf("%s() takes exactly one argument (%d given)", name, len(args))
			}
			return fn(th, args[0])
		})
	}
	one("len", func(th *Thread, v Value) (Value, error) { return length(th, v) })
	one("repr", func(th *Thread, v Value) (Value, error) { return repr(th, v) })
	one("ascii", func(th *Thread, v Value) (Value, error) {
		s, err := repr(th, v)
		return asciiEscape(s), err
	})
	one("abs", absValue)
	one("callable", func(th *Thread, v Value) (Value, error) { return isCallable(v), nil })
	one("hash", func(th *Thread, v Value) (Value, error) {
		h, err := hashOf(th, v)
		return int64(h), err
	})
	one("id", func(th *Thread, v Value) (Value, error) { return identity(v), nil })
	one("chr", func(th *Thread, v Value) (Value, error) {
		n, err := index(th, v)
		if err != nil {
			return nil, err
		}
		if n < 0 || n > 0x10ffff {
			return nil, th.newError(ErrValueError, "chr() arg not in range(0x110000)")
		}
		return string(rune(n)), nil
	})
	one("ord", func(th *Thread, v Value) (Value, error) {
		switch x := v.(type) {
		case string:
			if utf8.RuneCountInString(x) == 1 {
				r, _ := utf8.DecodeRuneInString(x)
				return int64(r), nil
			}
			return nil, th.errorf(ErrTypeError, "ord() expected a character, but string of length %d found", utf8.RuneCountInString(x))
		case []byte:
			if len(x) == 1 {
				return int64(x[0]), nil
			}
			return nil, th.errorf(ErrTypeError, "ord() expected a character, but string of length %d found", len(x))
		}
		return nil, th.typeErrorf("ord() expected string of length 1, but %s found", typeName(v))
	})
	for name, base := range map[string]int{"hex": 16, "oct": 8, "bin": 2} {
		base, name := base, name
		one(name, func(th *Thread, v Value) (Value, error) {
			if inst, ok := v.(*Instance); ok {
				r, err := index(th, inst)
				if err != nil {
					return nil, err
				}
				v = r
			}
			if !isInt(v) {
				return nil, th.typeErrorf("'%s' object cannot be interpreted as an integer", typeName(v))
			}
			b := bigOf(v)
			prefix := map[int]string{16: "0x", 8: "0o", 2: "0b"}[base]
			if b.Sign() < 0 {
				return "-" + prefix + new(big.Int).Neg(b).Text(base), nil
			}
			return prefix + b.Text(base), nil
		})
	}
	add("all", func(th *Thread, args []Value, kw []KV) (Value, error) { return anyAll(th, "all", args, kw, false) })
	add("any", func(th *Thread, args []Value, kw []KV) (Value, error) { return anyAll(th, "any", args, kw, true) })
	add("isinstance", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := fixedArgs(th, "isinstance", args, kw, 2); err != nil {
			return nil, err
		}
		return isinstance(th, args[0], args[1])
	})
	add("issubclass", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := fixedArgs(th, "issubclass", args, kw, 2); err != nil {
			return nil, err
		}
		return issubclass(th, args[0], args[1])
	})
	add("getattr", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "getattr", kw); err != nil {
			return nil, err
		}
		if len(args) < 2 || len(args) > 3 {
			return nil, th.typeErrorf("getattr expected 2 or 3 arguments, got %d", len(args))
		}
		name, ok := args[1].(string)
		if !ok {
			return nil, th.newError(ErrTypeError, "attribute name must be string")
		}
		v, err := getAttr(th, args[0], name)
		if err != nil && len(args) == 3 {
			if e, ok := err.(*Instance); ok && e.class.isSubclass(ErrAttributeError) {
				return args[2], nil
			}
		}
		return v, err
	})
	add("setattr", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := fixedArgs(th, "setattr", args, kw, 3); err != nil {
			return nil, err
		}
		name, ok := args[1].(string)
		if !ok {
			return nil, th.newError(ErrTypeError, "attribute name must be string")
		}
		return nil, setAttr(th, args[0], name, args[2])
	})
	add("delattr", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := fixedArgs(th, "delattr", args, kw, 2); err != nil {
			return nil, err
		}
		name, ok := args[1].(string)
		if !ok {
			return nil, th.newError(ErrTypeError, "attribute name must be string")
		}
		return nil, delAttr(th, args[0], name)
	})
	add("hasattr", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := fixedArgs(th, "hasattr", args, kw, 2); err != nil {
			return nil, err
		}
		name, ok := args[1].(string)
		if !ok {
			return nil, th.newError(ErrTypeError, "attribute name must be string")
		}
		return hasAttr(th, args[0], name)
	})
	add("dir", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if len(args) == 0 {
			return strList(sortedKeys(th.in.globals)), nil
		}
		if m, ok := args[0].(*Instance); ok {
			if f, ok := m.class.lookup("__dir__"); ok {
				if _, builtin := f.(*Builtin); !builtin {
					r, err := callBound(th, f, m, nil)
					if err != nil {
						return nil, err
					}
					items, err := collect(th, r)
					if err != nil {
						return nil, err
					}
					l := &List{items: items}
					return l, sortValues(th, l.items, nil, false)
				}
			}
		}
		names, err := dir(th, args[0])
		if err != nil {
			return nil, err
		}
		return strList(names), nil
	})
	add("vars", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if len(args) == 0 {
			return th.in.globals, nil
		}
		v, err := getAttr(th, args[0], "__dict__")
		if err != nil {
			return nil, th.newError(ErrTypeError, "vars() argument must have __dict__ attribute")
		}
		return v, nil
	})
	add("globals", func(th *Thread, args []Value, kw []KV) (Value, error) { return th.in.globals, nil })
	add("locals", func(th *Thread, args []Value, kw []KV) (Value, error) { return th.in.globals, nil })
	add("iter", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "iter", kw); err != nil {
			return nil, err
		}
		switch len(args) {
		case 1:
			return iterObject(th, args[0])
		case 2:
			fn, sentinel := args[0], args[1]
			done := false
			return &Iterator{cls: classCallIter, next: func(th *Thread) (Value, bool, error) {
				if done {
					return nil, false, nil
				}
				v, err := call(th, fn, nil, nil)
				if err != nil {
					return nil, false, err
				}
				if eq, err := equal(th, v, sentinel); err != nil || eq {
					done = true
					return nil, false, err
				}
				return v, true, nil
			}}, nil
		}
		return nil, th.typeErrorf("iter expected at most 2 arguments, got %d", len(args))
	})
	add("next", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "next", kw); err != nil {
			return nil, err
		}
		if len(args) < 1 || len(args) > 2 {
			return nil, th.typeErrorf("next expected 1 or 2 arguments, got %d", len(args))
		}
		var v Value
		var ok bool
		var err error
		switch it := args[0].(type) {
		case *Iterator:
			v, ok, err = it.next(th)
		case *Generator:
			v, ok, err = it.next(th)
			if err == nil && !ok && len(args) == 1 {
				return nil, th.raise(stopIteration(it.core.result))
			}
		default:
			if _, isInst := it.(*Instance); !isInst && !isForeign(it) {
				return nil, th.typeErrorf("'%s' object is not an iterator", typeName(it))
			}
			v, err = callSpecial(th, it, "__next__", nil)
			ok = true
			if err != nil {
				if e, isE := err.(*Instance); isE && e.class.isSubclass(ErrStopIteration) {
					ok, err = false, nil
				}
			}
		}
		if err != nil {
			return nil, err
		}
		if !ok {
			if len(args) == 2 {
				return args[1], nil
			}
			return nil, th.raise(newExc(ErrStopIteration))
		}
		return v, nil
	})
	add("enumerate", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "enumerate", args, kw, "iterable", "start=")
		if err != nil {
			return nil, err
		}
		it, err := getIter(th, a[0])
		if err != nil {
			return nil, err
		}
		n, err := intArgOr(th, a[1], 0)
		if err != nil {
			return nil, err
		}
		return &Iterator{cls: classEnumerate, next: func(th *Thread) (Value, bool, error) {
			v, ok, err := it(th)
			if err != nil || !ok {
				return nil, false, err
			}
			n++
			return Tuple{n - 1, v}, true, nil
		}}, nil
	})
	add("zip", func(th *Thread, args []Value, kw []KV) (Value, error) {
		strict := false
		for _, k := range kw {
			if k.Name != "strict" {
				return nil, th.typeErrorf("zip() got an unexpected keyword argument '%s'", k.Name)
			}
			strict, _ = truth(th, k.Value)
		}
		its := make([]iterFunc, len(args))
		for i, a := range args {
			it, err := getIter(th, a)
			if err != nil {
				return nil, th.typeErrorf("zip argument #%d must support iteration", i+1)
			}
			its[i] = it
		}
		done := len(its) == 0
		return &Iterator{cls: classZip, next: func(th *Thread) (Value, bool, error) {
			if done {
				return nil, false, nil
			}
			out := make(Tuple, len(its))
			for i, it := range its {
				v, ok, err := it(th)
				if err != nil {
					return nil, false, err
				}
				if !ok {
					done = true
					if strict && i > 0 {
						return nil, false, th.errorf(ErrValueError, "zip() argument %d is shorter than argument 1", i+1)
					}
					if strict {
						for j := 1; j < len(its); j++ {
							if _, more, _ := its[j](th); more {
								return nil, false, th.errorf(ErrValueError, "zip() argument %d is longer than argument 1", j+1)
							}
						}
					}
					return nil, false, nil
				}
				out[i] = v
			}
			return out, true, nil
		}}, nil
	})
	add("map", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := noKw(th, "map", kw); err != nil {
			return nil, err
		}
		if len(args) < 2 {
			return nil, th.newError(ErrTypeError, "map() must have at least two arguments.")
		}
		fn := args[0]
		its := make([]iterFunc, len(args)-1)
		for i, a := range args[1:] {
			it, err := getIter(th, a)
			if err != nil {
				return nil, err
			}
			its[i] = it
		}
		return &Iterator{cls: classMap, next: func(th *Thread) (Value, bool, error) {
			vals := make([]Value, len(its))
			for i, it := range its {
				v, ok, err := it(th)
				if err != nil || !ok {
					return nil, false, err
				}
				vals[i] = v
			}
			r, err := call(th, fn, vals, nil)
			return r, err == nil, err
		}}, nil
	})
	add("filter", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := fixedArgs(th, "filter", args, kw, 2); err != nil {
			return nil, err
		}
		fn := args[0]
		it, err := getIter(th, args[1])
		if err != nil {
			return nil, err
		}
		return &Iterator{cls: classFilter, next: func(th *Thread) (Value, bool, error) {
			for {
				v, ok, err := it(th)
				if err != nil || !ok {
					return nil, false, err
				}
				test := v
				if fn != nil {
					if test, err = call(th, fn, []Value{v}, nil); err != nil {
						return nil, false, err
					}
				}
				t, err := truth(th, test)
				if err != nil {
					return nil, false, err
				}
				if t {
					return v, true, nil
				}
			}
		}}, nil
	})
	add("reversed", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := fixedArgs(th, "reversed", args, kw, 1); err != nil {
			return nil, err
		}
		return reversedOf(th, args[0])
	})
	add("sorted", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "sorted", args, kw, "iterable", "*", "key=", "reverse=")
		if err != nil {
			return nil, err
		}
		items, err := collect(th, a[0])
		if err != nil {
			return nil, err
		}
		if items == nil {
			items = []Value{}
		}
		rev, err := truth(th, argOr(a[2], false))
		if err != nil {
			return nil, err
		}
		return &List{items: items}, sortValues(th, items, argOr(a[1], nil), rev)
	})
	add("sum", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "sum", args, kw, "iterable", "start=")
		if err != nil {
			return nil, err
		}
		acc := argOr(a[1], int64(0))
		if _, ok := acc.(string); ok {
			return nil, th.newError(ErrTypeError, "sum() can't sum strings [use ''.join(seq) instead]")
		}
		it, err := getIter(th, a[0])
		if err != nil {
			return nil, err
		}
		for {
			v, ok, err := it(th)
			if err != nil {
				return nil, err
			}
			if !ok {
				return acc, nil
			}
			if x, ok := acc.(int64); ok {
				if y, ok := v.(int64); ok {
					if s := x + y; (s > x) == (y > 0) {
						acc = s
						continue
					}
				}
			}
			if acc, err = binaryOp(th, opAdd, acc, v); err != nil {
				return nil, err
			}
		}
	})
	add("min", func(th *Thread, args []Value, kw []KV) (Value, error) { return minMax(th, "min", args, kw, cmpLt) })
	add("max", func(th *Thread, args []Value, kw []KV) (Value, error) { return minMax(th, "max", args, kw, cmpGt) })
	add("divmod", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := fixedArgs(th, "divmod", args, kw, 2); err != nil {
			return nil, err
		}
		q, err := binaryOp(th, opFloorDiv, args[0], args[1])
		if err != nil {
			return nil, err
		}
		m, err := binaryOp(th, opMod, args[0], args[1])
		if err != nil {
			return nil, err
		}
		return Tuple{q, m}, nil
	})
	add("pow", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "pow", args, kw, "base", "exp", "mod=")
		if err != nil {
			return nil, err
		}
		if m := argOr(a[2], nil); m != nil {
			if !isInt(a[0]) || !isInt(a[1]) || !isInt(m) {
				return nil, th.newError(ErrTypeError, "pow() 3rd argument not allowed unless all arguments are integers")
			}
			mod := bigOf(m)
			if mod.Sign() == 0 {
				return nil, th.newError(ErrValueError, "pow() 3rd argument cannot be 0")
			}
			base, exp := bigOf(a[0]), bigOf(a[1])
			if exp.Sign() < 0 {
				inv := new(big.Int).ModInverse(base, new(big.Int).Abs(mod))
				if inv == nil {
					return nil, th.newError(ErrValueError, "base is not invertible for the given modulus")
				}
				base, exp = inv, new(big.Int).Neg(exp)
			}
			r := new(big.Int).Exp(base, exp, new(big.Int).Abs(mod))
			if mod.Sign() < 0 && r.Sign() != 0 {
				r.Add(r, mod)
			}
			return normBig(r), nil
		}
		return binaryOp(th, opPow, a[0], a[1])
	})
	add("round", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "round", args, kw, "number", "ndigits=")
		if err != nil {
			return nil, err
		}
		return round(th, a[0], argOr(a[1], nil))
	})
	add("format", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "format", args, kw, "value", "format_spec=")
		if err != nil {
			return nil, err
		}
		spec, err := strArg(th, "format", argOr(a[1], ""))
		if err != nil {
			return nil, err
		}
		return format(th, a[0], spec)
	})
	add("print", builtinPrint)
	add("input", builtinInput)
	add("open", func(th *Thread, args []Value, kw []KV) (Value, error) {
		b, err := importModule(th, "builtins")
		if err != nil {
			return nil, err
		}
		return th.hostCallMethod(b, "open", args, kw)
	})
	add("__import__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "__import__", args, kw, "name", "globals=", "locals=", "fromlist=", "level=")
		if err != nil {
			return nil, err
		}
		name, err := strArg(th, "__import__", a[0])
		if err != nil {
			return nil, err
		}
		if lvl, _, _ := asInt(argOr(a[4], int64(0))); lvl != 0 {
			return nil, th.newError(ErrImportError, "attempted relative import with no known parent package")
		}
		if _, err := importModule(th, name); err != nil {
			return nil, err
		}
		from, _ := truth(th, argOr(a[3], nil))
		if from {
			return importModule(th, name)
		}
		top, _, _ := strings.Cut(name, ".")
		return importModule(th, top)
	})
	add("exec", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return nil, execBuiltin(th, "exec", args, kw)
	})
	add("eval", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return evalBuiltin(th, args, kw)
	})
	add("compile", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return nil, th.newError(ErrNotImplementedError, "compile() is not supported by this server: pass source text to exec() or eval()")
	})
	for _, name := range []string{"exit", "quit"} {
		add(name, func(th *Thread, args []Value, kw []KV) (Value, error) {
			return nil, th.raise(newExc(ErrSystemExit, args...))
		})
	}
	add("breakpoint", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return nil, th.newError(ErrNotImplementedError, "breakpoint() is not supported by this server")
	})
	return d
}

func fixedArgs(th *Thread, name string, args []Value, kw []KV, n int) error {
	if err := noKw(th, name, kw); err != nil {
		return err
	}
	if len(args) != n {
		return th.typeErrorf("%s expected %d arguments, got %d", name, n, len(args))
	}
	return nil
}

func sortedKeys(d *Dict) []string {
	var out []string
	for _, k := range d.Keys() {
		if s, ok := k.(string); ok {
			out = append(out, s)
		}
	}
	l := strList(out)
	_ = sortValues(plainThread(), l.items, nil, false)
	for i, v := range l.items {
		out[i] = v.(string)
	}
	return out
}

func isCallable(v Value) bool {
	switch x := v.(type) {
	case *Function, *Builtin, *Method, *Class:
		return true
	case *Instance:
		_, ok := x.class.lookup("__call__")
		return ok
	}
	if isForeign(v) {
		return true
	}
	return false
}

// identity is id(v): the address of objects that have one.
func identity(v Value) int64 {
	switch x := v.(type) {
	case *Instance:
		return int64(ptrHash(x) << 4)
	case nil:
		return 0x9e3779b9
	case Tuple:
		if len(x) > 0 {
			return int64(uintptr(unsafe.Pointer(&x[0])))
		}
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		return int64(rv.Pointer())
	}
	h, err := hashOf(plainThread(), v)
	if err != nil {
		return 0
	}
	return int64(h & math.MaxInt64)
}

func anyAll(th *Thread, name string, args []Value, kw []KV, want bool) (Value, error) {
	if err := fixedArgs(th, name, args, kw, 1); err != nil {
		return nil, err
	}
	it, err := getIter(th, args[0])
	if err != nil {
		return nil, err
	}
	for {
		v, ok, err := it(th)
		if err != nil {
			return nil, err
		}
		if !ok {
			return !want, nil
		}
		t, err := truth(th, v)
		if err != nil {
			return nil, err
		}
		if t == want {
			return want, nil
		}
	}
}

func minMax(th *Thread, name string, args []Value, kw []KV, op cmpop) (Value, error) {
	var key, def Value = nil, unbound
	for _, k := range kw {
		switch k.Name {
		case "key":
			key = k.Value
		case "default":
			def = k.Value
		default:
			return nil, th.typeErrorf("%s() got an unexpected keyword argument '%s'", name, k.Name)
		}
	}
	var items []Value
	switch len(args) {
	case 0:
		return nil, th.typeErrorf("%s expected at least 1 argument, got 0", name)
	case 1:
		var err error
		if items, err = collect(th, args[0]); err != nil {
			return nil, err
		}
	default:
		if def != unbound {
			return nil, th.typeErrorf("Cannot specify a default for %s() with multiple positional arguments", name)
		}
		items = args
	}
	if len(items) == 0 {
		if def != unbound {
			return def, nil
		}
		return nil, th.errorf(ErrValueError, "%s() arg is an empty sequence", name)
	}
	best, bestKey := items[0], items[0]
	if key != nil {
		k, err := call(th, key, []Value{best}, nil)
		if err != nil {
			return nil, err
		}
		bestKey = k
	}
	for _, it := range items[1:] {
		k := it
		if key != nil {
			var err error
			if k, err = call(th, key, []Value{it}, nil); err != nil {
				return nil, err
			}
		}
		r, err := richCompare(th, op, k, bestKey)
		if err != nil {
			return nil, err
		}
		if t, err := truth(th, r); err != nil {
			return nil, err
		} else if t {
			best, bestKey = it, k
		}
	}
	return best, nil
}

func reversedOf(th *Thread, v Value) (Value, error) {
	var items []Value
	switch x := v.(type) {
	case *List:
		i := len(x.items)
		return &Iterator{cls: classReversed, next: func(*Thread) (Value, bool, error) {
			if i > len(x.items) {
				i = len(x.items)
			}
			if i <= 0 {
				return nil, false, nil
			}
			i--
			return x.items[i], true, nil
		}}, nil
	case Tuple:
		items = x
	case *Range:
		n := x.len()
		return &Range{start: x.at(n - 1), stop: x.start - x.step, step: -x.step}, nil
	case string, []byte, *dictView, *Dict:
		var err error
		if items, err = collect(th, v); err != nil {
			return nil, err
		}
	case *Instance:
		if m, ok := x.class.lookup("__reversed__"); ok {
			return callBound(th, m, x, nil)
		}
		n, err := length(th, x)
		if err != nil {
			return nil, th.typeErrorf("'%s' object is not reversible", typeName(v))
		}
		i := n
		return &Iterator{cls: classReversed, next: func(th *Thread) (Value, bool, error) {
			if i <= 0 {
				return nil, false, nil
			}
			i--
			r, err := getItem(th, x, i)
			return r, err == nil, err
		}}, nil
	default:
		if isForeign(v) {
			var err error
			if items, err = collect(th, v); err != nil {
				return nil, err
			}
			break
		}
		return nil, th.typeErrorf("'%s' object is not reversible", typeName(v))
	}
	i := len(items)
	return &Iterator{cls: classReversed, next: func(*Thread) (Value, bool, error) {
		if i <= 0 {
			return nil, false, nil
		}
		i--
		return items[i], true, nil
	}}, nil
}

// round is round(x, ndigits): half to even, as Python.
func round(th *Thread, x, nd Value) (Value, error) {
	if inst, ok := x.(*Instance); ok {
		if m, ok := inst.class.lookup("__round__"); ok {
			var args []Value
			if nd != nil {
				args = []Value{nd}
			}
			return callBound(th, m, inst, args)
		}
	}
	if isInt(x) {
		if nd == nil {
			return intValue(x), nil
		}
		n, err := index(th, nd)
		if err != nil {
			return nil, err
		}
		if n >= 0 {
			return intValue(x), nil
		}
		if -n > 4300 {
			return int64(0), nil
		}
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(-n), nil)
		v := bigOf(x)
		q, m := new(big.Int).DivMod(v, p, new(big.Int))
		twice := new(big.Int).Lsh(m, 1)
		if c := twice.Cmp(p); c > 0 || c == 0 && q.Bit(0) == 1 {
			q.Add(q, big.NewInt(1))
		}
		return normBig(q.Mul(q, p)), nil
	}
	f, ok, err := toFloat(th, x)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, th.typeErrorf("type %s doesn't define __round__ method", typeName(x))
	}
	if nd == nil {
		if math.IsInf(f, 0) {
			return nil, th.newError(ErrOverflowError, "cannot convert float infinity to integer")
		}
		if math.IsNaN(f) {
			return nil, th.newError(ErrValueError, "cannot convert float NaN to integer")
		}
		return toInt(th, math.RoundToEven(f))
	}
	n, err := index(th, nd)
	if err != nil {
		return nil, err
	}
	if math.IsInf(f, 0) || math.IsNaN(f) || n > 300 {
		return f, nil
	}
	if n < -308 {
		return 0.0 * f, nil
	}
	if n >= 0 {
		r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', int(n), 64), 64)
		return r, nil
	}
	p := math.Pow(10, float64(-n))
	return math.RoundToEven(f/p) * p, nil
}
