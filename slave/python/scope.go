package python

// Scope analysis: which names are local to a function, which are shared
// with nested functions (cells), which are global; Python's symtable.

type scopeKind uint8

const (
	scModule scopeKind = iota
	scFunction
	scClass
	scComp // a comprehension: a function scope of its own
)

type scope struct {
	kind      scopeKind
	name      string
	parent    *scope
	params    []string
	assigned  map[string]bool
	used      map[string]bool
	globals   map[string]bool
	nonlocals map[string]bool
	children  []*scope
	generator bool
	usesSuper bool // a function calling super() with no arguments
	hasReturn bool

	// Results.
	fast     map[string]int // function locals kept in frame slots
	cellIdx  map[string]int // cells: cellvars first, then freevars
	cellvars []string
	freevars []string
}

func newScope(kind scopeKind, name string, parent *scope) *scope {
	s := &scope{kind: kind, name: name, parent: parent,
		assigned: map[string]bool{}, used: map[string]bool{}, globals: map[string]bool{}, nonlocals: map[string]bool{},
		fast: map[string]int{}, cellIdx: map[string]int{}}
	if parent != nil {
		parent.children = append(parent.children, s)
	}
	return s
}

func (s *scope) isFunc() bool { return s.kind == scFunction || s.kind == scComp }

// isLocal reports whether s binds name itself.
func (s *scope) isLocal(name string) bool {
	if s.globals[name] || s.nonlocals[name] {
		return false
	}
	if s.assigned[name] {
		return true
	}
	for _, p := range s.params {
		if p == name {
			return true
		}
	}
	return false
}

// symtable walks a module's statements and builds its scope tree; it
// reports the errors Python's compiler finds at this stage.
type symtable struct {
	scopes map[any]*scope
	err    *SyntaxError
}

func buildScopes(stmts []Stmt, kind scopeKind) (*scope, map[any]*scope, error) {
	st := &symtable{scopes: map[any]*scope{}}
	top := newScope(kind, "<module>", nil)
	st.stmts(top, stmts)
	if st.err != nil {
		return nil, nil, st.err
	}
	st.resolve(top)
	if st.err != nil {
		return nil, nil, st.err
	}
	top.number()
	return top, st.scopes, nil
}

func (st *symtable) fail(p Pos, msg string) {
	if st.err == nil {
		st.err = &SyntaxError{Class: "SyntaxError", Msg: msg, Pos: p}
	}
}

func (st *symtable) stmts(s *scope, body []Stmt) {
	for _, x := range body {
		st.stmt(s, x)
	}
}

func (st *symtable) store(s *scope, e Expr) {
	switch x := e.(type) {
	case *Name:
		s.assigned[x.ID] = true
	case *TupleExpr:
		for _, el := range x.Elts {
			st.store(s, el)
		}
	case *ListExpr:
		for _, el := range x.Elts {
			st.store(s, el)
		}
	case *Starred:
		st.store(s, x.Value)
	case *Attribute:
		st.expr(s, x.Value)
	case *Subscript:
		st.expr(s, x.Value)
		st.expr(s, x.Index)
	default:
		st.expr(s, e)
	}
}

func (st *symtable) declare(s *scope, p Pos, name string, global bool) {
	if s.kind == scModule && !global {
		st.fail(p, "nonlocal declaration not allowed at module level")
		return
	}
	for _, q := range s.params {
		if q == name {
			kind := "global"
			if !global {
				kind = "nonlocal"
			}
			st.fail(p, "name '"+name+"' is parameter and "+kind)
			return
		}
	}
	if global {
		if s.nonlocals[name] {
			st.fail(p, "name '"+name+"' is nonlocal and global")
		}
		s.globals[name] = true
	} else {
		if s.globals[name] {
			st.fail(p, "name '"+name+"' is nonlocal and global")
		}
		s.nonlocals[name] = true
	}
}

