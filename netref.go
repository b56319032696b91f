package rpyc

import (
	"context"
	"fmt"
	"iter"
	"sort"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
)

// Netref is a reference to an object that lives on the peer (Python's
// netref). Every operation is one request: attribute access, calls,
// Python's dunder protocol (len, items, iteration, comparison, with).
//
// The same remote object always gives the same *Netref while it is alive,
// so == between netrefs is identity on the peer. A Netref is released (the
// peer told it may forget the object) by Release or, if forgotten, when the
// garbage collector finds it unreachable. A Netref is safe for concurrent
// use.
type Netref struct {
	conn  *Conn
	id    message.IDPack
	state *refState
}

// Kwargs holds keyword arguments. Passed as the last argument of Call,
// CallMethod and friends, it becomes Python's **kwargs.
type Kwargs map[string]any

// Conn returns the connection the netref belongs to.
func (r *Netref) Conn() *Conn { return r.conn }

// IDPack returns the peer's id for the object: (type name, class id,
// instance id).
func (r *Netref) IDPack() message.IDPack { return r.id }

// TypeName returns the Python type the peer reports, e.g. "builtins.list".
func (r *Netref) TypeName() string { return r.id.Name }

// String names the remote type and instance, for logs and %v.
func (r *Netref) String() string {
	return fmt.Sprintf("<netref %s %d>", r.id.Name, r.id.InstanceID)
}

// Release tells the peer it may forget the object now, instead of when the
// garbage collector notices. Later operations return ErrReleased. It is
// idempotent and safe to call on a closed connection.
func (r *Netref) Release() {
	r.state.release(false)
}

// Released reports whether Release was called (or the connection ended).
func (r *Netref) Released() bool { return r.state.released.Load() }

// do makes a request about this object: the netref itself goes first.
func (r *Netref) do(ctx context.Context, h message.Handler, args ...any) (any, error) {
	if err := r.usable(); err != nil {
		return nil, err
	}
	return r.conn.Request(ctx, h, append([]any{r}, args...)...)
}

// usable returns why the netref cannot be used, or nil.
func (r *Netref) usable() error {
	if r.state.released.Load() {
		if r.conn.Closed() {
			return r.conn.Err()
		}
		return fmt.Errorf("%w: %s", ErrReleased, r)
	}
	return nil
}

// GetAttr returns an attribute (Python's getattr).
func (r *Netref) GetAttr(ctx context.Context, name string) (any, error) {
	return r.do(ctx, message.HandleGetAttr, name)
}

// SetAttr sets an attribute (Python's setattr). Python servers refuse it
// unless allow_setattr is on.
func (r *Netref) SetAttr(ctx context.Context, name string, value any) error {
	_, err := r.do(ctx, message.HandleSetAttr, name, value)
	return err
}

// DelAttr deletes an attribute (Python's delattr).
func (r *Netref) DelAttr(ctx context.Context, name string) error {
	_, err := r.do(ctx, message.HandleDelAttr, name)
	return err
}

// splitArgs separates a trailing Kwargs from positional arguments and
// encodes it as Python's kwargs pairs, sorted by name.
func splitArgs(args []any) (brine.Tuple, brine.Tuple) {
	var kw Kwargs
	if n := len(args); n > 0 {
		if k, ok := args[n-1].(Kwargs); ok {
			kw, args = k, args[:n-1]
		}
	}
	pairs := make(brine.Tuple, 0, len(kw))
	names := make([]string, 0, len(kw))
	for k := range kw {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		pairs = append(pairs, brine.Tuple{k, kw[k]})
	}
	if args == nil {
		args = []any{}
	}
	return brine.Tuple(args), pairs
}

// Call calls the object (Python's obj(*args, **kwargs)); a trailing Kwargs
// argument gives the keyword arguments.
func (r *Netref) Call(ctx context.Context, args ...any) (any, error) {
	pos, kw := splitArgs(args)
	return r.do(ctx, message.HandleCall, pos, kw)
}

