package rpyc

import (
	"context"
	"iter"
	"reflect"
	"sync"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// kindFor returns the native kind of a local value, or nil when only its
// Go type's methods and fields speak for it.
func kindFor(obj any) *kindSpec {
	switch obj.(type) {
	case nil:
		return nil
	case *goIterator:
		return iteratorKind
	}
	t := reflect.TypeOf(obj)
	switch t.Kind() {
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 {
			return listKind
		}
	case reflect.Pointer:
		switch t.Elem().Kind() {
		case reflect.Slice:
			return listKind
		case reflect.Map:
			return dictKind
		}
	case reflect.Map:
		return dictKind
	}
	return fileKindFor(obj)
}

// releaser is implemented by local objects that hold resources (a paused
// iterator): the table calls it when the peer drops its last reference or
// the connection ends.
type releaser interface {
	rpycRelease()
}

// goIterator is a Go iterator (iter.Seq, iter.Seq2, a receive channel, or
// a list's items) as a Python iterator. Items are pulled on demand; the
// peer's __next__ and BUFFITER calls are serialised.
type goIterator struct {
	pyName string
	mu     sync.Mutex // serialises next
	next   func() (any, bool)
	stop   func()
	ended  bool
	owner  any // what it iterates, kept alive while the peer holds it (iter_owner.go)
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

func (it *goIterator) rpycRelease() {
	it.mu.Lock()
	defer it.mu.Unlock()
	it.end()
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

// asIterator wraps iter.Seq, iter.Seq2 (yielding (k, v) tuples) and
// receive channels as iterators; other values are returned unchanged.
func asIterator(v any) any {
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

var iteratorKind = &kindSpec{
	pyName: "builtins.generator",
	methods: map[string]nativeMethod{
		"__iter__": func(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
			return self.Interface(), nil
		},
		"__next__": func(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
			items := self.Interface().(*goIterator).take(1)
			if len(items) == 0 {
				return nil, vinegar.ErrStopIteration
			}
			return items[0], nil
		},
		"close": func(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
			self.Interface().(*goIterator).rpycRelease()
			return nil, nil
		},
		// Python's client gives iterators named after Python's
		// (builtins.list_iterator, ...) the methods of that class, and
		// list(it) and dict(mapping) call __length_hint__ on them: an
		// error there fails the whole call, NotImplemented means "no
		// estimate" (PyObject_LengthHint).
		"__length_hint__": func(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
			return brine.NotImplemented, nil
		},
	},
}
