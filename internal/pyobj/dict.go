package pyobj

// Go maps as Python dicts.
//
// A map[K]V or a *map[K]V the peer holds by reference answers Python's
// dict protocol. Keys and values from the peer are converted to K and V
// with ConvertTo; a key that cannot become a K is simply not there for
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
// Locking is shared with lists: see containerMu in list.go.

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

// mapAnyType is what the peer's dict is fetched as.
var mapAnyType = reflect.TypeFor[map[any]any]()

// dictClass is the class of Go maps.
var dictClass = &pyClass{
	pyName: "builtins.dict",
	methods: map[string]nativeMethod{
		"__len__":      dictReader("__len__", 0, 0, dictLen),
		"__getitem__":  dictReader("__getitem__", 1, 1, dictGetItem),
		"__setitem__":  dictSetItem,
		"__delitem__":  dictWriter("__delitem__", 1, 1, dictDelItem),
		"__contains__": dictReader("__contains__", 1, 1, dictContains),
		"__iter__":     dictReader("__iter__", 0, 0, dictIter),
		"keys":         dictReader("keys", 0, 0, dictKeys),
		"values":       dictReader("values", 0, 0, dictValues),
		"items":        dictReader("items", 0, 0, dictItems),
		"get":          dictReader("get", 1, 2, dictGet),
		"pop":          dictWriter("pop", 1, 2, dictPop),
		"setdefault":   dictSetDefault,
		"update":       dictUpdate,
		"clear":        dictWriter("clear", 0, 0, dictClear),
		"copy":         dictReader("copy", 0, 0, dictCopy),
		"popitem":      dictWriter("popitem", 0, 0, dictPopItem),
		"__reversed__": dictReader("__reversed__", 0, 0, dictReversed),
		"__or__":       dictOr,
		"__ror__":      dictROr,
		"__ior__":      dictIOr,
		"fromkeys":     dictFromKeys,
	},
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

// readMap runs f on the map behind self with containerMu held shared.
func readMap[T any](self reflect.Value, f func(m reflect.Value) (T, error)) (T, error) {
	mu := containerMu(self)
	mu.RLock()
	defer mu.RUnlock()
	m, err := mapOf(self, false)
	if err != nil {
		var zero T
		return zero, err
	}
	return f(m)
}

// writeMap runs f on the map behind self with containerMu held
// exclusively. The map may still be a nil one behind a pointer: it is
// allocated only when something is stored (see storeItems), so a write
// that fails leaves the owner's nil as it was.
func writeMap(self reflect.Value, f func(m reflect.Value) (any, error)) (any, error) {
	mu := containerMu(self)
	mu.Lock()
	defer mu.Unlock()
	m, err := mapOf(self, false)
	if err != nil {
		return nil, err
	}
	return f(m)
}

// dictReader makes a dict method of body, which only reads the map (see
// containerMethod).
func dictReader(name string, lo, hi int, body containerBody) nativeMethod {
	return containerMethod(name, lo, hi, readMap[any], body)
}

// dictWriter makes a dict method of body, which only removes from the
// map and so never needs a nil one allocated (see writeMap).
func dictWriter(name string, lo, hi int, body containerBody) nativeMethod {
	return containerMethod(name, lo, hi, writeMap, body)
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
	kv, err := ConvertTo(key, kt)
	if err == nil && kv.Comparable() {
		if m.MapIndex(kv).IsValid() {
			return kv, true
		}
	}
	// An interface key type holds keys of any Go type, and a number may
	// equal a key of another numeric type: look for an equal key.
	if kt.Kind() == reflect.Interface || (err != nil && numClass(Normalize(key)) > 0) {
		it := m.MapRange()
		for it.Next() {
			if Equal(it.Key().Interface(), key) {
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
		return reflect.Value{}, typeError("unhashable type: '%s' cannot key a Go %s", ShortTypeName(key), m.Type())
	}
	return kv, nil
}

// storeItems stores vals[i] under keys[i] (keys from the peer) in m, the
// map behind self. Every key is resolved before anything is stored, and
// a nil map behind a pointer is allocated only then, so an unusable key
// changes nothing. Call with containerMu held.
func storeItems(self, m reflect.Value, keys []any, vals []reflect.Value) error {
	ks := make([]reflect.Value, len(keys))
	for i, key := range keys {
		k, err := storeKey(m, key)
		if err != nil {
			return err
		}
		ks[i] = k
	}
	m, err := mapOf(self, true)
	if err != nil {
		return err
	}
	for i, k := range ks {
		m.SetMapIndex(k, vals[i])
	}
	return nil
}

// takeItem removes k, a key as stored, from m and returns its value.
func takeItem(m, k reflect.Value) any {
	v := m.MapIndex(k).Interface()
	m.SetMapIndex(k, reflect.Value{})
	return v
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
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmpOrdered(a.Uint(), b.Uint()) })
	case reflect.Float32, reflect.Float64:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmpOrdered(a.Float(), b.Float()) })
	case reflect.String:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	default:
		norm := make([]any, len(keys))
		for i, k := range keys {
			norm[i] = Normalize(k.Interface())
		}
		order, err := pyOrder(norm, false)
		if err != nil {
			// No Python order (mixed types, structs): order by type
			// name, then repr, which is at least stable.
			reprs := make([]string, len(keys))
			for i := range keys {
				reprs[i] = ShortTypeName(norm[i]) + "\x00" + keyText(norm[i])
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

func dictLen(m reflect.Value, _ brine.Tuple) (any, error) {
	return int64(m.Len()), nil
}

func dictGetItem(m reflect.Value, args brine.Tuple) (any, error) {
	k, ok := findKey(m, args[0])
	if !ok {
		return nil, keyError(args[0])
	}
	return m.MapIndex(k).Interface(), nil
}

func dictSetItem(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__setitem__", args, kw, 2, 2); err != nil {
		return nil, err
	}
	v, err := convertItem("dict value", args[1], mapType(self).Elem())
	if err != nil {
		return nil, err
	}
	return writeMap(self, func(m reflect.Value) (any, error) {
		return nil, storeItems(self, m, []any{args[0]}, []reflect.Value{v})
	})
}

func dictDelItem(m reflect.Value, args brine.Tuple) (any, error) {
	k, ok := findKey(m, args[0])
	if !ok {
		return nil, keyError(args[0])
	}
	m.SetMapIndex(k, reflect.Value{})
	return nil, nil
}

func dictContains(m reflect.Value, args brine.Tuple) (any, error) {
	_, ok := findKey(m, args[0])
	return ok, nil
}

// mapItems returns the keys and values of m in sorted-key order. Call
// with containerMu held.
func mapItems(m reflect.Value) (keys, vals []any) {
	ks := mapKeysSorted(m)
	keys = make([]any, len(ks))
	vals = make([]any, len(ks))
	for i, k := range ks {
		keys[i] = k.Interface()
		vals[i] = m.MapIndex(k).Interface()
	}
	return keys, vals
}

// dictIter iterates over a snapshot of the keys (see listIter).
func dictIter(m reflect.Value, _ brine.Tuple) (any, error) {
	keys, _ := mapItems(m)
	return sliceIterator(keys, "builtins.list_iterator"), nil
}

// keys, values and items return tuples, by value: Python's live views
// would need a round trip per use, and a snapshot of plain data travels
// in one reply. Items brine cannot carry go by reference inside the tuple.
func dictKeys(m reflect.Value, _ brine.Tuple) (any, error) {
	keys, _ := mapItems(m)
	return brine.Tuple(keys), nil
}

func dictValues(m reflect.Value, _ brine.Tuple) (any, error) {
	_, vals := mapItems(m)
	return brine.Tuple(vals), nil
}

func dictItems(m reflect.Value, _ brine.Tuple) (any, error) {
	keys, vals := mapItems(m)
	out := make(brine.Tuple, len(keys))
	for i := range keys {
		out[i] = brine.Tuple{keys[i], vals[i]}
	}
	return out, nil
}

// dictGet is d.get(key, default=None).
func dictGet(m reflect.Value, args brine.Tuple) (any, error) {
	if k, ok := findKey(m, args[0]); ok {
		return m.MapIndex(k).Interface(), nil
	}
	if len(args) == 2 {
		return args[1], nil
	}
	return nil, nil
}

// dictPop is d.pop(key[, default]).
func dictPop(m reflect.Value, args brine.Tuple) (any, error) {
	k, ok := findKey(m, args[0])
	if !ok {
		if len(args) == 2 {
			return args[1], nil
		}
		return nil, keyError(args[0])
	}
	return takeItem(m, k), nil
}

// dictSetDefault is d.setdefault(key, default=None): the value stored
// under key, storing default first when key is missing.
func dictSetDefault(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("setdefault", args, kw, 1, 2); err != nil {
		return nil, err
	}
	var def any
	if len(args) == 2 {
		def = args[1]
	}
	return writeMap(self, func(m reflect.Value) (any, error) {
		if k, ok := findKey(m, args[0]); ok {
			return m.MapIndex(k).Interface(), nil
		}
		v, err := convertItem("dict value", def, m.Type().Elem())
		if err != nil {
			return nil, err
		}
		if err := storeItems(self, m, []any{args[0]}, []reflect.Value{v}); err != nil {
			return nil, err
		}
		return v.Interface(), nil
	})
}

// dictUpdate is d.update([other], **kw). other may be a tuple of pairs,
// one of our maps sent back, the peer's dict (read through its items()),
// or any iterable of pairs. Everything is fetched and converted before
// the map changes, so a bad pair leaves it untouched.
func dictUpdate(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if len(args) > 1 {
		return nil, typeError("update expected at most 1 argument, got %d", len(args))
	}
	var pairs [][2]any
	if len(args) == 1 {
		var err error
		if pairs, err = p.updatePairs(ctx, args[0]); err != nil {
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
	if len(pairs) == 0 {
		return nil, nil // nothing to store, so not even a nil *map is refused
	}
	vt := mapType(self).Elem()
	keys := make([]any, len(pairs))
	vals := make([]reflect.Value, len(pairs))
	for i, p := range pairs {
		v, err := convertItem("dict value", p[1], vt)
		if err != nil {
			return nil, err
		}
		keys[i], vals[i] = p[0], v
	}
	return writeMap(self, func(m reflect.Value) (any, error) {
		return nil, storeItems(self, m, keys, vals)
	})
}

// updatePairs reads the (key, value) pairs of update's argument: a
// mapping (see mappingPairs), else an iterable of pairs. It must not be
// called with containerMu held.
func (p *Policy) updatePairs(ctx context.Context, other any) ([][2]any, error) {
	if pairs, ok, err := p.mappingPairs(ctx, other); ok || err != nil {
		return pairs, err
	}
	other = Unroot(other)
	what := fmt.Sprintf("'%s' object is not iterable", ShortTypeName(other))
	if _, ok := AsRemote(other); ok {
		what = ""
	}
	items, err := p.iterableItems(ctx, other, what)
	if err != nil {
		return nil, err
	}
	return p.pairsOf(ctx, items)
}

// mappingPairs reads the (key, value) pairs of a mapping: one of our
// maps, the peer's dict (fetched by value, as a dict argument is: its
// items() may be refused by the peer's policy, as Python's default is),
// or another object of the peer's with an items() method (Python prefers
// the mapping protocol too). ok is false when other is not a mapping.
func (p *Policy) mappingPairs(ctx context.Context, other any) (pairs [][2]any, ok bool, err error) {
	other = Unroot(other)
	if x, isRemote := AsRemote(other); isRemote {
		m, err := peer.Convert(x, mapAnyType)
		var te *TypeError
		switch {
		case err == nil:
			return mapPairs(m), true, nil
		case !errors.As(err, &te) || te.cause != nil:
			return nil, true, err // the fetch failed, or was too large
		}
		res, err := x.CallMethod(ctx, "items")
		switch {
		case errors.Is(err, vinegar.ErrAttributeError):
			return nil, false, nil
		case err != nil:
			return nil, true, err
		}
		items, err := p.iterableItems(ctx, res, "")
		if err != nil {
			return nil, true, err
		}
		pairs, err := p.pairsOf(ctx, items)
		return pairs, true, err
	}
	rv := reflect.ValueOf(other)
	if !rv.IsValid() || !(rv.Kind() == reflect.Map || rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Map) {
		return nil, false, nil
	}
	pairs, err = readMap(rv, func(m reflect.Value) ([][2]any, error) { return mapPairs(m), nil })
	return pairs, true, err
}

// mapPairs is m's (key, value) pairs in sorted-key order. Call with
// containerMu held, unless m is not shared.
func mapPairs(m reflect.Value) [][2]any {
	keys, vals := mapItems(m)
	pairs := make([][2]any, len(keys))
	for i := range keys {
		pairs[i] = [2]any{keys[i], vals[i]}
	}
	return pairs
}

// pairsOf splits the items of an iterable of pairs.
func (p *Policy) pairsOf(ctx context.Context, items []any) ([][2]any, error) {
	pairs := make([][2]any, len(items))
	for i, it := range items {
		var kv []any
		switch pair := it.(type) {
		case brine.Tuple:
			kv = pair
		default:
			var err error
			kv, err = p.iterableItems(ctx, pair, fmt.Sprintf("cannot convert dictionary update sequence element #%d to a sequence", i))
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

func dictClear(m reflect.Value, _ brine.Tuple) (any, error) {
	if !m.IsNil() {
		m.Clear()
	}
	return nil, nil
}

// dictCopy is d.copy(): a new map of the same type, by reference.
func dictCopy(m reflect.Value, _ brine.Tuple) (any, error) {
	out := reflect.MakeMapWithSize(m.Type(), m.Len())
	it := m.MapRange()
	for it.Next() {
		out.SetMapIndex(it.Key(), it.Value())
	}
	return out.Interface(), nil
}

// dictPopItem is d.popitem(): Python pops the last inserted pair; a Go
// map has no insertion order, so it pops the last in iteration order.
func dictPopItem(m reflect.Value, _ brine.Tuple) (any, error) {
	if m.Len() == 0 {
		return nil, vinegar.New("KeyError", "popitem(): dictionary is empty")
	}
	keys := mapKeysSorted(m)
	k := keys[len(keys)-1]
	return brine.Tuple{k.Interface(), takeItem(m, k)}, nil
}

// keyText is a stable text for a key with no Python order. It is not
// Repr, which must not be called with containerMu held.
func keyText(k any) string {
	if brine.Dumpable(k) {
		return brine.Repr(k)
	}
	return fmt.Sprintf("%#v", k)
}
