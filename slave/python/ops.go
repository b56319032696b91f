package python

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// Python's operators over every kind of value: truth, arithmetic,
// comparison, equality, hashing, containment. Native types are handled
// here directly; instances of classes defined in code through their
// dunder methods; foreign values through the Host (their dunder methods
// as a client would call them).

// errNoOp is an internal sentinel: these operand types do not support
// the operation; the caller tries the next way or raises TypeError.
var errNoOp = errors.New("python: operation not supported by these types")

// truth is bool(v).
func truth(th *Thread, v Value) (bool, error) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool:
		return x, nil
	case int64:
		return x != 0, nil
	case string:
		return x != "", nil
	case float64:
		return x != 0, nil
	case *big.Int:
		return x.Sign() != 0, nil
	case *List:
		return len(x.items) > 0, nil
	case Tuple:
		return len(x) > 0, nil
	case *Dict:
		return x.n > 0, nil
	case *Set:
		return x.len() > 0, nil
	case []byte:
		return len(x) > 0, nil
	case complex128:
		return x != 0, nil
	case *Range:
		return x.len() > 0, nil
	case *dictView:
		return x.d.n > 0, nil
	case *ByteArray:
		return len(x.b) > 0, nil
	case *Instance:
		if m, ok := x.class.lookup("__bool__"); ok {
			r, err := callBound(th, m, x, nil)
			if err != nil {
				return false, err
			}
			b, ok := r.(bool)
			if !ok {
				return false, th.typeErrorf("__bool__ should return bool, returned %s", typeName(r))
			}
			return b, nil
		}
		if m, ok := x.class.lookup("__len__"); ok {
			r, err := callBound(th, m, x, nil)
			if err != nil {
				return false, err
			}
			n, _, _ := asInt(r)
			return n != 0, nil
		}
		return true, nil
	}
	if isForeign(v) {
		if n, err := length(th, v); err == nil {
			return n != 0, nil
		}
	}
	return true, nil
}

// isForeign reports whether v is a value the Host answers for.
func isForeign(v Value) bool {
	return typeOf(v).foreign
}

// identical is Python's `is`.
func identical(a, b Value) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool, int64, float64, string:
		return a == b
	case Tuple:
		y, ok := b.(Tuple)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case []byte:
		y, ok := b.([]byte)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case brine.Slice, complex128:
		return false
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb {
		return false
	}
	if ta.Comparable() {
		return safeEq(a, b)
	}
	return false
}

func safeEq(a, b Value) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

// equal is a == b as a bool.
func equal(th *Thread, a, b Value) (bool, error) {
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return x == y, nil
		}
	case string:
		y, ok := b.(string)
		return ok && x == y, nil
	case nil:
		return b == nil, nil
	}
	r, err := richCompare(th, cmpEq, a, b)
	if err != nil {
		return false, err
	}
	if bv, ok := r.(bool); ok {
		return bv, nil
	}
	return truth(th, r)
}

// keyEqual is equality for dict keys and set members: identity first.
func keyEqual(th *Thread, a, b Value) (bool, error) {
	if identical(a, b) {
		return true, nil
	}
	return equal(th, a, b)
}

type cmpop uint8

const (
	cmpLt cmpop = iota
	cmpLe
	cmpEq
	cmpNe
	cmpGt
	cmpGe
	cmpIn
	cmpNotIn
	cmpIs
	cmpIsNot
)

var cmpSym = [...]string{"<", "<=", "==", "!=", ">", ">=", "in", "not in", "is", "is not"}
var cmpDunder = [...]string{"__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__"}
var cmpSwap = [...]cmpop{cmpGt, cmpGe, cmpEq, cmpNe, cmpLt, cmpLe}

// compareOp is one comparison operator.
func compareOp(th *Thread, op cmpop, a, b Value) (Value, error) {
	switch op {
	case cmpIs:
		return identical(a, b), nil
	case cmpIsNot:
		return !identical(a, b), nil
	case cmpIn:
		return contains(th, b, a)
	case cmpNotIn:
		ok, err := contains(th, b, a)
		return !ok, err
	}
	return richCompare(th, op, a, b)
}

func cmpResult(op cmpop, c int) bool {
	switch op {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpEq:
		return c == 0
	case cmpNe:
		return c != 0
	case cmpGt:
		return c > 0
	}
	return c >= 0
}

