package pyobj

// Python's equality and ordering for the values the model handles.
//
// HANDLE_CMP answers with a value's __eq__ (eq); lists answer `in`,
// index, count and remove with Python's == (Equal), and dicts find keys
// of an interface type by it; Ping compares its echo with it; sort and
// the dict's key order use Python's < (pyCompare). Each is written here
// once, for the values a Go container holds and the values the peer
// sends.

import (
	"bytes"
	"math"
	"math/big"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// Equality, written once, as Python has it. eq is type(a).__eq__(a, b),
// what HANDLE_CMP answers (Python's handler calls the dunder of obj's
// type): a builtin type compares with the types its __eq__ accepts (an
// int with an int or a bool, a float with those and a float, a complex
// with any number, a str, bytes, tuple, frozenset or slice with its own
// kind, None with None) and is NotImplemented with anything else, so
// 1 and 1.0 are NotImplemented one way and equal the other, as in
// Python. Equal is Python's a == b: a's __eq__, else b's, else identity;
// lists, dicts and Ping compare with it, so the peer's 1 finds a Go
// int8(1), 1.0 and True, and [1].index(1.0) is 0, as in Python.
//
// Go values are objects whose __eq__ the model defines: the same object
// is equal to itself; a list equals another list with equal items; a
// dict equals a dict of its Go type with reflect.DeepEqual contents; a
// comparable value without an identity (a struct, an array) equals a
// value of its type by Go's ==, a non-comparable one by
// reflect.DeepEqual; and an object with an identity (a struct pointer, a
// func, a channel) is equal to itself only, as a Python object without
// __eq__ is. The peer's objects compare by identity, without a round
// trip. Nothing here takes containerMu: lists and dicts compare items
// with the lock held.

// maxEqualDepth bounds the nesting eq follows; deeper values are unequal.
const maxEqualDepth = 100

// Equal is Python's a == b for the values the model handles.
func Equal(a, b any) bool { return equal(a, b, 0) }

func equal(a, b any, depth int) bool {
	if e, ok := eq(a, b, depth); ok {
		return e
	}
	if e, ok := eq(b, a, depth); ok {
		return e
	}
	return false // neither compares: Python falls back on identity, which eq tried
}

// Compare serves HANDLE_CMP for local objects: type(a).__op__(a, b) as
// Python's builtin types answer it: __eq__ and __ne__ with eq, the order
// operators with order (compare_order.go); NotImplemented where a's type
// does not compare with b's, which the peer then tries the other way
// round. An order comparison of containers whose items do not compare is
// Python's TypeError. Go lists are read with every container lock held
// shared, so a peer's append cannot change one half way.
func Compare(a, b any, op string) (any, error) {
	if containsList(a) || containsList(b) {
		rlockAll()
		defer runlockAll()
	}
	switch op {
	case "__eq__", "__ne__":
		e, ok := eq(a, b, 0)
		if !ok {
			return brine.NotImplemented, nil
		}
		return e == (op == "__eq__"), nil
	case "__lt__", "__le__", "__gt__", "__ge__":
		return order(a, b, op, 0)
	}
	return brine.NotImplemented, nil
}

// eq is type(a).__eq__(a, b); ok is false where Python's answer is
// NotImplemented.
func eq(a, b any, depth int) (bool, bool) {
	if depth > maxEqualDepth {
		return false, true
	}
	if SameObject(a, b) {
		return true, true // the same reference twice (root == root)
	}
	a, b = Normalize(Unroot(a)), Normalize(Unroot(b))
	if SameObject(a, b) {
		return true, true
	}
	if ca := numClass(a); ca > 0 {
		if cb := numClass(b); cb > 0 && cb <= ca {
			return numEqual(a, b), true
		}
		return false, false
	}
	switch x := a.(type) {
	case nil:
		return b == nil, b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y, ok
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y), ok
	case brine.Tuple:
		y, ok := b.(brine.Tuple)
		if !ok {
			return false, false
		}
		return len(x) == len(y) && itemsEqual(len(x), func(i int) (any, any) { return x[i], y[i] }, depth), true
	case brine.FrozenSet:
		y, ok := b.(brine.FrozenSet)
		if !ok {
			return false, false
		}
		return subset(x, y, depth) && subset(y, x, depth), true
	case brine.Slice:
		y, ok := b.(brine.Slice)
		if !ok {
			return false, false
		}
		return equal(brine.Tuple{x.Start, x.Stop, x.Step}, brine.Tuple{y.Start, y.Stop, y.Step}, depth+1), true
	case brine.EllipsisType, brine.NotImplementedType:
		// Singletons: equal to themselves only, which SameObject cannot
		// see (they are values).
		same := reflect.TypeOf(a) == reflect.TypeOf(b)
		return same, same
	}
	if _, ok := AsRemote(a); ok {
		return false, false // identity was tested above
	}
	if la, ok := goList(a); ok {
		lb, ok := goList(b)
		if !ok {
			return false, false
		}
		return la.Len() == lb.Len() && itemsEqual(la.Len(), func(i int) (any, any) {
			return la.Index(i).Interface(), lb.Index(i).Interface()
		}, depth), true
	}
	ta := reflect.TypeOf(a)
	if b == nil || ta != reflect.TypeOf(b) {
		return false, false
	}
	switch {
	case ta.Kind() == reflect.Map, ta.Kind() == reflect.Pointer && ta.Elem().Kind() == reflect.Map, !ta.Comparable():
		// A dict (a map or *map), or a value == cannot compare.
		return reflect.DeepEqual(a, b), true
	case ta.Kind() == reflect.Pointer, ta.Kind() == reflect.Func, ta.Kind() == reflect.Chan, ta.Kind() == reflect.UnsafePointer:
		return false, false // an object with an identity, not the same one
	}
	return safeEqual(a, b), true
}

