package rpyc

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// request is one incoming request, unboxed on the reader.
type request struct {
	seq  any
	h    message.Handler
	args brine.Tuple
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

// handleRequest unboxes a request in arrival order and hands it to a
// handler goroutine. It reports false when the connection must stop.
func (c *Conn) handleRequest(seq any, payload any) bool {
	h, rawArgs, err := message.ParseRequest(payload)
	if err != nil {
		c.replyAsync(seq, nil, vinegar.New("ValueError", err.Error()))
		return true
	}
	if int(h) >= len(handlers) || h == 0 {
		c.replyAsync(seq, nil, vinegar.New("KeyError", int64(h)))
		return true
	}
	if h == message.HandleDel {
		// Decref right here, in arrival order, so no later request can find
		// the object gone and no earlier one can miss it.
		c.replyAsync(seq, nil, c.handleDel(rawArgs))
		return true
	}
	unboxed, err := c.unbox(rawArgs)
	if err != nil {
		c.replyAsync(seq, nil, err)
		return true
	}
	args, ok := unboxed.(brine.Tuple)
	if !ok {
		c.replyAsync(seq, nil, vinegar.New("TypeError", fmt.Sprintf("%v argument after * must be an iterable, not %s", h, shortTypeName(unboxed))))
		return true
	}
	if ar := handlerArity[h]; len(args) < ar[0] || len(args) > ar[1] {
		want := fmt.Sprintf("%d to %d arguments", ar[0], ar[1])
		if ar[0] == ar[1] {
			want = fmt.Sprintf("%d argument%s", ar[0], map[bool]string{true: "", false: "s"}[ar[0] == 1])
		}
		c.replyAsync(seq, nil, vinegar.New("TypeError", fmt.Sprintf("%v takes %s but %d were given", h, want, len(args))))
		return true
	}
	switch h {
	case message.HandleClose:
		// No reply: the peer is going away. Python closes the socket, after
		// answering what came before (it serves one message at a time), so
		// let the quick replies already on their way (DEL, errors) go out
		// first. Handlers still running are not waited for: one may be
		// waiting on the departing peer.
		c.waitQuick(time.Second)
		c.shutdown(ErrClosedByPeer)
		return false
	}
	// Wait for a handler slot: this is the backpressure on a peer that
	// sends more requests than MaxInFlight.
	select {
	case c.slots <- struct{}{}:
	case <-c.done:
		return false
	}
	r := request{seq: seq, h: h, args: args}
	select {
	case c.work <- r: // an idle worker took it
	default:
		c.handlers.Add(1)
		go c.worker(r)
	}
	return true
}

// workerIdle is how long a handler goroutine waits for more work before
// it exits. Keeping workers keeps their grown stacks: a new goroutine per
// request spent a quarter of its time growing its stack through reflect.
const workerIdle = 5 * time.Second

// worker serves r, then further requests handed over c.work, until it has
// been idle for workerIdle or the connection ends. At most MaxInFlight
// workers exist, since each holds a slot while it serves.
func (c *Conn) worker(r request) {
	defer c.handlers.Done()
	var idle *time.Timer
	for {
		c.serveRequest(r)
		if idle == nil {
			idle = time.NewTimer(workerIdle)
			defer idle.Stop()
		} else {
			idle.Reset(workerIdle)
		}
		select {
		case r = <-c.work:
		case <-idle.C:
			return
		case <-c.done:
			return
		}
	}
}

// replyAsync answers a request without a handler goroutine slot. The write
// still happens off the reader so a slow peer cannot stall it.
func (c *Conn) replyAsync(seq any, value any, err error) {
	c.handlers.Add(1)
	c.quick.Add(1)
	go func() {
		defer c.handlers.Done()
		defer c.quick.Done()
		c.reply(seq, value, err)
	}()
}

// handleDel serves HANDLE_DEL(obj, count=1) on the reader. obj must be a
// LOCAL_REF to one of our objects; the count comes as a plain int.
func (c *Conn) handleDel(raw any) error {
	b, err := message.ParseBox(raw)
	if err != nil {
		return vinegar.New("ValueError", err.Error())
	}
	items, ok := b.Value.(brine.Tuple)
	if b.Label != message.LabelTuple || !ok || len(items) < 1 || len(items) > 2 {
		return vinegar.New("TypeError", "HANDLE_DEL takes (obj, count)")
	}
	ref, err := message.ParseBox(items[0])
	if err != nil || ref.Label != message.LabelLocalRef {
		return vinegar.New("TypeError", "HANDLE_DEL needs a reference to a local object")
	}
	id, err := message.ParseIDPack(ref.Value)
	if err != nil {
		return vinegar.New("KeyError", ref.Value)
	}
	if _, err := c.objects.get(id); err != nil {
		return err
	}
	n := int64(1)
	if len(items) == 2 {
		cb, err := message.ParseBox(items[1])
		v, ok := cb.Value.(int64)
		if err != nil || cb.Label != message.LabelValue || !ok {
			return vinegar.New("TypeError", "HANDLE_DEL count must be an int")
		}
		n = v
	}
	c.objects.decref(id, n)
	return nil
}

// serveRequest runs one handler and sends its reply; a panic becomes an
// exception for the peer, and the connection lives on.
func (c *Conn) serveRequest(r request) {
	defer func() { <-c.slots }()
	var (
		value any
		err   error
	)
	func() {
		defer func() {
			if p := recover(); p != nil {
				stack := debug.Stack()
				c.log.Error("rpyc: handler panicked", "handler", r.h, "panic", p, "stack", string(stack))
				err = &panicError{value: p, stack: string(stack)}
			}
		}()
		ctx := withConn(c.ctx, c)
		value, err = handlers[r.h](c, ctx, r.args)
	}()
	c.reply(r.seq, value, err)
}

// reply sends a REPLY with the boxed value, or an EXCEPTION for err.
func (c *Conn) reply(seq any, value any, err error) {
	if err == nil {
		serr := c.send(message.Reply, seq, c.box(value))
		if serr == nil || !errors.Is(serr, brine.ErrUndumpable) && !isBoxError(serr) {
			if serr != nil {
				c.log.Debug("rpyc: reply not sent", "err", serr)
			}
			return
		}
		err = vinegar.New("TypeError", fmt.Sprintf("cannot send the result: %v", serr))
	}
	if c.cfg.LogExceptions && !errors.Is(err, vinegar.ErrStopIteration) {
		c.log.Debug("rpyc: request failed", "err", err)
	}
	payload := vinegar.Dump(err, vinegar.DumpOptions{
		IncludeTraceback: c.cfg.IncludeLocalTraceback,
		IncludeVersion:   c.cfg.IncludeLocalVersion,
		Version:          c.version(),
		Traceback:        tracebackText(err),
		Repr:             pyRepr,
	})
	if serr := c.send(message.Exception, seq, payload); serr != nil {
		c.log.Debug("rpyc: exception reply not sent", "err", serr)
	}
}

// loadException turns an EXCEPTION payload into a Go error.
func (c *Conn) loadException(payload any) error {
	return vinegar.Load(payload, vinegar.LoadOptions{LocalVersion: c.version()})
}

// version is the version string we report (Config.Version).
func (c *Conn) version() string {
	if c.cfg.Version != "" {
		return c.cfg.Version
	}
	if c.Layout() == message.LayoutV5 {
		return VersionV5
	}
	return VersionV6
}

// panicError is a recovered handler panic.
type panicError struct {
	value any
	stack string
}

func (p *panicError) Error() string { return fmt.Sprintf("Go handler panicked: %v", p.value) }

func tracebackText(err error) string {
	if p, ok := err.(*panicError); ok {
		return "Traceback (Go panic):\n" + p.stack + "\nRuntimeError: " + p.Error() + "\n"
	}
	return ""
}

type connKey struct{}

func withConn(ctx context.Context, c *Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// ConnFromContext returns the connection a handler is serving, from the
// context.Context a Go method receives as its first parameter.
func ConnFromContext(ctx context.Context) (*Conn, bool) {
	c, ok := ctx.Value(connKey{}).(*Conn)
	return c, ok
}

// waitQuick waits up to d for the replies sent by replyAsync.
func (c *Conn) waitQuick(d time.Duration) {
	done := make(chan struct{})
	go func() {
		c.quick.Wait()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}
