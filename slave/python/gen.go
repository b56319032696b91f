package python

import (
	"context"
	"iter"
	"runtime"
	"sync"
)

// Generators run their body as a coroutine (iter.Pull): each yield
// hands a value to the consumer and waits to be resumed. The consumer
// holds the interpreter lock throughout, so the body runs under it too.
//
// A suspended generator holds a coroutine. It is ended (GeneratorExit
// raised at its yield, so its finally blocks run) when it is exhausted,
// closed, garbage collected, or when the interpreter closes; the code it
// then runs sees a cancelled context, so a body that refuses to end
// still stops.

// Generator is a generator object.
type Generator struct {
	core *genCore
}

// genCore is the part of a generator its coroutine refers to; the
// Generator wrapper is not referenced from the coroutine, so it can be
// collected while suspended, which ends the coroutine.
type genCore struct {
	in       *Interp
	fr       *Frame
	pnext    func() (Value, bool)
	pstop    func()
	yieldFn  func(Value) bool
	started  bool
	done     bool
	running  bool
	stopping bool
	sendVal  Value
	throwExc *Instance
	result   Value // the return value, once done
	err      error // the exception the body ended with
}

func newGenerator(th *Thread, fr *Frame) *Generator {
	c := &genCore{in: th.in, fr: fr}
	fr.gen = c
	g := &Generator{core: c}
	seq := func(yield func(Value) bool) {
		c.yieldFn = yield
		k, err := c.fr.code.body(c.fr)
		if err != nil {
			addTraceback(c.fr, err)
			c.err = err
			return
		}
		if k == ctlReturn {
			c.result = c.fr.ret
		}
	}
	c.pnext, c.pstop = iter.Pull(seq)
	th.in.gens.add(c)
	runtime.AddCleanup(g, func(c *genCore) { go c.in.gens.finalize(c) }, c)
	return g
}

func (g *Generator) name() string { return g.core.fr.code.name }

// yield is a yield expression inside the body: it gives v to the
// consumer and returns what the consumer sends (or raises what it
// throws).
func (c *genCore) yield(fr *Frame, v Value) (Value, error) {
	if c.stopping {
		return nil, fr.th.newError(ErrRuntimeError, "generator ignored GeneratorExit")
	}
	if !c.yieldFn(v) {
		c.stopping = true
		return nil, c.fr.th.raise(newExc(ErrGeneratorExit))
	}
	if e := c.throwExc; e != nil {
		c.throwExc = nil
		return nil, e
	}
	s := c.sendVal
	c.sendVal = nil
	return s, nil
}

// yieldFrom is yield from src.
func (c *genCore) yieldFrom(fr *Frame, src Value) (Value, error) {
	if inner, ok := src.(*Generator); ok {
		var sent Value
		for {
			v, more, err := inner.core.resume(fr.th, sent, nil)
			if err != nil {
				return nil, err
			}
			if !more {
				return inner.core.result, nil
			}
			sent, err = c.yield(fr, v)
			if err != nil {
				e := asException(fr.th, err)
				if e.class.isSubclass(ErrGeneratorExit) {
					inner.core.close(fr.th)
					return nil, err
				}
				// Pass a thrown exception on to the inner generator.
				v, more, err = inner.core.resume(fr.th, nil, e)
				if err != nil {
					return nil, err
				}
				if !more {
					return inner.core.result, nil
				}
				if sent, err = c.yield(fr, v); err != nil {
					return nil, err
				}
			}
		}
	}
	it, err := getIter(fr.th, src)
	if err != nil {
		return nil, err
	}
	for {
		v, ok, err := it(fr.th)
		if err != nil || !ok {
			return nil, err
		}
		if _, err := c.yield(fr, v); err != nil {
			return nil, err
		}
	}
}

// resume runs the body to its next yield: send sends a value, throw
// raises an exception at the yield.
func (c *genCore) resume(th *Thread, send Value, throw *Instance) (Value, bool, error) {
	if c.done {
		if throw != nil {
			return nil, false, throw
		}
		return nil, false, nil
	}
	if c.running {
		return nil, false, th.newError(ErrValueError, "generator already executing")
	}
	if !c.started {
		if send != nil {
			return nil, false, th.newError(ErrTypeError, "can't send non-None value to a just-started generator")
		}
		if throw != nil {
			c.finish()
			return nil, false, throw
		}
	}
	if err := th.enter(); err != nil {
		return nil, false, err
	}
	defer th.leave()
	c.started = true
	c.sendVal, c.throwExc = send, throw
	c.fr.th = th
	c.running = true
	v, ok := c.pnext()
	c.running = false
	if ok {
		return v, true, nil
	}
	c.finish()
	if c.err != nil {
		if e, ok := c.err.(*Instance); ok && e.class.isSubclass(ErrStopIteration) {
			r := newExc(ErrRuntimeError, "generator raised StopIteration")
			r.exc.cause = e
			return nil, false, r
		}
		return nil, false, c.err
	}
	return nil, false, nil
}

func (c *genCore) finish() {
	if !c.done {
		c.done = true
		c.pstop()
		c.in.gens.remove(c)
	}
}

