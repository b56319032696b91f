package rpyc

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Answers: the peer's requests to us and our replies. The reader accepts
// a request (acceptRequest: parse, unbox in arrival order, check), then
// admission runs it on a worker or parks it (admit); the worker runs the
// operation's handler (handlers.go) and sends the reply (replyWith).
// Requests refused before they run, and HANDLE_DEL, are answered by the
// reader itself (answer).

// request is one incoming request, unboxed on the reader.
type request struct {
	seq  any
	op   message.Handler
	args brine.Tuple
	held int64           // what its frame and arguments hold of the budget
	meta []byte          // the peer's Outgoing metadata (observe.go), or nil
	pins []*exportEntry  // our objects among its arguments (exports.getPinned)
	th   message.Threads // its thread-id prefix, when threads are bound
}

// drop gives back what r holds: its share of the budget, its pins.
func (c *Conn) drop(r request) {
	c.budget.Release(r.held)
	c.exports.unpin(r.pins)
}

// acceptRequest unboxes a request in arrival order and hands it to a
// worker. It reports false when the connection must stop.
// Requests answered here, without a worker (DEL acknowledgements and
// requests refused before they run), are answered by the reader itself,
// with no goroutine, and without waiting behind a reply being written
// (answer): the reader goes back to reading at once. held is what the
// request holds of the budget; it goes with the request, or is given
// back here.
func (c *Conn) acceptRequest(seq any, payload any, held int64, th message.Threads, ls *loopState) bool {
	seq, meta := splitSeq(seq)
	op, rawArgs, err := message.ParseRequest(payload)
	if err != nil {
		c.budget.Release(held)
		c.answer(seq, th, vinegar.New("ValueError", err.Error()))
		return true
	}
	if int(op) >= len(handlers) || op == 0 {
		c.budget.Release(held)
		c.answer(seq, th, vinegar.New("KeyError", int64(op)))
		return true
	}
	if op == message.HandleDel {
		// Decref right here, in arrival order, so no later request can find
		// the object gone and no earlier one can miss it.
		err := c.handleDel(rawArgs)
		c.budget.Release(held)
		c.answer(seq, th, err)
		return true
	}
	var pins []*exportEntry
	c.pinning = &pins
	unboxed, err := c.unbox(rawArgs)
	c.pinning = nil
	r := request{seq: seq, op: op, held: held, meta: meta, pins: pins, th: th}
	if err != nil {
		c.drop(r)
		c.answer(seq, th, err)
		return true
	}
	args, ok := unboxed.(brine.Tuple)
	if !ok {
		c.drop(r)
		c.answer(seq, th, vinegar.New("TypeError", fmt.Sprintf("%v argument after * must be an iterable, not %s", op, pyobj.ShortTypeName(unboxed))))
		return true
	}
	if ar := handlerArity[op]; len(args) < ar[0] || len(args) > ar[1] {
		want := fmt.Sprintf("%d to %d arguments", ar[0], ar[1])
		if ar[0] == ar[1] {
			want = fmt.Sprintf("%d argument%s", ar[0], map[bool]string{true: "", false: "s"}[ar[0] == 1])
		}
		c.drop(r)
		c.answer(seq, th, vinegar.New("TypeError", fmt.Sprintf("%v takes %s but %d were given", op, want, len(args))))
		return true
	}
	if op == message.HandleClose {
		// No reply: the peer is going away. Python closes the socket after
		// answering what came before (it serves one message at a time), so
		// the quick replies already queued (DEL, errors) go out first.
		// Workers still running are not waited for: one may be waiting on
		// the departing peer.
		c.drop(r)
		c.ch.Flush()
		c.shutdown(ErrClosedByPeer)
		return false
	}
	r.args = args
	if op == message.HandlePing {
		if !c.pingGuard() {
			c.drop(r)
			c.log.Warn("rpyc: closing connection: the peer pings too often (Limits.MinPingInterval)", "min", c.cfg.Limits.MinPingInterval)
			c.shutdown(fmt.Errorf("%w: pings more often than every %v (Limits.MinPingInterval)", ErrProtocol, c.cfg.Limits.MinPingInterval))
			return false
		}
		if valueSize(args[0]) <= readerPing && c.cfg.Interceptor == nil {
			// A small ping (a heartbeat) is answered at once, whatever
			// the workers are doing: it says this side is alive. With an
			// Interceptor, pings are served like any request: it may
			// answer them (otelrpyc's probe), and it runs user code.
			c.replyWith(seq, args[0], nil, sendPosted, c.replyThreads(th))
			c.drop(r)
			return true
		}
	}
	return c.admit(r, ls)
}