// richCompare is <, <=, ==, !=, >, >= with Python's rules.
func richCompare(th *Thread, op cmpop, a, b Value) (Value, error) {
	if c, nan, ok := cmpNum(a, b); ok {
		if nan {
			return op == cmpNe, nil
		}
		return cmpResult(op, c), nil
	}
	r, err := nativeCompare(th, op, a, b)
	if err != errNoOp {
		return r, err
	}
	// Instances and foreign values: a.__op__(b), then b's reflection.
	if r, err := dunderCompare(th, op, a, b); err != errNoOp {
		if err != nil || r != NotImplemented {
			return r, err
		}
	}
	if r, err := dunderCompare(th, cmpSwap[op], b, a); err != errNoOp {
		if err != nil || r != NotImplemented {
			return r, err
		}
	}
	switch op {
	case cmpEq:
		return identical(a, b), nil
	case cmpNe:
		return !identical(a, b), nil
	}
	return nil, th.typeErrorf("'%s' not supported between instances of '%s' and '%s'", cmpSym[op], typeName(a), typeName(b))
}

func dunderCompare(th *Thread, op cmpop, a, b Value) (Value, error) {
	switch x := a.(type) {
	case *Instance:
		m, ok := x.class.lookup(cmpDunder[op])
		if !ok {
			return nil, errNoOp
		}
		if op == cmpNe {
			if _, own := x.class.lookup("__eq__"); own {
				if _, isB := m.(*Builtin); isB {
					// The default __ne__ inverts __eq__.
					r, err := dunderCompare(th, cmpEq, a, b)
					if err != nil || r == NotImplemented {
						return r, err
					}
					t, err := truth(th, r)
					return !t, err
				}
			}
		}
		if _, isB := m.(*Builtin); isB && (op == cmpEq || op == cmpNe) {
			return nil, errNoOp // object's default: identity, decided by the caller
		}
		return callBound(th, m, x, []Value{b})
	}
	if isForeign(a) {
		r, err := th.hostCallMethod(a, cmpDunder[op], []Value{b}, nil)
		if err != nil {
			return nil, errNoOp
		}
		return r, nil
	}
	return nil, errNoOp
}

// nativeCompare compares builtin containers and strings.
func nativeCompare(th *Thread, op cmpop, a, b Value) (Value, error) {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return cmpResult(op, strings.Compare(x, y)), nil
		}
	case []byte:
		if y, ok := bytesOf(b); ok {
			return cmpResult(op, bytes.Compare(x, y)), nil
		}
	case *ByteArray:
		if y, ok := bytesOf(b); ok {
			return cmpResult(op, bytes.Compare(x.b, y)), nil
		}
	case Tuple:
		if y, ok := b.(Tuple); ok {
			return seqCompare(th, op, x, y)
		}
	case *List:
		if y, ok := b.(*List); ok {
			return seqCompare(th, op, x.items, y.items)
		}
	case *Dict:
		if y, ok := b.(*Dict); ok && (op == cmpEq || op == cmpNe) {
			eq, err := dictEqual(th, x, y)
			return eq == (op == cmpEq), err
		}
	case *Set:
		if y, ok := b.(*Set); ok {
			return setCompare(th, op, x, y)
		}
	case *Range:
		if y, ok := b.(*Range); ok && (op == cmpEq || op == cmpNe) {
			eq := x.len() == y.len() && (x.len() == 0 || x.start == y.start && (x.len() == 1 || x.step == y.step))
			return eq == (op == cmpEq), nil
		}
	case complex128:
		if y, ok := toComplex(th, b); ok && (op == cmpEq || op == cmpNe) {
			return (x == y) == (op == cmpEq), nil
		}
	case *dictView:
		if y, ok := b.(*dictView); ok && x.kind == ClassDictKeys && y.kind == ClassDictKeys && (op == cmpEq || op == cmpNe) {
			sx, err := newSetFrom(th, x.d.Keys(), true)
			if err != nil {
				return nil, err
			}
			sy, err := newSetFrom(th, y.d.Keys(), true)
			if err != nil {
				return nil, err
			}
			return setCompare(th, op, sx.(*Set), sy.(*Set))
		}
	}
	if _, ok := a.(*Instance); ok {
		return nil, errNoOp
	}
	if _, ok := b.(*Instance); ok {
		return nil, errNoOp
	}
	if isForeign(a) || isForeign(b) {
		return nil, errNoOp
	}
	if c, ok := b.(complex128); ok && (op == cmpEq || op == cmpNe) {
		if y, ok := toComplex(th, a); ok {
			return (c == y) == (op == cmpEq), nil
		}
	}
	if op == cmpEq || op == cmpNe {
		return identical(a, b) == (op == cmpEq), nil
	}
	return nil, errNoOp
}