// next is the generator as an iterFunc.
func (g *Generator) next(th *Thread) (Value, bool, error) {
	return g.core.resume(th, nil, nil)
}

// close is generator.close().
func (c *genCore) close(th *Thread) error {
	if c.done {
		return nil
	}
	if !c.started {
		c.finish()
		return nil
	}
	_, more, err := c.resume(th, nil, newExc(ErrGeneratorExit))
	if more {
		c.stopping = true
		c.finish()
		return th.newError(ErrRuntimeError, "generator ignored GeneratorExit")
	}
	if err != nil {
		if e, ok := err.(*Instance); ok && (e.class.isSubclass(ErrGeneratorExit) || e.class.isSubclass(ErrStopIteration)) {
			return nil
		}
		return err
	}
	return nil
}

// genTable tracks an interpreter's suspended generators, so closing the
// interpreter ends them.
type genTable struct {
	mu   sync.Mutex
	live map[*genCore]struct{}
}

func (t *genTable) add(c *genCore) {
	t.mu.Lock()
	if t.live == nil {
		t.live = map[*genCore]struct{}{}
	}
	t.live[c] = struct{}{}
	t.mu.Unlock()
}

func (t *genTable) remove(c *genCore) {
	t.mu.Lock()
	delete(t.live, c)
	t.mu.Unlock()
}

// finalize ends a generator nobody refers to any more.
func (t *genTable) finalize(c *genCore) {
	c.in.mu.Lock()
	defer c.in.mu.Unlock()
	c.endWithCancelled()
}

// endWithCancelled stops the coroutine with the interpreter lock held,
// its code seeing a cancelled context.
func (c *genCore) endWithCancelled() {
	if c.done || c.running {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	th := &Thread{in: c.in, ctx: ctx}
	defer func() {
		if r := recover(); r != nil {
			c.done = true
		}
	}()
	c.fr.th = th
	c.stopping = false
	c.finish()
}

func (t *genTable) closeAll(in *Interp) {
	t.mu.Lock()
	live := make([]*genCore, 0, len(t.live))
	for c := range t.live {
		live = append(live, c)
	}
	t.mu.Unlock()
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, c := range live {
		c.endWithCancelled()
	}
}

func init() {
	gen := func(th *Thread, args []Value) (*genCore, error) {
		if len(args) > 0 {
			if g, ok := args[0].(*Generator); ok {
				return g.core, nil
			}
		}
		return nil, th.newError(ErrTypeError, "descriptor needs a generator")
	}
	def(ClassGenerator, "__next__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		c, err := gen(th, args)
		if err != nil {
			return nil, err
		}
		v, ok, err := c.resume(th, nil, nil)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, th.raise(stopIteration(c.result))
		}
		return v, nil
	})
	def(ClassGenerator, "__iter__", func(th *Thread, args []Value, kw []KV) (Value, error) { return args[0], nil })
	def(ClassGenerator, "send", func(th *Thread, args []Value, kw []KV) (Value, error) {
		c, err := gen(th, args)
		if err != nil {
			return nil, err
		}
		if len(args) != 2 {
			return nil, th.newError(ErrTypeError, "send() takes exactly one argument")
		}
		v, ok, err := c.resume(th, args[1], nil)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, th.raise(stopIteration(c.result))
		}
		return v, nil
	})
	def(ClassGenerator, "throw", func(th *Thread, args []Value, kw []KV) (Value, error) {
		c, err := gen(th, args)
		if err != nil {
			return nil, err
		}
		if len(args) < 2 {
			return nil, th.newError(ErrTypeError, "throw expected at least 1 argument, got 0")
		}
		e, err := makeException(th, args[1])
		if err != nil {
			return nil, err
		}
		if len(args) > 2 && args[2] != nil {
			if cls, ok := args[1].(*Class); ok {
				if e, err = makeException(th, mustCall(th, cls, args[2])); err != nil {
					return nil, err
				}
			}
		}
		v, ok, err := c.resume(th, nil, e)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, th.raise(stopIteration(c.result))
		}
		return v, nil
	})
	def(ClassGenerator, "close", func(th *Thread, args []Value, kw []KV) (Value, error) {
		c, err := gen(th, args)
		if err != nil {
			return nil, err
		}
		return nil, c.close(th)
	})
	defProp(ClassGenerator, "gi_running", func(th *Thread, self Value) (Value, error) {
		return self.(*Generator).core.running, nil
	})
	defProp(ClassGenerator, "__name__", func(th *Thread, self Value) (Value, error) {
		return self.(*Generator).name(), nil
	})
}

func stopIteration(result Value) *Instance {
	if result == nil {
		return newExc(ErrStopIteration)
	}
	return newExc(ErrStopIteration, result)
}

func mustCall(th *Thread, fn Value, arg Value) Value {
	if t, ok := arg.(Tuple); ok {
		v, err := call(th, fn, t, nil)
		if err != nil {
			return err.(*Instance)
		}
		return v
	}
	v, err := call(th, fn, []Value{arg}, nil)
	if err != nil {
		return err.(*Instance)
	}
	return v
}
