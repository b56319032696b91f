package python

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/rpyc-go/rpyc"
)

// Host answers for the objects the interpreter does not implement: Go
// modules and the values they return, and a client's objects (netrefs).
// The interpreter lets go of its lock around every Host call, so a Host
// method may wait on the client, and the client may run code meanwhile.
// Values cross as the rest of rpyc-go holds them (int64, string,
// brine.Tuple, []any, *rpyc.Netref, Go structs, ...); interpreter objects
// cross as values implementing rpyc.Object.
type Host interface {
	// Import returns the module called name (dotted names included), or
	// an error (ModuleNotFoundError).
	Import(ctx context.Context, name string) (any, error)
	GetAttr(ctx context.Context, obj any, name string) (any, error)
	SetAttr(ctx context.Context, obj any, name string, value any) error
	DelAttr(ctx context.Context, obj any, name string) error
	// Call calls fn; CallMethod calls obj.name.
	Call(ctx context.Context, fn any, args []any, kw rpyc.Kwargs) (any, error)
	CallMethod(ctx context.Context, obj any, name string, args []any, kw rpyc.Kwargs) (any, error)
	Dir(ctx context.Context, obj any) ([]string, error)
	Repr(ctx context.Context, obj any) (string, error)
	Str(ctx context.Context, obj any) (string, error)
	// Write writes text to a stream that is not an interpreter object
	// (sys.stdout as the server has it, a client's file): print's output.
	Write(ctx context.Context, stream any, text string) error
	// Stdout and Stdin are sys.stdout and sys.stdin as they are now.
	Stdout(ctx context.Context) (any, error)
	Stdin(ctx context.Context) (any, error)
}

// Options configures an interpreter.
type Options struct {
	// Host reaches foreign objects. nil means none: imports fail with
	// ModuleNotFoundError and print writes nowhere.
	Host Host
	// MaxDepth bounds nested calls (Python's recursion limit). 0 means
	// 1000, Python's default.
	MaxDepth int
	// DictCopy makes the copy of a dict that Go code receives (a Go
	// function called from code, Copy, a pickle of a dict): its keys and
	// values in order, already copied. nil means a map[any]any, whose
	// order is lost.
	DictCopy func(keys, values []any) any
	// SetCopy makes the copy of a set (not a frozenset) that Go code
	// receives, its items in order. nil means a []any.
	SetCopy func(items []any) any
}

// Interp is one Python interpreter: a global namespace and the lock that
// lets one piece of code run at a time (Python's GIL). Safe for
// concurrent use.
type Interp struct {
	mu       sync.Mutex // the interpreter lock
	host     Host
	maxDepth int
	dictCopy func(keys, values []any) any
	setCopy  func(items []any) any
	globals  *Dict
	builtins *Dict
	modules  map[string]Value // imported, by name

	excMu      sync.Mutex
	excClasses map[string]*Class // exception classes met by name only

	exports exportTable
	gens    genTable
	frames  framePool // under mu
	closed  atomic.Bool
}

// New returns an interpreter with an empty global namespace.
func New(opts *Options) *Interp {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Host == nil {
		o.Host = noHost{}
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 1000
	}
	in := &Interp{host: o.Host, maxDepth: o.MaxDepth, dictCopy: o.DictCopy, setCopy: o.SetCopy,
		globals: NewDict(), modules: map[string]Value{}, excClasses: map[string]*Class{}}
	in.builtins = newBuiltins(in)
	in.exports.init()
	return in
}

// Globals is the interpreter's global namespace. Use it only while
// holding the interpreter (see Do).
func (in *Interp) Globals() *Dict { return in.globals }

// Close ends the interpreter's suspended generators. Code may still run
// afterwards, but nothing should.
func (in *Interp) Close() {
	if in.closed.Swap(true) {
		return
	}
	in.gens.closeAll(in)
}

