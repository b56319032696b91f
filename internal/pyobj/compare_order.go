package pyobj

// Python's order operators (<, <=, >, >=) for the values the model
// handles, as type(a).__lt__(a, b) and its siblings answer them:
//
//   - numbers by value, within what a's type accepts (an int orders with
//     ints and bools, a float with those and floats; complex numbers have
//     no order), NaN unordered;
//   - str with str, bytes with bytes;
//   - tuples with tuples and lists with lists (a Go slice, or a *[]T),
//     lexicographically: the first pair of items that are not equal
//     decides, by a full comparison of that pair (which may itself be
//     Python's TypeError), else the lengths do;
//   - frozensets by inclusion (< is a proper subset), slices as the
//     tuples (start, stop, step);
//   - anything else, and the peer's objects, NotImplemented: a Python
//     server's list.__lt__ does not take a netref either, which is why a
//     Python client's remote_list < [9] raises TypeError against both.

import (
	"bytes"
	"math/big"
	"slices"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// swapped is the reflection of an order operator (a < b is b > a).
var swapped = map[string]string{"__lt__": "__gt__", "__gt__": "__lt__", "__le__": "__ge__", "__ge__": "__le__"}

// opSymbol is how Python's messages write an operator.
var opSymbol = map[string]string{"__lt__": "<", "__gt__": ">", "__le__": "<=", "__ge__": ">="}

// order is type(a).op(a, b) for an order operator: a bool, or
// NotImplemented.
func order(a, b any, op string, depth int) (any, error) {
	if depth > maxEqualDepth {
		return brine.NotImplemented, nil
	}
	a, b = Normalize(Unroot(a)), Normalize(Unroot(b))
	if _, ok := AsRemote(b); ok {
		return brine.NotImplemented, nil
	}
	if ca := numClass(a); ca > 0 {
		cb := numClass(b)
		if ca == 3 || cb == 0 || cb == 3 || cb > ca {
			return brine.NotImplemented, nil
		}
		fa, nanA := realNumber(a)
		fb, nanB := realNumber(b)
		if nanA || nanB {
			return false, nil
		}
		return holds(fa.Cmp(fb), op), nil
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return holds(strings.Compare(x, y), op), nil
		}
		return brine.NotImplemented, nil
	case []byte:
		if y, ok := b.([]byte); ok {
			return holds(bytes.Compare(x, y), op), nil
		}
		return brine.NotImplemented, nil
	case brine.Tuple:
		y, ok := b.(brine.Tuple)
		if !ok {
			return brine.NotImplemented, nil
		}
		return orderItems(len(x), len(y), func(i int) (any, any) { return x[i], y[i] }, op, depth)
	case brine.FrozenSet:
		y, ok := b.(brine.FrozenSet)
		if !ok {
			return brine.NotImplemented, nil
		}
		return setOrder(x, y, op, depth), nil
	case brine.Slice:
		y, ok := b.(brine.Slice)
		if !ok {
			return brine.NotImplemented, nil
		}
		// Python orders slices as the tuples (start, stop, step).
		return order(brine.Tuple{x.Start, x.Stop, x.Step}, brine.Tuple{y.Start, y.Stop, y.Step}, op, depth+1)
	}
	la, ok := goList(a)
	if !ok {
		return brine.NotImplemented, nil
	}
	lb, ok := goList(b)
	if !ok {
		return brine.NotImplemented, nil
	}
	return orderItems(la.Len(), lb.Len(), func(i int) (any, any) {
		return la.Index(i).Interface(), lb.Index(i).Interface()
	}, op, depth)
}

// holds reports whether op holds for a comparison result c (-1, 0, 1).
func holds(c int, op string) bool {
	switch op {
	case "__lt__":
		return c < 0
	case "__le__":
		return c <= 0
	case "__gt__":
		return c > 0
	}
	return c >= 0
}

// orderItems compares two sequences of n and m items lexicographically.
func orderItems(n, m int, item func(i int) (any, any), op string, depth int) (any, error) {
	for i := 0; i < n && i < m; i++ {
		x, y := item(i)
		if equal(x, y, depth+1) {
			continue
		}
		r, err := richOrder(x, y, op, depth+1)
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	return holds(cmpOrdered(n, m), op), nil
}

// richOrder is Python's x op y: x's operator, else y's reflected one,
// else TypeError.
func richOrder(x, y any, op string, depth int) (bool, error) {
	r, err := order(x, y, op, depth)
	if err != nil {
		return false, err
	}
	if r == brine.NotImplemented {
		if r, err = order(y, x, swapped[op], depth); err != nil {
			return false, err
		}
	}
	if b, ok := r.(bool); ok {
		return b, nil
	}
	return false, typeError("'%s' not supported between instances of '%s' and '%s'", opSymbol[op], ShortTypeName(Normalize(x)), ShortTypeName(Normalize(y)))
}

// setOrder orders frozensets by inclusion.
func setOrder(x, y brine.FrozenSet, op string, depth int) bool {
	sub := subset(x, y, depth)
	sup := subset(y, x, depth)
	switch op {
	case "__lt__":
		return sub && !sup
	case "__le__":
		return sub
	case "__gt__":
		return sup && !sub
	}
	return sup
}

// compareItems is pyCompare for two sequences: the first unequal pair
// decides, else the lengths.
func compareItems(n, m int, item func(i int) (any, any)) (int, error) {
	for i := 0; i < n && i < m; i++ {
		x, y := item(i)
		if Equal(x, y) {
			continue
		}
		return pyCompare(Normalize(x), Normalize(y))
	}
	return cmpOrdered(n, m), nil
}

// containsList reports whether v is, or is a tuple that may hold, a Go
// list, whose reading Compare guards.
func containsList(v any) bool {
	switch x := v.(type) {
	case brine.Tuple:
		return slices.ContainsFunc(x, func(e any) bool { return e != nil && !brine.Dumpable(e) })
	case nil, bool, int64, float64, string, []byte, *big.Int:
		return false
	}
	_, ok := goList(v)
	return ok
}