func bytesOf(v Value) ([]byte, bool) {
	switch x := v.(type) {
	case []byte:
		return x, true
	case *ByteArray:
		return x.b, true
	}
	return nil, false
}

func seqCompare(th *Thread, op cmpop, x, y []Value) (Value, error) {
	if err := th.enter(); err != nil {
		return nil, err
	}
	defer th.leave()
	if (op == cmpEq || op == cmpNe) && len(x) != len(y) {
		return op == cmpNe, nil
	}
	for i := 0; i < len(x) && i < len(y); i++ {
		if identical(x[i], y[i]) {
			continue
		}
		eq, err := equal(th, x[i], y[i])
		if err != nil {
			return nil, err
		}
		if eq {
			continue
		}
		switch op {
		case cmpEq:
			return false, nil
		case cmpNe:
			return true, nil
		}
		return richCompare(th, op, x[i], y[i])
	}
	return cmpResult(op, len(x)-len(y)), nil
}

func dictEqual(th *Thread, x, y *Dict) (bool, error) {
	if x.n != y.n {
		return false, nil
	}
	if err := th.enter(); err != nil {
		return false, err
	}
	defer th.leave()
	for _, e := range x.entries {
		if !e.live {
			continue
		}
		v, ok, err := y.Get(th, e.key)
		if err != nil || !ok {
			return false, err
		}
		if eq, err := keyEqual(th, e.val, v); err != nil || !eq {
			return false, err
		}
	}
	return true, nil
}

// contains is item in container.
func contains(th *Thread, container, item Value) (bool, error) {
	switch x := container.(type) {
	case string:
		s, ok := item.(string)
		if !ok {
			return false, th.typeErrorf("'in <string>' requires string as left operand, not %s", typeName(item))
		}
		return strings.Contains(x, s), nil
	case *Dict:
		_, ok, err := x.Get(th, item)
		return ok, err
	case *Set:
		return x.has(th, item)
	case *List:
		return seqContains(th, x.items, item)
	case Tuple:
		return seqContains(th, x, item)
	case []byte:
		return bytesContains(th, x, item)
	case *ByteArray:
		return bytesContains(th, x.b, item)
	case *Range:
		n, _, ok := asInt(item)
		if !ok {
			break
		}
		if _, b, _ := asInt(item); b != nil {
			return false, nil
		}
		if x.step > 0 && (n < x.start || n >= x.stop) || x.step < 0 && (n > x.start || n <= x.stop) {
			return false, nil
		}
		return (n-x.start)%x.step == 0, nil
	case *dictView:
		switch x.kind {
		case ClassDictKeys:
			_, ok, err := x.d.Get(th, item)
			return ok, err
		case ClassDictValues:
			return seqContains(th, dictValues(x.d), item)
		}
		t, ok := item.(Tuple)
		if !ok || len(t) != 2 {
			return false, nil
		}
		v, ok, err := x.d.Get(th, t[0])
		if err != nil || !ok {
			return false, err
		}
		return equal(th, v, t[1])
	case *Instance:
		if m, ok := x.class.lookup("__contains__"); ok {
			r, err := callBound(th, m, x, []Value{item})
			if err != nil {
				return false, err
			}
			return truth(th, r)
		}
	case *Class:
		if r, ok, err := classHook(th, x, "__class_contains__", item); ok {
			if err != nil {
				return false, err
			}
			return truth(th, r)
		}
	}
	if isForeign(container) {
		r, err := th.hostCallMethod(container, "__contains__", []Value{item}, nil)
		if err == nil {
			return truth(th, r)
		}
	}
	it, err := getIter(th, container)
	if err != nil {
		return false, th.typeErrorf("argument of type '%s' is not iterable", typeName(container))
	}
	for {
		v, ok, err := it(th)
		if err != nil || !ok {
			return false, err
		}
		if eq, err := keyEqual(th, v, item); err != nil || eq {
			return eq, err
		}
	}
}

func seqContains(th *Thread, items []Value, item Value) (bool, error) {
	for i := 0; i < len(items); i++ {
		eq, err := keyEqual(th, items[i], item)
		if err != nil || eq {
			return eq, err
		}
	}
	return false, nil
}

func bytesContains(th *Thread, b []byte, item Value) (bool, error) {
	if n, _, ok := asInt(item); ok {
		if n < 0 || n > 255 {
			return false, th.newError(ErrValueError, "byte must be in range(0, 256)")
		}
		return bytes.IndexByte(b, byte(n)) >= 0, nil
	}
	if s, ok := bytesOf(item); ok {
		return bytes.Contains(b, s), nil
	}
	return false, th.typeErrorf("a bytes-like object is required, not '%s'", typeName(item))
}

