package pyobj

// Docstrings. A Go doc comment is not available at run time, so a
// value's __doc__ is what its type says through Documenter, else None,
// as for a Python class without a docstring. A method's __doc__ is its
// Python signature ("greet(name, greeting='hello')", as help() shows a
// builtin's), followed by what Documenter says of it.

import "reflect"

// Documenter is rpyc.Documenter (the same method set): docstrings by Go
// name, "" for the type's own.
type Documenter interface {
	RPyCDoc() map[string]string
}

// docValue is a docstring as the peer gets it: None when there is none.
func docValue(doc string) any {
	if doc == "" {
		return nil
	}
	return doc
}

// docOf is obj.__doc__ for a local value that is not a class or a bound
// method (those answer it themselves).
func docOf(obj any) any {
	obj = Unroot(obj)
	if obj == nil {
		return nil
	}
	if _, ok := obj.(Documenter); !ok {
		return nil
	}
	return docValue(infoOf(reflect.TypeOf(obj)).doc)
}