// readerPing is the largest ping the reader echoes itself; larger ones
// (a data echo) go to a worker like any request.
const readerPing = 4 << 10

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
				c.logPanic(r.op, p, stack)
				err = &panicError{value: p, stack: string(stack)}
			}
		}()
		ctx := c.serveCtx
		reply := r.th
		if c.bind.Load() {
			// This request is served by a "thread" of ours bound to the
			// peer's thread that sent it: what the handler asks back with
			// its context, and the reply, go to that thread.
			reply = c.bindThreads(r.th)
			ctx = withThreads(ctx, reply)
		}
		r.th = reply
		if ic := c.cfg.Interceptor; ic != nil {
			if r.meta != nil {
				ctx = withRequestMetadata(ctx, r.meta)
			}
			info := &RequestInfo{Conn: c, Handler: r.op, Target: requestTarget(r.op, r.args)}
			value, err = ic(ctx, info, func(ctx context.Context) (any, error) {
				return handlers[r.op](c, ctx, r.args)
			})
			return
		}
		value, err = handlers[r.op](c, ctx, r.args)
	}()
	// The request keeps its share of the budget until its reply is sent:
	// the reply often refers to the arguments (a ping's echo). The reply
	// takes its own share from the half of the budget requests cannot
	// take (Budget.IncomingShare), so waiting for it cannot deadlock. Its
	// pinned arguments stay in the export table until then too.
	defer c.drop(r)
	r.args = nil
	// When other requests are being served too (a pipelining peer), the
	// reply joins the write queue and goes out in one write with theirs;
	// a lone request's reply is written at once.
	mode := sendNow
	if c.othersInFlight() {
		mode = sendQueued
	}
	c.replyWith(r.seq, value, err, mode, r.th)
}

// answer replies from the reader: an exception for err, else None. It
// never waits behind another sender's write (channel.Post). th is the
// request's thread-id prefix.
func (c *Conn) answer(seq any, th message.Threads, err error) {
	c.replyWith(seq, nil, err, sendPosted, c.replyThreads(th))
}

// replyWith sends a REPLY with the boxed value, or an EXCEPTION for err.
// A value that cannot be sent (an encoding error, the object table full)
// is answered with the exception that says why, and every object boxed
// for it is released again (see rollback).
func (c *Conn) replyWith(seq any, value any, err error, mode sendMode, th message.Threads) {
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
		serr := c.sendReply(seq, value, mode, size, th)
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
		Repr:             pyobj.Repr,
	})
	if serr := c.sendEncoded(nil, message.Exception, seq, -1, payload, mode, 0, th); serr != nil {
		c.log.Debug("rpyc: exception reply not sent", "err", serr)
	}
}

// sendReply boxes value into a REPLY and sends it. A large reply (size,
// valueSize's estimate) takes its share of the budget before it is
// encoded, for as long as its encoded copy lives.
func (c *Conn) sendReply(seq any, value any, mode sendMode, size int, th message.Threads) error {
	if size >= chargedReply && c.budget != nil {
		h := channel.NewHold(c.budget, c.ctx, c.cfg.Limits.WriteTimeout, 0)
		if err := h.Take(int64(size)); err != nil {
			c.discard(value)
			return err
		}
		defer h.Release()
	}
	b := c.box(value)
	err := c.sendEncoded(nil, message.Reply, seq, -1, b, mode, size, th)
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
func (c *Conn) logPanic(op message.Handler, p any, stack []byte) {
	if fmt.Sprintf("%T", c.log.Handler()) == "*slog.defaultHandler" {
		c.log.Error(fmt.Sprintf("rpyc: handler panicked: %v\n%s", p, stack), "handler", op)
		return
	}
	c.log.Error("rpyc: handler panicked", "handler", op, "panic", p, "stack", string(stack))
}

// InFlight returns how many of the peer's requests this side is serving
// or has parked waiting for a slot. A server's graceful shutdown closes
// connections at zero at once and waits for the others.
func (c *Conn) InFlight() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active + len(c.parked)
}

// Admission of the peer's requests
//
// A request runs on a worker when a slot is free: at most MaxInFlight
// run at once, not counting workers that are waiting for the
// peer's reply to a callback (up to Limits.MaxCallbackDepth of those), so
// a chain of nested callbacks never runs out of slots. A request that finds
// no slot is parked, in arrival order, and the reader goes on reading: a
// peer that vanishes is seen at once, and its workers' contexts are
// cancelled. Parked requests are bounded by Limits.MaxParkedBytes (and the
// shared budget); past that the reader waits for room, which stops reading
// the socket and slows the peer through TCP. A worker that finishes takes
// the next parked request itself, with no hand-off.

// capacity is how many workers may run now (c.mu held): MaxInFlight,
// plus one for each worker waiting on a callback's reply, up to
// MaxCallbackDepth of them (all of them when that limit is off).
func (c *Conn) capacity() int {
	extra := c.waitingWorkers
	if d := c.cfg.Limits.MaxCallbackDepth; d >= 0 {
		extra = min(extra, d)
	}
	return c.cfg.MaxInFlight + extra
}

// parkOverhead is what a parked request costs beyond what it holds of
// the budget (its frame and decoded arguments): the request itself and
// its place in the queue. Charging it keeps MaxParkedBytes a bound on
// memory even for a flood of tiny requests.
const parkOverhead = 512

