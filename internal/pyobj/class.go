package pyobj

// Native classes: the Python face of whole families of Go values, which
// answer the peer with Python's own methods rather than their Go type's.
// A slice is a list (list.go), a map a dict (dict.go), an io.Reader or
// io.Writer a file (file.go), a Go iterator an iterator (iterator.go).
// To give a family of values a new dunder or method, add it to its
// class's table in that file.

import (
	"context"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
)

// nativeMethod is a method a native class provides (list.append,
// dict.keys, the dunders). self is the object, as a reflect.Value; p is
// the policy of the connection whose peer called it.
type nativeMethod func(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error)

// pyClass is the Python class of one family of Go values.
type pyClass struct {
	pyName  string
	methods map[string]nativeMethod
}

// classOf returns the native class of a local value, or nil when only its
// Go type's methods and fields speak for it.
func classOf(obj any) *pyClass {
	switch obj.(type) {
	case nil:
		return nil
	case *goIterator:
		return iteratorClass
	}
	t := reflect.TypeOf(obj)
	switch t.Kind() {
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 {
			return listClass
		}
	case reflect.Pointer:
		switch t.Elem().Kind() {
		case reflect.Slice:
			return listClass
		case reflect.Array:
			if t.Elem().Elem().Kind() != reflect.Uint8 {
				return listClass // a list of fixed length (list.go)
			}
		case reflect.Map:
			return dictClass
		}
	case reflect.Map:
		return dictClass
	}
	return fileClassOf(obj)
}
