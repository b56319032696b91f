package rpyc

// Go slices as Python lists.
//
// A slice ([]T) or a pointer to one (*[]T) that the peer holds by
// reference answers Python's list protocol: indexing and slicing with
// negative indices and steps, item assignment, membership with Python's
// equality, iteration, and the list methods. Values coming from the peer
// are converted to the element type with convertTo; a []any stores them
// as they arrive.
//
// Growth must be visible to the Go owner. A slice header is a value: an
// append on a []T makes a new header, perhaps a new array, that the Go
// code which handed the slice out never sees, so the peer would be
// editing a private copy while believing it edits the shared list. Hence
// the rule:
//
//   - Operations that change the length (append, extend, +=, *=, insert,
//     pop, remove, clear, del l[i], del l[i:j], and slice assignment that
//     changes the length) need a *[]T. They store the new header through
//     the pointer (*p = append(*p, x), or shrink *p in place), so the owner,
//     who reads *p after the call, sees the change. On a plain []T they
//     raise TypeError("append needs a *[]int: pass a pointer to the slice
//     so the Go owner sees the change"), naming the method and the type,
//     instead of silently growing a copy.
//   - Operations that keep the length (l[i] = x, sort, reverse, slice
//     assignment of as many items as it replaces) write the shared backing
//     array and work on both forms.
//   - Lists this package makes for the peer (l[a:b], l.copy(), l + x,
//     l * n) are new *[]T: nobody on the Go side holds them, so the peer
//     may grow them freely, as it would a Python list.
//
// Locking. One package-level sync.RWMutex, containerMu, guards every list
// and dict (kind_dict.go) this package reads or changes for the peer:
// reads take it shared, changes exclusively. A lock per object would need
// a registry keyed by identity, and a slice's identity changes as it
// grows; a single lock needs nothing, and costs little because no method
// holds it across I/O or a call into the peer: arguments that come from
// the peer (a remote list to extend with, say) are fetched and converted
// before the lock is taken. The lock only orders the peer's operations
// among themselves (which for maps also avoids Go's fatal concurrent map
// write check); a Go owner that changes a slice or map while a peer may be
// using it must provide its own exclusion, since the lock is unexported.
// Because sync.RWMutex must not be read-locked recursively, helpers called
// with the lock held (pyEqual, pyCompare) never take it, and the lock is
// never held while calling pyRepr, so pyRepr may take it to read lists and
// maps safely.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// containerMu guards the lists and dicts served to the peer; see above.
var containerMu sync.RWMutex

// listKind is filled in init: its methods reach Netref calls, which reach
// the dispatcher, which reaches kindFor and so listKind again, a cycle Go
// refuses in a package-level initializer.
var listKind = &kindSpec{pyName: "builtins.list"}

func init() {
	listKind.methods = map[string]nativeMethod{
		"__len__":      listLen,
		"__getitem__":  listGetItem,
		"__setitem__":  listSetItem,
		"__delitem__":  listDelItem,
		"__contains__": listContains,
		"__iter__":     listIter,
		"__reversed__": listReversed,
		"__iadd__":     listIAdd,
		"__add__":      listAdd,
		"__mul__":      listMul,
		"__rmul__":     listMul,
		"__imul__":     listIMul,
		"append":       listAppend,
		"extend":       listExtend,
		"insert":       listInsert,
		"pop":          listPop,
		"remove":       listRemove,
		"index":        listIndexOf,
		"count":        listCount,
		"reverse":      listReverse,
		"sort":         listSort,
		"clear":        listClear,
		"copy":         listCopy,
	}
}

// listOf returns the slice behind self (addressable when self is a *[]T)
// and whether it may change length.
func listOf(self reflect.Value) (reflect.Value, bool, error) {
	if self.Kind() == reflect.Pointer {
		if self.IsNil() {
			return reflect.Value{}, false, typeError("nil %s is not a list", self.Type())
		}
		return self.Elem(), true, nil
	}
	return self, false, nil
}

// growableList is listOf for operations that change the length.
func growableList(name string, self reflect.Value) (reflect.Value, error) {
	s, ok, err := listOf(self)
	if err != nil {
		return reflect.Value{}, err
	}
	if !ok {
		return reflect.Value{}, typeError("%s needs a *%s: pass a pointer to the slice so the Go owner sees the change", name, self.Type())
	}
	return s, nil
}