func dictValues(d *Dict) []Value {
	out := make([]Value, 0, d.n)
	for _, e := range d.entries {
		if e.live {
			out = append(out, e.val)
		}
	}
	return out
}

// binaryOp is a op b.
func binaryOp(th *Thread, op binop, a, b Value) (Value, error) {
	r, err := numOp(th, op, a, b)
	if err != errNoOp {
		return r, err
	}
	r, err = seqOp(th, op, a, b)
	if err != errNoOp {
		return r, err
	}
	name := binopDunder[op]
	if r, err := dunderBinary(th, a, "__"+name+"__", b); err != errNoOp {
		if err != nil || r != NotImplemented {
			return r, err
		}
	}
	if r, err := dunderBinary(th, b, "__r"+name+"__", a); err != errNoOp {
		if err != nil || r != NotImplemented {
			return r, err
		}
	}
	if op == opMod {
		if s, ok := a.(string); ok {
			return percentFormat(th, s, b)
		}
	}
	switch a.(type) {
	case string, *List, Tuple, []byte:
		if op == opAdd {
			return nil, th.typeErrorf("can only concatenate %s (not \"%s\") to %s", typeName(a), typeName(b), typeName(a))
		}
		if op == opMul {
			return nil, th.typeErrorf("can't multiply sequence by non-int of type '%s'", typeName(b))
		}
	}
	return nil, th.typeErrorf("unsupported operand type(s) for %s: '%s' and '%s'", binopSym[op], typeName(a), typeName(b))
}

func dunderBinary(th *Thread, a Value, name string, b Value) (Value, error) {
	switch x := a.(type) {
	case *Instance:
		m, ok := x.class.lookup(name)
		if !ok {
			return nil, errNoOp
		}
		return callBound(th, m, x, []Value{b})
	}
	if isForeign(a) {
		r, err := th.hostCallMethod(a, name, []Value{b}, nil)
		if err != nil {
			if e, ok := err.(*Instance); ok && e.class.isSubclass(ErrAttributeError) {
				return nil, errNoOp
			}
			return nil, err
		}
		return r, nil
	}
	return nil, errNoOp
}

// inplaceOp is a op= b: lists extend in place, instances may define
// __iadd__ and friends, the rest is a op b.
func inplaceOp(th *Thread, op binop, a, b Value) (Value, error) {
	switch x := a.(type) {
	case int64:
		if _, ok := b.(int64); ok {
			return intOp(th, op, a, b)
		}
	case *List:
		switch op {
		case opAdd:
			items, err := collect(th, b)
			if err != nil {
				return nil, err
			}
			x.items = append(x.items, items...)
			return x, nil
		case opMul:
			n, _, ok := asInt(b)
			if !ok {
				break
			}
			r, err := repeat(th, x.items, n)
			if err != nil {
				return nil, err
			}
			x.items = r
			return x, nil
		}
	case *Set:
		if !x.frozen {
			if y, ok := b.(*Set); ok {
				return setInPlace(th, op, x, y)
			}
		}
	case *Dict:
		if op == opOr {
			if err := dictUpdate(th, x, b, "dict"); err != nil {
				return nil, err
			}
			return x, nil
		}
	case *ByteArray:
		if op == opAdd {
			if y, ok := bytesOf(b); ok {
				x.b = append(x.b, y...)
				return x, nil
			}
		}
	case *Instance:
		if m, ok := x.class.lookup("__i" + binopDunder[op] + "__"); ok {
			r, err := callBound(th, m, x, []Value{b})
			if err != nil || r != NotImplemented {
				return r, err
			}
		}
	}
	return binaryOp(th, op, a, b)
}

// maxItems bounds the items one operation may build (a list or string
// repetition, a range turned into a list): MemoryError beyond.
const maxItems = 1 << 27

func repeat(th *Thread, items []Value, n int64) ([]Value, error) {
	if n <= 0 || len(items) == 0 {
		return []Value{}, nil
	}
	if n > maxItems/int64(len(items)) {
		return nil, th.newError(ErrMemoryError, "repetition result too large for this server")
	}
	out := make([]Value, 0, int64(len(items))*n)
	for i := int64(0); i < n; i++ {
		out = append(out, items...)
	}
	return out, nil
}

