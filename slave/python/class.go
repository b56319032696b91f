package python

import (
	"math/big"
	"reflect"
	"strings"
	"sync"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Class is a Python class: a builtin type (int, list, ValueError), a
// class defined by code, or an exception class of a Go module
// (subprocess.CalledProcessError, declared with vinegar.NewClass).
type Class struct {
	name     string
	qualname string
	module   string
	bases    []*Class
	mro      []*Class
	dict     *Dict
	builtin  bool // a builtin type: its attributes cannot be set
	final    bool // cannot be subclassed
	// exc is the vinegar class an exception class stands for: itself for
	// builtin and module exception classes; nil for classes defined in
	// code (they convert as their own name).
	exc *vinegar.Class
	// new makes an instance of a builtin type from call arguments.
	new func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error)
	// foreign is set on classes standing for a foreign value's type.
	foreign bool
}

// Name is the class's __name__.
func (c *Class) Name() string { return c.name }

// isSubclass is issubclass(c, base).
func (c *Class) isSubclass(base *Class) bool {
	if c == base {
		return true
	}
	for _, k := range c.mro {
		if k == base {
			return true
		}
	}
	return false
}

// lookup finds name along the MRO.
func (c *Class) lookup(name string) (Value, bool) {
	for _, k := range c.mro {
		if v, ok := k.dict.GetStr(name); ok {
			return v, true
		}
	}
	return nil, false
}

// isException reports whether instances are exceptions.
func (c *Class) isException() bool { return c.isSubclass(ClassBaseException) }

// newBuiltinClass makes a builtin type.
func newBuiltinClass(name string, bases ...*Class) *Class {
	c := &Class{name: name, qualname: name, module: "builtins", bases: bases, dict: NewDict(), builtin: true}
	c.mro = computeMRO(c)
	return c
}

// computeMRO linearizes c's bases with C3, as Python does; nil when the
// bases admit no consistent order.
func computeMRO(c *Class) []*Class {
	if len(c.bases) == 0 {
		return []*Class{c}
	}
	if len(c.bases) == 1 {
		return append([]*Class{c}, c.bases[0].mro...)
	}
	var seqs [][]*Class
	for _, b := range c.bases {
		seqs = append(seqs, append([]*Class(nil), b.mro...))
	}
	seqs = append(seqs, append([]*Class(nil), c.bases...))
	out := []*Class{c}
	for {
		empty := true
		for _, s := range seqs {
			if len(s) > 0 {
				empty = false
			}
		}
		if empty {
			return out
		}
		var cand *Class
		for _, s := range seqs {
			if len(s) == 0 {
				continue
			}
			head := s[0]
			inTail := false
			for _, t := range seqs {
				for _, x := range t[min(1, len(t)):] {
					if x == head {
						inTail = true
					}
				}
			}
			if !inTail {
				cand = head
				break
			}
		}
		if cand == nil {
			return nil
		}
		out = append(out, cand)
		for i, s := range seqs {
			if len(s) > 0 && s[0] == cand {
				seqs[i] = s[1:]
			}
		}
	}
}

// The builtin types.
var (
	ClassObject       = newBuiltinClass("object")
	ClassType         = newBuiltinClass("type", ClassObject)
	ClassNone         = newBuiltinClass("NoneType", ClassObject)
	ClassInt          = newBuiltinClass("int", ClassObject)
	ClassBool         = newBuiltinClass("bool", ClassInt)
	ClassFloat        = newBuiltinClass("float", ClassObject)
	ClassComplex      = newBuiltinClass("complex", ClassObject)
	ClassStr          = newBuiltinClass("str", ClassObject)
	ClassBytes        = newBuiltinClass("bytes", ClassObject)
	ClassByteArray    = newBuiltinClass("bytearray", ClassObject)
	ClassTuple        = newBuiltinClass("tuple", ClassObject)
	ClassList         = newBuiltinClass("list", ClassObject)
	ClassDict         = newBuiltinClass("dict", ClassObject)
	ClassSet          = newBuiltinClass("set", ClassObject)
	ClassFrozenSet    = newBuiltinClass("frozenset", ClassObject)
	ClassRange        = newBuiltinClass("range", ClassObject)
	ClassSlice        = newBuiltinClass("slice", ClassObject)
	ClassFunction     = newBuiltinClass("function", ClassObject)
	ClassBuiltinFunc  = newBuiltinClass("builtin_function_or_method", ClassObject)
	ClassMethodType   = newBuiltinClass("method", ClassObject)
	ClassModule       = newBuiltinClass("module", ClassObject)
	ClassProperty     = newBuiltinClass("property", ClassObject)
	ClassStaticMethod = newBuiltinClass("staticmethod", ClassObject)
	ClassClassMethod  = newBuiltinClass("classmethod", ClassObject)
	ClassSuper        = newBuiltinClass("super", ClassObject)
	ClassGenerator    = newBuiltinClass("generator", ClassObject)
	ClassEllipsis     = newBuiltinClass("ellipsis", ClassObject)
	ClassNotImpl      = newBuiltinClass("NotImplementedType", ClassObject)
	ClassCell         = newBuiltinClass("cell", ClassObject)
	ClassDictKeys     = newBuiltinClass("dict_keys", ClassObject)
	ClassDictValues   = newBuiltinClass("dict_values", ClassObject)
	ClassDictItems    = newBuiltinClass("dict_items", ClassObject)

	classListIter  = newBuiltinClass("list_iterator", ClassObject)
	classTupleIter = newBuiltinClass("tuple_iterator", ClassObject)
	classRangeIter = newBuiltinClass("range_iterator", ClassObject)
	classStrIter   = newBuiltinClass("str_ascii_iterator", ClassObject)
	classDictIter  = newBuiltinClass("dict_keyiterator", ClassObject)
	classDictVIter = newBuiltinClass("dict_valueiterator", ClassObject)
	classDictIIter = newBuiltinClass("dict_itemiterator", ClassObject)
	classSetIter   = newBuiltinClass("set_iterator", ClassObject)
	classIter      = newBuiltinClass("iterator", ClassObject)
	classCallIter  = newBuiltinClass("callable_iterator", ClassObject)
	classEnumerate = newBuiltinClass("enumerate", ClassObject)
	classZip       = newBuiltinClass("zip", ClassObject)
	classMap       = newBuiltinClass("map", ClassObject)
	classFilter    = newBuiltinClass("filter", ClassObject)
	classReversed  = newBuiltinClass("reversed", ClassObject)
	classBytesIter = newBuiltinClass("bytes_iterator", ClassObject)
	classForeignIt = newBuiltinClass("iterator", ClassObject)
)