// newList returns a fresh *[]T (t is the slice type) holding vals.
func newList(t reflect.Type, vals []reflect.Value) any {
	s := reflect.MakeSlice(t, len(vals), len(vals))
	for i, v := range vals {
		s.Index(i).Set(v)
	}
	p := reflect.New(t)
	p.Elem().Set(s)
	return p.Interface()
}

// listValues copies the elements of s[from:to].
func listValues(s reflect.Value, from, to int) []reflect.Value {
	out := make([]reflect.Value, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, copyValue(s.Index(i)))
	}
	return out
}

// copyValue detaches v from the slice or map it was read from.
func copyValue(v reflect.Value) reflect.Value {
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return c
}

// checkArgs checks a native method's arguments in Python's words: lo to
// hi positional arguments and no keywords.
func checkArgs(name string, args brine.Tuple, kw Kwargs, lo, hi int) error {
	if len(kw) > 0 {
		return typeError("%s() takes no keyword arguments", name)
	}
	n := len(args)
	switch {
	case n >= lo && n <= hi:
		return nil
	case lo == hi && lo == 0:
		return typeError("%s() takes no arguments (%d given)", name, n)
	case lo == hi && lo == 1:
		return typeError("%s() takes exactly one argument (%d given)", name, n)
	case lo == hi:
		return typeError("%s expected %d arguments, got %d", name, lo, n)
	case n < lo:
		return typeError("%s expected at least %d argument%s, got %d", name, lo, plural(lo), n)
	}
	return typeError("%s expected at most %d argument%s, got %d", name, hi, plural(hi), n)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// pyTypeOf names the Python type of a value from the peer, for messages.
func pyTypeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case complex128:
		return "complex"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case brine.Tuple:
		return "tuple"
	case brine.FrozenSet:
		return "frozenset"
	case brine.Slice:
		return "slice"
	case *Netref:
		n := x.TypeName()
		if i := strings.LastIndexByte(n, '.'); i >= 0 {
			n = n[i+1:]
		}
		return n
	}
	return shortTypeName(v)
}

// convertItem converts a value from the peer for storing into a slot of
// type t, with a Python TypeError when it does not fit.
// Our own values sent back (an int8 from a []int8) are tried in their
// Python form too.
func convertItem(what string, v any, t reflect.Type) (reflect.Value, error) {
	rv, err := convertTo(v, t)
	if err == nil {
		return rv, nil
	}
	if n := normalize(v); reflect.TypeOf(n) != reflect.TypeOf(v) {
		if rv, err2 := convertTo(n, t); err2 == nil {
			return rv, nil
		}
	}
	var te *TypeError
	if errors.As(err, &te) && te.Msg != "" {
		return reflect.Value{}, typeError("%s: %s", what, te.Msg)
	}
	return reflect.Value{}, typeError("%s must be %s, not %s", what, t, pyTypeOf(v))
}

func convertItems(what string, vals []any, t reflect.Type) ([]reflect.Value, error) {
	out := make([]reflect.Value, len(vals))
	for i, v := range vals {
		rv, err := convertItem(what, v, t)
		if err != nil {
			return nil, err
		}
		out[i] = rv
	}
	return out, nil
}

// elemType is the element type of the slice behind self, read without
// the lock (types do not change).
func elemType(self reflect.Value) reflect.Type {
	t := self.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Elem()
}

// pyIndexValue reads an index as Python's __index__ would: ints and
// bools. big says the value did not fit an int64.
func pyIndexValue(v any) (n int64, huge bool, ok bool) {
	switch x := v.(type) {
	case int64:
		return x, false, true
	case bool:
		if x {
			return 1, false, true
		}
		return 0, false, true
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), false, true
		}
		if x.Sign() < 0 {
			return math.MinInt64, true, true
		}
		return math.MaxInt64, true, true
	}
	return 0, false, false
}

// itemIndex resolves l[i] against length n.
func itemIndex(v any, n int, what string) (int, error) {
	i, huge, ok := pyIndexValue(v)
	if !ok {
		return 0, typeError("list indices must be integers or slices, not %s", pyTypeOf(v))
	}
	if huge {
		return 0, vinegar.New("IndexError", "cannot fit 'int' into an index-sized integer")
	}
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, vinegar.New("IndexError", what)
	}
	return int(i), nil
}

