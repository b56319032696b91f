package rpyc

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// request is one incoming request, unboxed on the reader.
type request struct {
	seq  any
	h    message.Handler
	args brine.Tuple
	held int64  // what its frame and arguments hold of the budget
	meta []byte // the peer's Outgoing metadata (observe.go), or nil
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
// Requests answered here, without a handler (DEL acknowledgements and
// requests refused before they run), are answered by the reader itself,
// with no goroutine, and without waiting behind a reply being written
// (answer): the reader goes back to reading at once. held is what the
// request holds of the budget; it goes with the request, or is given
// back here.
func (c *Conn) handleRequest(seq any, payload any, held int64) bool {
	seq, meta := splitSeq(seq)
	h, rawArgs, err := message.ParseRequest(payload)
	if err != nil {
		c.budget.Release(held)
		c.answer(seq, vinegar.New("ValueError", err.Error()))
		return true
	}
	if int(h) >= len(handlers) || h == 0 {
		c.budget.Release(held)
		c.answer(seq, vinegar.New("KeyError", int64(h)))
		return true
	}
	if h == message.HandleDel {
		// Decref right here, in arrival order, so no later request can find
		// the object gone and no earlier one can miss it.
		err := c.handleDel(rawArgs)
		c.budget.Release(held)
		c.answer(seq, err)
		return true
	}
	unboxed, err := c.unbox(rawArgs)
	if err != nil {
		c.budget.Release(held)
		c.answer(seq, err)
		return true
	}
	args, ok := unboxed.(brine.Tuple)
	if !ok {
		c.budget.Release(held)
		c.answer(seq, vinegar.New("TypeError", fmt.Sprintf("%v argument after * must be an iterable, not %s", h, shortTypeName(unboxed))))
		return true
	}
	if ar := handlerArity[h]; len(args) < ar[0] || len(args) > ar[1] {
		want := fmt.Sprintf("%d to %d arguments", ar[0], ar[1])
		if ar[0] == ar[1] {
			want = fmt.Sprintf("%d argument%s", ar[0], map[bool]string{true: "", false: "s"}[ar[0] == 1])
		}
		c.budget.Release(held)
		c.answer(seq, vinegar.New("TypeError", fmt.Sprintf("%v takes %s but %d were given", h, want, len(args))))
		return true
	}
	if h == message.HandleClose {
		// No reply: the peer is going away. Python closes the socket after
		// answering what came before (it serves one message at a time), so
		// the quick replies already queued (DEL, errors) go out first.
		// Handlers still running are not waited for: one may be waiting on
		// the departing peer.
		c.budget.Release(held)
		c.ch.Flush()
		c.shutdown(ErrClosedByPeer)
		return false
	}
	return c.admit(request{seq: seq, h: h, args: args, held: held, meta: meta})
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
		if v < 0 {
			// Python would add the references instead, pinning the
			// object for good; a count of 0 does nothing, as there.
			return vinegar.New("ValueError", fmt.Sprintf("HANDLE_DEL count must not be negative, got %d", v))
		}
		n = v
	}
	c.objects.decref(id, n)
	return nil
}

// serveRequest runs one handler and sends its reply; a panic becomes an
// exception for the peer, and the connection lives on.
func (c *Conn) serveRequest(r request) {
	var (
		value any
		err   error
	)
	func() {
		defer func() {
			if p := recover(); p != nil {
				stack := debug.Stack()
				c.logPanic(r.h, p, stack)
				err = &panicError{value: p, stack: string(stack)}
			}
		}()
		ctx := c.handlerCtx
		if ic := c.cfg.Interceptor; ic != nil {
			if r.meta != nil {
				ctx = withRequestMetadata(ctx, r.meta)
			}
			info := &RequestInfo{Conn: c, Handler: r.h, Target: requestTarget(r.h, r.args)}
			value, err = ic(ctx, info, func(ctx context.Context) (any, error) {
				return handlers[r.h](c, ctx, r.args)
			})
			return
		}
		value, err = handlers[r.h](c, ctx, r.args)
	}()
	// The request keeps its share of the budget until its reply is sent:
	// the reply often refers to the arguments (a ping's echo). The reply
	// takes its own share from the half of the budget requests cannot
	// take (Budget.IncomingShare), so waiting for it cannot deadlock.
	defer c.budget.Release(r.held)
	r.args = nil
	// When other requests are being served too (a pipelining peer), the
	// reply joins the write queue and goes out in one write with theirs;
	// a lone request's reply is written at once.
	mode := sendNow
	if c.othersInFlight() {
		mode = sendQueued
	}
	c.replyWith(r.seq, value, err, mode)
}

