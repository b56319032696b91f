package rpyc

import (
	"context"
	"fmt"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The request handlers, one per HANDLE_* number, with the argument layouts
// Python sends (see testdata/vectors/README.md §6). Arity was checked by
// the dispatcher. Each reads its arguments, forwards an operation on a
// netref to the peer that owns the object (a third party's object chained
// through us), and asks the object model (internal/pyobj) about local
// objects, under the connection's policy.

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
	return c.policy.GetAttr(ctx, args[0], name)
}

func handleDelAttr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	name, err := attrName(args[1])
	if err != nil {
		return nil, err
	}
	return nil, c.policy.DelAttr(ctx, args[0], name)
}

func handleSetAttr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	name, err := attrName(args[1])
	if err != nil {
		return nil, err
	}
	return nil, c.policy.SetAttr(ctx, args[0], name, args[2])
}

// callArgs reads (args_tuple[, kwargs_pairs]) as Python's handlers do.
func callArgs(rest brine.Tuple) (brine.Tuple, Kwargs, error) {
	pos, ok := rest[0].(brine.Tuple)
	if !ok {
		return nil, nil, vinegar.New("TypeError", fmt.Sprintf("argument after * must be an iterable, not %s", pyobj.ShortTypeName(rest[0])))
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
	return c.policy.Call(ctx, args[0], pos, kw)
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
	return c.policy.CallAttr(ctx, args[0], name, pos, kw)
}

func handleRepr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if n, ok := args[0].(*Netref); ok {
		return n.Repr(ctx)
	}
	if o, ok := args[0].(pyobj.Object); ok {
		return pyobj.ObjectText(ctx, o, "__repr__")
	}
	return pyobj.Repr(args[0]), nil
}

func handleStr(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if n, ok := args[0].(*Netref); ok {
		return n.Str(ctx)
	}
	if o, ok := args[0].(pyobj.Object); ok {
		return pyobj.ObjectText(ctx, o, "__str__")
	}
	return pyobj.Str(args[0]), nil
}

// handleCmp answers ==, != (and the order operators); op must pass the
// attribute policy, as Python's handler looks the dunder up through it.
func handleCmp(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	op := "__cmp__"
	if len(args) == 3 {
		s, err := attrName(args[2])
		if err != nil {
			return nil, err
		}
		op = s
	}
	if _, err := c.policy.CheckName(op, pyobj.AccessGet); err != nil {
		return nil, err
	}
	if n, ok := args[0].(*Netref); ok {
		return n.Compare(ctx, args[1], op)
	}
	if o, ok := args[0].(pyobj.Object); ok && op != "__cmp__" {
		return pyobj.ObjectCall(ctx, o, op, args[1])
	}
	if v, ok, err := pyobj.CompareByMethod(ctx, args[0], args[1], op); ok {
		return v, err
	}
	return pyobj.Compare(args[0], args[1], op)
}

// handleHash is hash(obj).
func handleHash(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if n, ok := pyobj.Unroot(args[0]).(*Netref); ok {
		return n.Hash(ctx)
	}
	if o, ok := args[0].(pyobj.Object); ok {
		return pyobj.ObjectCall(ctx, o, "__hash__")
	}
	if v, ok, err := pyobj.CompareByMethod(ctx, args[0], nil, "__hash__"); ok {
		return v, err
	}
	return pyobj.Hash(args[0])
}

func handleDir(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if n, ok := args[0].(*Netref); ok {
		return n.Dir(ctx)
	}
	return c.policy.Dir(ctx, args[0]), nil
}

func handlePickle(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if !c.cfg.AllowPickle {
		return nil, vinegar.New("ValueError", "pickling is disabled")
	}
	proto, _ := args[1].(int64)
	data, err := pyobj.Pickle(pyobj.Unroot(args[0]), int(proto))
	if err != nil {
		return nil, vinegar.New("TypeError", fmt.Sprintf("cannot pickle '%s' object: %v", pyobj.ShortTypeName(args[0]), err))
	}
	return data, nil
}

func handleInspect(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	id, err := message.ParseIDPack(args[0])
	if err != nil {
		return nil, vinegar.New("KeyError", args[0])
	}
	obj, err := c.exports.get(id)
	if err != nil {
		return nil, err
	}
	if n, ok := obj.(*Netref); ok {
		return n.Inspect(ctx)
	}
	return c.policy.Inspect(ctx, obj), nil
}

