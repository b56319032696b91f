package python

import (
	"github.com/rpyc-go/rpyc/brine"
)

// Value is a Python object. The interpreter keeps Python's plain values
// as the Go values the rest of rpyc-go uses for them, so they cross to
// the client and to Go modules unchanged:
//
//	None        nil
//	bool        bool
//	int         int64, or *big.Int when it does not fit
//	float       float64
//	complex     complex128
//	str         string (UTF-8; indexing counts code points)
//	bytes       []byte (never changed in place)
//	tuple       brine.Tuple
//	slice       brine.Slice
//	Ellipsis    brine.Ellipsis
//
// and its own types for the rest (*List, *Dict, *Set, *Range, *Function,
// *Class, *Instance, ...). Any other Go value is foreign: a Go module, a
// value a module returned, or a client's object (a netref); the Host
// answers for it.
type Value = any

// Tuple is Python's tuple.
type Tuple = brine.Tuple

// List is Python's list.
type List struct {
	items []Value
}

// NewList returns a list holding items (not copied).
func NewList(items []Value) *List { return &List{items: items} }

// Items returns the list's items; the slice is the list's own.
func (l *List) Items() []Value { return l.items }

// Set is Python's set, or frozenset when frozen.
type Set struct {
	t      setTable
	frozen bool
}

// Range is Python's range.
type Range struct {
	start, stop, step int64
}

func (r *Range) len() int64 {
	switch {
	case r.step > 0 && r.start < r.stop:
		return (r.stop - r.start + r.step - 1) / r.step
	case r.step < 0 && r.start > r.stop:
		return (r.start - r.stop - r.step - 1) / -r.step
	}
	return 0
}

func (r *Range) at(i int64) int64 { return r.start + i*r.step }

// KV is one keyword argument of a call.
type KV struct {
	Name  string
	Value Value
}

// Builtin is a function implemented in Go: a builtin function, or a
// method of a builtin type (then args[0] is self).
type Builtin struct {
	name string
	fn   func(th *Thread, args []Value, kw []KV) (Value, error)
	doc  string
}

// Method is a function bound to an object (Python's bound method).
type Method struct {
	self Value
	fn   Value // *Function or *Builtin
}

// Cell holds a variable shared between a function and the functions
// nested in it.
type Cell struct {
	v Value // unbound until set
}

// Module is a module implemented by the interpreter itself (code,
// traceback); modules implemented in Go are foreign values.
type Module struct {
	name string
	dict *Dict
}

// Property is Python's property: a data descriptor with Go or Python
// accessors.
type Property struct {
	get, set, del Value
	doc           Value
}

// StaticMethod is Python's staticmethod wrapper.
type StaticMethod struct{ fn Value }

// ClassMethod is Python's classmethod wrapper.
type ClassMethod struct{ fn Value }

// Super is what super() returns: attribute lookups start after cls in
// the MRO of obj's type.
type Super struct {
	cls     *Class
	obj     Value
	objType *Class
}

// Iterator is an iterator implemented in Go (over a list, a range, a
// dict's keys, map(), zip(), ...).
type Iterator struct {
	cls  *Class
	next func(th *Thread) (Value, bool, error)
}

// unboundType marks a variable that has no value yet.
type unboundType struct{ _ byte }

var unbound Value = &unboundType{}

// NotImplemented is Python's NotImplemented.
var NotImplemented Value = brine.NotImplemented

// Ellipsis is Python's Ellipsis.
var Ellipsis Value = brine.Ellipsis