// CallMethod calls obj.name(*args, **kwargs) in one round trip
// (HANDLE_CALLATTR), where Python's client needs GETATTR, CALL and DEL.
func (r *Netref) CallMethod(ctx context.Context, name string, args ...any) (any, error) {
	if err := r.usable(); err != nil {
		return nil, err
	}
	pos, kw := splitArgs(args)
	return r.conn.syncPayload(ctx, &callAttrPayload{obj: r, name: name, pos: pos, kw: kw})
}

// Async versions return at once with an AsyncResult (Python's rpyc.async_).

// CallAsync is Call without waiting.
func (r *Netref) CallAsync(args ...any) *AsyncResult {
	pos, kw := splitArgs(args)
	return r.asyncDo(message.HandleCall, pos, kw)
}

// CallMethodAsync is CallMethod without waiting.
func (r *Netref) CallMethodAsync(name string, args ...any) *AsyncResult {
	if err := r.usable(); err != nil {
		return r.failedAsync(err)
	}
	pos, kw := splitArgs(args)
	return r.conn.asyncPayload(&callAttrPayload{obj: r, name: name, pos: pos, kw: kw}, true)
}

func (r *Netref) asyncDo(h message.Handler, args ...any) *AsyncResult {
	if err := r.usable(); err != nil {
		return r.failedAsync(err)
	}
	return r.conn.AsyncRequest(h, append([]any{r}, args...)...)
}

// failedAsync is an AsyncResult that already holds err.
func (r *Netref) failedAsync(err error) *AsyncResult {
	res := newAsyncResult(r.conn)
	res.deliver(nil, err)
	return res
}

// Str returns str(obj).
func (r *Netref) Str(ctx context.Context) (string, error) {
	return As[string](r.do(ctx, message.HandleStr))
}

// Repr returns repr(obj).
func (r *Netref) Repr(ctx context.Context) (string, error) {
	return As[string](r.do(ctx, message.HandleRepr))
}

// Dir returns dir(obj).
func (r *Netref) Dir(ctx context.Context) ([]string, error) {
	return As[[]string](r.do(ctx, message.HandleDir))
}

// Hash returns hash(obj); unhashable objects give the peer's TypeError.
func (r *Netref) Hash(ctx context.Context) (int64, error) {
	return As[int64](r.do(ctx, message.HandleHash))
}

// Len returns len(obj).
func (r *Netref) Len(ctx context.Context) (int, error) {
	return As[int](r.CallMethod(ctx, "__len__"))
}

// GetItem returns obj[key]; a brine.Slice key slices.
func (r *Netref) GetItem(ctx context.Context, key any) (any, error) {
	return r.CallMethod(ctx, "__getitem__", key)
}

// SetItem does obj[key] = value.
func (r *Netref) SetItem(ctx context.Context, key, value any) error {
	_, err := r.CallMethod(ctx, "__setitem__", key, value)
	return err
}

// DelItem does del obj[key].
func (r *Netref) DelItem(ctx context.Context, key any) error {
	_, err := r.CallMethod(ctx, "__delitem__", key)
	return err
}

// Contains returns `value in obj`.
func (r *Netref) Contains(ctx context.Context, value any) (bool, error) {
	v, err := r.CallMethod(ctx, "__contains__", value)
	if err != nil {
		return false, err
	}
	return truthy(v), nil
}

// Compare sends HANDLE_CMP with op one of "__eq__", "__ne__", "__lt__",
// "__le__", "__gt__", "__ge__". The peer may answer brine.NotImplemented.
func (r *Netref) Compare(ctx context.Context, other any, op string) (any, error) {
	return r.do(ctx, message.HandleCmp, other, op)
}

// Equal returns obj == other as Python decides it (NotImplemented is
// false, as Python's fallback identity test gives for distinct objects).
func (r *Netref) Equal(ctx context.Context, other any) (bool, error) {
	if o, ok := other.(*Netref); ok && o == r {
		return true, nil
	}
	v, err := r.Compare(ctx, other, "__eq__")
	if err != nil {
		return false, err
	}
	return truthy(v), nil
}