// seqOp is + and * on strings, bytes, lists and tuples, and the set and
// dict operators.
func seqOp(th *Thread, op binop, a, b Value) (Value, error) {
	switch op {
	case opAdd:
		switch x := a.(type) {
		case string:
			if y, ok := b.(string); ok {
				if len(x)+len(y) > maxItems*8 {
					return nil, th.newError(ErrMemoryError, "string too large for this server")
				}
				return x + y, nil
			}
		case *List:
			if y, ok := b.(*List); ok {
				out := make([]Value, 0, len(x.items)+len(y.items))
				return &List{items: append(append(out, x.items...), y.items...)}, nil
			}
		case Tuple:
			if y, ok := b.(Tuple); ok {
				out := make(Tuple, 0, len(x)+len(y))
				return append(append(out, x...), y...), nil
			}
		case []byte:
			if y, ok := bytesOf(b); ok {
				return append(append([]byte{}, x...), y...), nil
			}
		case *ByteArray:
			if y, ok := bytesOf(b); ok {
				return &ByteArray{append(append([]byte{}, x.b...), y...)}, nil
			}
		}
	case opMul:
		if n, _, ok := asInt(b); ok && !isInt(a) {
			return seqRepeat(th, a, n)
		}
		if n, _, ok := asInt(a); ok && !isInt(b) {
			return seqRepeat(th, b, n)
		}
	case opOr, opAnd, opSub, opXor:
		if x, ok := a.(*Set); ok {
			if y, ok := b.(*Set); ok {
				return setOp(th, op, x, y)
			}
		}
		if x, ok := a.(*dictView); ok && x.kind != ClassDictValues {
			sx, err := newSetFrom(th, viewItems(x), false)
			if err != nil {
				return nil, err
			}
			other, err := collect(th, b)
			if err != nil {
				return nil, err
			}
			sy, err := newSetFrom(th, other, false)
			if err != nil {
				return nil, err
			}
			return setOp(th, op, sx.(*Set), sy.(*Set))
		}
		if x, ok := a.(*Dict); ok && op == opOr {
			if y, ok := b.(*Dict); ok {
				d := x.Copy()
				if err := dictUpdate(th, d, y, "dict"); err != nil {
					return nil, err
				}
				return d, nil
			}
		}
	case opMod:
		switch x := a.(type) {
		case string:
			if _, isInst := b.(*Instance); !isInst {
				return percentFormat(th, x, b)
			}
		case []byte:
			return bytesPercentFormat(th, x, b)
		}
	}
	return nil, errNoOp
}

func seqRepeat(th *Thread, a Value, n int64) (Value, error) {
	if n < 0 {
		n = 0
	}
	switch x := a.(type) {
	case string:
		if len(x) > 0 && n > maxItems*8/int64(len(x)) {
			return nil, th.newError(ErrMemoryError, "repeated string too large for this server")
		}
		return strings.Repeat(x, int(n)), nil
	case []byte:
		if len(x) > 0 && n > maxItems*8/int64(len(x)) {
			return nil, th.newError(ErrMemoryError, "repeated bytes too large for this server")
		}
		return bytes.Repeat(x, int(n)), nil
	case *ByteArray:
		if len(x.b) > 0 && n > maxItems*8/int64(len(x.b)) {
			return nil, th.newError(ErrMemoryError, "repeated bytes too large for this server")
		}
		return &ByteArray{bytes.Repeat(x.b, int(n))}, nil
	case *List:
		r, err := repeat(th, x.items, n)
		if err != nil {
			return nil, err
		}
		return &List{items: r}, nil
	case Tuple:
		r, err := repeat(th, x, n)
		if err != nil {
			return nil, err
		}
		return Tuple(r), nil
	}
	return nil, errNoOp
}

// unaryOp is -v, +v, ~v.
func unaryOp(th *Thread, op string, v Value) (Value, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return unaryOp(th, op, int64(1))
		}
		return unaryOp(th, op, int64(0))
	case int64:
		switch op {
		case "-":
			if x == math.MinInt64 {
				return new(big.Int).Neg(big.NewInt(x)), nil
			}
			return -x, nil
		case "+":
			return x, nil
		case "~":
			return ^x, nil
		}
	case *big.Int:
		switch op {
		case "-":
			return normBig(new(big.Int).Neg(x)), nil
		case "+":
			return x, nil
		case "~":
			return normBig(new(big.Int).Not(x)), nil
		}
	case float64:
		switch op {
		case "-":
			return -x, nil
		case "+":
			return x, nil
		}
	case complex128:
		switch op {
		case "-":
			return -x, nil
		case "+":
			return x, nil
		}
	case *Instance:
		name := map[string]string{"-": "__neg__", "+": "__pos__", "~": "__invert__"}[op]
		if m, ok := x.class.lookup(name); ok {
			return callBound(th, m, x, nil)
		}
	}
	return nil, th.typeErrorf("bad operand type for unary %s: '%s'", op, typeName(v))
}
