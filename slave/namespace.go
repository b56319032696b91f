package slave

import (
	"context"
	"errors"
	"fmt"

	"github.com/rpyc-go/rpyc"
	"iter"
	"sort"
	"sync"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// fileOptions are the Starlark dialect eval and execute accept: the
// closest to Python that Starlark offers (top-level if/for/while, while
// loops, recursion, set, rebinding globals).
var fileOptions = &syntax.FileOptions{
	Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true,
}

// Namespace is a connection's global Starlark namespace, which Python
// sees as conn.namespace: a dict of names to values. Values cross to
// Python as Python values (ints, strs, lists, dicts, callables for
// Starlark functions) and back.
//
// Starlark values are not safe for concurrent use, so one connection
// runs one piece of Starlark at a time (its interpreter lock, like
// Python's GIL): execute, eval, calls of namespace functions, and
// conversions of namespace values. The lock is let go while code waits
// for the client (a call of a Python object, print to a redirected
// sys.stdout) or runs Go module code, so a client's callback may eval
// again without deadlock.
type Namespace struct {
	s       *SlaveService
	builtin starlark.StringDict // __import__ and getmodule, seen by code only
	run     sync.Mutex          // the interpreter lock
	mu      sync.Mutex          // protects globals
	globals starlark.StringDict
}

func newNamespace(s *SlaveService) *Namespace {
	n := &Namespace{s: s, globals: starlark.StringDict{}}
	n.builtin = n.predeclared()
	return n
}

// RPyCNames gives the namespace Python's mapping methods.
func (n *Namespace) RPyCNames() map[string]string {
	return map[string]string{
		"GetItem": "__getitem__", "SetItem": "__setitem__", "DelItem": "__delitem__",
		"Contains": "__contains__", "Len": "__len__", "Iter": "__iter__",
	}
}

// RPyCParams gives get its default.
func (n *Namespace) RPyCParams() map[string]string {
	return map[string]string{"Get": "key, default=None"}
}

// GetItem is namespace[key].
func (n *Namespace) GetItem(key string) (any, error) {
	n.mu.Lock()
	v, ok := n.globals[key]
	n.mu.Unlock()
	if !ok {
		return nil, vinegar.New("KeyError", key)
	}
	n.run.Lock()
	defer n.run.Unlock()
	return n.toGo(v)
}

// Get is namespace.get(key, default=None).
func (n *Namespace) Get(key string, def any) (any, error) {
	n.mu.Lock()
	v, ok := n.globals[key]
	n.mu.Unlock()
	if !ok {
		return def, nil
	}
	n.run.Lock()
	defer n.run.Unlock()
	return n.toGo(v)
}

// SetItem is namespace[key] = value.
func (n *Namespace) SetItem(key string, value any) error {
	v, err := toStarlark(n, value)
	if err != nil {
		return err
	}
	n.mu.Lock()
	n.globals[key] = v
	n.mu.Unlock()
	return nil
}

// DelItem is del namespace[key].
func (n *Namespace) DelItem(key string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.globals[key]; !ok {
		return vinegar.New("KeyError", key)
	}
	delete(n.globals, key)
	return nil
}

// Contains is key in namespace.
func (n *Namespace) Contains(key any) bool {
	k, _ := key.(string)
	n.mu.Lock()
	defer n.mu.Unlock()
	_, ok := n.globals[k]
	return ok
}

// Len is len(namespace).
func (n *Namespace) Len() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.globals)
}

// Keys is namespace.keys(), sorted.
func (n *Namespace) Keys() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.globals.Keys()
}

// Iter is iter(namespace): the keys, sorted.
func (n *Namespace) Iter() iter.Seq[any] {
	keys := n.Keys()
	return func(yield func(any) bool) {
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}
}

// GoString is the namespace's repr: a dict of the names.
func (n *Namespace) GoString() string {
	keys := n.Keys()
	sort.Strings(keys)
	t := make(brine.Tuple, len(keys))
	for i, k := range keys {
		t[i] = k
	}
	return "<namespace " + brine.Repr(t) + ">"
}

