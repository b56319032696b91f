package rpyc

// By-value fetching of remote containers (rpyc #234 #279 #379 #472).
//
// A Python list, set or dict travels by reference, and walking it through
// its netref costs one round trip per item. A builtin list, tuple, set or
// dict of plain data is fetched as its repr (HANDLE_REPR, which no
// attribute policy governs), parsed as a Python literal
// (internal/literal): one round trip, and the server's repr runs at C
// speed where brine-encoding many items would not. Otherwise Python's
// islice, behind
// HANDLE_BUFFITER, accepts any iterable and any count up to sys.maxsize,
// so one BUFFITER on the container itself with a huge count returns every
// item as one tuple: one round trip, on every server, because BUFFITER is
// not subject to the attribute policy. Other dicts need their items()
// view first (two round trips); where the policy refuses items() (a plain
// service with allow_public_attrs off), the keys come in one BUFFITER and
// the values in one pipelined batch of __getitem__ calls.

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/internal/literal"
	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Limits of by-value fetching. A fetch that would pass them fails with
// ErrTooLarge instead of building the value.
const (
	// MaxObtainItems bounds the items (counted over all nesting levels)
	// that Obtain builds from one remote value.
	MaxObtainItems = 1 << 24
	// MaxByValueItems bounds what As, and a Go method's []T or map[K]V
	// parameter receiving a Python list, set or dict, fetch by value: a
	// peer cannot make a server build more than this many items from one
	// argument (the reply frame is also bounded by the channel's frame
	// size limit).
	MaxByValueItems = 1 << 20
	// MaxObtainDepth bounds the nesting of containers fetched by value.
	MaxObtainDepth = 32
)

// ErrTooLarge is returned when a remote container has more items, or
// deeper nesting, than a by-value fetch allows.
var ErrTooLarge = errors.New("rpyc: remote container too large to fetch by value")

// sequenceTypes are remote types whose iteration is a pure read of the
// container, fetched with one BUFFITER. Python and Go peers use the same
// names.
var sequenceTypes = map[string]bool{
	"builtins.list":        true,
	"builtins.tuple":       true,
	"builtins.set":         true,
	"builtins.frozenset":   true,
	"builtins.range":       true,
	"builtins.dict_keys":   true,
	"builtins.dict_values": true,
	"builtins.dict_items":  true,
	"collections.deque":    true,
	// Struct sequences: tuple subclasses whose repr is not a literal.
	"os.stat_result":     true,
	"time.struct_time":   true,
	"sys.version_info":   true,
	"os.terminal_size":   true,
	"os.times_result":    true,
	"posix.uname_result": true,
}

// dictTypes are remote mappings, fetched through items().
var dictTypes = map[string]bool{
	"builtins.dict":           true,
	"collections.OrderedDict": true,
	"collections.defaultdict": true,
	"collections.Counter":     true,
}

// Obtain fetches a remote list, tuple, set, dict or other iterable by
// value and converts it to T: []T, map[K]V, [N]T, or any, which gives
// []any for lists and sets, brine.Tuple for tuples and map[any]any for
// dicts, nested as the remote value is. Plain values (already by value)
// are only converted.
//
// Round trips, against Python and Go servers alike: one for a builtin
// list, tuple, set or dict of plain data (HANDLE_REPR, read as a Python
// literal) and for a frozenset, range, deque or dict view (one BUFFITER).
// A list holding other objects costs its repr plus one BUFFITER; a dict
// holding them its repr plus items() and BUFFITER or, where the server's
// policy refuses items(), one BUFFITER for the keys plus one pipelined
// batch of __getitem__ requests. Each nested container costs the same
// again. Any other iterable (a generator, a cursor) is read through Iter
// when T is a slice or array type: one item per round trip, never ahead
// of the reading. Objects that are not containers stay *Netref in the
// result. At most MaxObtainItems items are built. A container arrives in
// one reply frame, which must fit the connection's frame limit
// (channel.Config.MaxFrameSize, 257 MiB by default): a peer's reply past
// it ends the connection, so walk containers of that size with
// Netref.Iter instead.
func Obtain[T any](ctx context.Context, v any) (T, error) {
	var zero T
	f := &fetcher{limit: MaxObtainItems}
	plain, err := f.value(ctx, v, 0)
	if err != nil {
		return zero, err
	}
	t := reflect.TypeFor[T]()
	if n, ok := plain.(*Netref); ok && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() != reflect.Uint8 {
		// Any other iterable (a generator, a cursor): item by item, as the
		// peer produces them, never ahead.
		if plain, err = f.iterate(ctx, n); err != nil {
			return zero, err
		}
	}
	rv, err := pyobj.ConvertTo(plain, t)
	if err != nil {
		return zero, err
	}
	out, _ := rv.Interface().(T) // comma-ok: a nil for an interface T is its zero value
	return out, nil
}

