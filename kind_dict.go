package rpyc

// Go maps as Python dicts.
//
// A map[K]V or a *map[K]V the peer holds by reference answers Python's
// dict protocol. Keys and values from the peer are converted to K and V
// with convertTo; a key that cannot become a K is simply not there for
// lookups (KeyError(key), False for `in`, the default for get) and a
// TypeError when storing. Maps keyed by an interface type (map[any]V)
// also find keys by Python equality, so the peer's 1 finds a Go int(1)
// key and 1.0 finds 1, as in a Python dict.
//
// Go maps have no order. Iteration, keys(), values(), items() and
// popitem() use the keys sorted (numbers and strings by value, other keys
// by Python order when they have one, else by repr), so the peer sees a
// stable order from one call to the next.
//
// A map is a reference, so writes through a plain map[K]V reach its Go
// owner. The exception is a nil map, which cannot be written: a *map[K]V
// holding nil is given a new map on the first write (the owner sees it
// through the pointer), while a plain nil map[K]V raises TypeError.
//
// Locking is shared with lists: see containerMu in kind_list.go.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// dictKind is filled in init for the same reason as listKind.
var dictKind = &kindSpec{pyName: "builtins.dict"}

func init() {
	dictKind.methods = map[string]nativeMethod{
		"__len__":      dictLen,
		"__getitem__":  dictGetItem,
		"__setitem__":  dictSetItem,
		"__delitem__":  dictDelItem,
		"__contains__": dictContains,
		"__iter__":     dictIter,
		"keys":         dictKeys,
		"values":       dictValues,
		"items":        dictItems,
		"get":          dictGet,
		"pop":          dictPop,
		"setdefault":   dictSetDefault,
		"update":       dictUpdate,
		"clear":        dictClear,
		"copy":         dictCopy,
		"popitem":      dictPopItem,
	}
}

// mapOf returns the map behind self. For a write, a *map holding nil is
// given a new map first, and a plain nil map is refused.
func mapOf(self reflect.Value, write bool) (reflect.Value, error) {
	if self.Kind() == reflect.Pointer {
		if self.IsNil() {
			return reflect.Value{}, typeError("nil %s is not a dict", self.Type())
		}
		m := self.Elem()
		if write && m.IsNil() {
			m.Set(reflect.MakeMap(m.Type()))
		}
		return m, nil
	}
	if write && self.IsNil() {
		return reflect.Value{}, typeError("cannot store into a nil %s: pass a *%s so it can be allocated", self.Type(), self.Type())
	}
	return self, nil
}

// mapType is the map type behind self, read without the lock.
func mapType(self reflect.Value) reflect.Type {
	t := self.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// findKey looks key (a value from the peer) up in m and returns the key
// as stored. Call with containerMu held.
func findKey(m reflect.Value, key any) (reflect.Value, bool) {
	kt := m.Type().Key()
	kv, err := convertTo(key, kt)
	if err == nil && kv.Comparable() {
		if m.MapIndex(kv).IsValid() {
			return kv, true
		}
	}
	// An interface key type holds keys of any Go type, and a number may
	// equal a key of another numeric type: look for an equal key.
	if kt.Kind() == reflect.Interface || (err != nil && isNumber(normalize(key))) {
		it := m.MapRange()
		for it.Next() {
			if pyEqual(it.Key().Interface(), key) {
				return it.Key(), true
			}
		}
	}
	return reflect.Value{}, false
}

// storeKey is the key under which m stores key: an equal key already
// there, else key converted. Call with containerMu held.
func storeKey(m reflect.Value, key any) (reflect.Value, error) {
	if k, ok := findKey(m, key); ok {
		return k, nil
	}
	kv, err := convertItem("dict key", key, m.Type().Key())
	if err != nil {
		return reflect.Value{}, err
	}
	if !kv.Comparable() {
		return reflect.Value{}, typeError("unhashable type: '%s' cannot key a Go %s", pyTypeOf(key), m.Type())
	}
	return kv, nil
}

func keyError(key any) error {
	return vinegar.New("KeyError", key)
}

// mapKeysSorted returns m's keys in the order described at the top of the
// file. Call with containerMu held.
func mapKeysSorted(m reflect.Value) []reflect.Value {
	keys := m.MapKeys()
	switch m.Type().Key().Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmpOrdered(a.Int(), b.Int()) })
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		slices.SortFunc(keys, func(a, b reflect.Value) int {
			x, y := a.Uint(), b.Uint()
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		})
	case reflect.Float32, reflect.Float64:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmpOrdered(a.Float(), b.Float()) })
	case reflect.String:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	default:
		norm := make([]any, len(keys))
		for i, k := range keys {
			norm[i] = normalize(k.Interface())
		}
		order := make([]int, len(keys))
		for i := range order {
			order[i] = i
		}
		var cmpErr error
		sort.SliceStable(order, func(i, j int) bool {
			r, err := pyCompare(norm[order[i]], norm[order[j]])
			if err != nil {
				cmpErr = err
			}
			return r < 0
		})
		if cmpErr != nil {
			// No Python order (mixed types, structs): order by type
			// name, then repr, which is at least stable.
			reprs := make([]string, len(keys))
			for i := range keys {
				reprs[i] = pyTypeOf(norm[i]) + "\x00" + keyText(norm[i])
			}
			sort.SliceStable(order, func(i, j int) bool { return reprs[order[i]] < reprs[order[j]] })
		}
		sorted := make([]reflect.Value, len(keys))
		for i, from := range order {
			sorted[i] = keys[from]
		}
		keys = sorted
	}
	return keys
}