// Thread is one flow of control through the interpreter: the request
// that runs code, with its context, call depth and the exception being
// handled.
type Thread struct {
	in       *Interp
	ctx      context.Context
	depth    int
	ticks    uint32
	handling *Instance
	ascii    asciiCache
	// reprStack holds the containers being repr'd, for [...] on cycles.
	reprStack []Value
	// plain threads run no code (see plainThread).
	plain bool
}

// Context is the context of the request the thread runs for.
func (th *Thread) Context() context.Context { return th.ctx }

// Interp is the interpreter the thread runs in.
func (th *Thread) Interp() *Interp { return th.in }

// run holds the interpreter lock and calls f with a new thread; a Go
// panic inside becomes a SystemError, never a crash.
func (in *Interp) run(ctx context.Context, f func(th *Thread) error) (err error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	th := &Thread{in: in, ctx: ctx}
	defer func() {
		if r := recover(); r != nil {
			err = internalError(th, r)
		}
	}()
	return f(th)
}

func internalError(th *Thread, r any) error {
	e := th.newError(ErrSystemError, fmt.Sprintf("internal error in the rpyc-go interpreter: %v", r))
	e.(*Instance).exc.goErr = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
	return e
}

// outside runs f without the interpreter lock (a Host call, which may
// wait on the client or run Go code that calls back into the interpreter).
func (th *Thread) outside(f func() error) error {
	th.in.mu.Unlock()
	defer th.in.mu.Lock()
	return f()
}

// tick is called at loop back-edges and calls: every so often it checks
// whether the request was cancelled (the connection closed) and lets
// other requests of the connection run.
func (th *Thread) tick() error {
	th.ticks++
	if th.ticks&1023 != 0 {
		return nil
	}
	if err := th.ctx.Err(); err != nil {
		return th.newError(ErrKeyboardInterrupt, "the client cancelled the call or closed the connection")
	}
	th.in.mu.Unlock()
	th.in.mu.Lock()
	return nil
}

// enter counts one level of recursion (a call, or nested data walked by
// repr or ==); past the limit it is a RecursionError.
func (th *Thread) enter() error {
	th.depth++
	if th.depth > th.in.maxDepth {
		th.depth--
		return th.newError(ErrRecursionError, "maximum recursion depth exceeded")
	}
	return nil
}

func (th *Thread) leave() { th.depth-- }

// noHost is the Host of an interpreter with no outside world.
type noHost struct{}

func (noHost) Import(_ context.Context, name string) (any, error) {
	return nil, fmt.Errorf("no module named '%s'", name)
}
func (noHost) GetAttr(_ context.Context, obj any, name string) (any, error) {
	return nil, fmt.Errorf("'%T' object has no attribute '%s'", obj, name)
}
func (noHost) SetAttr(_ context.Context, obj any, name string, _ any) error {
	return fmt.Errorf("'%T' object has no attribute '%s'", obj, name)
}
func (noHost) DelAttr(_ context.Context, obj any, name string) error {
	return fmt.Errorf("'%T' object has no attribute '%s'", obj, name)
}
func (noHost) Call(_ context.Context, fn any, _ []any, _ rpyc.Kwargs) (any, error) {
	return nil, fmt.Errorf("'%T' object is not callable", fn)
}
func (noHost) CallMethod(_ context.Context, obj any, name string, _ []any, _ rpyc.Kwargs) (any, error) {
	return nil, fmt.Errorf("'%T' object has no attribute '%s'", obj, name)
}
func (noHost) Dir(context.Context, any) ([]string, error)      { return nil, nil }
func (noHost) Repr(_ context.Context, obj any) (string, error) { return fmt.Sprintf("<%T>", obj), nil }
func (noHost) Str(_ context.Context, obj any) (string, error)  { return fmt.Sprintf("<%T>", obj), nil }
func (noHost) Write(context.Context, any, string) error        { return nil }
func (noHost) Stdout(context.Context) (any, error)             { return nil, nil }
func (noHost) Stdin(context.Context) (any, error)              { return nil, nil }
