package slave

import (
	"context"
	"iter"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// environ is os.environ: a mapping of str to str, in the order the
// variables came (new ones last), as Python's os._Environ. Values must be
// str (TypeError otherwise, as in Python). It belongs to one connection:
// what a client sets is seen by that connection's os.getenv, os.system
// and subprocess, not by the server process or other clients.
type environ struct {
	mu   sync.Mutex
	keys []string
	m    map[string]string
	s    *SlaveService // makes copy()'s dict
}

func newEnviron(s *SlaveService) *environ {
	e := &environ{m: map[string]string{}, s: s}
	for _, kv := range os.Environ() {
		if i := strings.IndexByte(kv, '='); i > 0 {
			e.setLocked(kv[:i], kv[i+1:])
		}
	}
	return e
}

// RPyCNames gives the mapping dunders.
func (e *environ) RPyCNames() map[string]string {
	return map[string]string{
		"GetItem": "__getitem__", "SetItem": "__setitem__", "DelItem": "__delitem__",
		"Contains": "__contains__", "Len": "__len__", "Iter": "__iter__",
	}
}

// RPyCParams gives the mapping methods Python's defaults.
func (e *environ) RPyCParams() map[string]string {
	return map[string]string{"Get": "key, default=None", "Pop": "key, *default", "Setdefault": "key, default=None"}
}

// RPyCTypeName is Python's class.
func (e *environ) RPyCTypeName() string { return "os._Environ" }

func (e *environ) setLocked(k, v string) {
	if runtime.GOOS == "windows" {
		k = strings.ToUpper(k)
	}
	if _, ok := e.m[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.m[k] = v
}

func (e *environ) set(k, v string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.setLocked(k, v)
}

func (e *environ) lookup(k string) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if runtime.GOOS == "windows" {
		k = strings.ToUpper(k)
	}
	v, ok := e.m[k]
	return v, ok
}

func (e *environ) del(k string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if runtime.GOOS == "windows" {
		k = strings.ToUpper(k)
	}
	if _, ok := e.m[k]; !ok {
		return false
	}
	delete(e.m, k)
	for i, x := range e.keys {
		if x == k {
			e.keys = append(e.keys[:i], e.keys[i+1:]...)
			break
		}
	}
	return true
}

// copyMap is the variables as a Go map.
func (e *environ) copyMap() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]string, len(e.m))
	for k, v := range e.m {
		out[k] = v
	}
	return out
}

func (e *environ) snapshot() ([]string, map[string]string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string{}, e.keys...), e.m
}

func strArg(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", vinegar.New("TypeError", "str expected, not "+pyType(v))
	}
	return s, nil
}

// GetItem is environ[key]: KeyError when unset.
func (e *environ) GetItem(key any) (string, error) {
	k, err := strArg(key)
	if err != nil {
		return "", err
	}
	v, ok := e.lookup(k)
	if !ok {
		return "", vinegar.New("KeyError", k)
	}
	return v, nil
}

// SetItem is environ[key] = value.
func (e *environ) SetItem(key, value any) error {
	k, err := strArg(key)
	if err != nil {
		return err
	}
	v, err := strArg(value)
	if err != nil {
		return err
	}
	e.set(k, v)
	return nil
}

// DelItem is del environ[key].
func (e *environ) DelItem(key any) error {
	k, err := strArg(key)
	if err != nil {
		return err
	}
	if !e.del(k) {
		return vinegar.New("KeyError", k)
	}
	return nil
}

// Contains is key in environ.
func (e *environ) Contains(key any) bool {
	k, ok := key.(string)
	if !ok {
		return false
	}
	_, ok = e.lookup(k)
	return ok
}

// Len is len(environ).
func (e *environ) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.m)
}

// Iter is iter(environ): the names.
func (e *environ) Iter() iter.Seq[any] {
	keys, _ := e.snapshot()
	return seqOf(stringList(keys))
}

// Keys is keys().
func (e *environ) Keys() []any {
	keys, _ := e.snapshot()
	return stringList(keys)
}

// Values is values().
func (e *environ) Values() []any {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]any, len(e.keys))
	for i, k := range e.keys {
		out[i] = e.m[k]
	}
	return out
}

// Items is items(): (name, value) pairs.
func (e *environ) Items() []any {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]any, len(e.keys))
	for i, k := range e.keys {
		out[i] = brine.Tuple{k, e.m[k]}
	}
	return out
}

// Get is get(key, default=None).
func (e *environ) Get(key, def any) any {
	k, ok := key.(string)
	if !ok {
		return def
	}
	if v, ok := e.lookup(k); ok {
		return v
	}
	return def
}

// Setdefault is setdefault(key, default=None).
func (e *environ) Setdefault(key, def any) (any, error) {
	k, err := strArg(key)
	if err != nil {
		return nil, err
	}
	if v, ok := e.lookup(k); ok {
		return v, nil
	}
	if err := e.SetItem(k, def); err != nil {
		return nil, err
	}
	return def, nil
}

// Pop is pop(key[, default]).
func (e *environ) Pop(key any, def ...any) (any, error) {
	k, err := strArg(key)
	if err != nil {
		return nil, err
	}
	v, ok := e.lookup(k)
	if !ok {
		if len(def) > 0 {
			return def[0], nil
		}
		return nil, vinegar.New("KeyError", k)
	}
	e.del(k)
	return v, nil
}

// Update is update(mapping or pairs, **kw).
func (e *environ) Update(ctx context.Context, kw rpyc.Kwargs, other ...any) error {
	for _, o := range other {
		m, err := mapOfStrings(ctx, o)
		if err != nil {
			return err
		}
		for k, v := range m {
			e.set(k, v)
		}
	}
	for k, v := range kw {
		if err := e.SetItem(k, v); err != nil {
			return err
		}
	}
	return nil
}

// Copy is copy(): a new dict of the variables, in the environment's
// order.
func (e *environ) Copy() (any, error) {
	keys, _ := e.snapshot()
	d := newPyDict()
	e.mu.Lock()
	for _, k := range keys {
		_ = d.set(k, e.m[k])
	}
	e.mu.Unlock()
	if e.s == nil {
		return d, nil
	}
	return e.s.fresh(d)
}

// Clear is clear().
func (e *environ) Clear() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.keys, e.m = nil, map[string]string{}
}

// GoString is Python's repr: environ({...}).
func (e *environ) GoString() string {
	keys, _ := e.snapshot()
	var b strings.Builder
	b.WriteString("environ({")
	for i, k := range keys {
		v, _ := e.lookup(k)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(brine.Repr(k) + ": " + brine.Repr(v))
	}
	b.WriteString("})")
	return b.String()
}