func handleBuffIter(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	n, ok := args[1].(int64)
	if !ok || n < 0 {
		return nil, vinegar.New("ValueError", "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
	}
	if it, ok := args[0].(*Netref); ok {
		return it.do(ctx, message.HandleBuffIter, n)
	}
	return c.policy.BuffIter(ctx, args[0], n)
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
	return c.policy.CallAttr(ctx, args[0], attempt, callArgs, nil)
}

// handleCtxExit ends a with block: __exit__ when the object has one, else
// Close for io.Closer values. The result says whether to suppress.
func handleCtxExit(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	if n, ok := args[0].(*Netref); ok {
		return n.Exit(ctx, args[1])
	}
	if o, ok := args[0].(pyobj.Object); ok {
		return pyobj.ObjectCall(ctx, o, "__exit__", args[1], args[1], nil)
	}
	return c.policy.CtxExit(ctx, args[0], args[1])
}

// handleInstanceCheck is isinstance(other, cls) for a class of ours
// (rpyc.Class) and other, an object the peer names by its id_pack. A
// Python client asks only when other's class id differs from the
// class's (its instances it decides by itself): an interface type's
// class, or another type's object. An object we no longer hold is
// judged by its Go type, found from its class id.
func handleInstanceCheck(c *Conn, ctx context.Context, args brine.Tuple) (any, error) {
	id, err := message.ParseIDPack(args[1])
	if err != nil {
		return nil, vinegar.New("TypeError", "isinstance(): "+err.Error())
	}
	obj, err := c.exports.get(id)
	if cls, ok := args[0].(*Netref); ok {
		// A third party's class, chained through us: only its own
		// objects (which we hold as netrefs too) can be its instances.
		if o, ok := obj.(*Netref); err == nil && ok && o.conn == cls.conn {
			return o.IsInstance(ctx, cls)
		}
		return false, nil
	}
	if err == nil {
		return pyobj.IsInstance(obj, args[0])
	}
	return pyobj.IsInstanceType(c.exports.typeOfClass(id.ClassID), args[0])
}

// voidRoot is what GETROOT returns when the connection serves nothing.
func (c *Conn) voidRoot() *pyobj.Root {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.void == nil {
		c.void, _ = pyobj.NewRoot(VoidService{}, "VOID", []string{"VOID"})
	}
	return c.void
}

// handlerFunc serves one request. It runs on its own goroutine.
type handlerFunc func(c *Conn, ctx context.Context, args brine.Tuple) (any, error)

// handlerArity is the (min, max) argument count of each handler, as
// Python's handler signatures accept them.
var handlerArity = [message.NumHandlers + 1][2]int{
	message.HandlePing: {1, 1}, message.HandleClose: {0, 0}, message.HandleGetRoot: {0, 0},
	message.HandleGetAttr: {2, 2}, message.HandleDelAttr: {2, 2}, message.HandleSetAttr: {3, 3},
	message.HandleCall: {2, 3}, message.HandleCallAttr: {3, 4}, message.HandleRepr: {1, 1},
	message.HandleStr: {1, 1}, message.HandleCmp: {2, 3}, message.HandleHash: {1, 1},
	message.HandleDir: {1, 1}, message.HandlePickle: {2, 2}, message.HandleDel: {1, 2},
	message.HandleInspect: {1, 1}, message.HandleBuffIter: {2, 2}, message.HandleOldSlicing: {6, 6},
	message.HandleCtxExit: {2, 2}, message.HandleInstanceCheck: {2, 2},
}

var handlers [message.NumHandlers + 1]handlerFunc

func init() {
	handlers = [...]handlerFunc{
		message.HandlePing:          handlePing,
		message.HandleGetRoot:       handleGetRoot,
		message.HandleGetAttr:       handleGetAttr,
		message.HandleDelAttr:       handleDelAttr,
		message.HandleSetAttr:       handleSetAttr,
		message.HandleCall:          handleCall,
		message.HandleCallAttr:      handleCallAttr,
		message.HandleRepr:          handleRepr,
		message.HandleStr:           handleStr,
		message.HandleCmp:           handleCmp,
		message.HandleHash:          handleHash,
		message.HandleDir:           handleDir,
		message.HandlePickle:        handlePickle,
		message.HandleInspect:       handleInspect,
		message.HandleBuffIter:      handleBuffIter,
		message.HandleOldSlicing:    handleOldSlicing,
		message.HandleCtxExit:       handleCtxExit,
		message.HandleInstanceCheck: handleInstanceCheck,
		message.HandleClose:         nil, // handled on the reader
		message.HandleDel:           nil, // handled on the reader
	}
}