// dictView is a live view of a dict's keys, values or items.
type dictView struct {
	d    *Dict
	kind *Class // ClassDictKeys, ClassDictValues or ClassDictItems
}

// ByteArray is Python's bytearray.
type ByteArray struct{ b []byte }

// typeOf is type(v).
func typeOf(v Value) *Class {
	switch x := v.(type) {
	case nil:
		return ClassNone
	case bool:
		return ClassBool
	case int64, *big.Int:
		return ClassInt
	case float64:
		return ClassFloat
	case string:
		return ClassStr
	case *Instance:
		return x.class
	case *List:
		return ClassList
	case Tuple:
		return ClassTuple
	case *Dict:
		if x.kind != nil {
			return x.kind
		}
		return ClassDict
	case *Function:
		return ClassFunction
	case *Builtin:
		return ClassBuiltinFunc
	case *Method:
		return ClassMethodType
	case *Class:
		return ClassType
	case []byte:
		return ClassBytes
	case *Set:
		if x.frozen {
			return ClassFrozenSet
		}
		return ClassSet
	case *Range:
		return ClassRange
	case complex128:
		return ClassComplex
	case *Iterator:
		return x.cls
	case *Generator:
		return ClassGenerator
	case *Module:
		return ClassModule
	case *Property:
		return ClassProperty
	case *StaticMethod:
		return ClassStaticMethod
	case *ClassMethod:
		return ClassClassMethod
	case *Super:
		return ClassSuper
	case brine.Slice:
		return ClassSlice
	case brine.EllipsisType:
		return ClassEllipsis
	case brine.NotImplementedType:
		return ClassNotImpl
	case *dictView:
		return x.kind
	case *ByteArray:
		return ClassByteArray
	case *Cell:
		return ClassCell
	}
	return foreignClass(v)
}

// foreignClasses are the classes standing for foreign types, by name.
var foreignClasses sync.Map // string -> *Class

// foreignClass is the class of a foreign value: named after its Python
// type name where the host gives one ("module", "CompletedProcess").
func foreignClass(v Value) *Class {
	name := foreignTypeName(v)
	if c, ok := foreignClasses.Load(name); ok {
		return c.(*Class)
	}
	mod, short := "builtins", name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		mod, short = name[:i], name[i+1:]
	}
	c := &Class{name: short, qualname: short, module: mod, bases: []*Class{ClassObject}, dict: NewDict(), builtin: true, final: true, foreign: true}
	c.mro = computeMRO(c)
	actual, _ := foreignClasses.LoadOrStore(name, c)
	return actual.(*Class)
}

// foreignTypeName is the Python type name of a foreign value.
func foreignTypeName(v Value) string {
	if _, ok := v.(ForeignModule); ok {
		return "module"
	}
	if tn, ok := v.(interface{ RPyCTypeName() string }); ok {
		return tn.RPyCTypeName()
	}
	if tn, ok := v.(interface{ TypeName() string }); ok { // a netref
		return tn.TypeName()
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" {
		return t.Kind().String()
	}
	return t.Name()
}

// typeName is type(v).__name__, for error messages.
func typeName(v Value) string { return typeOf(v).name }
