package python

// Compiling calls: arguments (with * and ** unpacking), method calls,
// super() and the per-site argument buffer.

// args compiles call arguments; build evaluates them.
type argsFn func(fr *Frame) ([]Value, []KV, error)

func (c *compiler) args(args []Expr, kws []Keyword) argsFn {
	simple := true
	for _, a := range args {
		if _, ok := a.(*Starred); ok {
			simple = false
		}
	}
	for _, k := range kws {
		if k.Arg == "" {
			simple = false
		}
	}
	if simple {
		pos := c.exprs(args)
		names := make([]string, len(kws))
		kvals := make([]evalFn, len(kws))
		for i, k := range kws {
			names[i], kvals[i] = k.Arg, c.expr(k.Value)
		}
		return func(fr *Frame) ([]Value, []KV, error) {
			var av []Value
			if len(pos) > 0 {
				av = make([]Value, len(pos))
				for i, f := range pos {
					v, err := f(fr)
					if err != nil {
						return nil, nil, err
					}
					av[i] = v
				}
			}
			var kv []KV
			if len(kvals) > 0 {
				kv = make([]KV, len(kvals))
				for i, f := range kvals {
					v, err := f(fr)
					if err != nil {
						return nil, nil, err
					}
					kv[i] = KV{names[i], v}
				}
			}
			return av, kv, nil
		}
	}
	type part struct {
		f    evalFn
		star bool
	}
	var pos []part
	for _, a := range args {
		if s, ok := a.(*Starred); ok {
			pos = append(pos, part{c.expr(s.Value), true})
		} else {
			pos = append(pos, part{c.expr(a), false})
		}
	}
	type kpart struct {
		name string
		f    evalFn
	}
	var kparts []kpart
	for _, k := range kws {
		kparts = append(kparts, kpart{k.Arg, c.expr(k.Value)})
	}
	return func(fr *Frame) ([]Value, []KV, error) {
		var av []Value
		for _, p := range pos {
			v, err := p.f(fr)
			if err != nil {
				return nil, nil, err
			}
			if !p.star {
				av = append(av, v)
				continue
			}
			more, err := collect(fr.th, v)
			if err != nil {
				return nil, nil, err
			}
			av = append(av, more...)
		}
		var kv []KV
		for _, k := range kparts {
			v, err := k.f(fr)
			if err != nil {
				return nil, nil, err
			}
			if k.name != "" {
				if hasKw(kv, k.name) {
					return nil, nil, dupKwError(k.name)
				}
				kv = append(kv, KV{k.name, v})
				continue
			}
			more, err := mappingItems(fr.th, v)
			if err != nil {
				return nil, nil, err
			}
			for _, m := range more {
				if hasKw(kv, m.Name) {
					return nil, nil, dupKwError(m.Name)
				}
				kv = append(kv, m)
			}
		}
		return av, kv, nil
	}
}

// dupKwError is a keyword given twice in one call; the call reports it
// naming the function.
type dupKwError string

func (e dupKwError) Error() string { return "keyword argument repeated: " + string(e) }

func argsError(th *Thread, fn Value, err error) error {
	if d, ok := err.(dupKwError); ok {
		return th.typeErrorf("%s got multiple values for keyword argument '%s'", describeCallable(fn), string(d))
	}
	return err
}

func hasKw(kv []KV, name string) bool {
	for _, k := range kv {
		if k.Name == name {
			return true
		}
	}
	return false
}

func (c *compiler) call(n *Call) evalFn {
	if nm, ok := n.Func.(*Name); ok && nm.ID == "super" && len(n.Args) == 0 && len(n.Keywords) == 0 && c.sc.kind == scFunction {
		return c.zeroArgSuper(n)
	}
	if nm, ok := n.Func.(*Name); ok && len(n.Args) == 0 && len(n.Keywords) == 0 {
		switch nm.ID {
		case "locals", "vars", "dir", "globals":
			return c.frameCall(nm)
		}
	}
	args := c.args(n.Args, n.Keywords)
	pos := c.positional(n.Args, n.Keywords)
	sc := &scratch{}
	if at, ok := n.Func.(*Attribute); ok {
		obj := c.expr(at.Value)
		name := at.Attr
		return func(fr *Frame) (Value, error) {
			o, err := obj(fr)
			if err != nil {
				return nil, err
			}
			if inst, ok := o.(*Instance); ok && pos != nil {
				if m, ok := inst.class.lookup(name); ok && (inst.dict == nil || !hasStr(inst.dict, name)) {
					if f, ok := m.(*Function); ok {
						return sc.callFunction(fr, f, inst, pos)
					}
				}
			}
			av, kv, err := args(fr)
			if err != nil {
				if _, dup := err.(dupKwError); dup {
					f, _ := getAttr(fr.th, o, name)
					return nil, argsError(fr.th, f, err)
				}
				return nil, err
			}
			return callMethod(fr.th, o, name, av, kv)
		}
	}
	fn := c.expr(n.Func)
	return func(fr *Frame) (Value, error) {
		f, err := fn(fr)
		if err != nil {
			return nil, err
		}
		if fn, ok := f.(*Function); ok && pos != nil {
			return sc.callFunction(fr, fn, nil, pos)
		}
		av, kv, err := args(fr)
		if err != nil {
			return nil, argsError(fr.th, f, err)
		}
		return call(fr.th, f, av, kv)
	}
}

