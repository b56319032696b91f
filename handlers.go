package rpyc

import (
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The request handlers, one per HANDLE_* number, with the argument layouts
// Python sends (see testdata/vectors/README.md §6). Arity was checked by
// the dispatcher.

func handlePing(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	return args[0], nil
}

func handleGetRoot(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if c.root == nil {
		return c.voidRoot(), nil
	}
	return c.root, nil
}

// attrName reads a name argument: str, or bytes as UTF-8 (as Python).
func attrName(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	return "", vinegar.New("TypeError", "name must be a string")
}

func handleGetAttr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	name, err := attrName(args[1])
	if err != nil {
		return nil, err
	}
	return c.getattr(ctx, args[0], name)
}

func handleDelAttr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	name, err := attrName(args[1])
	if err != nil {
		return nil, err
	}
	return nil, c.delattr(ctx, args[0], name)
}

func handleSetAttr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	name, err := attrName(args[1])
	if err != nil {
		return nil, err
	}
	return nil, c.setattr(ctx, args[0], name, args[2])
}

// callArgs reads (args_tuple[, kwargs_pairs]) as Python's handlers do.
func callArgs(rest brine.Tuple) (brine.Tuple, Kwargs, error) {
	pos, ok := rest[0].(brine.Tuple)
	if !ok {
		return nil, nil, vinegar.New("TypeError", fmt.Sprintf("argument after * must be an iterable, not %s", shortTypeName(rest[0])))
	}
	if len(rest) < 2 {
		return pos, nil, nil
	}
	pairs, ok := rest[1].(brine.Tuple)
	if !ok {
		return nil, nil, vinegar.New("TypeError", "kwargs must be a tuple of (name, value) pairs")
	}
	var kw Kwargs
	for _, p := range pairs {
		pt, ok := p.(brine.Tuple)
		if !ok || len(pt) != 2 {
			return nil, nil, vinegar.New("ValueError", "dictionary update sequence element has wrong length")
		}
		name, err := attrName(pt[0])
		if err != nil {
			return nil, nil, vinegar.New("TypeError", "keywords must be strings")
		}
		if kw == nil {
			kw = make(Kwargs, len(pairs))
		}
		kw[name] = pt[1]
	}
	return pos, kw, nil
}

func handleCall(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	pos, kw, err := callArgs(args[1:])
	if err != nil {
		return nil, err
	}
	return c.call(ctx, args[0], pos, kw)
}

func handleCallAttr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	name, err := attrName(args[1])
	if err != nil {
		return nil, err
	}
	pos, kw, err := callArgs(args[2:])
	if err != nil {
		return nil, err
	}
	return c.callattr(ctx, args[0], name, pos, kw)
}

func handleRepr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if n, ok := args[0].(*Netref); ok {
		return n.Repr(ctx)
	}
	return pyRepr(args[0]), nil
}

func handleStr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if n, ok := args[0].(*Netref); ok {
		return n.Str(ctx)
	}
	return pyStr(args[0]), nil
}

// handleCmp answers ==, != (and the order operators) for local objects:
// identity for references, Go == for comparable values of one type, and
// NotImplemented otherwise, as Python's object defaults do.
func handleCmp(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	op := "__cmp__"
	if len(args) == 3 {
		s, err := attrName(args[2])
		if err != nil {
			return nil, err
		}
		op = s
	}
	if _, err := c.checkName(op, accessGet); err != nil {
		return nil, err
	}
	if n, ok := args[0].(*Netref); ok {
		return n.Compare(ctx, args[1], op)
	}
	if sameObject(args[0], args[1]) {
		// The same reference twice (root == root) is equal whatever it is.
		return compare(args[0], args[0], op), nil
	}
	if v, ok, err := c.compareByMethod(ctx, args[0], args[1], op); ok {
		return v, err
	}
	return compare(unrootAll(args[0]), unrootAll(args[1]), op), nil
}

func unrootAll(v any) any {
	if r, ok := v.(*rootObject); ok {
		return r.value
	}
	return v
}

func compare(a, b any, op string) any {
	same := sameObject(a, b)
	switch op {
	case "__eq__":
		if same {
			return true
		}
	case "__ne__":
		if same {
			return false
		}
	}
	if a != nil && b != nil {
		ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
		if ta == tb && ta.Comparable() && ta.Kind() != reflect.Pointer && ta.Kind() != reflect.Func {
			eq := safeEqual(a, b)
			switch op {
			case "__eq__":
				return eq
			case "__ne__":
				return !eq
			}
		}
	}
	return brine.NotImplemented
}