func dictLen(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__len__", args, kw, 0, 0); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	return int64(m.Len()), nil
}

func dictGetItem(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__getitem__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	k, ok := findKey(m, args[0])
	if !ok {
		return nil, keyError(args[0])
	}
	return m.MapIndex(k).Interface(), nil
}

func dictSetItem(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__setitem__", args, kw, 2, 2); err != nil {
		return nil, err
	}
	v, err := convertItem("dict value", args[1], mapType(self).Elem())
	if err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	k, err := storeKey(m, args[0])
	if err != nil {
		return nil, err
	}
	if m, err = mapOf(self, true); err != nil {
		return nil, err
	}
	m.SetMapIndex(k, v)
	return nil, nil
}

func dictDelItem(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__delitem__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	k, ok := findKey(m, args[0])
	if !ok {
		return nil, keyError(args[0])
	}
	m.SetMapIndex(k, reflect.Value{})
	return nil, nil
}

func dictContains(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__contains__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	_, ok := findKey(m, args[0])
	return ok, nil
}

// dictSnapshot returns the keys and values in sorted-key order.
func dictSnapshot(self reflect.Value) (keys, vals []any, err error) {
	containerMu.RLock()
	defer containerMu.RUnlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, nil, err
	}
	ks := mapKeysSorted(m)
	keys = make([]any, len(ks))
	vals = make([]any, len(ks))
	for i, k := range ks {
		keys[i] = k.Interface()
		vals[i] = m.MapIndex(k).Interface()
	}
	return keys, vals, nil
}

// dictIter iterates over a snapshot of the keys (see listIter).
func dictIter(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__iter__", args, kw, 0, 0); err != nil {
		return nil, err
	}
	keys, _, err := dictSnapshot(self)
	if err != nil {
		return nil, err
	}
	return sliceIterator(keys, "builtins.list_iterator"), nil
}

// keys, values and items return tuples, by value: Python's live views
// would need a round trip per use, and a snapshot of plain data travels
// in one reply. Items brine cannot carry go by reference inside the tuple.
func dictKeys(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("keys", args, kw, 0, 0); err != nil {
		return nil, err
	}
	keys, _, err := dictSnapshot(self)
	return brine.Tuple(keys), err
}

func dictValues(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("values", args, kw, 0, 0); err != nil {
		return nil, err
	}
	_, vals, err := dictSnapshot(self)
	return brine.Tuple(vals), err
}

func dictItems(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("items", args, kw, 0, 0); err != nil {
		return nil, err
	}
	keys, vals, err := dictSnapshot(self)
	if err != nil {
		return nil, err
	}
	out := make(brine.Tuple, len(keys))
	for i := range keys {
		out[i] = brine.Tuple{keys[i], vals[i]}
	}
	return out, nil
}

// dictGet is d.get(key, default=None).
func dictGet(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("get", args, kw, 1, 2); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	if k, ok := findKey(m, args[0]); ok {
		return m.MapIndex(k).Interface(), nil
	}
	if len(args) == 2 {
		return args[1], nil
	}
	return nil, nil
}

// dictPop is d.pop(key[, default]).
func dictPop(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("pop", args, kw, 1, 2); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	k, ok := findKey(m, args[0])
	if !ok {
		if len(args) == 2 {
			return args[1], nil
		}
		return nil, keyError(args[0])
	}
	v := m.MapIndex(k).Interface()
	m.SetMapIndex(k, reflect.Value{})
	return v, nil
}

