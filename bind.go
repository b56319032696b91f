package rpyc

// Typed bindings: a struct of func fields, filled by reflection, so a
// remote call is one typed line (Python's conn.root.add(1, 2)).

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/rpyc-go/rpyc/internal/pyobj"
)

// ErrBind is matched by every error Bind returns: the binding struct is
// malformed, or the remote object lacks a method it names.
var ErrBind = errors.New("rpyc: bind")

// Bind fills the func fields of the struct dst points to with calls to the
// methods of the remote object r, so that
//
//	var calc struct {
//		Add func(ctx context.Context, a, b int) (int, error)
//	}
//	err := rpyc.Bind(ctx, root, &calc)
//	sum, err := calc.Add(ctx, 1, 2)
//
// is root.add(1, 2) in one round trip (HANDLE_CALLATTR), with the result
// converted as As does. Each exported func field names a method: its
// snake_case name (Add → add, GetHistory → get_history), or the tag
// `rpyc:"name"`; `rpyc:"-"` skips the field and `rpyc:"name,nocheck"`
// skips the existence check below. A field's func type must take a
// context.Context first and return (T, error) or (error); a final
// variadic parameter is sent as extra positional arguments and a Kwargs
// parameter as keyword arguments.
//
// Everything is checked once, here: the struct's shape (errors name the
// field and say what to change) and, with one HANDLE_DIR round trip, that
// the remote object has every method (under its name or with Python's
// "exposed_" prefix). Other fields are left alone.
func Bind(ctx context.Context, r *Netref, dst any) error {
	pv := reflect.ValueOf(dst)
	if pv.Kind() != reflect.Pointer || pv.IsNil() || pv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("%w: dst must be a non-nil pointer to a struct of func fields, not %T", ErrBind, dst)
	}
	sv := pv.Elem()
	st := sv.Type()
	type binding struct {
		field int
		name  string
		check bool
	}
	var bs []binding
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Func {
			continue
		}
		name, check := SnakeCase(f.Name), true
		if tag, ok := f.Tag.Lookup("rpyc"); ok {
			n, opts, _ := strings.Cut(tag, ",")
			if n == "-" {
				continue
			}
			if n != "" {
				name = n
			}
			check = opts != "nocheck"
		}
		if err := checkBindFunc(f.Type); err != nil {
			return fmt.Errorf("%w: field %s.%s (%s): %w", ErrBind, st, f.Name, f.Type, err)
		}
		bs = append(bs, binding{i, name, check})
	}
	if len(bs) == 0 {
		return fmt.Errorf("%w: %s has no exported func fields to bind", ErrBind, st)
	}
	var have map[string]bool
	for _, b := range bs {
		if !b.check {
			continue
		}
		if have == nil {
			names, err := r.Dir(ctx)
			if err != nil {
				return fmt.Errorf("%w: dir(%s): %w", ErrBind, r, err)
			}
			have = make(map[string]bool, len(names))
			for _, n := range names {
				have[n] = true
			}
		}
		if !have[b.name] && !have["exposed_"+b.name] {
			return fmt.Errorf("%w: %s has no method %q for field %s.%s; fix the name or tag it `rpyc:\"name\"` (`rpyc:\"name,nocheck\"` for attributes dir() does not list)",
				ErrBind, r, b.name, st, st.Field(b.field).Name)
		}
	}
	for _, b := range bs {
		fv := sv.Field(b.field)
		fv.Set(boundMethodFunc(r, b.name, fv.Type()))
	}
	return nil
}

// checkBindFunc says what is wrong with a func type for Bind, or nil.
func checkBindFunc(t reflect.Type) error {
	if t.NumIn() == 0 || t.In(0) != ctxType {
		return errors.New("the first parameter must be context.Context")
	}
	switch t.NumOut() {
	case 1:
		if t.Out(0) != errorType {
			return errors.New("a single result must be error")
		}
	case 2:
		if t.Out(1) != errorType {
			return errors.New("the second result must be error")
		}
		switch t.Out(0).Kind() {
		case reflect.Chan, reflect.UnsafePointer, reflect.Uintptr:
			return fmt.Errorf("result type %s cannot hold a Python value", t.Out(0))
		}
	default:
		return errors.New("results must be (T, error) or (error)")
	}
	for i := 1; i < t.NumIn(); i++ {
		if t.In(i).Kind() == reflect.Chan && t.In(i).ChanDir() == reflect.SendDir {
			return fmt.Errorf("parameter %d: a send-only channel cannot be passed", i)
		}
	}
	return nil
}

// boundMethodFunc makes the func value that calls r.name(...).
func boundMethodFunc(r *Netref, name string, t reflect.Type) reflect.Value {
	return reflect.MakeFunc(t, func(in []reflect.Value) []reflect.Value {
		ctx, _ := in[0].Interface().(context.Context)
		if ctx == nil {
			ctx = context.Background()
		}
		args := make([]any, 0, len(in)-1)
		for i := 1; i < len(in); i++ {
			a := in[i]
			if t.IsVariadic() && i == len(in)-1 {
				for j := 0; j < a.Len(); j++ {
					args = append(args, a.Index(j).Interface())
				}
				continue
			}
			args = append(args, a.Interface())
		}
		res, err := r.CallMethod(ctx, name, args...)
		out := make([]reflect.Value, t.NumOut())
		for i := range out {
			out[i] = reflect.Zero(t.Out(i))
		}
		if err == nil && t.NumOut() == 2 {
			rv, cerr := pyobj.ConvertTo(res, t.Out(0))
			if cerr != nil {
				err = fmt.Errorf("result of %s.%s: %w", r.TypeName(), name, cerr)
			} else {
				out[0] = rv
			}
		}
		if err != nil {
			out[t.NumOut()-1] = reflect.ValueOf(&err).Elem()
		}
		return out
	})
}