// Enter runs obj.__enter__() (the start of a with block) and returns its
// result.
func (r *Netref) Enter(ctx context.Context) (any, error) {
	return r.CallMethod(ctx, "__enter__")
}

// Exit ends a with block (HANDLE_CTXEXIT). excValue is the exception
// raised inside the block (nil for none); the result says whether the
// object suppressed it.
func (r *Netref) Exit(ctx context.Context, excValue any) (bool, error) {
	v, err := r.do(ctx, message.HandleCtxExit, excValue)
	if err != nil {
		return false, err
	}
	return truthy(v), nil
}

// Iter iterates the object: one __iter__ call, then items fetched with
// HANDLE_BUFFITER. Batches (growing 1, 2, 4, ... up to 1024 items) are
// used only for the iterators of builtin containers (list, tuple, dict,
// set, range, str, bytes, deque; see batchSafeIterators), where reading
// ahead cannot be observed. Any other iterator, a generator or a cursor,
// is advanced one item per request, only when the loop asks for the next
// item: the peer never runs ahead of the consumer, and after a break it
// has produced exactly the items the loop saw. Every item that arrived
// before an error is yielded first; the error is the last pair.
func (r *Netref) Iter(ctx context.Context) iter.Seq2[any, error] {
	return func(yield func(any, error) bool) {
		itv, err := r.CallMethod(ctx, "__iter__")
		if err != nil {
			yield(nil, err)
			return
		}
		it, ok := itv.(*Netref)
		if !ok {
			yield(nil, &TypeError{Msg: "__iter__ did not return an iterator reference, got " + describe(itv)})
			return
		}
		if it != r {
			defer it.Release()
		}
		batch := batchSafeIterators[it.TypeName()]
		for chunk := 1; ; {
			v, err := it.do(ctx, message.HandleBuffIter, chunk)
			if err != nil {
				yield(nil, err)
				return
			}
			items, ok := v.(brine.Tuple)
			if !ok {
				yield(nil, &TypeError{Msg: "BUFFITER reply is not a tuple: " + describe(v)})
				return
			}
			if len(items) == 0 {
				return
			}
			for _, x := range items {
				if !yield(x, nil) {
					return
				}
			}
			if batch {
				chunk = min(chunk*2, 1024)
			}
		}
	}
}

// batchSafeIterators names the iterator types whose next() has no effect
// beyond the iterator itself, so Iter may fetch them in batches. Python
// and this package's servers both use these names.
var batchSafeIterators = map[string]bool{
	"builtins.list_iterator":             true,
	"builtins.list_reverseiterator":      true,
	"builtins.tuple_iterator":            true,
	"builtins.set_iterator":              true,
	"builtins.dict_keyiterator":          true,
	"builtins.dict_valueiterator":        true,
	"builtins.dict_itemiterator":         true,
	"builtins.dict_reversekeyiterator":   true,
	"builtins.dict_reversevalueiterator": true,
	"builtins.dict_reverseitemiterator":  true,
	"builtins.range_iterator":            true,
	"builtins.longrange_iterator":        true,
	"builtins.str_iterator":              true,
	"builtins.str_ascii_iterator":        true,
	"builtins.bytes_iterator":            true,
	"builtins.bytearray_iterator":        true,
	"collections._deque_iterator":        true,
}

// Next calls next(obj) on a remote iterator. At the end it returns an error
// matching vinegar.ErrStopIteration.
func (r *Netref) Next(ctx context.Context) (any, error) {
	return r.CallMethod(ctx, "__next__")
}

// Inspect asks the peer which methods the object's class has (what a
// Python client does to build a netref class): (name, doc) pairs.
func (r *Netref) Inspect(ctx context.Context) (any, error) {
	return r.conn.Request(ctx, message.HandleInspect, r.id.Tuple())
}

// truthy is Python's bool() for the values a reply can hold.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []byte:
		return len(x) > 0
	case brine.Tuple:
		return len(x) > 0
	case brine.NotImplementedType:
		return false
	}
	return true
}