// sliceBounds is Python's slice.indices(n) plus the number of items the
// slice selects.
func sliceBounds(s brine.Slice, n int) (start, stop, step, count int, err error) {
	st := int64(1)
	if s.Step != nil {
		v, _, ok := pyIndexValue(s.Step)
		if !ok {
			return 0, 0, 0, 0, typeError("slice indices must be integers or None or have an __index__ method")
		}
		if v == 0 {
			return 0, 0, 0, 0, vinegar.New("ValueError", "slice step cannot be zero")
		}
		st = max(v, -math.MaxInt64)
	}
	ln := int64(n)
	bound := func(v any, def int64) (int64, error) {
		if v == nil {
			return def, nil
		}
		x, _, ok := pyIndexValue(v)
		if !ok {
			return 0, typeError("slice indices must be integers or None or have an __index__ method")
		}
		if x < 0 {
			x = max(x, -math.MaxInt64) + ln
			if x < 0 {
				if st < 0 {
					return -1, nil
				}
				return 0, nil
			}
		} else if x >= ln {
			if st < 0 {
				return ln - 1, nil
			}
			return ln, nil
		}
		return x, nil
	}
	var a, b int64
	if st < 0 {
		a, err = bound(s.Start, ln-1)
		if err == nil {
			b, err = bound(s.Stop, -1)
		}
	} else {
		a, err = bound(s.Start, 0)
		if err == nil {
			b, err = bound(s.Stop, ln)
		}
	}
	if err != nil {
		return 0, 0, 0, 0, err
	}
	var c int64
	if st < 0 {
		if b < a {
			c = (a-b-1)/(-st) + 1
		}
	} else if a < b {
		c = (b-a-1)/st + 1
	}
	// st may exceed int on 32-bit platforms only when c <= 1, where it
	// is never used to step.
	if st > math.MaxInt || st < math.MinInt {
		st = 1
	}
	return int(a), int(b), int(st), int(c), nil
}

func listLen(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__len__", args, kw, 0, 0); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	return int64(s.Len()), nil
}

// listGetItem is l[i] (the element) and l[a:b:c] (a new list).
func listGetItem(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__getitem__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	if sl, ok := args[0].(brine.Slice); ok {
		start, _, step, count, err := sliceBounds(sl, s.Len())
		if err != nil {
			return nil, err
		}
		vals := make([]reflect.Value, count)
		for i := range vals {
			vals[i] = s.Index(start + i*step)
		}
		return newList(s.Type(), vals), nil
	}
	i, err := itemIndex(args[0], s.Len(), "list index out of range")
	if err != nil {
		return nil, err
	}
	return s.Index(i).Interface(), nil
}

// listSetItem is l[i] = x and l[a:b:c] = iterable.
func listSetItem(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__setitem__", args, kw, 2, 2); err != nil {
		return nil, err
	}
	et := elemType(self)
	sl, isSlice := args[0].(brine.Slice)
	if !isSlice {
		v, err := convertItem("list item", args[1], et)
		if err != nil {
			return nil, err
		}
		containerMu.Lock()
		defer containerMu.Unlock()
		s, _, err := listOf(self)
		if err != nil {
			return nil, err
		}
		i, err := itemIndex(args[0], s.Len(), "list assignment index out of range")
		if err != nil {
			return nil, err
		}
		s.Index(i).Set(v)
		return nil, nil
	}
	items, err := iterableItems(ctx, args[1], "can only assign an iterable")
	if err != nil {
		return nil, err
	}
	vals, err := convertItems("list item", items, et)
	if err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, growable, err := listOf(self)
	if err != nil {
		return nil, err
	}
	start, stop, step, count, err := sliceBounds(sl, s.Len())
	if err != nil {
		return nil, err
	}
	if step == 1 {
		stop = max(stop, start)
		if len(vals) != stop-start {
			if !growable {
				return nil, typeError("slice assignment that changes the length needs a *%s: pass a pointer to the slice so the Go owner sees the change", self.Type())
			}
			out := reflect.MakeSlice(s.Type(), 0, s.Len()-(stop-start)+len(vals))
			out = reflect.AppendSlice(out, s.Slice(0, start))
			out = reflect.Append(out, vals...)
			out = reflect.AppendSlice(out, s.Slice(stop, s.Len()))
			s.Set(out)
			return nil, nil
		}
	} else if len(vals) != count {
		return nil, vinegar.New("ValueError", fmt.Sprintf("attempt to assign sequence of size %d to extended slice of size %d", len(vals), count))
	}
	for i, v := range vals {
		s.Index(start + i*step).Set(v)
	}
	return nil, nil
}

