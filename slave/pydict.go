package slave

import (
	"context"
	"fmt"
	"iter"
	"math"
	"reflect"
	"strings"
	"sync"

	ogorek "github.com/kisielk/og-rek"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/slave/python"
	"github.com/rpyc-go/rpyc/vinegar"
)

// pyDict is a Python dict that keeps its keys in insertion order, as
// Python's does (a Go map has no order): what json.loads, pickle.loads
// and dict() give. Keys are found by Python's equality (1, 1.0 and True
// are one key); lists and dicts are refused as keys (unhashable). Python's
// client sees a builtins.dict.
type pyDict struct {
	mu   sync.Mutex
	keys []any
	vals []any
	idx  map[string]int
}

func newPyDict() *pyDict { return &pyDict{idx: map[string]int{}} }

// dictKey is the identity of a key under Python's equality.
func dictKey(k any) (string, error) {
	switch x := k.(type) {
	case nil:
		return "N", nil
	case string:
		return "s" + x, nil
	case []byte:
		return "b" + string(x), nil
	case bool, int64, int:
		return "n" + fmt.Sprint(bigOf(normInt(x))), nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return "n" + fmt.Sprint(int64(x)), nil
		}
		return "f" + brine.FloatRepr(x), nil
	case brine.Tuple:
		parts := make([]string, len(x))
		for i, it := range x {
			p, err := dictKey(it)
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "t(" + strings.Join(parts, "\x00") + ")", nil
	case brine.FrozenSet:
		return "z" + brine.Repr(x), nil
	}
	if isInt(k) {
		return "n" + bigOf(k).String(), nil
	}
	if isList(k) || isDict(k) {
		return "", vinegar.New("TypeError", fmt.Sprintf("unhashable type: '%s'", pyType(k)))
	}
	rv := reflect.ValueOf(k)
	if rv.Kind() == reflect.Pointer {
		return fmt.Sprintf("p%x", rv.Pointer()), nil
	}
	return "v" + brine.Repr(k), nil
}

func normInt(v any) any {
	if i, ok := v.(int); ok {
		return int64(i)
	}
	return v
}

// set stores k: v, keeping k's first position.
func (d *pyDict) set(k, v any) error {
	key, err := dictKey(k)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if i, ok := d.idx[key]; ok {
		d.vals[i] = v
		return nil
	}
	d.idx[key] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
	return nil
}

func (d *pyDict) lookup(k any) (any, bool, error) {
	key, err := dictKey(k)
	if err != nil {
		return nil, false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	i, ok := d.idx[key]
	if !ok {
		return nil, false, nil
	}
	return d.vals[i], true, nil
}

func (d *pyDict) remove(k any) (any, bool, error) {
	key, err := dictKey(k)
	if err != nil {
		return nil, false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	i, ok := d.idx[key]
	if !ok {
		return nil, false, nil
	}
	v := d.vals[i]
	d.keys = append(d.keys[:i], d.keys[i+1:]...)
	d.vals = append(d.vals[:i], d.vals[i+1:]...)
	delete(d.idx, key)
	for k, j := range d.idx {
		if j > i {
			d.idx[k] = j - 1
		}
	}
	return v, true, nil
}

// items is a snapshot of the (key, value) pairs in order.
func (d *pyDict) items() [][2]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([][2]any, len(d.keys))
	for i := range d.keys {
		out[i] = [2]any{d.keys[i], d.vals[i]}
	}
	return out
}

// RPyCNames gives the dict's dunders.
func (d *pyDict) RPyCNames() map[string]string {
	return map[string]string{
		"GetItem": "__getitem__", "SetItem": "__setitem__", "DelItem": "__delitem__", "Contains": "__contains__",
		"Len": "__len__", "Iter": "__iter__", "Eq": "__eq__", "Ne": "__ne__",
	}
}

// RPyCParams gives the methods Python's defaults.
func (d *pyDict) RPyCParams() map[string]string {
	return map[string]string{"Get": "key, default=None", "Setdefault": "key, default=None", "Pop": "key, *default"}
}

// RPyCTypeName makes Python's client see a dict.
func (d *pyDict) RPyCTypeName() string { return "builtins.dict" }

// RPyCPickle copies the dict by value, in order (rpyc.classic.obtain,
// pickle.dumps): as dict([(key, value), ...]), since a Go map handed to
// the pickler would lose the order.
func (d *pyDict) RPyCPickle() (any, error) {
	pairs := []any{}
	for _, kv := range d.items() {
		pairs = append(pairs, brine.Tuple{kv[0], kv[1]})
	}
	return ogorek.Call{Callable: ogorek.Class{Module: "builtins", Name: "dict"}, Args: ogorek.Tuple{pairs}}, nil
}

// GoString is Python's repr, in order.
func (d *pyDict) GoString() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, kv := range d.items() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pyRepr(kv[0]) + ": " + pyRepr(kv[1]))
	}
	b.WriteByte('}')
	return b.String()
}

