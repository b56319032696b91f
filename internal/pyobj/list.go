package pyobj

// Go slices as Python lists.
//
// A slice ([]T) or a pointer to one (*[]T) that the peer holds by
// reference answers Python's list protocol: indexing and slicing with
// negative indices and steps, item assignment, membership with Python's
// equality, iteration, and the list methods. Values coming from the peer
// are converted to the element type with ConvertTo; a []any stores them
// as they arrive.
//
// Growth must be visible to the Go owner. A slice header is a value: an
// append on a []T makes a new header, perhaps a new array, that the Go
// code which handed the slice out never sees, so the peer would be
// editing a private copy while believing it edits the shared list. Hence
// the rule:
//
//   - Operations that change the length in place (append, extend,
//     insert, pop, remove, clear, del l[i], del l[i:j], and slice
//     assignment that changes the length) need a *[]T. They store the new
//     header through the pointer (*p = append(*p, x), or shrink *p in
//     place), so the owner, who reads *p after the call, sees the change.
//     On a plain []T they raise a TypeError naming the operation and the
//     Go type, and saying to copy the list (list(l)) to change a copy,
//     instead of silently growing a private one.
//   - l += x and l *= n on a plain []T make a new list, as they do on a
//     tuple: Python rebinds the name to what __iadd__ returns, so the
//     peer's variable moves to the new list while the owner's slice stays
//     as it was (other references to the old list, on either side, see
//     no change). On a *[]T they grow it in place and return it.
//   - Operations that keep the length (l[i] = x, sort, reverse, slice
//     assignment of as many items as it replaces) write the shared backing
//     array and work on both forms.
//   - Lists this package makes for the peer (l[a:b], l.copy(), l + x,
//     l * n) are new *[]T: nobody on the Go side holds them, so the peer
//     may grow them freely, as it would a Python list.
//   - A pointer to a Go array (*[N]T) is a list of fixed length: items may
//     be set, sorted and reversed in place, nothing may change its length.
//     An array held by value ([N]T) travels by value, as a tuple.
//
// Locking. Each list and dict (dict.go) this package reads or
// changes for the peer has a sync.RWMutex, found by its identity
// (containerMu: the *[]T or map pointer, so it survives growth): reads take
// it shared, changes exclusively, so one peer sorting a huge list does not
// stall another's len() of an unrelated dict. No method holds a lock
// across I/O or a call into the peer: arguments that come from the peer
// (a remote list to extend with, say) are fetched and converted before the
// lock is taken. The locks only order the peer's operations among
// themselves (which for maps also avoids Go's fatal concurrent map write
// check); a Go owner that changes a slice or map while a peer may be
// using it must provide its own exclusion, since the locks are unexported.
// Because sync.RWMutex must not be read-locked recursively, helpers called
// with a lock held (Equal, pyCompare) never take one, and no lock is
// held while calling Repr, which read-locks them all (in order) to walk
// nested lists and maps safely.
//
// The methods. Most are a body that works on the slice with the lock
// already held, made into a method by listReader (shared lock) or
// listGrower (exclusive, *[]T only), which also check the arity, so the
// table (listClass) says for each of them what it takes and whether it may
// change the length. Methods with work to do before the lock (converting
// an item, fetching the peer's iterable) check their own arguments and
// then lock with readList, writeList or growList. Dicts are built the
// same way (dict.go).
//
// The methods are spread by concept: here the table, access to the slice
// and the methods that only read it; list_mutate.go the methods that
// change it; list_slice.go index and slice arithmetic;
// list_sort.go sort and reverse; args.go the handling of
// arguments every class shares; compare.go Python's == and <.

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// containerLocks guard the lists and dicts served to the peer, one lock
// per object by identity (striped: objects share a lock only when their
// addresses hash alike, one chance in lockStripes); see above.
var containerLocks [lockStripes]sync.RWMutex

const lockStripes = 64

// containerMu returns the lock of the list or dict behind self: keyed by
// the pointer for *[]T and *map, the map itself for a map, and the
// backing array for a plain slice.
func containerMu(self reflect.Value) *sync.RWMutex {
	var p uintptr
	switch self.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.UnsafePointer, reflect.Chan:
		p = self.Pointer()
	}
	return &containerLocks[(uint64(p>>4)*0x9E3779B97F4A7C15)>>58]
}

// rlockAll read-locks every container lock, in order, for readers that
// walk containers nested in one another (repr): taking the locks one by
// one as containers turn up could deadlock against writers.
func rlockAll() {
	for i := range containerLocks {
		containerLocks[i].RLock()
	}
}

func runlockAll() {
	for i := range containerLocks {
		containerLocks[i].RUnlock()
	}
}