// itemsEqual reports whether the n pairs item(i) are all Python-equal.
func itemsEqual(n int, item func(i int) (any, any), depth int) bool {
	for i := range n {
		if x, y := item(i); !equal(x, y, depth+1) {
			return false
		}
	}
	return true
}

// numClass places a normalized number in Python's numeric tower: 1 for
// bool and int, 2 for float, 3 for complex; 0 for anything else. A
// number's __eq__ accepts the numbers at or below its own place.
func numClass(v any) int {
	switch v.(type) {
	case bool, int, int64, *big.Int:
		return 1
	case float64:
		return 2
	case complex128:
		return 3
	}
	return 0
}

func subset(x, y brine.FrozenSet, depth int) bool {
	for _, e := range x {
		if !slices.ContainsFunc(y, func(f any) bool { return equal(e, f, depth+1) }) {
			return false
		}
	}
	return true
}

// goList returns the slice behind a Go list value (a non-byte slice or a
// non-nil pointer to one; a tuple or frozenset is not a list).
func goList(v any) (reflect.Value, bool) {
	switch v.(type) {
	case brine.Tuple, brine.FrozenSet:
		return reflect.Value{}, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
		if rv.Kind() == reflect.Array && rv.Type().Elem().Kind() != reflect.Uint8 {
			return rv, true // a *[N]T: a list of fixed length (list.go)
		}
	}
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return reflect.Value{}, false
	}
	return rv, true
}

// realNumber turns a normalized number into an exact *big.Float, or
// reports a float that is NaN (which equals nothing and has no order).
func realNumber(v any) (f *big.Float, nan bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return big.NewFloat(1), false
		}
		return big.NewFloat(0), false
	case int:
		return new(big.Float).SetInt64(int64(x)), false
	case int64:
		return new(big.Float).SetInt64(x), false
	case *big.Int:
		return new(big.Float).SetInt(x), false
	case float64:
		if math.IsNaN(x) {
			return nil, true
		}
		return big.NewFloat(x), false
	}
	return nil, false
}

func numEqual(a, b any) bool {
	if numClass(a) == 0 || numClass(b) == 0 {
		return false
	}
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			return x == y
		}
	}
	ca, aComplex := a.(complex128)
	cb, bComplex := b.(complex128)
	if aComplex || bComplex {
		if !aComplex {
			ra, _ := realNumber(a)
			f, _ := ra.Float64()
			ca = complex(f, 0)
		}
		if !bComplex {
			rb, _ := realNumber(b)
			f, _ := rb.Float64()
			cb = complex(f, 0)
		}
		return ca == cb
	}
	fa, nanA := realNumber(a)
	fb, nanB := realNumber(b)
	if nanA || nanB {
		return false
	}
	return fa.Cmp(fb) == 0
}

// pyCompare orders two normalized values as Python's < does: real
// numbers by value, str, bytes, tuples and lists lexicographically; anything else,
// or a mix, is Python's TypeError. It never takes containerMu.
func pyCompare(a, b any) (int, error) {
	if x, ok := a.(int); ok {
		a = int64(x)
	}
	if y, ok := b.(int); ok {
		b = int64(y)
	}
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmpOrdered(x, y), nil
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmpOrdered(x, y), nil
		}
	}
	if numClass(a) > 0 && numClass(b) > 0 {
		_, ac := a.(complex128)
		_, bc := b.(complex128)
		if !ac && !bc {
			fa, nanA := realNumber(a)
			fb, nanB := realNumber(b)
			if nanA || nanB {
				return 0, nil // NaN compares false both ways
			}
			return fa.Cmp(fb), nil
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), nil
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y), nil
		}
	case brine.Tuple:
		if y, ok := b.(brine.Tuple); ok {
			return compareItems(len(x), len(y), func(i int) (any, any) { return x[i], y[i] })
		}
	}
	if la, ok := goList(a); ok {
		if lb, ok := goList(b); ok {
			return compareItems(la.Len(), lb.Len(), func(i int) (any, any) {
				return la.Index(i).Interface(), lb.Index(i).Interface()
			})
		}
	}
	return 0, typeError("'<' not supported between instances of '%s' and '%s'", ShortTypeName(a), ShortTypeName(b))
}

// cmpOrdered is cmp.Compare without its NaN ordering: NaN is neither
// less nor greater, as in Python.
func cmpOrdered[T int | int64 | uint64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// pyOrder returns the indices of keys (normalized values) in Python's
// sort order. The sort is stable both ways, as Python's is: reverse keeps
// equal keys in their first order rather than reversing them. On a pair
// pyCompare refuses, the error is the first such refusal and the order is
// whatever the sort reached, which callers that fall back on another
// order rely on being deterministic.
func pyOrder(keys []any, reverse bool) ([]int, error) {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	var cmpErr error
	sort.SliceStable(order, func(i, j int) bool {
		a, b := keys[order[i]], keys[order[j]]
		if reverse {
			a, b = b, a
		}
		r, err := pyCompare(a, b)
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return r < 0
	})
	return order, cmpErr
}

func safeEqual(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}