func (st *symtable) stmt(s *scope, x Stmt) {
	switch n := x.(type) {
	case *ExprStmt:
		st.expr(s, n.X)
	case *Assign:
		st.expr(s, n.Value)
		for _, t := range n.Targets {
			st.store(s, t)
		}
	case *AugAssign:
		st.expr(s, n.Value)
		st.expr(s, n.Target)
		st.store(s, n.Target)
	case *AnnAssign:
		if s.kind == scModule || s.kind == scClass {
			st.expr(s, n.Ann)
		}
		if n.Value != nil {
			st.expr(s, n.Value)
			st.store(s, n.Target)
		} else if nm, ok := n.Target.(*Name); ok && s.kind != scModule && s.kind != scClass {
			s.assigned[nm.ID] = true
		}
	case *Return:
		if !s.isFunc() {
			st.fail(n.P, "'return' outside function")
		}
		s.hasReturn = true
		if n.Value != nil {
			st.expr(s, n.Value)
		}
	case *If:
		st.expr(s, n.Test)
		st.stmts(s, n.Body)
		st.stmts(s, n.Else)
	case *While:
		st.expr(s, n.Test)
		st.stmts(s, n.Body)
		st.stmts(s, n.Else)
	case *For:
		st.expr(s, n.Iter)
		st.store(s, n.Target)
		st.stmts(s, n.Body)
		st.stmts(s, n.Else)
	case *Try:
		st.stmts(s, n.Body)
		for _, h := range n.Handlers {
			if h.Type != nil {
				st.expr(s, h.Type)
			}
			if h.Name != "" {
				s.assigned[h.Name] = true
			}
			st.stmts(s, h.Body)
		}
		st.stmts(s, n.Else)
		st.stmts(s, n.Finally)
	case *Raise:
		if n.Exc != nil {
			st.expr(s, n.Exc)
		}
		if n.Cause != nil {
			st.expr(s, n.Cause)
		}
	case *Assert:
		st.expr(s, n.Test)
		if n.Msg != nil {
			st.expr(s, n.Msg)
		}
	case *With:
		for _, it := range n.Items {
			st.expr(s, it.Ctx)
			if it.Target != nil {
				st.store(s, it.Target)
			}
		}
		st.stmts(s, n.Body)
	case *Import:
		for _, a := range n.Names {
			s.assigned[importBinding(a)] = true
		}
	case *ImportFrom:
		for _, a := range n.Names {
			if a.Name == "*" {
				if s.kind != scModule {
					st.fail(n.P, "import * only allowed at module level")
				}
				continue
			}
			if a.AsName != "" {
				s.assigned[a.AsName] = true
			} else {
				s.assigned[a.Name] = true
			}
		}
	case *Global:
		for _, name := range n.Names {
			st.declare(s, n.P, name, true)
		}
	case *Nonlocal:
		for _, name := range n.Names {
			st.declare(s, n.P, name, false)
		}
	case *Del:
		for _, t := range n.Targets {
			st.store(s, t)
		}
	case *FunctionDef:
		for _, d := range n.Decorators {
			st.expr(s, d)
		}
		st.defaults(s, n.Args)
		s.assigned[n.Name] = true
		fs := newScope(scFunction, n.Name, s)
		st.scopes[n] = fs
		fs.params = paramNames(n.Args)
		st.stmts(fs, n.Body)
	case *ClassDef:
		for _, d := range n.Decorators {
			st.expr(s, d)
		}
		for _, b := range n.Bases {
			st.expr(s, b)
		}
		for _, k := range n.Keywords {
			st.expr(s, k.Value)
		}
		s.assigned[n.Name] = true
		cs := newScope(scClass, n.Name, s)
		st.scopes[n] = cs
		st.stmts(cs, n.Body)
	case *Pass, *Break, *Continue:
	}
}

// importBinding is the name an import statement binds.
func importBinding(a Alias) string {
	if a.AsName != "" {
		return a.AsName
	}
	for i := 0; i < len(a.Name); i++ {
		if a.Name[i] == '.' {
			return a.Name[:i]
		}
	}
	return a.Name
}

