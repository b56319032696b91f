package pyobj

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"sync"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Go iterators as Python iterators.
//
// An iter.Seq, an iter.Seq2 (yielding (k, v) tuples), a receive channel,
// and the snapshot a list or dict iterates over, all answer the peer as a
// Python iterator (__iter__, __next__, close, and BUFFITER in batches).
// Items are pulled on demand; the peer's calls on one iterator are
// serialised. A paused iter.Seq holds a goroutine (iter.Pull): the engine
// stops it with Release when the peer drops the iterator or the
// connection ends.

// goIterator is a Go iterator (iter.Seq, iter.Seq2, a receive channel, or
// a list's items) as a Python iterator. Items are pulled on demand; the
// peer's __next__ and BUFFITER calls are serialised.
type goIterator struct {
	pyName string
	mu     sync.Mutex // serialises next
	next   func() (any, bool)
	stop   func()
	ended  bool
	owner  any // what it iterates, kept alive while the peer holds it (iterator_owner.go)
}

func (it *goIterator) take(n int) brine.Tuple {
	it.mu.Lock()
	defer it.mu.Unlock()
	out := brine.Tuple{}
	for len(out) < n && !it.ended {
		v, ok := it.next()
		if !ok {
			it.end()
			break
		}
		out = append(out, v)
	}
	return out
}

func (it *goIterator) end() {
	if !it.ended {
		it.ended = true
		if it.stop != nil {
			it.stop()
		}
	}
}

func (it *goIterator) release() {
	it.mu.Lock()
	defer it.mu.Unlock()
	it.end()
}

// NeedsRelease reports whether obj holds what Release frees (a paused
// iterator's goroutine), so the engine tells it when the peer lets go.
func NeedsRelease(obj any) bool {
	_, ok := obj.(*goIterator)
	return ok
}

// Release frees what obj holds, once the peer no longer refers to it: a
// paused Go iterator is stopped. Other values are left alone.
func Release(obj any) {
	if it, ok := obj.(*goIterator); ok {
		it.release()
	}
}

// sliceIterator iterates over a fixed list of values.
func sliceIterator(items []any, pyName string) *goIterator {
	i := 0
	return &goIterator{pyName: pyName, next: func() (any, bool) {
		if i >= len(items) {
			return nil, false
		}
		v := items[i]
		i++
		return v, true
	}}
}

// AsIterator wraps iter.Seq, iter.Seq2 (yielding (k, v) tuples) and
// receive channels as iterators, as the engine boxes them; other values
// are returned unchanged.
func AsIterator(v any) any {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return v
	}
	t := rv.Type()
	switch {
	case t.Kind() == reflect.Chan && t.ChanDir()&reflect.RecvDir != 0 && !rv.IsNil():
		return &goIterator{pyName: "builtins.generator", next: func() (any, bool) {
			x, ok := rv.Recv()
			if !ok {
				return nil, false
			}
			return x.Interface(), true
		}}
	case t.Kind() == reflect.Func && !rv.IsNil() && isSeqFunc(t):
		yt := t.In(0)
		seq := func(yield func(any) bool) {
			y := reflect.MakeFunc(yt, func(args []reflect.Value) []reflect.Value {
				var item any
				if len(args) == 1 {
					item = args[0].Interface()
				} else {
					item = brine.Tuple{args[0].Interface(), args[1].Interface()}
				}
				return []reflect.Value{reflect.ValueOf(yield(item))}
			})
			rv.Call([]reflect.Value{y})
		}
		// Pulled on demand; the object table stops it when the peer
		// drops the iterator, freeing its goroutine.
		next, stop := iter.Pull(seq)
		return &goIterator{pyName: "builtins.generator", next: next, stop: stop}
	}
	return v
}

// isSeqFunc reports whether t is func(yield func(V) bool) or
// func(yield func(K, V) bool): the shapes of iter.Seq and iter.Seq2.
func isSeqFunc(t reflect.Type) bool {
	if t.NumIn() != 1 || t.NumOut() != 0 {
		return false
	}
	y := t.In(0)
	if y.Kind() != reflect.Func || y.NumOut() != 1 || y.Out(0).Kind() != reflect.Bool {
		return false
	}
	return y.NumIn() == 1 || y.NumIn() == 2
}

var iteratorClass = &pyClass{
	pyName: "builtins.generator",
	methods: map[string]nativeMethod{
		"__iter__": func(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
			return self.Interface(), nil
		},
		"__next__": func(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
			items := self.Interface().(*goIterator).take(1)
			if len(items) == 0 {
				return nil, vinegar.ErrStopIteration
			}
			return items[0], nil
		},
		"close": func(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
			self.Interface().(*goIterator).release()
			return nil, nil
		},
		// Python's client gives iterators named after Python's
		// (builtins.list_iterator, ...) the methods of that class, and
		// list(it) and dict(mapping) call __length_hint__ on them: an
		// error there fails the whole call, NotImplemented means "no
		// estimate" (PyObject_LengthHint).
		"__length_hint__": func(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
			return brine.NotImplemented, nil
		},
	},
}

// BuffIterCap is the most items this package's servers return for one
// BUFFITER; a reply of exactly that size may be cut short.
const BuffIterCap = 1 << 20

// BuffIter serves HANDLE_BUFFITER on a local object: up to n items of an
// iterator, or of a fresh iterator over any other iterable, as Python's
// islice does.
func (p *Policy) BuffIter(ctx context.Context, obj any, n int64) (any, error) {
	switch it := obj.(type) {
	case *goIterator:
		return it.take(int(min(n, BuffIterCap))), nil
	case Object:
		return objectBuffIter(ctx, it, min(n, BuffIterCap))
	}
	itv, err := p.CallAttr(ctx, obj, "__iter__", brine.Tuple{}, nil)
	if err != nil {
		return nil, vinegar.New("TypeError", fmt.Sprintf("'%s' object is not iterable", ShortTypeName(obj)))
	}
	if it, ok := itv.(*goIterator); ok {
		return it.take(int(min(n, BuffIterCap))), nil
	}
	return brine.Tuple{}, nil
}

// Collect reads the items of the peer's iterable r through r.Iter,
// stopping once it has read more than max of them (max < 0: no bound),
// which it reports as over: a peer's iterable may never end. It is the
// one loop that drains a peer's iterable, for the arguments of list and
// dict methods here and for rpyc.Obtain in the engine.
func Collect(ctx context.Context, r Remote, max int) (items []any, over bool, err error) {
	items = []any{}
	for item, err := range r.Iter(ctx) {
		if err != nil {
			return nil, false, err
		}
		items = append(items, item)
		if max >= 0 && len(items) > max {
			return nil, true, nil
		}
	}
	return items, false, nil
}