// dictSetDefault is d.setdefault(key, default=None): the value stored
// under key, storing default first when key is missing.
func dictSetDefault(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("setdefault", args, kw, 1, 2); err != nil {
		return nil, err
	}
	var def any
	if len(args) == 2 {
		def = args[1]
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	if k, ok := findKey(m, args[0]); ok {
		return m.MapIndex(k).Interface(), nil
	}
	v, err := convertItem("dict value", def, m.Type().Elem())
	if err != nil {
		return nil, err
	}
	k, err := storeKey(m, args[0])
	if err != nil {
		return nil, err
	}
	if m, err = mapOf(self, true); err != nil {
		return nil, err
	}
	m.SetMapIndex(k, v)
	return v.Interface(), nil
}

// dictUpdate is d.update([other], **kw). other may be a tuple of pairs,
// one of our maps sent back, the peer's dict (read through its items()),
// or any iterable of pairs. Everything is fetched and converted before
// the map changes, so a bad pair leaves it untouched.
func dictUpdate(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if len(args) > 1 {
		return nil, typeError("update expected at most 1 argument, got %d", len(args))
	}
	var pairs [][2]any
	if len(args) == 1 {
		var err error
		if pairs, err = updatePairs(ctx, args[0]); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(kw))
	for k := range kw {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		pairs = append(pairs, [2]any{k, kw[k]})
	}
	mt := mapType(self)
	vals := make([]reflect.Value, len(pairs))
	for i, p := range pairs {
		v, err := convertItem("dict value", p[1], mt.Elem())
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	if len(pairs) == 0 {
		return nil, nil
	}
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	keys := make([]reflect.Value, len(pairs))
	for i, p := range pairs {
		if keys[i], err = storeKey(m, p[0]); err != nil {
			return nil, err
		}
	}
	if m, err = mapOf(self, true); err != nil {
		return nil, err
	}
	for i, k := range keys {
		m.SetMapIndex(k, vals[i])
	}
	return nil, nil
}

// updatePairs reads the (key, value) pairs of update's argument. It must
// not be called with containerMu held.
func updatePairs(ctx context.Context, other any) ([][2]any, error) {
	other = unrootAll(other)
	var items []any
	switch x := other.(type) {
	case *Netref:
		// Like Python, prefer the mapping protocol; a remote object
		// without items() is taken as an iterable of pairs.
		res, err := x.CallMethod(ctx, "items")
		switch {
		case err == nil:
			if items, err = iterableItems(ctx, res, ""); err != nil {
				return nil, err
			}
		case errors.Is(err, vinegar.ErrAttributeError):
			if items, err = iterableItems(ctx, x, ""); err != nil {
				return nil, err
			}
		default:
			return nil, err
		}
	default:
		if rv := reflect.ValueOf(other); rv.IsValid() && (rv.Kind() == reflect.Map ||
			rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Map) {
			keys, vals, err := dictSnapshot(rv)
			if err != nil {
				return nil, err
			}
			pairs := make([][2]any, len(keys))
			for i := range keys {
				pairs[i] = [2]any{keys[i], vals[i]}
			}
			return pairs, nil
		}
		var err error
		if items, err = iterableItems(ctx, other, fmt.Sprintf("'%s' object is not iterable", pyTypeOf(other))); err != nil {
			return nil, err
		}
	}
	pairs := make([][2]any, len(items))
	for i, it := range items {
		var kv []any
		switch p := it.(type) {
		case brine.Tuple:
			kv = p
		default:
			var err error
			kv, err = iterableItems(ctx, p, fmt.Sprintf("cannot convert dictionary update sequence element #%d to a sequence", i))
			if err != nil {
				return nil, err
			}
		}
		if len(kv) != 2 {
			return nil, vinegar.New("ValueError", fmt.Sprintf("dictionary update sequence element #%d has length %d; 2 is required", i, len(kv)))
		}
		pairs[i] = [2]any{kv[0], kv[1]}
	}
	return pairs, nil
}

func dictClear(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("clear", args, kw, 0, 0); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	if !m.IsNil() {
		m.Clear()
	}
	return nil, nil
}

// dictCopy is d.copy(): a new map of the same type, by reference.
func dictCopy(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("copy", args, kw, 0, 0); err != nil {
		return nil, err
	}
	containerMu.RLock()
	defer containerMu.RUnlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	out := reflect.MakeMapWithSize(m.Type(), m.Len())
	it := m.MapRange()
	for it.Next() {
		out.SetMapIndex(it.Key(), it.Value())
	}
	return out.Interface(), nil
}

// dictPopItem is d.popitem(): Python pops the last inserted pair; a Go
// map has no insertion order, so it pops the last in iteration order.
func dictPopItem(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("popitem", args, kw, 0, 0); err != nil {
		return nil, err
	}
	containerMu.Lock()
	defer containerMu.Unlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	if m.Len() == 0 {
		return nil, vinegar.New("KeyError", "popitem(): dictionary is empty")
	}
	keys := mapKeysSorted(m)
	k := keys[len(keys)-1]
	v := m.MapIndex(k).Interface()
	m.SetMapIndex(k, reflect.Value{})
	return brine.Tuple{k.Interface(), v}, nil
}

// keyText is a stable text for a key with no Python order. It is not
// pyRepr, which must not be called with containerMu held.
func keyText(k any) string {
	if brine.Dumpable(k) {
		return brine.Repr(k)
	}
	return fmt.Sprintf("%#v", k)
}
