package python

import (
	"embed"
	"strings"
	"sync"
)

// Modules of Python's standard library that are written in Python there
// and that scripts import at their top (typing, collections, functools,
// itertools, dataclasses, enum, contextlib, copy, string, abc,
// __future__), written for this interpreter in Python, in lib/. Each
// interpreter runs a module's source on its first import.

//go:embed lib/*.py
var libFiles embed.FS

// libParsed caches the parsed source of each library module; the tree
// is never changed, so interpreters share it (each compiles its own
// closures, whose caches are per interpreter).
var libParsed sync.Map // name -> []Stmt

func init() {
	entries, err := libFiles.ReadDir("lib")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".py")
		nativeModules[name] = func(th *Thread) (*Module, error) { return loadLib(th, name) }
	}
}

func loadLib(th *Thread, name string) (*Module, error) {
	var stmts []Stmt
	if v, ok := libParsed.Load(name); ok {
		stmts = v.([]Stmt)
	} else {
		src, err := libFiles.ReadFile("lib/" + name + ".py")
		if err != nil {
			return nil, th.newError(ErrModuleNotFoundError, "No module named '"+name+"'")
		}
		if stmts, err = Parse(string(src)); err != nil {
			return nil, th.newError(ErrImportError, "module "+name+" of this server does not parse: "+err.Error())
		}
		libParsed.Store(name, stmts)
	}
	top, scopes, err := buildScopes(stmts, scModule)
	if err != nil {
		return nil, th.newError(ErrImportError, "module "+name+": "+err.Error())
	}
	c := &compiler{scopes: scopes, sc: top, qual: ""}
	var body execFn
	if err := catchCompile(func() { body = c.block(stmts) }); err != nil {
		return nil, th.newError(ErrImportError, "module "+name+": "+err.Error())
	}
	m := &Module{name: name, dict: NewDict()}
	m.dict.SetStr("__name__", name)
	// Registered before it runs, so a module importing itself (or a cycle)
	// sees it, as in Python.
	th.in.modules[name] = m
	code := &Code{name: "<module>", qualname: "<module>", body: body, classCell: -1}
	if err := runModule(th, code, m.dict); err != nil {
		delete(th.in.modules, name)
		return nil, err
	}
	return m, nil
}