func safeEqual(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

// sameObject is Python's `is` for local objects.
func sameObject(a, b any) bool {
	ka, okA := identOf(a)
	kb, okB := identOf(b)
	if okA && okB {
		return ka == kb
	}
	// Values without an identity (funcs, plain structs) are never `is`
	// each other: each boxing made them a new object.
	return false
}

var hashSeed = maphash.MakeSeed()

// handleHash is hash(obj): identity for references to values with an
// identity, the value for comparable values, TypeError for lists and dicts.
func handleHash(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	obj := unrootAll(args[0])
	if n, ok := obj.(*Netref); ok {
		return n.Hash(ctx)
	}
	if v, ok, err := c.compareByMethod(ctx, obj, nil, "__hash__"); ok {
		return v, err
	}
	switch kindFor(obj) {
	case listKind:
		return nil, vinegar.New("TypeError", "unhashable type: 'list'")
	case dictKind:
		return nil, vinegar.New("TypeError", "unhashable type: 'dict'")
	}
	if k, ok := identOf(obj); ok {
		return int64(k.ptr>>4) & math.MaxInt64, nil
	}
	rv := reflect.ValueOf(obj)
	if rv.IsValid() && rv.Type().Comparable() && rv.Kind() != reflect.Func {
		var h maphash.Hash
		h.SetSeed(hashSeed)
		fmt.Fprintf(&h, "%T:%#v", obj, obj)
		return int64(h.Sum64() >> 1), nil
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("unhashable type: '%s'", shortTypeName(obj)))
}

func handleDir(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if n, ok := args[0].(*Netref); ok {
		return n.Dir(ctx)
	}
	return c.dir(args[0]), nil
}

func handlePickle(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if !c.cfg.AllowPickle {
		return nil, vinegar.New("ValueError", "pickling is disabled")
	}
	proto, _ := args[1].(int64)
	obj := args[0]
	if r, ok := obj.(*rootObject); ok {
		obj = r.value
	}
	data, err := Pickle(obj, int(proto))
	if err != nil {
		return nil, vinegar.New("TypeError", fmt.Sprintf("cannot pickle '%s' object: %v", shortTypeName(args[0]), err))
	}
	return data, nil
}

func handleInspect(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	id, err := message.ParseIDPack(args[0])
	if err != nil {
		return nil, vinegar.New("KeyError", args[0])
	}
	obj, err := c.objects.get(id)
	if err != nil {
		return nil, err
	}
	if n, ok := obj.(*Netref); ok {
		return n.Inspect(ctx)
	}
	return c.inspect(obj), nil
}

func handleBuffIter(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	n, ok := args[1].(int64)
	if !ok || n < 0 {
		return nil, vinegar.New("ValueError", "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
	}
	switch it := args[0].(type) {
	case *goIterator:
		return it.take(int(min(n, goBuffIterCap))), nil
	case *Netref:
		return it.do(ctx, message.HandleBuffIter, n)
	}
	// Python's islice works on any iterable: iterate a fresh iterator.
	itv, err := c.callattr(ctx, args[0], "__iter__", brine.Tuple{}, nil)
	if err != nil {
		return nil, vinegar.New("TypeError", fmt.Sprintf("'%s' object is not iterable", shortTypeName(args[0])))
	}
	if it, ok := itv.(*goIterator); ok {
		return it.take(int(min(n, goBuffIterCap))), nil
	}
	return brine.Tuple{}, nil
}

func handleOldSlicing(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	attempt, err := attrName(args[1])
	if err != nil {
		return nil, err
	}
	extra, ok := args[5].(brine.Tuple)
	if !ok {
		extra = brine.Tuple{}
	}
	callArgs := append(brine.Tuple{brine.Slice{Start: args[3], Stop: args[4]}}, extra...)
	return c.callattr(ctx, args[0], attempt, callArgs, nil)
}

// handleCtxExit ends a with block: __exit__ when the object has one, else
// Close for io.Closer values. The result says whether to suppress.
func handleCtxExit(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	obj := args[0]
	if n, ok := obj.(*Netref); ok {
		return n.Exit(ctx, args[1])
	}
	if r, err := c.resolve(obj, "__exit__"); err == nil && r.callable() {
		return r.invoke(ctx, brine.Tuple{args[1], nil, nil}, nil)
	}
	if cl, ok := unrootAll(obj).(interface{ Close() error }); ok {
		return false, cl.Close()
	}
	return nil, vinegar.New("AttributeError", "__exit__")
}

// handleInstanceCheck: Go exports no classes, so nothing the peer holds is
// an instance of one of ours.
func handleInstanceCheck(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	return false, nil
}

// voidRoot is what GETROOT returns when the connection serves nothing.
func (c *Conn) voidRoot() *rootObject {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.void == nil {
		c.void = &rootObject{value: VoidService{}, name: "VOID", aliases: []string{"VOID"}}
	}
	return c.void
}
