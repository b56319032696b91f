package python

import "unsafe"

// The compiler turns the syntax tree into Go closures: each expression
// becomes an evalFn, each statement an execFn, each assignment target a
// storeFn. Names are resolved here, once: a function's locals live in
// numbered frame slots, variables shared with nested functions in
// cells, globals in the namespace dict. Running code is then calling
// closures, with no tree walking and no name lookups for locals.

type (
	evalFn  func(fr *Frame) (Value, error)
	execFn  func(fr *Frame) (ctl, error)
	storeFn func(fr *Frame, v Value) error
)

// ctl says how a statement ended.
type ctl uint8

const (
	ctlNext ctl = iota
	ctlBreak
	ctlContinue
	ctlReturn
)

// Frame is one running function call, class body, or module.
type Frame struct {
	th      *Thread
	code    *Code
	fast    []Value
	cells   []*Cell
	globals *Dict
	ns      *Dict // a class body's namespace; nil elsewhere
	ret     Value
	line    int
	gen     *genCore
	// slots holds the locals of small functions, so a call makes one
	// allocation, not two.
	slots [6]Value
}

// id is the frame's identity for tracebacks.
func (fr *Frame) id() uintptr { return uintptr(unsafe.Pointer(fr)) }

// Code is a compiled function body (or module, or class body).
type Code struct {
	name      string
	qualname  string
	firstLine int
	nfast     int
	ncellvars int
	nfree     int
	params    paramSpec
	body      execFn
	generator bool
	doc       Value
	freevars  []string
	// cellOf maps each freevar to its cell index in the defining frame.
	outerCells []int
	// classCell is the index of a class body's __class__ cell, or -1.
	classCell int
}

// paramSpec is a function's parameter list, as call binding needs it.
type paramSpec struct {
	names   []string  // positional parameters, in order
	posonly int       // how many of names are positional-only
	kwonly  []string  // keyword-only parameters
	vararg  string    // *args name, or ""
	kwarg   string    // **kwargs name, or ""
	slots   []slotRef // where each parameter goes: names, vararg, kwonly, kwarg
}

type slotRef struct {
	cell bool
	idx  int
}

type compiler struct {
	scopes map[any]*scope
	sc     *scope
	qual   string // qualified name prefix for nested definitions
	loops  int    // enclosing loops, for break and continue
	// interactive prints the value of expression statements at module
	// level, as Python's interactive prompt does.
	interactive bool
}

// compileError is a SyntaxError found while compiling; it unwinds the
// compiler by panic, recovered by catchCompile only.
type compileError struct{ err *SyntaxError }

func (c *compiler) fail(p Pos, msg string) {
	panic(compileError{&SyntaxError{Class: "SyntaxError", Msg: msg, Pos: p}})
}

func catchCompile(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			err = ce.err
		}
	}()
	f()
	return nil
}

// block compiles a statement list into one execFn.
func (c *compiler) block(stmts []Stmt) execFn {
	fns := make([]execFn, 0, len(stmts))
	for _, s := range stmts {
		if f := c.stmt(s); f != nil {
			fns = append(fns, f)
		}
	}
	switch len(fns) {
	case 0:
		return func(*Frame) (ctl, error) { return ctlNext, nil }
	case 1:
		return fns[0]
	case 2:
		a, b := fns[0], fns[1]
		return func(fr *Frame) (ctl, error) {
			if k, err := a(fr); k != ctlNext || err != nil {
				return k, err
			}
			return b(fr)
		}
	}
	return func(fr *Frame) (ctl, error) {
		for _, f := range fns {
			if k, err := f(fr); k != ctlNext || err != nil {
				return k, err
			}
		}
		return ctlNext, nil
	}
}

// nameKind is where a name lives, seen from the scope being compiled.
type nameKind uint8

const (
	nkGlobal     nameKind = iota // the global namespace, then builtins
	nkFast                       // a function local's slot
	nkCell                       // a cell (shared with nested functions)
	nkName                       // a class body's namespace, then globals, then builtins
	nkClassDeref                 // a class body's namespace, then a cell
)

func (c *compiler) where(name string) (nameKind, int) {
	s := c.sc
	switch {
	case s.kind == scModule || s.globals[name]:
		return nkGlobal, 0
	case s.isFunc():
		if i, ok := s.fast[name]; ok {
			return nkFast, i
		}
		if i, ok := s.cellIdx[name]; ok {
			return nkCell, i
		}
		return nkGlobal, 0
	}
	// A class body.
	if s.nonlocals[name] {
		return nkCell, s.cellIdx[name]
	}
	if s.assigned[name] {
		return nkName, 0
	}
	if i, ok := s.cellIdx[name]; ok && name != "__class__" {
		return nkClassDeref, i
	}
	return nkName, 0
}