// listDelItem is del l[i] and del l[a:b:c]; it needs a *[]T.
func listDelItem(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__delitem__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, err := growableList("del", self)
	if err != nil {
		return nil, err
	}
	n := s.Len()
	if sl, ok := args[0].(brine.Slice); ok {
		start, _, step, count, err := sliceBounds(sl, n)
		if err != nil {
			return nil, err
		}
		if count == 0 {
			return nil, nil
		}
		drop := make([]bool, n)
		for i := range count {
			drop[start+i*step] = true
		}
		w := 0
		for r := range n {
			if !drop[r] {
				if w != r {
					s.Index(w).Set(s.Index(r))
				}
				w++
			}
		}
		shrink(s, w)
		return nil, nil
	}
	i, err := itemIndex(args[0], n, "list assignment index out of range")
	if err != nil {
		return nil, err
	}
	removeAt(s, i)
	return nil, nil
}

// removeAt deletes s[i] in place from the addressable slice s.
func removeAt(s reflect.Value, i int) {
	n := s.Len()
	reflect.Copy(s.Slice(i, n), s.Slice(i+1, n))
	shrink(s, n-1)
}

// shrink cuts the addressable slice s to n items, zeroing the dropped
// slots so they do not keep values alive.
func shrink(s reflect.Value, n int) {
	for i := n; i < s.Len(); i++ {
		s.Index(i).SetZero()
	}
	s.SetLen(n)
}

func listContains(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__contains__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	return indexOf(s, args[0], 0, s.Len()) >= 0, nil
}

// indexOf finds x in s[from:to] by Python equality, or returns -1.
func indexOf(s reflect.Value, x any, from, to int) int {
	for i := from; i < to; i++ {
		if pyEqual(s.Index(i).Interface(), x) {
			return i
		}
	}
	return -1
}

// listIter iterates over a snapshot taken at the call: a Python list
// iterator sees later changes, but a live iterator would have to hold the
// lock between the peer's requests.
func listIter(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__iter__", args, kw, 0, 0); err != nil {
		return nil, err
	}
	items, err := snapshotList(self)
	if err != nil {
		return nil, err
	}
	return sliceIterator(items, "builtins.list_iterator"), nil
}

func listReversed(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__reversed__", args, kw, 0, 0); err != nil {
		return nil, err
	}
	items, err := snapshotList(self)
	if err != nil {
		return nil, err
	}
	slices.Reverse(items)
	return sliceIterator(items, "builtins.list_reverseiterator"), nil
}

func snapshotList(self reflect.Value) ([]any, error) {
	containerMu.RLock()
	defer containerMu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	items := make([]any, s.Len())
	for i := range items {
		items[i] = s.Index(i).Interface()
	}
	return items, nil
}

// listIAdd is l += iterable; it returns l itself, so the peer's name
// keeps referring to the same list.
func listIAdd(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__iadd__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	if err := extendList(ctx, "+=", self, args[0]); err != nil {
		return nil, err
	}
	return self.Interface(), nil
}

func listExtend(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("extend", args, kw, 1, 1); err != nil {
		return nil, err
	}
	return nil, extendList(ctx, "extend", self, args[0])
}