func paramNames(a *Arguments) []string {
	var out []string
	for _, p := range a.Args {
		out = append(out, p.Name)
	}
	if a.Vararg != "" {
		out = append(out, a.Vararg)
	}
	for _, p := range a.KwOnly {
		out = append(out, p.Name)
	}
	if a.Kwarg != "" {
		out = append(out, a.Kwarg)
	}
	return out
}

func (st *symtable) defaults(s *scope, a *Arguments) {
	for _, p := range a.Args {
		if p.Default != nil {
			st.expr(s, p.Default)
		}
	}
	for _, p := range a.KwOnly {
		if p.Default != nil {
			st.expr(s, p.Default)
		}
	}
}

func (st *symtable) exprs(s *scope, es []Expr) {
	for _, e := range es {
		st.expr(s, e)
	}
}

func (st *symtable) expr(s *scope, e Expr) {
	switch n := e.(type) {
	case nil:
	case *Name:
		s.used[n.ID] = true
	case *Constant:
	case *JoinedStr:
		st.exprs(s, n.Parts)
	case *FormattedValue:
		st.expr(s, n.Value)
		st.expr(s, n.Spec)
	case *TupleExpr:
		st.exprs(s, n.Elts)
	case *ListExpr:
		st.exprs(s, n.Elts)
	case *SetExpr:
		st.exprs(s, n.Elts)
	case *DictExpr:
		for i := range n.Keys {
			st.expr(s, n.Keys[i])
			st.expr(s, n.Values[i])
		}
	case *Starred:
		st.expr(s, n.Value)
	case *Attribute:
		st.expr(s, n.Value)
	case *Subscript:
		st.expr(s, n.Value)
		st.expr(s, n.Index)
	case *SliceExpr:
		st.expr(s, n.Lo)
		st.expr(s, n.Hi)
		st.expr(s, n.Step)
	case *Call:
		st.expr(s, n.Func)
		st.exprs(s, n.Args)
		for _, k := range n.Keywords {
			st.expr(s, k.Value)
		}
		if nm, ok := n.Func.(*Name); ok && nm.ID == "super" && len(n.Args) == 0 && s.kind == scFunction {
			s.usesSuper = true
		}
	case *BinOp:
		st.expr(s, n.L)
		st.expr(s, n.R)
	case *UnaryOp:
		st.expr(s, n.X)
	case *BoolOp:
		st.exprs(s, n.Values)
	case *Compare:
		st.expr(s, n.Left)
		st.exprs(s, n.Right)
	case *IfExp:
		st.expr(s, n.Test)
		st.expr(s, n.Body)
		st.expr(s, n.Else)
	case *Lambda:
		st.defaults(s, n.Args)
		ls := newScope(scFunction, "<lambda>", s)
		st.scopes[n] = ls
		ls.params = paramNames(n.Args)
		st.expr(ls, n.Body)
	case *Comp:
		st.expr(s, n.Gens[0].Iter)
		cs := newScope(scComp, compName(n.Kind), s)
		st.scopes[n] = cs
		cs.params = []string{".0"}
		for i, g := range n.Gens {
			if i > 0 {
				st.expr(cs, g.Iter)
			}
			st.store(cs, g.Target)
			st.exprs(cs, g.Ifs)
		}
		st.expr(cs, n.Elt)
		st.expr(cs, n.Value)
		if n.Kind == "gen" {
			cs.generator = true
		}
	case *Yield:
		switch s.kind {
		case scModule, scClass:
			st.fail(n.P, "'yield' outside function")
		case scComp:
			st.fail(n.P, "'yield' inside "+compName(compKindOf(s))+"")
		}
		s.generator = true
		st.expr(s, n.Value)
	case *NamedExpr:
		st.expr(s, n.Value)
		// The target binds in the nearest enclosing scope that is not a
		// comprehension.
		t := s
		for t.kind == scComp {
			t = t.parent
		}
		if t.kind == scClass {
			st.fail(n.P, "assignment expression within a comprehension cannot be used in a class body")
			return
		}
		t.assigned[n.Target.ID] = true
		for c := s; c != t; c = c.parent {
			if t.kind == scModule {
				c.globals[n.Target.ID] = true
			} else {
				c.nonlocals[n.Target.ID] = true
			}
		}
	}
}