// thread makes a Starlark thread for one request: print goes to sys.stdout
// as it is now, and the thread stops when ctx ends.
func (n *Namespace) thread(ctx context.Context, name string) (*starlark.Thread, func() bool) {
	th := &starlark.Thread{
		Name: name,
		Print: func(th *starlark.Thread, msg string) {
			out := n.s.sys.Stdout
			if _, remote := out.(*rpyc.Netref); remote {
				defer n.outside(th)()
			}
			if err := writeStream(ctx, out, msg+"\n"); err != nil {
				n.s.opts.Logger.Debug("slave: print failed", "err", err)
			}
			flushStream(ctx, out)
		},
	}
	th.SetLocal(ctxKey, ctx)
	th.SetLocal(nsKey, n)
	stop := context.AfterFunc(ctx, func() { th.Cancel("the client cancelled the call or closed the connection") })
	return th, stop
}

const (
	ctxKey = "rpyc-go.ctx"
	nsKey  = "rpyc-go.namespace"
)

// outside lets go of the interpreter lock held by the code th runs, for
// a wait on the client or Go code, and returns what takes it back.
func (n *Namespace) outside(th *starlark.Thread) (reacquire func()) {
	if owner, _ := th.Local(nsKey).(*Namespace); owner != n {
		return func() {}
	}
	n.run.Unlock()
	return n.run.Lock
}

// outsideOf is outside for the namespace th runs in, if any.
func outsideOf(th *starlark.Thread) func() {
	if n, ok := th.Local(nsKey).(*Namespace); ok {
		return n.outside(th)
	}
	return func() {}
}

// threadCtx returns the request context a thread runs for.
func threadCtx(th *starlark.Thread) context.Context {
	if ctx, ok := th.Local(ctxKey).(context.Context); ok {
		return ctx
	}
	return context.Background()
}

// snapshot copies the globals, with the builtins under them, for code to
// run on without the lock.
func (n *Namespace) snapshot() starlark.StringDict {
	g := make(starlark.StringDict, len(n.globals)+len(n.builtin))
	for k, v := range n.builtin {
		g[k] = v
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for k, v := range n.globals {
		g[k] = v
	}
	return g
}

// exec runs statements; what they bind is written back to the namespace.
func (n *Namespace) exec(ctx context.Context, text string) error {
	f, err := fileOptions.Parse("<string>", text, 0)
	if err != nil {
		return syntaxError(err)
	}
	before := n.snapshot()
	g := n.snapshot()
	th, stop := n.thread(ctx, "execute")
	defer stop()
	n.run.Lock()
	err = starlark.ExecREPLChunk(f, th, g)
	n.run.Unlock()
	n.mu.Lock()
	for k, v := range g {
		if old, ok := before[k]; !ok || old != v {
			n.globals[k] = v
		}
	}
	n.mu.Unlock()
	if err != nil {
		return pyError(err)
	}
	return nil
}

// eval evaluates one expression.
func (n *Namespace) eval(ctx context.Context, text string) (any, error) {
	expr, err := fileOptions.ParseExpr("<string>", text, 0)
	if err != nil {
		return nil, syntaxError(err)
	}
	th, stop := n.thread(ctx, "eval")
	defer stop()
	n.run.Lock()
	defer n.run.Unlock()
	v, err := starlark.EvalExprOptions(fileOptions, th, expr, n.snapshot())
	if err != nil {
		return nil, pyError(err)
	}
	return n.toGo(v)
}

// syntaxError is Python's SyntaxError for a parse or resolve error.
// Python reads its message and position from attributes.
func syntaxError(err error) error {
	msg, line, col := err.Error(), int64(1), int64(0)
	var se syntax.Error
	if errors.As(err, &se) {
		msg, line, col = se.Msg, int64(se.Pos.Line), int64(se.Pos.Col)
	}
	return vinegar.New("SyntaxError", msg).WithAttr("msg", msg).WithAttr("filename", "<string>").
		WithAttr("lineno", line).WithAttr("offset", col).WithAttr("text", nil)
}

// pyError turns a Starlark error into the Python exception a Python
// programmer expects for it; an exception raised by Go code the script
// called (a module function, a Python callable) passes through.
func pyError(err error) error {
	var ve *vinegar.Exception
	if errors.As(err, &ve) {
		return err
	}
	var se syntax.Error
	if errors.As(err, &se) {
		return syntaxError(err)
	}
	var ee *starlark.EvalError
	msg := err.Error()
	if errors.As(err, &ee) {
		msg = ee.Msg
		if n := len(ee.CallStack); n > 0 {
			msg = fmt.Sprintf("%s (at %s)", ee.Msg, ee.CallStack[n-1].Pos)
		}
	}
	return vinegar.New(classify(err), msg)
}