// listClass is the class of Go slices.
var listClass = &pyClass{
	pyName: "builtins.list",
	methods: map[string]nativeMethod{
		"__len__":      listReader("__len__", 0, 0, listLen),
		"__getitem__":  listReader("__getitem__", 1, 1, listGetItem),
		"__setitem__":  listSetItem,
		"__delitem__":  listGrower("__delitem__", "del", 1, 1, listDelItem),
		"__contains__": listReader("__contains__", 1, 1, listContains),
		"__iter__":     listReader("__iter__", 0, 0, listIter),
		"__reversed__": listReader("__reversed__", 0, 0, listReversed),
		"__iadd__":     listIAdd,
		"__add__":      listAdd,
		"__mul__":      listMul, // n * l is l * n, down to the name in an arity error
		"__rmul__":     listMul,
		"__imul__":     listIMul,
		"append":       listAppend,
		"extend":       listExtend,
		"insert":       listInsert,
		"pop":          listGrower("pop", "pop", 0, 1, listPop),
		"remove":       listGrower("remove", "remove", 1, 1, listRemove),
		"index":        listIndexOf,
		"count":        listReader("count", 1, 1, listCount),
		"reverse":      listReverse,
		"sort":         listSort,
		"clear":        listGrower("clear", "clear", 0, 0, listClear),
		"copy":         listReader("copy", 0, 0, listCopy),
	},
}

