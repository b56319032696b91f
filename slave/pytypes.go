package slave

import (
	"context"
	"fmt"
	"math/big"
	"reflect"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Classes as values. builtins.list, builtins.dict, pathlib.Path,
// datetime.datetime and the other classes a module exposes are objects
// of their own, not functions: calling one makes an instance (its
// __call__), isinstance and issubclass check against it, and Python's
// client sees a type (repr "<class 'list'>", name_pack builtins.type).

// class is implemented by the class objects of this package.
type class interface {
	// qualName is the class's module and name ("builtins.list").
	qualName() string
	// instance reports whether v is an instance of the class.
	instance(v any) bool
	// construct makes an instance from a call's arguments.
	construct(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error)
}

// classBase is what every class object shares: its name, repr, __name__
// and the type Python's client gives its netref.
type classBase struct {
	// Name is __name__.
	Name string `rpyc:"__name__"`
	// Qualname is __qualname__.
	Qualname string `rpyc:"__qualname__"`
	// Module is __module__.
	Module string `rpyc:"__module__"`
}

func newClassBase(module, name string) classBase {
	return classBase{Name: name, Qualname: name, Module: module}
}

func (c *classBase) qualName() string { return c.Module + "." + c.Name }

// RPyCTypeName makes Python's client see a class.
func (c *classBase) RPyCTypeName() string { return "builtins.type" }

// GoString is the class's repr.
func (c *classBase) GoString() string {
	if c.Module == "builtins" {
		return "<class '" + c.Name + "'>"
	}
	return "<class '" + c.Module + "." + c.Qualname + "'>"
}

// String is str() of the class, its repr.
func (c *classBase) String() string { return c.GoString() }

// builtinType is one of builtins' classes (int, str, list, dict, ...).
type builtinType struct {
	classBase
	is   func(v any) bool
	make func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error)
}

// RPyCNames makes Call the class's __call__.
func (t *builtinType) RPyCNames() map[string]string { return map[string]string{"Call": "__call__"} }

// Call is calling the class: a new instance, as Python's constructor.
func (t *builtinType) Call(ctx context.Context, kw rpyc.Kwargs, args ...any) (any, error) {
	return t.construct(ctx, kw, args)
}

func (t *builtinType) instance(v any) bool { return t.is(v) }

func (t *builtinType) construct(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
	if t.make == nil {
		return nil, vinegar.New("TypeError", fmt.Sprintf("cannot create '%s' instances", t.Name))
	}
	return t.make(ctx, kw, args)
}

// isInstance is Python's isinstance(v, cls): cls a class of ours, a
// client's class (matched by name against v's type), or a tuple of them.
func isInstance(ctx context.Context, v, cls any) (bool, error) {
	switch c := cls.(type) {
	case brine.Tuple:
		for _, x := range c {
			ok, err := isInstance(ctx, v, x)
			if ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	case class:
		if n, ok := v.(*rpyc.Netref); ok {
			return netrefIs(n, c.qualName()), nil
		}
		return c.instance(v), nil
	case *vinegar.Class:
		if e, ok := v.(*vinegar.Exception); ok {
			ec, _ := e.Class()
			return ec.IsSubclassOf(c), nil
		}
		return false, nil
	case *rpyc.Netref:
		// A client's class: compare names with v's type.
		name, err := c.GetAttr(ctx, "__name__")
		if err != nil {
			return false, err
		}
		mod, _ := c.GetAttr(ctx, "__module__")
		return typeNameOf(v) == fmt.Sprint(mod)+"."+fmt.Sprint(name), nil
	}
	return false, vinegar.New("TypeError", "isinstance() arg 2 must be a type, a tuple of types, or a union")
}

// netrefIs matches a client's object with one of our classes by the type
// name it was sent under ("builtins.list" for a list).
func netrefIs(n *rpyc.Netref, qual string) bool {
	name := n.TypeName()
	if name == qual {
		return true
	}
	switch qual {
	case "builtins.object":
		return true
	case "builtins.int":
		return name == "builtins.bool"
	}
	return false
}

// typeNameOf is the "module.Name" of v's Python class.
func typeNameOf(v any) string {
	switch x := v.(type) {
	case *rpyc.Netref:
		return x.TypeName()
	case rpyc.TypeNamer:
		return x.RPyCTypeName()
	case interface{ isModule() }:
		return "builtins.module"
	}
	return "builtins." + pyType(v)
}

// The builtin types, by Python name.
var builtinTypes = map[string]*builtinType{}

func builtinTypeOf(name string, is func(any) bool, mk func(context.Context, rpyc.Kwargs, []any) (any, error)) *builtinType {
	t := &builtinType{classBase: newClassBase("builtins", name), is: is, make: mk}
	builtinTypes[name] = t
	return t
}

func isInt(v any) bool {
	switch v.(type) {
	case int64, int, bool, *big.Int:
		return true
	}
	return false
}

func isList(v any) bool {
	switch x := v.(type) {
	case []any, *[]any:
		return true
	case classic.Set:
		return false
	case rpyc.TypeNamer:
		return x.RPyCTypeName() == "builtins.list"
	}
	if v == nil {
		return false
	}
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 && t != reflect.TypeFor[brine.Tuple]() && t != reflect.TypeFor[brine.FrozenSet]()
}

func isSet(v any) bool {
	switch x := v.(type) {
	case classic.Set:
		return true
	case rpyc.TypeNamer:
		return x.RPyCTypeName() == "builtins.set"
	}
	return false
}

func isDict(v any) bool {
	if v == nil {
		return false
	}
	if n, ok := v.(rpyc.TypeNamer); ok {
		return n.RPyCTypeName() == "builtins.dict" || n.RPyCTypeName() == "os._Environ"
	}
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Map
}

// oneArg reads the single optional argument of a constructor.
func oneArg(name string, args []any) (any, bool, error) {
	switch len(args) {
	case 0:
		return nil, false, nil
	case 1:
		return args[0], true, nil
	}
	return nil, false, vinegar.New("TypeError", fmt.Sprintf("%s expected at most 1 argument, got %d", name, len(args)))
}

// callValue calls a callable the client gave (a function of its own), a
// class of ours, or a Go function value.
func callValue(ctx context.Context, fn any, args ...any) (any, error) {
	switch f := fn.(type) {
	case *rpyc.Netref:
		return f.Call(ctx, args...)
	case class:
		return f.construct(ctx, nil, args)
	case interface {
		Call(context.Context, rpyc.Kwargs, ...any) (any, error)
	}:
		return f.Call(ctx, nil, args...)
	}
	if rpyc.IsCallable(fn) {
		return rpyc.CallLocal(ctx, fn, args...)
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("'%s' object is not callable", pyType(fn)))
}
