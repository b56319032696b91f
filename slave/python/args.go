package python

import (
	"math/big"
	"strings"
)

// Helpers for functions implemented in Go: defining them and reading
// their arguments as Python would.

type goFunc = func(th *Thread, args []Value, kw []KV) (Value, error)

func newBuiltin(name string, fn goFunc) *Builtin { return &Builtin{name: name, fn: fn} }

// def adds a method implemented in Go to a builtin class.
func def(cls *Class, name string, fn goFunc) *Builtin {
	b := newBuiltin(name, fn)
	cls.dict.SetStr(name, b)
	return b
}

// defs adds several methods that share one implementation shape.
func defClassMethod(cls *Class, name string, fn goFunc) {
	cls.dict.SetStr(name, &ClassMethod{fn: newBuiltin(name, fn)})
}

func defStatic(cls *Class, name string, fn goFunc) {
	cls.dict.SetStr(name, &StaticMethod{fn: newBuiltin(name, fn)})
}

// defProp adds a read-only property implemented in Go.
func defProp(cls *Class, name string, get func(th *Thread, self Value) (Value, error)) {
	cls.dict.SetStr(name, &Property{get: newBuiltin(name, func(th *Thread, args []Value, _ []KV) (Value, error) {
		return get(th, args[0])
	})})
}

// argSpec is a parameter list of a function implemented in Go. Each
// name ending in "=" is optional (unbound when absent); names after "*"
// are keyword-only.
type argSpec struct {
	params     []string
	optional   []bool
	kwOnlyFrom int
}

func newArgSpec(names ...string) *argSpec {
	a := &argSpec{kwOnlyFrom: -1}
	for _, n := range names {
		if n == "*" {
			a.kwOnlyFrom = len(a.params)
			continue
		}
		a.optional = append(a.optional, strings.HasSuffix(n, "="))
		a.params = append(a.params, strings.TrimSuffix(n, "="))
	}
	if a.kwOnlyFrom < 0 {
		a.kwOnlyFrom = len(a.params)
	}
	return a
}

// parse binds arguments by Python's rules: one value per parameter.
func (a *argSpec) parse(th *Thread, fname string, args []Value, kw []KV) ([]Value, error) {
	out := make([]Value, len(a.params))
	for i := range out {
		out[i] = unbound
	}
	if len(args) > a.kwOnlyFrom {
		return nil, th.typeErrorf("%s() takes at most %d argument%s (%d given)", fname, a.kwOnlyFrom, plural(a.kwOnlyFrom), len(args))
	}
	copy(out, args)
	for _, k := range kw {
		found := false
		for i, p := range a.params {
			if p == k.Name {
				if out[i] != unbound {
					return nil, th.typeErrorf("argument for %s() given by name ('%s') and position (%d)", fname, k.Name, i+1)
				}
				out[i] = k.Value
				found = true
				break
			}
		}
		if !found {
			return nil, th.typeErrorf("%s() got an unexpected keyword argument '%s'", fname, k.Name)
		}
	}
	for i, v := range out {
		if v == unbound && !a.optional[i] {
			return nil, th.typeErrorf("%s() missing required argument '%s' (pos %d)", fname, a.params[i], i+1)
		}
	}
	return out, nil
}

// parseArgs is newArgSpec(names...).parse, for functions called seldom.
func parseArgs(th *Thread, fname string, args []Value, kw []KV, names ...string) ([]Value, error) {
	return newArgSpec(names...).parse(th, fname, args, kw)
}

// noKw refuses keyword arguments.
func noKw(th *Thread, fname string, kw []KV) error {
	if len(kw) > 0 {
		return th.typeErrorf("%s() takes no keyword arguments", fname)
	}
	return nil
}

// nargs checks the positional argument count (self included).
func nargs(th *Thread, fname string, args []Value, kw []KV, lo, hi int) error {
	if err := noKw(th, fname, kw); err != nil {
		return err
	}
	n := len(args)
	if n < lo || n > hi {
		switch {
		case lo == hi:
			return th.typeErrorf("%s() takes exactly %d argument%s (%d given)", fname, lo-1, plural(lo-1), n-1)
		case n < lo:
			return th.typeErrorf("%s() takes at least %d argument%s (%d given)", fname, lo-1, plural(lo-1), n-1)
		}
		return th.typeErrorf("%s() takes at most %d argument%s (%d given)", fname, hi-1, plural(hi-1), n-1)
	}
	return nil
}

func argOr(v, def Value) Value {
	if v == unbound {
		return def
	}
	return v
}

func strArg(th *Thread, fname string, v Value) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", th.typeErrorf("%s() argument must be str, not %s", fname, typeName(v))
	}
	return s, nil
}

func intArgOr(th *Thread, v Value, def int64) (int64, error) {
	if v == unbound || v == nil {
		return def, nil
	}
	if b, ok := v.(*big.Int); ok {
		if b.Sign() < 0 {
			return -1 << 62, nil
		}
		return 1 << 62, nil
	}
	return index(th, v)
}