func (c *compiler) load(n *Name) evalFn {
	name := n.ID
	kind, i := c.where(name)
	switch kind {
	case nkFast:
		return func(fr *Frame) (Value, error) {
			if v := fr.fast[i]; v != unbound {
				return v, nil
			}
			return nil, fr.th.newError(ErrUnboundLocalError, "cannot access local variable '"+name+"' where it is not associated with a value")
		}
	case nkCell:
		return func(fr *Frame) (Value, error) {
			if v := fr.cells[i].v; v != unbound {
				return v, nil
			}
			return nil, fr.th.newError(ErrNameError, "cannot access free variable '"+name+"' where it is not associated with a value in enclosing scope")
		}
	case nkName:
		return func(fr *Frame) (Value, error) {
			if v, ok := fr.ns.GetStr(name); ok {
				return v, nil
			}
			return loadGlobal(fr, name)
		}
	case nkClassDeref:
		return func(fr *Frame) (Value, error) {
			if v, ok := fr.ns.GetStr(name); ok {
				return v, nil
			}
			if v := fr.cells[i].v; v != unbound {
				return v, nil
			}
			return nil, fr.th.newError(ErrNameError, "cannot access free variable '"+name+"' where it is not associated with a value in enclosing scope")
		}
	}
	site := &globalSite{name: name}
	return site.load
}

func loadGlobal(fr *Frame, name string) (Value, error) {
	if v, ok := fr.globals.GetStr(name); ok {
		return v, nil
	}
	if v, ok := fr.th.in.builtins.GetStr(name); ok {
		return v, nil
	}
	return nil, fr.th.newError(ErrNameError, "name '"+name+"' is not defined").(*Instance).withAttr("name", name)
}

// globalSite caches where a global name was found, for one place in the
// code: while the dict has had no key added or removed (its ver), the
// entry index stays valid. A name found in builtins is cached with the
// globals' ver at that moment (it is still absent while that holds).
// Code runs under the interpreter lock, so the cache needs no lock.
type globalSite struct {
	name    string
	d       *Dict
	ver     uint32
	idx     int32
	builtin bool
}

func (g *globalSite) load(fr *Frame) (Value, error) {
	d := fr.globals
	if g.d == d && d.ver == g.ver {
		if g.builtin {
			return fr.th.in.builtins.entries[g.idx].val, nil
		}
		return d.entries[g.idx].val, nil
	}
	if i, ok := d.sidx[g.name]; ok {
		*g = globalSite{name: g.name, d: d, ver: d.ver, idx: i}
		return d.entries[i].val, nil
	}
	if i, ok := fr.th.in.builtins.sidx[g.name]; ok {
		*g = globalSite{name: g.name, d: d, ver: d.ver, idx: i, builtin: true}
		return fr.th.in.builtins.entries[i].val, nil
	}
	return loadGlobal(fr, g.name)
}

func (g *globalSite) store(fr *Frame, v Value) {
	d := fr.globals
	if g.d == d && d.ver == g.ver && !g.builtin {
		d.entries[g.idx].val = v
		return
	}
	d.SetStr(g.name, v)
	*g = globalSite{name: g.name, d: d, ver: d.ver, idx: d.sidx[g.name]}
}

func (c *compiler) storeName(name string) storeFn {
	kind, i := c.where(name)
	switch kind {
	case nkFast:
		return func(fr *Frame, v Value) error { fr.fast[i] = v; return nil }
	case nkCell:
		return func(fr *Frame, v Value) error { fr.cells[i].v = v; return nil }
	case nkName, nkClassDeref:
		return func(fr *Frame, v Value) error { fr.ns.SetStr(name, v); return nil }
	}
	site := &globalSite{name: name}
	return func(fr *Frame, v Value) error { site.store(fr, v); return nil }
}