// GetItem is d[key].
func (d *pyDict) GetItem(key any) (any, error) {
	v, ok, err := d.lookup(key)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, vinegar.New("KeyError", key)
	}
	return v, nil
}

// SetItem is d[key] = value.
func (d *pyDict) SetItem(key, value any) error { return d.set(key, value) }

// DelItem is del d[key].
func (d *pyDict) DelItem(key any) error {
	_, ok, err := d.remove(key)
	if err == nil && !ok {
		err = vinegar.New("KeyError", key)
	}
	return err
}

// Contains is key in d.
func (d *pyDict) Contains(key any) bool {
	_, ok, _ := d.lookup(key)
	return ok
}

// Len is len(d).
func (d *pyDict) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.keys)
}

// Iter is iter(d): the keys in order.
func (d *pyDict) Iter() iter.Seq[any] { return seqOf(d.Keys()) }

// Keys is keys().
func (d *pyDict) Keys() []any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]any{}, d.keys...)
}

// Values is values().
func (d *pyDict) Values() []any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]any{}, d.vals...)
}

// Items is items(): (key, value) tuples.
func (d *pyDict) Items() []any {
	var out []any
	for _, kv := range d.items() {
		out = append(out, brine.Tuple{kv[0], kv[1]})
	}
	if out == nil {
		out = []any{}
	}
	return out
}

// Get is get(key, default=None).
func (d *pyDict) Get(key, def any) (any, error) {
	v, ok, err := d.lookup(key)
	if err != nil || !ok {
		return def, err
	}
	return v, nil
}

// Setdefault is setdefault(key, default=None).
func (d *pyDict) Setdefault(key, def any) (any, error) {
	v, ok, err := d.lookup(key)
	if err != nil {
		return nil, err
	}
	if ok {
		return v, nil
	}
	return def, d.set(key, def)
}

// Pop is pop(key[, default]).
func (d *pyDict) Pop(key any, def ...any) (any, error) {
	v, ok, err := d.remove(key)
	if err != nil {
		return nil, err
	}
	if !ok {
		if len(def) > 0 {
			return def[0], nil
		}
		return nil, vinegar.New("KeyError", key)
	}
	return v, nil
}

// Popitem is popitem(): the last pair.
func (d *pyDict) Popitem() (brine.Tuple, error) {
	d.mu.Lock()
	n := len(d.keys)
	d.mu.Unlock()
	if n == 0 {
		return nil, vinegar.New("KeyError", "popitem(): dictionary is empty")
	}
	k := d.keys[n-1]
	v, _, err := d.remove(k)
	return brine.Tuple{k, v}, err
}