// iterate reads a remote iterable through Netref.Iter into a []any, no
// more items than the fetch has left.
func (f *fetcher) iterate(ctx context.Context, n *Netref) ([]any, error) {
	items, over, err := pyobj.Collect(ctx, n, f.limit-f.items)
	if err != nil {
		return nil, fmt.Errorf("iterating %s: %w", n, err)
	}
	if over {
		return nil, f.tooLarge()
	}
	f.items += len(items)
	return items, nil
}

// fetcher counts what one by-value fetch has built.
type fetcher struct {
	limit int
	items int
}

func (f *fetcher) add(n int) error {
	f.items += n
	if f.items > f.limit {
		return f.tooLarge()
	}
	return nil
}

// tooLarge is the error of a fetch past its limit.
func (f *fetcher) tooLarge() error {
	return fmt.Errorf("%w: more than %d items; iterate over it instead of fetching it whole", ErrTooLarge, f.limit)
}

// value resolves v: containers behind netrefs (and inside tuples) are
// fetched, anything else is returned as it is.
func (f *fetcher) value(ctx context.Context, v any, depth int) (any, error) {
	if depth > MaxObtainDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrTooLarge, MaxObtainDepth)
	}
	switch x := v.(type) {
	case brine.Tuple:
		out := make(brine.Tuple, len(x))
		for i, e := range x {
			r, err := f.value(ctx, e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case *Netref:
		return f.netref(ctx, x, depth)
	}
	return v, nil
}

// netref fetches one remote object by value if it is a container or an
// iterator-free iterable the peer names; other objects stay references.
func (f *fetcher) netref(ctx context.Context, n *Netref, depth int) (any, error) {
	name := n.TypeName()
	switch {
	case sequenceTypes[name]:
		if literalTypes[name] {
			if v, ok, err := f.literal(ctx, n); ok || err != nil {
				return v, err
			}
		}
		items, err := f.all(ctx, n)
		if err != nil {
			return nil, err
		}
		if name == "builtins.tuple" {
			return f.value(ctx, items, depth)
		}
		return f.list(ctx, items, depth)
	case dictTypes[name]:
		if literalTypes[name] {
			if v, ok, err := f.literal(ctx, n); ok || err != nil {
				return v, err
			}
		}
		return f.dict(ctx, n, depth)
	}
	return n, nil
}

// literalTypes are the builtin containers whose repr is a Python literal
// when they hold plain data.
var literalTypes = map[string]bool{
	"builtins.list":  true,
	"builtins.tuple": true,
	"builtins.set":   true,
	"builtins.dict":  true,
}

// literal fetches a builtin container as its repr (HANDLE_REPR, one
// round trip, which the attribute policy does not govern) and parses it.
// ok is false when the repr is not a plain-data literal (it holds an
// object, a recursive reference, a type the parser does not read): the
// caller then fetches the container item by item.
func (f *fetcher) literal(ctx context.Context, n *Netref) (v any, ok bool, err error) {
	s, err := n.Repr(ctx)
	if err != nil {
		return nil, false, nil
	}
	v, perr := literal.Parse(s, MaxObtainDepth)
	if perr != nil {
		return nil, false, nil
	}
	size := 0
	switch x := v.(type) {
	case []any:
		size = len(x)
	case brine.Tuple:
		size = len(x)
	case map[any]any:
		size = len(x)
	default:
		return nil, false, nil
	}
	if err := f.add(size); err != nil {
		return nil, false, err
	}
	return v, true, nil
}

// list resolves the items of a fetched sequence into a []any.
func (f *fetcher) list(ctx context.Context, items brine.Tuple, depth int) ([]any, error) {
	out := make([]any, len(items))
	for i, e := range items {
		r, err := f.value(ctx, e, depth+1)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out[i] = r
	}
	return out, nil
}

// all returns every item of a remote iterable whose iteration has no side
// effects: one BUFFITER with a count just past the limit.
func (f *fetcher) all(ctx context.Context, n *Netref) (brine.Tuple, error) {
	room := f.limit - f.items + 1
	v, err := n.do(ctx, message.HandleBuffIter, int64(room))
	if err != nil {
		return nil, err
	}
	items, ok := v.(brine.Tuple)
	if !ok {
		return nil, fmt.Errorf("%w: BUFFITER on %s returned %s, not a tuple", ErrProtocol, n, pyobj.Describe(v))
	}
	if len(items) == pyobj.BuffIterCap && room > pyobj.BuffIterCap {
		// A Go server stops at its cap: BUFFITER on the container starts
		// over each time, so read it again from one iterator, a cap's
		// worth per round trip.
		if items, err = f.allFromIterator(ctx, n, room); err != nil {
			return nil, err
		}
	}
	if err := f.add(len(items)); err != nil {
		return nil, err
	}
	return items, nil
}

// allFromIterator reads up to room items of n through one iterator, in
// BUFFITER batches as large as the server gives.
func (f *fetcher) allFromIterator(ctx context.Context, n *Netref, room int) (brine.Tuple, error) {
	itv, err := n.CallMethod(ctx, "__iter__")
	if err != nil {
		return nil, err
	}
	it, ok := itv.(*Netref)
	if !ok {
		return nil, fmt.Errorf("%w: iter(%s) returned %s", ErrProtocol, n, pyobj.Describe(itv))
	}
	if it != n {
		defer it.Release()
	}
	var items brine.Tuple
	for len(items) < room {
		v, err := it.do(ctx, message.HandleBuffIter, int64(room-len(items)))
		if err != nil {
			return nil, err
		}
		batch, ok := v.(brine.Tuple)
		if !ok {
			return nil, fmt.Errorf("%w: BUFFITER on %s returned %s, not a tuple", ErrProtocol, it, pyobj.Describe(v))
		}
		items = append(items, batch...)
		if len(batch) < pyobj.BuffIterCap {
			break
		}
	}
	return items, nil
}

// dict fetches a remote mapping into a map[any]any.
func (f *fetcher) dict(ctx context.Context, n *Netref, depth int) (map[any]any, error) {
	var keys, vals []any
	iv, err := n.CallMethod(ctx, "items")
	if err == nil {
		itemsRef, ok := iv.(*Netref)
		if !ok {
			return nil, fmt.Errorf("%w: %s.items() returned %s", ErrProtocol, n, pyobj.Describe(iv))
		}
		pairs, err := f.all(ctx, itemsRef)
		itemsRef.Release()
		if err != nil {
			return nil, err
		}
		keys, vals = make([]any, len(pairs)), make([]any, len(pairs))
		for i, p := range pairs {
			kv, ok := p.(brine.Tuple)
			if !ok || len(kv) != 2 {
				return nil, fmt.Errorf("%w: %s.items() yielded %s, not a pair", ErrProtocol, n, pyobj.Describe(p))
			}
			keys[i], vals[i] = kv[0], kv[1]
		}
	} else if errors.Is(err, vinegar.ErrAttributeError) {
		// The policy hides items(): keys by BUFFITER, values pipelined.
		ks, err := f.all(ctx, n)
		if err != nil {
			return nil, err
		}
		keys = ks
		pending := make([]*AsyncResult, len(keys))
		for i, k := range keys {
			pending[i] = n.CallMethodAsync("__getitem__", k)
		}
		vals = make([]any, len(keys))
		for i, p := range pending {
			if vals[i], err = p.Value(ctx); err != nil {
				for _, q := range pending[i+1:] {
					_, _ = q.Value(ctx)
				}
				return nil, fmt.Errorf("value of key %s: %w", pyobj.Repr(keys[i]), err)
			}
		}
	} else {
		return nil, err
	}
	out := make(map[any]any, len(keys))
	for i, k := range keys {
		kv, err := f.value(ctx, k, depth+1)
		if err != nil {
			return nil, err
		}
		if kv != nil && !reflect.TypeOf(kv).Comparable() {
			return nil, &TypeError{Got: kv, Msg: fmt.Sprintf("dict key %s of %s cannot be a Go map key (tuple and bytes keys cannot): iterate over its items() instead", pyobj.Repr(k), n)}
		}
		vv, err := f.value(ctx, vals[i], depth+1)
		if err != nil {
			return nil, fmt.Errorf("value of key %s: %w", pyobj.Repr(k), err)
		}
		out[kv] = vv
	}
	return out, nil
}