func (c *compiler) delName(name string) execFn {
	kind, i := c.where(name)
	notDefined := func(fr *Frame) error {
		return fr.th.newError(ErrNameError, "name '"+name+"' is not defined")
	}
	switch kind {
	case nkFast:
		return func(fr *Frame) (ctl, error) {
			if fr.fast[i] == unbound {
				return 0, fr.th.newError(ErrUnboundLocalError, "cannot access local variable '"+name+"' where it is not associated with a value")
			}
			fr.fast[i] = unbound
			return ctlNext, nil
		}
	case nkCell:
		return func(fr *Frame) (ctl, error) {
			if fr.cells[i].v == unbound {
				return 0, notDefined(fr)
			}
			fr.cells[i].v = unbound
			return ctlNext, nil
		}
	case nkName, nkClassDeref:
		return func(fr *Frame) (ctl, error) {
			if !fr.ns.DelStr(name) {
				return 0, notDefined(fr)
			}
			return ctlNext, nil
		}
	}
	return func(fr *Frame) (ctl, error) {
		if !fr.globals.DelStr(name) {
			return 0, notDefined(fr)
		}
		return ctlNext, nil
	}
}

// function compiles a def or lambda body into a Code.
func (c *compiler) function(node any, name string, args *Arguments, body []Stmt, expr Expr, line int) *Code {
	sc := c.scopes[node]
	inner := &compiler{scopes: c.scopes, sc: sc, qual: c.qualFor(name) + ".<locals>."}
	code := &Code{name: name, qualname: c.qualFor(name), firstLine: line, generator: sc.generator, classCell: -1}
	code.nfast = len(sc.fast)
	code.ncellvars = len(sc.cellvars)
	code.nfree = len(sc.freevars)
	code.freevars = sc.freevars
	code.outerCells = c.outerCells(sc)
	ps := paramSpec{posonly: args.PosOnly, vararg: args.Vararg, kwarg: args.Kwarg}
	for _, a := range args.Args {
		ps.names = append(ps.names, a.Name)
	}
	for _, a := range args.KwOnly {
		ps.kwonly = append(ps.kwonly, a.Name)
	}
	for _, p := range sc.params {
		if i, ok := sc.cellIdx[p]; ok {
			ps.slots = append(ps.slots, slotRef{cell: true, idx: i})
		} else {
			ps.slots = append(ps.slots, slotRef{idx: sc.fast[p]})
		}
	}
	code.params = ps
	if expr != nil {
		ev := inner.expr(expr)
		if sc.generator {
			code.body = func(fr *Frame) (ctl, error) {
				_, err := ev(fr)
				return ctlNext, err
			}
		} else {
			code.body = func(fr *Frame) (ctl, error) {
				v, err := ev(fr)
				fr.ret = v
				return ctlReturn, err
			}
		}
		return code
	}
	if len(body) > 0 {
		if es, ok := body[0].(*ExprStmt); ok {
			if k, ok := es.X.(*Constant); ok {
				if s, ok := k.Value.(string); ok {
					code.doc = s
				}
			}
		}
	}
	code.body = inner.block(body)
	return code
}

func (c *compiler) qualFor(name string) string {
	return c.qual + name
}

// outerCells gives, for each free variable of sc, the index of the cell
// in the enclosing frame that the closure takes.
func (c *compiler) outerCells(sc *scope) []int {
	out := make([]int, len(sc.freevars))
	for i, n := range sc.freevars {
		idx, ok := c.sc.cellIdx[n]
		if !ok {
			c.fail(Pos{1, 0}, "internal: no cell for free variable '"+n+"'")
		}
		out[i] = idx
	}
	return out
}

// closure collects the cells a nested function captures.
func closure(fr *Frame, code *Code) []*Cell {
	if len(code.outerCells) == 0 {
		return nil
	}
	cl := make([]*Cell, len(code.outerCells))
	for i, idx := range code.outerCells {
		cl[i] = fr.cells[idx]
	}
	return cl
}

// newFrame makes the frame a Code runs in.
func newFrame(th *Thread, code *Code, globals *Dict, cl []*Cell) *Frame {
	fr := &Frame{th: th, code: code, globals: globals, line: code.firstLine}
	if code.nfast > 0 {
		if code.nfast <= len(fr.slots) {
			fr.fast = fr.slots[:code.nfast]
		} else {
			fr.fast = make([]Value, code.nfast)
		}
		for i := range fr.fast {
			fr.fast[i] = unbound
		}
	}
	if n := code.ncellvars + code.nfree; n > 0 {
		fr.cells = make([]*Cell, n)
		for i := 0; i < code.ncellvars; i++ {
			fr.cells[i] = &Cell{v: unbound}
		}
		copy(fr.cells[code.ncellvars:], cl)
	}
	return fr
}