// Update is update([other], **kw).
func (d *pyDict) Update(ctx context.Context, kw rpyc.Kwargs, other ...any) error {
	for _, o := range other {
		if err := d.updateFrom(ctx, o); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(kw) {
		if err := d.set(k, kw[k]); err != nil {
			return err
		}
	}
	return nil
}

func (d *pyDict) updateFrom(ctx context.Context, o any) error {
	o, err := hostCopy(ctx, o)
	if err != nil {
		return err
	}
	if src, ok := o.(*pyDict); ok {
		for _, kv := range src.items() {
			if err := d.set(kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	}
	m := map[any]any{}
	if n, ok := o.(*rpyc.Netref); ok {
		data, err := toData(ctx, n, 0)
		if err != nil {
			return err
		}
		if src, ok := data.(*pyDict); ok {
			return d.updateFrom(ctx, src)
		}
		o = data
	}
	if err := dictUpdate(ctx, m, o); err != nil {
		return err
	}
	for _, k := range sortedAnyKeys(m) {
		if err := d.set(k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

// Clear is clear().
func (d *pyDict) Clear() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.keys, d.vals, d.idx = nil, nil, map[string]int{}
}

// Copy is copy(): a shallow copy.
func (d *pyDict) Copy() *pyDict {
	c := newPyDict()
	for _, kv := range d.items() {
		_ = c.set(kv[0], kv[1])
	}
	return c
}

// Eq is d == other: the same keys with equal values.
func (d *pyDict) Eq(ctx context.Context, other any) any {
	o, ok := other.(*pyDict)
	if !ok {
		if n, isRef := other.(*rpyc.Netref); isRef {
			data, err := toData(ctx, n, 0)
			if err != nil {
				return brine.NotImplemented
			}
			o, ok = data.(*pyDict)
		}
		if !ok {
			return brine.NotImplemented
		}
	}
	if d.Len() != o.Len() {
		return false
	}
	for _, kv := range d.items() {
		v, found, err := o.lookup(kv[0])
		if err != nil || !found || !valuesEqual(kv[1], v) {
			return false
		}
	}
	return true
}

// Ne is d != other.
func (d *pyDict) Ne(ctx context.Context, other any) any {
	eq := d.Eq(ctx, other)
	if b, ok := eq.(bool); ok {
		return !b
	}
	return eq
}

// valuesEqual is Python's == for plain data and our containers.
func valuesEqual(a, b any) bool {
	if c, ok := compareValues(a, b); ok {
		return c == 0
	}
	switch x := a.(type) {
	case *pyDict:
		eq, _ := x.Eq(context.Background(), b).(bool)
		return eq
	case brine.Tuple:
		y, ok := b.(brine.Tuple)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !valuesEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	la, okA := sliceItems(a)
	lb, okB := sliceItems(b)
	if okA && okB {
		if len(la) != len(lb) {
			return false
		}
		for i := range la {
			if !valuesEqual(la[i], lb[i]) {
				return false
			}
		}
		return true
	}
	return a == nil && b == nil
}

func sliceItems(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case *[]any:
		return *x, true
	}
	return nil, false
}

// toData copies a value into plain data this side can walk in order: a
// client's dict becomes a pyDict (its items fetched in order), its lists
// and tuples Go lists and tuples; our own values pass as they are.
func toData(ctx context.Context, v any, depth int) (any, error) {
	if depth > 100 {
		return nil, vinegar.New("RecursionError", "maximum recursion depth exceeded while copying a value")
	}
	if c, isCode, err := python.Copy(ctx, v); isCode || err != nil {
		return c, err
	}
	n, ok := v.(*rpyc.Netref)
	if !ok {
		return v, nil
	}
	switch n.TypeName() {
	case "builtins.dict", "collections.OrderedDict", "collections.defaultdict":
		itemsRef, err := n.CallMethod(ctx, "items")
		if err != nil {
			return nil, err
		}
		d := newPyDict()
		ir, isRef := itemsRef.(*rpyc.Netref)
		if !isRef {
			return nil, vinegar.New("TypeError", "dict.items() did not return a view")
		}
		for item, err := range ir.Iter(ctx) {
			if err != nil {
				return nil, err
			}
			kv, ok := item.(brine.Tuple)
			if !ok || len(kv) != 2 {
				return nil, vinegar.New("TypeError", "dict.items() gave something other than pairs")
			}
			val, err := toData(ctx, kv[1], depth+1)
			if err != nil {
				return nil, err
			}
			if err := d.set(kv[0], val); err != nil {
				return nil, err
			}
		}
		return d, nil
	case "builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset":
		var out []any
		for item, err := range n.Iter(ctx) {
			if err != nil {
				return nil, err
			}
			val, err := toData(ctx, item, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, val)
		}
		if out == nil {
			out = []any{}
		}
		if n.TypeName() == "builtins.tuple" {
			return brine.Tuple(out), nil
		}
		return out, nil
	}
	return v, nil
}