// positional compiles arguments that are all plain positional ones (no
// keywords, no unpacking), or returns nil.
func (c *compiler) positional(args []Expr, kws []Keyword) []evalFn {
	if len(kws) > 0 {
		return nil
	}
	for _, a := range args {
		if _, ok := a.(*Starred); ok {
			return nil
		}
	}
	return c.exprs(args)
}

// scratch is a call site's argument buffer for calls of functions
// defined in code, which copy their arguments into their frame: the
// common call allocates no argument slice. A call site reached again
// while in use (recursion) takes a new slice.
type scratch struct {
	buf  []Value
	busy bool
}

// callFunction calls f with self (if not nil) and the positional
// arguments pos evaluate to.
func (s *scratch) callFunction(fr *Frame, f *Function, self Value, pos []evalFn) (Value, error) {
	n := len(pos)
	if self != nil {
		n++
	}
	var av []Value
	mine := !s.busy
	if mine {
		if cap(s.buf) < n {
			s.buf = make([]Value, n)
		}
		av = s.buf[:n]
		s.busy = true
	} else {
		av = make([]Value, n)
	}
	i := 0
	if self != nil {
		av[0] = self
		i = 1
	}
	var r Value
	var err error
	for _, p := range pos {
		if av[i], err = p(fr); err != nil {
			break
		}
		i++
	}
	if err == nil {
		r, err = callFunction(fr.th, f, av, nil)
	}
	if mine {
		clear(av)
		s.busy = false
	}
	return r, err
}

// zeroArgSuper compiles super() inside a method: the class comes from
// the __class__ cell, the instance from the first parameter.
func (c *compiler) zeroArgSuper(n *Call) evalFn {
	cellIdx, ok := c.sc.cellIdx["__class__"]
	if !ok || len(c.sc.params) == 0 {
		return func(fr *Frame) (Value, error) {
			return nil, fr.th.newError(ErrRuntimeError, "super(): no arguments")
		}
	}
	first := c.load(&Name{node{n.P}, c.sc.params[0]})
	return func(fr *Frame) (Value, error) {
		cls, ok := fr.cells[cellIdx].v.(*Class)
		if !ok {
			return nil, fr.th.newError(ErrRuntimeError, "super(): __class__ cell not found")
		}
		self, err := first(fr)
		if err != nil {
			return nil, fr.th.newError(ErrRuntimeError, "super(): arg[0] deleted")
		}
		return newSuper(fr.th, cls, self)
	}
}

// frameCall is locals(), vars(), dir() or globals() with no arguments,
// which read the calling frame: a function's own variables (a new dict
// of those bound, parameters first, as CPython's locals() gives), a
// class body's namespace, or the module's globals. The name is looked
// up as usual, so a function of that name in code is called instead.
func (c *compiler) frameCall(nm *Name) evalFn {
	fn := c.expr(nm)
	name := nm.ID
	sc := c.sc
	type localVar struct {
		name string
		ref  slotRef
	}
	var vars []localVar
	if sc.isFunc() {
		seen := map[string]bool{}
		addVar := func(v string) {
			if seen[v] {
				return
			}
			seen[v] = true
			if i, ok := sc.cellIdx[v]; ok {
				vars = append(vars, localVar{v, slotRef{cell: true, idx: i}})
			} else if i, ok := sc.fast[v]; ok {
				vars = append(vars, localVar{v, slotRef{idx: i}})
			}
		}
		for _, p := range sc.params {
			addVar(p)
		}
		fast := make([]string, len(sc.fast))
		for v, i := range sc.fast {
			fast[i] = v
		}
		for _, v := range fast {
			addVar(v)
		}
		for _, v := range sc.cellvars {
			addVar(v)
		}
		for _, v := range sc.freevars {
			addVar(v)
		}
	}
	return func(fr *Frame) (Value, error) {
		f, err := fn(fr)
		if err != nil {
			return nil, err
		}
		b, isBuiltin := f.(*Builtin)
		if own, ok := fr.th.in.builtins.GetStr(name); !isBuiltin || !ok || own != b {
			return call(fr.th, f, nil, nil)
		}
		var ns *Dict
		switch {
		case name == "globals":
			return fr.globals, nil
		case sc.isFunc():
			ns = NewDict()
			for _, v := range vars {
				var val Value
				if v.ref.cell {
					val = fr.cells[v.ref.idx].v
				} else {
					val = fr.fast[v.ref.idx]
				}
				if val != unbound {
					ns.SetStr(v.name, val)
				}
			}
		case fr.ns != nil:
			ns = fr.ns
		default:
			ns = fr.globals
		}
		if name == "dir" {
			return strList(sortedKeys(ns)), nil
		}
		return ns, nil
	}
}
