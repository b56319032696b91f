package pyobj

// Python's equality and ordering for the values lists and dicts hold.
//
// Lists answer `in`, index, count and remove with Python's ==, and dicts
// find keys of an interface type by it; sort and the dict's key order use
// Python's <. Both are written here once for the values a Go container
// holds and the values the peer sends, so that the peer's 1 finds a Go
// int8(1), 1.0 and True, as it would in Python. Neither takes containerMu:
// they run with it held.

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

// pyEqual is Python's == for the values a list or dict holds and the
// values the peer sends: numbers compare by value across int, float,
// complex and bool (1 == 1.0 == True), str with str, bytes with bytes,
// tuples item by item, the peer's objects by identity, Go lists item by
// item, and other Go values by identity or, for values of one type, by
// reflect.DeepEqual. It never takes containerMu (callers may hold it).
func pyEqual(a, b any) bool {
	return pyEqualDepth(a, b, 0)
}

func pyEqualDepth(a, b any, depth int) bool {
	if depth > 100 {
		return false
	}
	a, b = Normalize(Unroot(a)), Normalize(Unroot(b))
	if isNumber(a) || isNumber(b) {
		return numEqual(a, b)
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case brine.Tuple:
		y, ok := b.(brine.Tuple)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !pyEqualDepth(x[i], y[i], depth+1) {
				return false
			}
		}
		return true
	case brine.FrozenSet:
		y, ok := b.(brine.FrozenSet)
		if !ok {
			return false
		}
		return subset(x, y, depth) && subset(y, x, depth)
	}
	if _, ok := AsRemote(a); ok {
		return a == b
	}
	if b == nil {
		return false
	}
	if SameObject(a, b) {
		return true
	}
	if la, ok := goList(a); ok {
		lb, ok := goList(b)
		if !ok || la.Len() != lb.Len() {
			return false
		}
		for i := range la.Len() {
			if !pyEqualDepth(la.Index(i).Interface(), lb.Index(i).Interface(), depth+1) {
				return false
			}
		}
		return true
	}
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false
	}
	return reflect.DeepEqual(a, b)
}

func subset(x, y brine.FrozenSet, depth int) bool {
	for _, e := range x {
		if !slices.ContainsFunc(y, func(f any) bool { return pyEqualDepth(e, f, depth+1) }) {
			return false
		}
	}
	return true
}

// goList returns the slice behind a Go list value (a non-byte slice or a
// non-nil pointer to one).
func goList(v any) (reflect.Value, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return reflect.Value{}, false
	}
	return rv, true
}

func isNumber(v any) bool {
	switch v.(type) {
	case bool, int, int64, *big.Int, float64, complex128:
		return true
	}
	return false
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
	if !isNumber(a) || !isNumber(b) {
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
// numbers by value, str, bytes, tuples lexicographically; anything else,
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
	if isNumber(a) && isNumber(b) {
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
			for i := 0; i < len(x) && i < len(y); i++ {
				if pyEqual(x[i], y[i]) {
					continue
				}
				return pyCompare(Normalize(x[i]), Normalize(y[i]))
			}
			return len(x) - len(y), nil
		}
	}
	return 0, typeError("'<' not supported between instances of '%s' and '%s'", pyTypeOf(a), pyTypeOf(b))
}

// cmpOrdered is cmp.Compare without its NaN ordering: NaN is neither
// less nor greater, as in Python.
func cmpOrdered[T int64 | uint64 | float64](x, y T) int {
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

// Compare serves HANDLE_CMP for local objects: identity for references,
// Go == for comparable values of one type, and NotImplemented otherwise,
// as Python's object defaults do.
func Compare(a, b any, op string) any {
	if SameObject(a, b) {
		// The same reference twice (root == root) is equal whatever it is.
		return compare(a, a, op)
	}
	return compare(Unroot(a), Unroot(b), op)
}

func compare(a, b any, op string) any {
	same := SameObject(a, b)
	switch op {
	case "__eq__":
		if same {
			return true
		}
	case "__ne__":
		if same {
			return false
		}
	}
	if a != nil && b != nil {
		ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
		if ta == tb && ta.Comparable() && ta.Kind() != reflect.Pointer && ta.Kind() != reflect.Func {
			eq := safeEqual(a, b)
			switch op {
			case "__eq__":
				return eq
			case "__ne__":
				return !eq
			}
		}
	}
	return brine.NotImplemented
}

func safeEqual(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}