// answer replies from the reader: an exception for err, else None. It
// never waits behind another sender's write (channel.Post).
func (c *Conn) answer(seq any, err error) {
	c.replyWith(seq, nil, err, sendPosted)
}

// replyWith sends a REPLY with the boxed value, or an EXCEPTION for err.
// A value that cannot be sent (an encoding error, the object table full)
// is answered with the exception that says why, and every object boxed
// for it is released again (see rollback).
func (c *Conn) replyWith(seq any, value any, err error, mode sendMode) {
	if err == nil {
		size := valueSize(value)
		big := size > largeReply
		if big {
			// A large reply is written on its own, not queued, and one at
			// a time per connection: the others wait with their values,
			// not with a second, encoded copy each, while the peer reads.
			mode = sendNow
			select {
			case c.bigReply <- struct{}{}:
			case <-c.done:
				c.discard(value)
				return
			}
		}
		serr := c.sendReply(seq, value, mode, size)
		if big {
			<-c.bigReply
		}
		if serr == nil {
			return
		}
		if !errors.Is(serr, brine.ErrUndumpable) && !isBoxError(serr) && !errors.Is(serr, channel.ErrBudget) {
			c.log.Debug("rpyc: reply not sent", "err", serr)
			return
		}
		var exc *vinegar.Exception
		switch {
		case errors.As(serr, &exc):
			err = exc // e.g. the MemoryError of a full object table
		case errors.Is(serr, channel.ErrBudget):
			err = vinegar.New("MemoryError", "the reply does not fit this server's memory budget now: "+serr.Error())
		default:
			err = vinegar.New("TypeError", fmt.Sprintf("cannot send the result: %v", serr))
		}
	}
	if !c.cfg.QuietExceptions && !errors.Is(err, vinegar.ErrStopIteration) {
		c.log.Debug("rpyc: request failed", "err", err)
	}
	payload := vinegar.Dump(err, vinegar.DumpOptions{
		IncludeTraceback: !c.cfg.OmitLocalTraceback,
		IncludeVersion:   !c.cfg.OmitLocalVersion,
		Version:          c.version(),
		Traceback:        tracebackText(err),
		Repr:             pyRepr,
	})
	if serr := c.sendEncoded(message.Exception, seq, -1, payload, mode, 0); serr != nil {
		c.log.Debug("rpyc: exception reply not sent", "err", serr)
	}
}

// sendReply boxes value into a REPLY and sends it. A large reply (size,
// valueSize's estimate) takes its share of the budget before it is
// encoded, for as long as its encoded copy lives.
func (c *Conn) sendReply(seq any, value any, mode sendMode, size int) error {
	if size >= chargedReply && c.budget != nil {
		h := channel.NewHold(c.budget, c.ctx, c.cfg.Limits.WriteTimeout, 0)
		if err := h.Take(int64(size)); err != nil {
			c.discard(value)
			return err
		}
		defer h.Release()
	}
	b := c.box(value)
	err := c.sendEncoded(message.Reply, seq, -1, b, mode, size)
	if err != nil {
		// Nothing of it reached the peer, or the connection is broken:
		// the objects boxed for it will never be released by the peer.
		c.rollback(b, value)
	}
	return err
}

// chargedReply is the estimated size from which a reply is charged to the
// budget while it is encoded and written; smaller ones are bounded by
// MaxInFlight per connection.
const chargedReply = 64 << 10

// largeReply is the size past which a reply takes the connection's
// large-reply slot before it is encoded.
const largeReply = 256 << 10

// valueSize estimates the encoded size of a reply from what is sent by
// value (bytes, strings, tuples, a few levels deep); references and small
// values count as nothing. It is cheap: no reflection.
func valueSize(v any) int {
	n := 0
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		switch x := v.(type) {
		case []byte:
			n += len(x) + 5
		case string:
			n += len(x) + 6
		case brine.Tuple:
			if depth > 4 {
				return
			}
			for _, e := range x {
				walk(e, depth+1)
			}
			n += len(x) + 5
		}
	}
	walk(v, 0)
	return n
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

// logPanic logs a recovered handler panic at error level with its stack:
// as the "stack" attribute for structured handlers (server.NewTextHandler
// prints it as lines below the record), and, under slog's default handler,
// which writes human-readable lines but escapes attribute values, as lines
// of the message itself.
func (c *Conn) logPanic(h message.Handler, p any, stack []byte) {
	if fmt.Sprintf("%T", c.log.Handler()) == "*slog.defaultHandler" {
		c.log.Error(fmt.Sprintf("rpyc: handler panicked: %v\n%s", p, stack), "handler", h)
		return
	}
	c.log.Error("rpyc: handler panicked", "handler", h, "panic", p, "stack", string(stack))
}
