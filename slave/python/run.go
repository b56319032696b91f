package python

import (
	"context"

	"github.com/rpyc-go/rpyc"
)

// Exec runs statements in the global namespace, as Python's
// exec(src, namespace). An error is a *vinegar.Exception carrying the
// Python exception (with a traceback in Python's format), or the
// context's error when ctx ended first.
func (in *Interp) Exec(ctx context.Context, src string) error {
	in.addBuiltins(ctx)
	code, err := compileSource(src, false)
	if err != nil {
		return in.exception(err)
	}
	err = in.run(ctx, func(th *Thread) error { return runModule(th, code, in.globals) })
	if err != nil {
		return in.exception(err)
	}
	return nil
}

// Eval evaluates an expression in the global namespace, as Python's
// eval(src, namespace). Plain values come back as themselves (int64,
// string, brine.Tuple, ...); lists, dicts and other objects as
// rpyc.Object values a client reaches by reference.
func (in *Interp) Eval(ctx context.Context, src string) (any, error) {
	in.addBuiltins(ctx)
	ev, err := compileEval(src)
	if err != nil {
		return nil, in.exception(err)
	}
	var out any
	err = in.run(ctx, func(th *Thread) error {
		v, err := runEval(th, ev, in.globals)
		if err != nil {
			return err
		}
		out = th.export(v)
		return nil
	})
	if err != nil {
		return nil, in.exception(err)
	}
	return out, nil
}

// addBuiltins puts __builtins__ (the builtins' dict) in the namespace
// when it is not there, as Python's exec and eval do before they
// compile: a namespace that has run code has it.
func (in *Interp) addBuiltins(ctx context.Context) {
	_ = in.run(ctx, func(th *Thread) error {
		if _, ok := in.globals.GetStr("__builtins__"); !ok {
			in.globals.SetStr("__builtins__", in.builtins)
		}
		return nil
	})
}

// Namespace is the global namespace as the client sees it (Python's
// conn.namespace): a dict, by reference.
func (in *Interp) Namespace() rpyc.Object { return in.exports.wrap(in, in.globals) }

// compileSource parses and compiles module code.
func compileSource(src string, interactive bool) (*Code, error) {
	stmts, err := Parse(src)
	if err != nil {
		return nil, err
	}
	top, scopes, err := buildScopes(stmts, scModule)
	if err != nil {
		return nil, err
	}
	c := &compiler{scopes: scopes, sc: top, interactive: interactive}
	var body execFn
	if err := catchCompile(func() { body = c.block(stmts) }); err != nil {
		return nil, err
	}
	return &Code{name: "<module>", qualname: "<module>", body: body, classCell: -1}, nil
}

// compiledEval is an expression compiled for eval.
type compiledEval struct {
	code *Code
	ev   evalFn
}

func compileEval(src string) (*compiledEval, error) {
	e, err := ParseExpr(src)
	if err != nil {
		return nil, err
	}
	top, scopes, err := buildScopes([]Stmt{&ExprStmt{node{e.pos()}, e}}, scModule)
	if err != nil {
		return nil, err
	}
	c := &compiler{scopes: scopes, sc: top}
	var ev evalFn
	if err := catchCompile(func() { ev = c.expr(e) }); err != nil {
		return nil, err
	}
	return &compiledEval{code: &Code{name: "<module>", qualname: "<module>", firstLine: 1, classCell: -1}, ev: ev}, nil
}

func runModule(th *Thread, code *Code, globals *Dict) error {
	fr := newFrame(th, code, globals, nil)
	fr.line = 1
	if _, err := code.body(fr); err != nil {
		addTraceback(fr, err)
		return err
	}
	return nil
}

func runEval(th *Thread, ce *compiledEval, globals *Dict) (Value, error) {
	fr := newFrame(th, ce.code, globals, nil)
	v, err := ce.ev(fr)
	if err != nil {
		addTraceback(fr, err)
		return nil, err
	}
	return v, nil
}

// sourceArg reads the source of exec() or eval().
func sourceArg(th *Thread, fname string, v Value) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	return "", th.typeErrorf("%s() arg 1 must be a string, bytes or code object", fname)
}

func globalsArg(th *Thread, fname string, a []Value) (*Dict, error) {
	g := th.in.globals
	if v := argOr(a[1], nil); v != nil {
		d, ok := v.(*Dict)
		if !ok {
			return nil, th.typeErrorf("%s() globals must be a dict, not %s", fname, typeName(v))
		}
		g = d
	}
	return g, nil
}

func execBuiltin(th *Thread, fname string, args []Value, kw []KV) error {
	a, err := parseArgs(th, fname, args, kw, "source", "globals=", "locals=")
	if err != nil {
		return err
	}
	src, err := sourceArg(th, fname, a[0])
	if err != nil {
		return err
	}
	g, err := globalsArg(th, fname, a)
	if err != nil {
		return err
	}
	code, err := compileSource(src, false)
	if err != nil {
		if se, ok := err.(*SyntaxError); ok {
			return th.raise(syntaxErrorInstance(se))
		}
		return err
	}
	return runModule(th, code, g)
}

func evalBuiltin(th *Thread, args []Value, kw []KV) (Value, error) {
	a, err := parseArgs(th, "eval", args, kw, "source", "globals=", "locals=")
	if err != nil {
		return nil, err
	}
	src, err := sourceArg(th, "eval", a[0])
	if err != nil {
		return nil, err
	}
	g, err := globalsArg(th, "eval", a)
	if err != nil {
		return nil, err
	}
	ce, err := compileEval(src)
	if err != nil {
		if se, ok := err.(*SyntaxError); ok {
			return nil, th.raise(syntaxErrorInstance(se))
		}
		return nil, err
	}
	return runEval(th, ce, g)
}
