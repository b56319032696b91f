package pyobj

// Identity: Python's `is`, id() and hash() for Go values.

import (
	"fmt"
	"hash/maphash"
	"math"
	"reflect"

	"github.com/rpyc-go/rpyc/vinegar"
)

// Ident identifies values that have an identity in Go (pointers, maps,
// channels, slices), so the same value boxed twice gets the same id_pack,
// and the peer's proxy cache (and `is`) work as they do against Python.
type Ident struct {
	t   reflect.Type
	ptr uintptr
	n   int
}

// Identity returns obj's identity, if it has one.
func Identity(obj any) (Ident, bool) {
	v := reflect.ValueOf(obj)
	switch v.Kind() {
	case reflect.Pointer:
		// Pointers to zero-size values may share one address.
		if v.IsNil() || v.Type().Elem().Size() == 0 {
			return Ident{}, false
		}
		return Ident{t: v.Type(), ptr: v.Pointer()}, true
	case reflect.Map, reflect.Chan, reflect.UnsafePointer:
		if v.IsNil() {
			return Ident{}, false
		}
		return Ident{t: v.Type(), ptr: v.Pointer()}, true
	case reflect.Slice:
		// Empty slices may share the zero-size base address.
		if v.Len() == 0 || v.Type().Elem().Size() == 0 {
			return Ident{}, false
		}
		return Ident{t: v.Type(), ptr: v.Pointer(), n: v.Len()}, true
	}
	return Ident{}, false
}

// SameObject is Python's `is` for local objects.
func SameObject(a, b any) bool {
	ka, okA := Identity(a)
	kb, okB := Identity(b)
	if okA && okB {
		return ka == kb
	}
	// Values without an identity (funcs, plain structs) are never `is`
	// each other: each boxing made them a new object.
	return false
}

var hashSeed = maphash.MakeSeed()

// Hash serves HANDLE_HASH: identity for references to values with an
// identity, the value for comparable values, TypeError for lists and
// dicts.
func Hash(obj any) (any, error) {
	obj = Unroot(obj)
	switch classOf(obj) {
	case listClass:
		return nil, vinegar.New("TypeError", "unhashable type: 'list'")
	case dictClass:
		return nil, vinegar.New("TypeError", "unhashable type: 'dict'")
	}
	if k, ok := Identity(obj); ok {
		return int64(k.ptr>>4) & math.MaxInt64, nil
	}
	rv := reflect.ValueOf(obj)
	if rv.IsValid() && rv.Type().Comparable() && rv.Kind() != reflect.Func {
		var h maphash.Hash
		h.SetSeed(hashSeed)
		fmt.Fprintf(&h, "%T:%#v", obj, obj)
		return int64(h.Sum64() >> 1), nil
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("unhashable type: '%s'", ShortTypeName(obj)))
}

// SameValue reports whether a and b are one Go value: the same object,
// or equal values of a comparable type without an identity.
func SameValue(a, b any) bool { return SameObject(a, b) || safeEqual(a, b) }