func compName(kind string) string {
	switch kind {
	case "list":
		return "<listcomp>"
	case "set":
		return "<setcomp>"
	case "dict":
		return "<dictcomp>"
	}
	return "<genexpr>"
}

func compKindOf(s *scope) string {
	switch s.name {
	case "<listcomp>":
		return "list"
	case "<setcomp>":
		return "set"
	case "<dictcomp>":
		return "dict"
	}
	return "gen"
}

// resolve decides, for every scope, where each of its names lives.
func (st *symtable) resolve(s *scope) {
	for _, c := range s.children {
		st.resolve(c)
	}
	if s.usesSuper {
		s.used["__class__"] = true
	}
	names := map[string]bool{}
	for n := range s.used {
		names[n] = true
	}
	for n := range s.assigned {
		names[n] = true
	}
	for n := range s.nonlocals {
		names[n] = true
	}
	for n := range names {
		if s.kind == scModule || s.globals[n] {
			continue
		}
		if s.isLocal(n) {
			continue
		}
		if s.kind == scClass && s.assigned[n] {
			continue
		}
		if n == "__class__" && s.isFunc() {
			if cls := enclosingClass(s); cls != nil {
				st.addFree(s, cls, n)
				continue
			}
		}
		if owner := st.binder(s, n); owner != nil {
			st.addFree(s, owner, n)
		} else if s.nonlocals[n] {
			st.fail(Pos{1, 0}, "no binding for nonlocal '"+n+"' found")
		}
	}
	if s.isFunc() {
		for _, p := range s.params {
			st.slot(s, p)
		}
		for n := range s.assigned {
			if s.isLocal(n) {
				st.slot(s, n)
			}
		}
	}
}

// enclosingClass is the class scope a method (or a function nested in
// one) is defined in, for super() and __class__.
func enclosingClass(s *scope) *scope {
	for p := s.parent; p != nil; p = p.parent {
		if p.kind == scClass {
			return p
		}
		if p.kind == scModule {
			return nil
		}
	}
	return nil
}

// binder finds the enclosing function scope that binds name, skipping
// class scopes, as Python's closures do.
func (st *symtable) binder(s *scope, name string) *scope {
	for p := s.parent; p != nil; p = p.parent {
		switch p.kind {
		case scModule:
			return nil
		case scClass:
			continue
		}
		if p.globals[name] {
			return nil
		}
		if p.isLocal(name) {
			return p
		}
	}
	return nil
}

// addFree makes name a free variable of s and of every scope between s
// and owner, and a cell of owner.
func (st *symtable) addFree(s, owner *scope, name string) {
	for c := s; c != owner; c = c.parent {
		if _, ok := c.cellIdx[name]; ok {
			if c == s {
				continue
			}
			break
		}
		c.freevars = append(c.freevars, name)
		c.cellIdx[name] = -1 // numbered once all cellvars are known
	}
	if _, ok := owner.cellIdx[name]; !ok {
		owner.cellvars = append(owner.cellvars, name)
		owner.cellIdx[name] = -1
	}
}

// slot gives a function local its frame slot, unless it is a cell.
func (st *symtable) slot(s *scope, name string) {
	if _, isCell := s.cellIdx[name]; isCell {
		return
	}
	if _, ok := s.fast[name]; !ok {
		s.fast[name] = len(s.fast)
	}
}

// number assigns cell indices: cellvars first, then freevars. Called
// after the whole tree is resolved.
func (s *scope) number() {
	for i, n := range s.cellvars {
		s.cellIdx[n] = i
	}
	for i, n := range s.freevars {
		s.cellIdx[n] = len(s.cellvars) + i
	}
	for _, c := range s.children {
		c.number()
	}
}
