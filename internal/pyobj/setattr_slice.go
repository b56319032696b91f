package pyobj

import "reflect"

// A field that holds a *[]T is a list the Go owner shares with the peer
// (sys.path in a classic server): list methods change it through the
// pointer (list.go). Assigning the attribute (sys.path = [...])
// replaces the list's items through the same pointer, under the list's
// lock, rather than the pointer: the owner and every netref to the list
// see the new items, as Python code holding the old list object would
// not, but as a Go owner reading *p expects.

// isSlicePointer reports whether fv is a non-nil *[]T.
func isSlicePointer(fv reflect.Value) bool {
	return fv.Kind() == reflect.Pointer && !fv.IsNil() && fv.Type().Elem().Kind() == reflect.Slice
}

// setSliceField stores value, converted to []T, in the slice fv points to.
func setSliceField(fv reflect.Value, name string, value any) error {
	nv, err := ConvertTo(value, fv.Type().Elem())
	if err != nil {
		return typeError("attribute '%s': %s", name, pythonMessage(err))
	}
	mu := containerMu(fv)
	mu.Lock()
	defer mu.Unlock()
	fv.Elem().Set(nv)
	return nil
}