// listOf returns the slice behind self (addressable when self is a *[]T)
// and whether it may change length.
func listOf(self reflect.Value) (reflect.Value, bool, error) {
	if self.Kind() == reflect.Pointer {
		if self.IsNil() {
			return reflect.Value{}, false, typeError("nil %s is not a list", self.Type())
		}
		if a := self.Elem(); a.Kind() == reflect.Array {
			return a.Slice(0, a.Len()), false, nil // a slice over the array: same items, fixed length
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
		return reflect.Value{}, cannotGrow(name, self.Type())
	}
	return s, nil
}

// cannotGrow is the TypeError of a length change on a list whose Go
// owner could not see it: a plain []T, or a Go array.
func cannotGrow(op string, t reflect.Type) error {
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Array {
		return typeError("%s: the Go %s behind this list has a fixed length (copy it with list() to change a copy)", op, t.Elem())
	}
	return typeError("%s: the Go %s behind this list cannot grow where its owner sees it (copy it with list() to change a copy; the service can serve a *%s)", op, t, t)
}

// readList runs f on the slice behind self with containerMu held shared.
func readList[T any](self reflect.Value, f func(s reflect.Value) (T, error)) (T, error) {
	mu := containerMu(self)
	mu.RLock()
	defer mu.RUnlock()
	s, _, err := listOf(self)
	if err != nil {
		var zero T
		return zero, err
	}
	return f(s)
}

// writeList runs f on the slice behind self with containerMu held
// exclusively. growable says whether f may change the length, for slice
// assignment, which knows only once it has the lock whether it will; the
// methods that always change it use growList.
func writeList(self reflect.Value, f func(s reflect.Value, growable bool) error) error {
	mu := containerMu(self)
	mu.Lock()
	defer mu.Unlock()
	s, growable, err := listOf(self)
	if err != nil {
		return err
	}
	return f(s, growable)
}

// growList runs f, which changes the length, on the slice behind self
// with containerMu held exclusively; a plain []T is refused with a
// TypeError naming op.
func growList(op string, self reflect.Value, f func(s reflect.Value) (any, error)) (any, error) {
	mu := containerMu(self)
	mu.Lock()
	defer mu.Unlock()
	s, err := growableList(op, self)
	if err != nil {
		return nil, err
	}
	return f(s)
}

// containerBody is a list or dict method that needs nothing done before
// the lock: it gets the slice or map with containerMu held and the
// arguments already checked.
type containerBody func(v reflect.Value, args brine.Tuple) (any, error)

// containerLock runs f on the slice or map behind self with containerMu
// held: readList, growList, readMap or writeMap.
type containerLock func(self reflect.Value, f func(v reflect.Value) (any, error)) (any, error)

// containerMethod makes a method of body: it checks for lo to hi
// positional arguments (Python's messages name the method name), then
// has lock run body on what self holds.
func containerMethod(name string, lo, hi int, lock containerLock, body containerBody) nativeMethod {
	return func(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
		if err := checkArgs(name, args, kw, lo, hi); err != nil {
			return nil, err
		}
		return lock(self, func(v reflect.Value) (any, error) { return body(v, args) })
	}
}

// listReader makes a list method of body, which only reads the list.
func listReader(name string, lo, hi int, body containerBody) nativeMethod {
	return containerMethod(name, lo, hi, readList[any], body)
}

// listGrower makes a list method of body, which changes the length: it
// runs under growList, and op names the operation when self is a []T.
func listGrower(name, op string, lo, hi int, body containerBody) nativeMethod {
	grow := func(self reflect.Value, f func(s reflect.Value) (any, error)) (any, error) {
		return growList(op, self, f)
	}
	return containerMethod(name, lo, hi, grow, body)
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

// listItems is the items of the slice or array s as the peer gets them,
// a copy that stays as it is when s changes after the lock is released.
func listItems(s reflect.Value) []any {
	items := make([]any, s.Len())
	for i := range items {
		items[i] = s.Index(i).Interface()
	}
	return items
}

// fetchItems reads the items of iterable, an argument from the peer, and
// converts them for the list behind self. It runs before the lock is
// taken (see iterableItems); what is iterableItems' message.
func (p *Policy) fetchItems(ctx context.Context, self reflect.Value, iterable any, what string) ([]reflect.Value, error) {
	items, err := p.iterableItems(ctx, iterable, what)
	if err != nil {
		return nil, err
	}
	return convertItems("list item", items, elemType(self))
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

func listLen(s reflect.Value, _ brine.Tuple) (any, error) {
	return int64(s.Len()), nil
}

// listGetItem is l[i] (the element) and l[a:b:c] (a new list).
func listGetItem(s reflect.Value, args brine.Tuple) (any, error) {
	if sl, ok := args[0].(brine.Slice); ok {
		return sliceOf(s, sl)
	}
	i, err := itemIndex(args[0], s.Len(), "list index out of range")
	if err != nil {
		return nil, err
	}
	return s.Index(i).Interface(), nil
}

func listContains(s reflect.Value, args brine.Tuple) (any, error) {
	return indexOf(s, args[0], 0, s.Len()) >= 0, nil
}

// indexOf finds x in s[from:to] by Python equality, or returns -1.
func indexOf(s reflect.Value, x any, from, to int) int {
	for i := from; i < to; i++ {
		if Equal(s.Index(i).Interface(), x) {
			return i
		}
	}
	return -1
}

// listIter iterates over a snapshot taken at the call: a Python list
// iterator sees later changes, but a live iterator would have to hold the
// lock between the peer's requests.
func listIter(s reflect.Value, _ brine.Tuple) (any, error) {
	return sliceIterator(listItems(s), "builtins.list_iterator"), nil
}

func listReversed(s reflect.Value, _ brine.Tuple) (any, error) {
	items := listItems(s)
	slices.Reverse(items)
	return sliceIterator(items, "builtins.list_reverseiterator"), nil
}

// listAdd is l + iterable: a new list. Python accepts only a list on the
// right; any iterable is taken here, as the peer's list arrives as a
// reference we cannot tell from other iterables without a round trip.
func listAdd(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__add__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	vals, err := p.fetchItems(ctx, self, args[0], "")
	if err != nil {
		return nil, err
	}
	return readList(self, func(s reflect.Value) (any, error) {
		if err := p.checkBuild("+", s.Len()+len(vals)); err != nil {
			return nil, err
		}
		return newList(s.Type(), append(listValues(s, 0, s.Len()), vals...)), nil
	})
}

// checkBuild refuses a request that would build more than
// Limits.MaxBuildItems items, with the MemoryError Python would raise for
// a result it cannot hold. op names the operation.
func (p *Policy) checkBuild(op string, n int) error {
	if max := p.MaxBuildItems; max > 0 && n > max {
		return vinegar.New("MemoryError", fmt.Sprintf("%s: result of %d items is over this server's limit of %d (Limits.MaxBuildItems)", op, n, max))
	}
	return nil
}

// repeatCount reads the count k of l * k, for a list of n items, as
// Python does: a k below one makes an empty list; name is the operator,
// for the MemoryError when the result would be too large.
func (p *Policy) repeatCount(name string, v any, n int) (int, error) {
	k, huge, ok := pyIndexValue(v)
	if !ok {
		return 0, typeError("can't multiply sequence by non-int of type '%s'", ShortTypeName(v))
	}
	if k <= 0 || n == 0 {
		return 0, nil
	}
	if huge || k > math.MaxInt32 || int64(n)*k > math.MaxInt32 {
		return 0, vinegar.New("MemoryError", name+": result too large")
	}
	if err := p.checkBuild(name, n*int(k)); err != nil {
		return 0, err
	}
	return int(k), nil
}

// listMul is l * n and n * l: a new list.
func listMul(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__mul__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	return readList(self, func(s reflect.Value) (any, error) {
		k, err := p.repeatCount("*", args[0], s.Len())
		if err != nil {
			return nil, err
		}
		vals := make([]reflect.Value, 0, k*s.Len())
		for range k {
			vals = append(vals, listValues(s, 0, s.Len())...)
		}
		return newList(s.Type(), vals), nil
	})
}

// listIndexOf is l.index(x[, start[, stop]]).
func listIndexOf(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("index", args, kw, 1, 3); err != nil {
		return nil, err
	}
	i, err := readList(self, func(s reflect.Value) (int, error) { return findIndex(s, args) })
	if err != nil {
		return nil, err
	}
	if i < 0 {
		// Formatted without the lock: Repr may come to take it.
		return nil, vinegar.New("ValueError", fmt.Sprintf("%s is not in list", Repr(args[0])))
	}
	return int64(i), nil
}

// findIndex is listIndexOf's search, with the lock held: start and stop
// are clamped to the list as Python's are.
func findIndex(s reflect.Value, args brine.Tuple) (int, error) {
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

func listCount(s reflect.Value, args brine.Tuple) (any, error) {
	n := int64(0)
	for i := range s.Len() {
		if Equal(s.Index(i).Interface(), args[0]) {
			n++
		}
	}
	return n, nil
}

// listCopy is l.copy(): a new *[]T the peer may grow.
func listCopy(s reflect.Value, _ brine.Tuple) (any, error) {
	return newList(s.Type(), listValues(s, 0, s.Len())), nil
}