// admit runs r on a worker, or parks it. It reports false when
// the connection ended while waiting for room. r holds its share of the
// budget (r.held) until it has been served, or until it is dropped.
func (c *Conn) admit(r request, ls *loopState) bool {
	limit := c.cfg.Limits.MaxParkedBytes
	size := r.held + parkOverhead
	c.mu.Lock()
	for {
		if c.closing {
			c.mu.Unlock()
			c.drop(r)
			return false
		}
		if len(c.parked) == 0 && c.active < c.capacity() {
			c.active++
			if ls != nil && c.ch.Buffered() == 0 {
				// Alone on the wire: the reader runs it (inline.go).
				if !c.runInline(r, ls) {
					ls.handedOver = true // another loop reads now
					return false
				}
				return true
			}
			c.run(r)
			c.mu.Unlock()
			return true
		}
		if len(c.parked) == 0 || limit < 0 || c.parkedBytes+size <= limit {
			break // room on this connection
		}
		// No room: stop reading until a worker takes a parked request.
		c.roomWaiters++
		c.room.Wait()
		c.roomWaiters--
	}
	c.parked = append(c.parked, r)
	c.parkedBytes += size
	c.mu.Unlock()
	return true
}

// run hands r to an idle worker, or starts one. The caller holds c.mu,
// has seen the connection open and has counted r in c.active: a worker
// is added to c.workers only while shutdown cannot have begun, so the
// wait for workers (and the OnDisconnect hooks after it) never races a
// late Add.
func (c *Conn) run(r request) {
	select {
	case c.work <- r: // an idle worker took it
	default:
		c.workers.Add(1)
		go c.worker(r)
	}
}

// popParked takes the oldest parked request (c.mu held, one parked) and
// wakes a reader waiting for room.
func (c *Conn) popParked() request {
	r := c.parked[0]
	c.parked[0] = request{}
	c.parked = c.parked[1:]
	if len(c.parked) == 0 {
		c.parked = nil
	}
	c.parkedBytes -= r.held + parkOverhead
	c.wakeReader()
	return r
}

// wakeReader wakes a reader waiting in admit for room (c.mu held).
func (c *Conn) wakeReader() {
	if c.roomWaiters > 0 {
		c.room.Broadcast()
	}
}

// idle reports whether no request is served or parked (c.mu held).
func (c *Conn) idle() bool { return c.active == 0 && len(c.parked) == 0 }

// next is called by a worker that finished a request (c.mu not held): it
// returns a parked request to serve next, or releases the worker's slot.
func (c *Conn) next() (request, bool) {
	c.mu.Lock()
	if len(c.parked) > 0 && !c.closing && c.active <= c.capacity() {
		r := c.popParked()
		c.mu.Unlock()
		return r, true
	}
	c.active--
	c.wakeReader() // a slot is free
	closeNow := c.drain && c.idle() && !c.closing
	c.mu.Unlock()
	if closeNow {
		go c.Close()
	}
	return request{}, false
}

// workerWaits and workerResumes bracket a synchronous request that one
// of this connection's workers makes (a callback into the peer, made
// with the context its handler was given): while the worker waits for the reply,
// one more of the peer's requests may run, so that the peer's nested
// callback into us finds a slot. Calls made by other goroutines need no
// slot: their replies are read by the reader, which never waits for one.
func (c *Conn) workerWaits() {
	c.mu.Lock()
	c.waitingWorkers++
	// The reader may be the one waiting (a request it runs itself calls
	// back): reading must go on elsewhere, or the reply is never read.
	c.takeOver()
	if len(c.parked) > 0 && c.active < c.capacity() && !c.closing {
		r := c.popParked()
		c.active++
		c.run(r)
	}
	c.mu.Unlock()
}

func (c *Conn) workerResumes() {
	c.mu.Lock()
	c.waitingWorkers--
	c.mu.Unlock()
}

// dropParked forgets parked requests when the connection ends.
func (c *Conn) dropParked() {
	c.mu.Lock()
	parked := c.parked
	c.parked = nil
	c.parkedBytes = 0
	c.room.Broadcast()
	c.mu.Unlock()
	for _, r := range parked {
		c.drop(r)
	}
}

// workerIdle is how long a worker waits for more work before
// it exits. Keeping workers keeps their grown stacks: a new goroutine per
// request spent a quarter of its time growing its stack through reflect.
const workerIdle = 5 * time.Second

// worker serves r, then parked requests and further requests handed over
// c.work, until it has been idle for workerIdle or the connection ends.
func (c *Conn) worker(r request) {
	defer c.workers.Done()
	var idle *time.Timer
	for {
		c.serveRequest(r)
		var ok bool
		if r, ok = c.next(); ok {
			continue
		}
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

// othersInFlight reports whether requests other than the caller's are
// being served or parked.
func (c *Conn) othersInFlight() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active > 1 || len(c.parked) > 0
}