func extendList(ctx context.Context, name string, self reflect.Value, other any) error {
	if _, err := growableList(name, self); err != nil {
		return err // before fetching a remote iterable for nothing
	}
	items, err := iterableItems(ctx, other, "")
	if err != nil {
		return err
	}
	vals, err := convertItems("list item", items, elemType(self))
	if err != nil {
		return err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, err := growableList(name, self)
	if err != nil {
		return err
	}
	s.Set(reflect.Append(s, vals...))
	return nil
}

// listAdd is l + iterable: a new list. Python accepts only a list on the
// right; any iterable is taken here, as the peer's list arrives as a
// reference we cannot tell from other iterables without a round trip.
func listAdd(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__add__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	items, err := iterableItems(ctx, args[0], "")
	if err != nil {
		return nil, err
	}
	vals, err := convertItems("list item", items, elemType(self))
	if err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	return newList(s.Type(), append(listValues(s, 0, s.Len()), vals...)), nil
}

// maxRepeat bounds l * n, which Python would answer with MemoryError.
const maxRepeat = 1 << 28

func repeatCount(name string, v any, n int) (int, error) {
	k, huge, ok := pyIndexValue(v)
	if !ok {
		return 0, typeError("can't multiply sequence by non-int of type '%s'", pyTypeOf(v))
	}
	if k <= 0 || n == 0 {
		return 0, nil
	}
	if huge || k > maxRepeat || int64(n)*k > maxRepeat {
		return 0, vinegar.New("MemoryError", name+": result too large")
	}
	return int(k), nil
}

func listMul(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__mul__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	k, err := repeatCount("*", args[0], s.Len())
	if err != nil {
		return nil, err
	}
	vals := make([]reflect.Value, 0, k*s.Len())
	for range k {
		vals = append(vals, listValues(s, 0, s.Len())...)
	}
	return newList(s.Type(), vals), nil
}

func listIMul(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__imul__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, err := growableList("*=", self)
	if err != nil {
		return nil, err
	}
	n := s.Len()
	k, err := repeatCount("*=", args[0], n)
	if err != nil {
		return nil, err
	}
	if k == 0 {
		shrink(s, 0)
		return self.Interface(), nil
	}
	orig := listValues(s, 0, n)
	for range k - 1 {
		s.Set(reflect.Append(s, orig...))
	}
	return self.Interface(), nil
}

func listAppend(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("append", args, kw, 1, 1); err != nil {
		return nil, err
	}
	v, err := convertItem("list item", args[0], elemType(self))
	if err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, err := growableList("append", self)
	if err != nil {
		return nil, err
	}
	s.Set(reflect.Append(s, v))
	return nil, nil
}

// listInsert is l.insert(i, x); i is clamped to the list as in Python.
func listInsert(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("insert", args, kw, 2, 2); err != nil {
		return nil, err
	}
	at, _, ok := pyIndexValue(args[0])
	if !ok {
		return nil, typeError("'%s' object cannot be interpreted as an integer", pyTypeOf(args[0]))
	}
	v, err := convertItem("list item", args[1], elemType(self))
	if err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, err := growableList("insert", self)
	if err != nil {
		return nil, err
	}
	n := int64(s.Len())
	if at < 0 {
		at = max(at+n, 0)
	}
	at = min(at, n)
	s.Set(reflect.Append(s, reflect.Zero(s.Type().Elem())))
	i := int(at)
	reflect.Copy(s.Slice(i+1, s.Len()), s.Slice(i, s.Len()-1))
	s.Index(i).Set(v)
	return nil, nil
}

// listPop is l.pop([i]), the last item by default.
func listPop(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("pop", args, kw, 0, 1); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, err := growableList("pop", self)
	if err != nil {
		return nil, err
	}
	n := s.Len()
	if n == 0 {
		return nil, vinegar.New("IndexError", "pop from empty list")
	}
	i := n - 1
	if len(args) == 1 {
		if i, err = itemIndex(args[0], n, "pop index out of range"); err != nil {
			if _, _, ok := pyIndexValue(args[0]); !ok {
				return nil, typeError("'%s' object cannot be interpreted as an integer", pyTypeOf(args[0]))
			}
			return nil, err
		}
	}
	v := s.Index(i).Interface()
	removeAt(s, i)
	return v, nil
}

func listRemove(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("remove", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, err := growableList("remove", self)
	if err != nil {
		return nil, err
	}
	i := indexOf(s, args[0], 0, s.Len())
	if i < 0 {
		return nil, vinegar.New("ValueError", "list.remove(x): x not in list")
	}
	removeAt(s, i)
	return nil, nil
}

// listIndexOf is l.index(x[, start[, stop]]).
func listIndexOf(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("index", args, kw, 1, 3); err != nil {
		return nil, err
	}
	i, err := findIndex(self, args)
	if err != nil {
		return nil, err
	}
	if i < 0 {
		// Formatted without the lock: pyRepr may come to take it.
		return nil, vinegar.New("ValueError", fmt.Sprintf("%s is not in list", pyRepr(args[0])))
	}
	return int64(i), nil
}

// findIndex is listIndexOf's search, under the lock.
func findIndex(self reflect.Value, args brine.Tuple) (int, error) {
	containerMu.RLock()
	defer containerMu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		return 0, err
	}
	n := int64(s.Len())
	bounds := [2]int64{0, n}
	for j, v := range args[1:] {
		x, _, ok := pyIndexValue(v)
		if !ok {
			return 0, typeError("slice indices must be integers or have an __index__ method")
		}
		if x < 0 {
			x = max(x+n, 0)
		}
		bounds[j] = min(x, n)
	}
	if bounds[0] >= bounds[1] {
		return -1, nil
	}
	return indexOf(s, args[0], int(bounds[0]), int(bounds[1])), nil
}

func listCount(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("count", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	n := int64(0)
	for i := range s.Len() {
		if pyEqual(s.Index(i).Interface(), args[0]) {
			n++
		}
	}
	return n, nil
}

func listReverse(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("reverse", args, kw, 0, 0); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	swap := reflect.Swapper(s.Interface())
	for i, j := 0, s.Len()-1; i < j; i, j = i+1, j-1 {
		swap(i, j)
	}
	return nil, nil
}

// listSort is l.sort(*, key=None, reverse=False): stable, in place, with
// Python's ordering of numbers, strings, bytes and tuples. key functions
// are refused: each call would be a round trip to the peer.
func listSort(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if len(args) > 0 {
		return nil, typeError("sort() takes no positional arguments")
	}
	reverse := false
	for k, v := range kw {
		switch k {
		case "key":
			if v != nil {
				return nil, typeError("sort(): key functions are not supported on Go slices; sort a copy on the Python side")
			}
		case "reverse":
			reverse = truthy(v)
		default:
			return nil, typeError("'%s' is an invalid keyword argument for sort()", k)
		}
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	n := s.Len()
	keys := make([]any, n)
	for i := range keys {
		keys[i] = normalize(s.Index(i).Interface())
	}
	order := make([]int, n)
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
	if cmpErr != nil {
		return nil, cmpErr
	}
	vals := listValues(s, 0, n)
	for i, from := range order {
		s.Index(i).Set(vals[from])
	}
	return nil, nil
}

func listClear(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("clear", args, kw, 0, 0); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	s, err := growableList("clear", self)
	if err != nil {
		return nil, err
	}
	shrink(s, 0)
	return nil, nil
}

// listCopy is l.copy(): a new *[]T the peer may grow.
func listCopy(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("copy", args, kw, 0, 0); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		return nil, err
	}
	return newList(s.Type(), listValues(s, 0, s.Len())), nil
}

// iterableItems lists the items of an iterable argument from the peer:
// tuples, frozensets, str (its characters), bytes (ints), the peer's own
// iterables by reference (fetched with Netref.Iter), and our lists, dicts
// (keys) and iterators sent back. It must not be called with containerMu
// held: it takes the lock itself, and a remote iterable costs round trips.
// what replaces the default "'X' object is not iterable" message.
func iterableItems(ctx context.Context, v any, what string) ([]any, error) {
	switch x := unrootAll(v).(type) {
	case brine.Tuple:
		return slices.Clone([]any(x)), nil
	case brine.FrozenSet:
		return slices.Clone([]any(x)), nil
	case string:
		out := make([]any, 0, utf8.RuneCountInString(x))
		for _, r := range x {
			out = append(out, string(r))
		}
		return out, nil
	case []byte:
		out := make([]any, len(x))
		for i, b := range x {
			out[i] = int64(b)
		}
		return out, nil
	case *Netref:
		var out []any
		for item, err := range x.Iter(ctx) {
			if err != nil {
				return nil, err
			}
			out = append(out, item)
		}
		return out, nil
	case *goIterator:
		var out []any
		for {
			chunk := x.take(1024)
			if len(chunk) == 0 {
				return out, nil
			}
			out = append(out, chunk...)
		}
	}
	rv := reflect.ValueOf(v)
	if rv.IsValid() {
		t := rv.Type()
		if t.Kind() == reflect.Pointer && !rv.IsNil() {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array:
			return snapshotSeq(rv), nil
		case reflect.Map:
			containerMu.RLock()
			defer containerMu.RUnlock()
			m := rv
			if m.Kind() == reflect.Pointer {
				m = m.Elem()
			}
			keys := mapKeysSorted(m)
			out := make([]any, len(keys))
			for i, k := range keys {
				out[i] = k.Interface()
			}
			return out, nil
		}
	}
	if what == "" {
		what = fmt.Sprintf("'%s' object is not iterable", pyTypeOf(v))
	}
	return nil, typeError("%s", what)
}

// snapshotSeq copies the items of a slice, array, or pointer to a slice.
func snapshotSeq(rv reflect.Value) []any {
	containerMu.RLock()
	defer containerMu.RUnlock()
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

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
	a, b = normalize(unrootAll(a)), normalize(unrootAll(b))
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
	case *Netref:
		return a == b
	}
	if b == nil {
		return false
	}
	if sameObject(a, b) {
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
				return pyCompare(normalize(x[i]), normalize(y[i]))
			}
			return len(x) - len(y), nil
		}
	}
	return 0, typeError("'<' not supported between instances of '%s' and '%s'", pyTypeOf(a), pyTypeOf(b))
}

// cmpOrdered is cmp.Compare without its NaN ordering: NaN is neither
// less nor greater, as in Python.
func cmpOrdered[T int64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
