package python

import (
	"github.com/rpyc-go/rpyc/vinegar"
)

// The methods and attributes exceptions have: args, __str__, __repr__,
// __cause__ and __context__, and the attributes of OSError,
// StopIteration and SystemExit.

func selfExc(th *Thread, args []Value) (*Instance, error) {
	if len(args) > 0 {
		if e, ok := args[0].(*Instance); ok && e.exc != nil {
			return e, nil
		}
	}
	return nil, th.newError(ErrTypeError, "descriptor needs an exception")
}

func asVinegarClass(v Value) (*Class, bool) {
	if vc, ok := v.(*vinegar.Class); ok {
		return ExcClass(vc), true
	}
	return nil, false
}

func init() {
	B := ClassBaseException
	def(B, "__init__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		e, err := selfExc(th, args)
		if err != nil {
			return nil, err
		}
		if len(kw) > 0 {
			return nil, th.typeErrorf("%s() takes no keyword arguments", e.class.name)
		}
		e.exc.args = Tuple(append([]Value{}, args[1:]...))
		if e.class.isSubclass(ErrOSError) {
			osErrorInit(e)
		}
		return nil, nil
	})
	def(B, "__str__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		e, err := selfExc(th, args)
		if err != nil {
			return nil, err
		}
		return excStr(th, e), nil
	})
	def(B, "__repr__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		e, err := selfExc(th, args)
		if err != nil {
			return nil, err
		}
		if len(e.exc.args) == 1 {
			s, err := repr(th, e.exc.args[0])
			if err != nil {
				return nil, err
			}
			return e.class.name + "(" + s + ")", nil
		}
		s, err := repr(th, e.exc.args)
		if err != nil {
			return nil, err
		}
		if len(e.exc.args) == 0 {
			s = "()"
		}
		return e.class.name + s, nil
	})
	B.dict.SetStr("args", &Property{
		get: newBuiltin("args", func(th *Thread, args []Value, kw []KV) (Value, error) {
			e, err := selfExc(th, args)
			if err != nil {
				return nil, err
			}
			return e.exc.args, nil
		}),
		set: newBuiltin("args", func(th *Thread, args []Value, kw []KV) (Value, error) {
			e, err := selfExc(th, args)
			if err != nil {
				return nil, err
			}
			items, err := collect(th, args[1])
			if err != nil {
				return nil, err
			}
			e.exc.args = Tuple(items)
			return nil, nil
		}),
	})
	excLink := func(name string, get func(e *excState) Value, set func(e *excState, v Value) error) {
		B.dict.SetStr(name, &Property{
			get: newBuiltin(name, func(th *Thread, args []Value, kw []KV) (Value, error) {
				e, err := selfExc(th, args)
				if err != nil {
					return nil, err
				}
				return get(e.exc), nil
			}),
			set: newBuiltin(name, func(th *Thread, args []Value, kw []KV) (Value, error) {
				e, err := selfExc(th, args)
				if err != nil {
					return nil, err
				}
				if err := set(e.exc, args[1]); err != nil {
					return nil, th.typeErrorf("exception %s must be None or derive from BaseException", name)
				}
				return nil, nil
			}),
		})
	}
	asExc := func(v Value) (*Instance, error) {
		if v == nil {
			return nil, nil
		}
		if e, ok := v.(*Instance); ok && e.exc != nil {
			return e, nil
		}
		return nil, errNoOp
	}
	excLink("__cause__", func(e *excState) Value {
		if e.cause == nil {
			return nil
		}
		return e.cause
	}, func(e *excState, v Value) error {
		c, err := asExc(v)
		if err == nil {
			e.cause, e.suppress = c, true
		}
		return err
	})
	excLink("__context__", func(e *excState) Value {
		if e.context == nil {
			return nil
		}
		return e.context
	}, func(e *excState, v Value) error {
		c, err := asExc(v)
		if err == nil {
			e.context = c
		}
		return err
	})
	excLink("__suppress_context__", func(e *excState) Value { return e.suppress }, func(e *excState, v Value) error {
		b, _ := v.(bool)
		e.suppress = b
		return nil
	})
	excLink("__traceback__", func(e *excState) Value { return nil }, func(e *excState, v Value) error { return nil })
	def(B, "with_traceback", func(th *Thread, args []Value, kw []KV) (Value, error) {
		e, err := selfExc(th, args)
		if err != nil {
			return nil, err
		}
		return e, nil
	})
	def(B, "add_note", func(th *Thread, args []Value, kw []KV) (Value, error) {
		e, err := selfExc(th, args)
		if err != nil {
			return nil, err
		}
		if len(args) != 2 {
			return nil, th.newError(ErrTypeError, "add_note() takes exactly one argument")
		}
		s, ok := args[1].(string)
		if !ok {
			return nil, th.typeErrorf("note must be a str, not '%s'", typeName(args[1]))
		}
		e.exc.notes = append(e.exc.notes, s)
		return nil, nil
	})

	defProp(ErrStopIteration, "value", func(th *Thread, self Value) (Value, error) {
		e := self.(*Instance)
		if len(e.exc.args) > 0 {
			return e.exc.args[0], nil
		}
		return nil, nil
	})
	defProp(ErrSystemExit, "code", func(th *Thread, self Value) (Value, error) {
		e := self.(*Instance)
		switch len(e.exc.args) {
		case 0:
			return nil, nil
		case 1:
			return e.exc.args[0], nil
		}
		return e.exc.args, nil
	})
	// OSError(errno, strerror, ...) picks the subclass for the errno, as
	// Python's does: OSError(2, 'x') is a FileNotFoundError.
	ErrOSError.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		target := cls
		if cls == ErrOSError && len(args) >= 2 {
			if n, ok := args[0].(int64); ok {
				ve := &vinegar.Exception{Module: "builtins", Name: "OSError", Args: Tuple{n, ""}}
				if vc, ok := ve.Class(); ok {
					target = ExcClass(vc)
				}
			}
		}
		e := newInstance(target)
		e.exc.args = Tuple(append([]Value{}, args...))
		if init, ok := target.lookup("__init__"); ok {
			if _, err := callBound(th, init, e, args, kw...); err != nil {
				return nil, err
			}
		}
		return e, nil
	}
}

// osErrorInit sets errno, strerror, filename and filename2 from args,
// as OSError's constructor does.
func osErrorInit(e *Instance) {
	d := e.attrs()
	for _, n := range []string{"errno", "strerror", "filename", "filename2"} {
		if _, ok := d.GetStr(n); !ok {
			d.SetStr(n, nil)
		}
	}
	args := e.exc.args
	if len(args) >= 2 && len(args) <= 5 {
		d.SetStr("errno", args[0])
		d.SetStr("strerror", args[1])
		if len(args) >= 3 {
			d.SetStr("filename", args[2])
		}
		if len(args) >= 5 {
			d.SetStr("filename2", args[4])
		}
		e.exc.args = Tuple{args[0], args[1]}
	}
}
