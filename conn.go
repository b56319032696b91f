package rpyc

// How a Conn works
//
// A Conn guards three resources: the stream (through a channel.Channel),
// the table of local objects the peer holds references to (objTable), and
// the cache of netrefs to the peer's objects (proxyCache). Three kinds of
// goroutine touch them:
//
//   - The reader. Exactly one goroutine reads frames. In automatic mode
//     (Start, Connect, Dial) it is the Conn's own loop; in manual mode a
//     pump goroutine only reads frames into a channel and whoever calls
//     Serve, PollAll or waits on a reply dispatches them, one at a time.
//     Dispatching decodes the message and unboxes it in arrival order, so
//     a HANDLE_DEL can never overtake an earlier request that uses the same
//     object (Python's #137), and netref counts stay in step with the peer.
//     The reader never runs user code: replies are handed to the waiting
//     caller, requests are handed to a handler goroutine.
//   - Handler goroutines, one per incoming request, at most
//     Config.MaxInFlight at once. When the limit is reached the reader
//     waits for a slot: backpressure, not an unbounded queue. A handler
//     that calls back into the peer simply waits for its reply, which the
//     reader delivers, so nested callbacks need no serving thread.
//   - Callers: any number of user goroutines making requests. Writes are
//     serialised by the channel's own lock; no Conn lock is held while
//     writing or while user code runs.
//
// Shutdown (shutdown) is idempotent and ordered: record the first cause,
// close done, close the channel (which unblocks the reader), fail every
// pending call with ErrClosed wrapping the cause, release the object table,
// then wait for the reader. Handlers still running see their context
// cancelled and their replies fail quietly; Close waits for them.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	streampkg "github.com/rpyc-go/rpyc/stream"
)

var connCounter atomic.Int64

// Conn is one RPyC connection. It is symmetric: both sides can make
// requests and serve them. A Conn is safe for concurrent use by any number
// of goroutines.
type Conn struct {
	cfg    *Config
	log    *slog.Logger
	ch     *channel.Channel
	stream io.ReadWriteCloser // under ch; Close bounds its last write
	dec    brine.Decoder
	root   any  // what GETROOT returns to the peer
	detect bool // server side: learn the layout from the first message

	layout      atomic.Uint32 // message.Layout; 0 until known
	layoutKnown chan struct{} // closed when layout is set
	seq         atomic.Int64

	// Memory (see Limits.Budget): budget is the channel's, hold what the
	// frame being dispatched holds of it (the reader's alone).
	budget *Budget
	hold   channel.Hold

	mu           sync.Mutex // protects the following
	pending      map[int64]*AsyncResult
	closing      bool
	closeStarted bool // a Close is under way
	cause        error
	remoteRoot   *Netref
	void         *rootObject

	objects objTable
	proxies proxyCache

	delMu      sync.Mutex // protects the following
	dels       []pendingDel
	delSending bool // sendDels is running

	startOnce sync.Once
	auto      atomic.Bool   // set once by Start, before the loop runs
	frames    chan frame    // manual mode: pump -> dispatchers
	dispatch  chan struct{} // manual mode: one-slot lock, held while dispatching

	// Request admission (admit.go), under mu.
	active          int       // handlers serving a request
	waitingHandlers int       // handlers waiting for the reply to a callback
	parked          []request // requests waiting for a slot, in arrival order
	parkedBytes     int64
	roomWaiters     int
	room            *sync.Cond // signalled when parked requests leave
	drain           bool       // CloseWhenIdle: close once nothing is served

	work       chan request  // hands requests to idle workers
	bigReply   chan struct{} // one large reply encoded at a time
	handlers   sync.WaitGroup
	ctx        context.Context // cancelled at shutdown; parent of handler contexts
	handlerCtx context.Context // ctx carrying the Conn, made once
	cancel     context.CancelFunc
	done       chan struct{}
	readDone   chan struct{} // closed when the reader (loop or pump) exits
	hooks      []func(*Conn) // run once after shutdown (services' on_disconnect)
	hookOnce   sync.Once
}

// NewConn makes a connection over stream that serves root to the peer (nil
// serves nothing, like rpyc's VoidService). It does no I/O and starts no
// goroutine: call Start to have the Conn serve itself in the background,
// or drive it by hand with Serve, ServeAll or PollAll. Requests made from a
// Conn that was never started dispatch incoming messages themselves while
// they wait, as Python does.
func NewConn(stream io.ReadWriteCloser, root any, cfg *Config) (*Conn, error) {
	return newConn(stream, nil, root, cfg)
}

// NewConnChannel is NewConn over a channel the caller made (with its own
// channel.Config; Config.Channel is not used): Python's connect_channel.
func NewConnChannel(ch *channel.Channel, root any, cfg *Config) (*Conn, error) {
	if ch == nil {
		return nil, errors.New("rpyc: NewConnChannel: nil channel")
	}
	return newConn(ch.Stream(), ch, root, cfg)
}

// newConn makes a Conn over stream, framed by ch, or by a new channel
// when ch is nil.
func newConn(stream io.ReadWriteCloser, ch *channel.Channel, root any, cfg *Config) (*Conn, error) {
	c, err := cfg.clone()
	if err != nil {
		return nil, err
	}
	if c.ConnID == "" {
		c.ConnID = fmt.Sprintf("conn%d", connCounter.Add(1))
	}
	if isTLS(stream) {
		c.Channel.FrameWrites = true // see channel.Config.FrameWrites
	}
	if nc, ok := stream.(net.Conn); ok {
		if c.Endpoints == ([2]string{}) {
			c.Endpoints = [2]string{addrString(nc.LocalAddr()), addrString(nc.RemoteAddr())}
		}
		if ch == nil {
			stream = streampkg.WithQuickAck(nc)
		}
	}
	if ch == nil {
		ch = channel.New(stream, c.Channel)
	}
	log := c.Logger
	conn := &Conn{
		cfg:         c,
		log:         log.With("conn", c.ConnID),
		ch:          ch,
		stream:      stream,
		dec:         brine.Decoder{MaxDepth: c.MaxDepth, AliasBytes: true, InternStrings: true},
		pending:     make(map[int64]*AsyncResult),
		work:        make(chan request),
		done:        make(chan struct{}),
		readDone:    make(chan struct{}),
		dispatch:    make(chan struct{}, 1),
		bigReply:    make(chan struct{}, 1),
		layoutKnown: make(chan struct{}),
		budget:      ch.Budget(),
	}
	conn.dec.Charge = conn.chargeDecode
	conn.room = sync.NewCond(&conn.mu)
	conn.ctx, conn.cancel = context.WithCancel(context.Background())
	conn.handlerCtx = withConn(conn.ctx, conn)
	conn.ch.ExpectingReply = conn.expectingReply
	conn.ch.OnWriteError = conn.writeFailed // a frame no caller waited for
	conn.objects.init()
	conn.objects.conn = conn
	conn.proxies.init()
	if f, ok := root.(ServiceFactory); ok {
		root = f(conn)
	}
	if root != nil {
		r, err := newRoot(root)
		if err != nil {
			return nil, err
		}
		conn.root = r
	}
	return conn, nil
}

// isTLS reports whether stream is a TLS connection, looking through
// wrappers that expose what they wrap as NetConn (as *tls.Conn does).
func isTLS(stream io.ReadWriteCloser) bool {
	for range 8 {
		if _, ok := stream.(interface{ ConnectionState() tls.ConnectionState }); ok {
			return true
		}
		w, ok := stream.(interface{ NetConn() net.Conn })
		if !ok {
			return false
		}
		stream = w.NetConn()
	}
	return false
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// Start makes the Conn serve itself: a background goroutine reads and
// dispatches every message until the connection ends. It returns at once.
// Calling it more than once, or after manual serving began, does nothing.
func (c *Conn) Start() {
	c.startOnce.Do(func() {
		c.auto.Store(true)
		go c.loop()
	})
}

// startManual starts the frame pump for hand-driven connections.
func (c *Conn) startManual() {
	c.startOnce.Do(func() {
		c.frames = make(chan frame)
		go c.pump()
	})
}

// setServerSide makes the Conn learn its layout from the peer's first
// message instead of using Config.Layout.
func (c *Conn) setServerSide() { c.detect = true }

// Config returns a copy of the connection's configuration.
func (c *Conn) Config() Config { return *c.cfg }

// ID returns the connection's name (Config.ConnID).
func (c *Conn) ID() string { return c.cfg.ConnID }

// Logger returns the connection's logger.
func (c *Conn) Logger() *slog.Logger { return c.log }

// Layout returns the message layout in use, or 0 while a server
// connection has not yet seen its peer's first message.
func (c *Conn) Layout() message.Layout { return message.Layout(c.layout.Load()) }

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Closed reports whether the connection has ended.
func (c *Conn) Closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Err returns why the connection ended (wrapping ErrClosed), or nil while
// it is open.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		return nil
	}
	return closedError(c.cause)
}

// Context returns a context that is cancelled when the connection ends.
func (c *Conn) Context() context.Context { return c.ctx }

// OnClose registers f to run once, after the connection has ended. Services
// use it for their on_disconnect hook.
func (c *Conn) OnClose(f func(*Conn)) {
	c.mu.Lock()
	if !c.closing {
		c.hooks = append(c.hooks, f)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	f(c)
}

// Close tells the peer (HANDLE_CLOSE, which has no reply), closes the
// stream, fails pending calls with ErrClosed, releases every local object
// the peer held and waits for running handlers. It is idempotent: later
// calls, and calls made while another Close runs, wait for the connection
// to end and return nil. It returns within about closeGrace (2 s) plus
// closeGrace again for handlers, whatever the peer does.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closing || c.closeStarted {
		c.mu.Unlock()
		<-c.done
		return nil
	}
	c.closeStarted = true
	root := c.remoteRoot
	c.mu.Unlock()
	if c.cfg.BeforeClosed != nil && root != nil {
		c.cfg.BeforeClosed(root)
	}
	var err error
	if c.layout.Load() != 0 || !c.detect {
		// A peer that stopped reading must not hold Close: no write, of
		// HANDLE_CLOSE or of anything queued before it, may go on past
		// closeGrace.
		c.ch.LimitWrites(time.Now().Add(closeGrace))
		err = c.sendRequest(message.HandleClose, nil, brine.Tuple{})
	}
	c.shutdown(ErrClosedLocally)
	c.wait()
	if err != nil && !c.cfg.CloseCatchall && !errors.Is(err, ErrClosed) {
		return fmt.Errorf("rpyc: close: %w", err)
	}
	return nil
}

// closeGrace bounds how long Close waits for running handlers: they see
// their context cancelled, and most return at once; one that ignores it
// must not hold Close forever. It also bounds the last writes of Close
// and the wait for a reader whose stream does not end its Read on Close.
const closeGrace = 2 * time.Second

// wait blocks until the reader has finished and the handlers have, each
// for at most closeGrace. Called from a handler (a service closing its
// own connection), it does not wait for handlers: that one would be
// waiting for itself.
func (c *Conn) wait() {
	t := time.NewTimer(closeGrace)
	defer t.Stop()
	select {
	case <-c.readDone:
	case <-t.C:
		// A stream whose Read ignores Close (some pipes, a wrapped
		// reader): the reader goroutine ends when that Read returns.
		c.log.Warn("rpyc: close: the stream's Read did not return after Close")
		return
	}
	if inHandler() {
		return
	}
	done := make(chan struct{})
	go func() {
		c.handlers.Wait()
		close(done)
	}()
	t.Reset(closeGrace)
	select {
	case <-done:
	case <-t.C:
		c.log.Warn("rpyc: close: handlers still running after the grace period")
	}
}

// inHandler reports whether the calling goroutine is serving a request:
// whether serveRequest is on its stack, however deep (a handler nested in
// a thousand callbacks has tens of thousands of frames). Only Close asks,
// so the cost of walking the stack does not matter.
func inHandler() bool {
	pcs := make([]uintptr, 256)
	for {
		n := runtime.Callers(2, pcs)
		if n < len(pcs) {
			pcs = pcs[:n]
			break
		}
		pcs = make([]uintptr, 2*len(pcs))
	}
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if strings.HasSuffix(f.Function, ".(*Conn).serveRequest") {
			return true
		}
		if !more {
			return false
		}
	}
}

// shutdown ends the connection once; the first cause wins.
func (c *Conn) shutdown(cause error) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	c.closing = true
	c.cause = cause
	pending := c.pending
	c.pending = make(map[int64]*AsyncResult)
	hooks := c.hooks
	c.hooks = nil
	c.remoteRoot = nil
	c.mu.Unlock()

	close(c.done)
	c.cancel()
	_ = c.ch.Close()
	err := closedError(cause)
	for _, r := range pending {
		r.deliver(nil, err)
	}
	c.dropParked()
	c.objects.clear()
	c.proxies.clear()
	c.startOnce.Do(func() { close(c.readDone) }) // never started: no reader to wait for
	if cause != ErrClosedLocally && cause != nil {
		c.log.Debug("rpyc: connection ended", "cause", cause)
	}
	go func() {
		<-c.readDone
		c.handlers.Wait()
		c.hookOnce.Do(func() {
			for _, h := range hooks {
				h(c)
			}
		})
	}()
}

// frame is a message as the reader received it, with what it holds of
// the budget (channel.RecvHeld).
type frame struct {
	data []byte
	held int64
}

// recv reads the next frame. A server learns its peer's layout from the
// first one here, before it is dispatched, so requests its service makes
// meanwhile (an OnConnect that calls back) go out in that layout.
func (c *Conn) recv() (frame, error) {
	data, held, err := c.ch.RecvHeld()
	if err != nil {
		return frame{}, err
	}
	if c.detect && c.layout.Load() == 0 {
		if l, ok := message.DetectLayout(data); ok {
			c.setLayout(l)
		}
	}
	return frame{data, held}, nil
}

// setLayout records the layout once it is known.
func (c *Conn) setLayout(l message.Layout) {
	if c.layout.CompareAndSwap(0, uint32(l)) {
		close(c.layoutKnown)
	}
}

// loop is the automatic reader: read, dispatch, repeat.
func (c *Conn) loop() {
	defer close(c.readDone)
	for {
		if d := c.cfg.Limits.IdleTimeout; d > 0 {
			if err := c.ch.AwaitFrame(d); err == channel.ErrIdle {
				if c.busy() {
					continue
				}
				c.log.Info("rpyc: closing idle connection", "idle", d)
				go c.Close()
				return
			} else if err != nil {
				c.readFailed(err)
				return
			}
		}
		f, err := c.recv()
		if err != nil {
			c.readFailed(err)
			return
		}
		if !c.handleFrame(f) {
			return
		}
	}
}

// expectingReply reports whether a call of ours awaits its reply.
func (c *Conn) expectingReply() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending) > 0
}

// busy reports whether anything is in flight in either direction: the
// peer's requests being served or parked, or our calls awaiting replies.
func (c *Conn) busy() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.idle() || len(c.pending) > 0
}

// pump is the manual-mode reader: it only moves frames to dispatchers.
func (c *Conn) pump() {
	defer close(c.readDone)
	for {
		f, err := c.recv()
		if err != nil {
			close(c.frames)
			c.readFailed(err)
			return
		}
		select {
		case c.frames <- f:
		case <-c.done:
			c.budget.Release(f.held)
			return
		}
	}
}

func (c *Conn) readFailed(err error) {
	if c.Closed() {
		return
	}
	if streampkg.IsClosed(err) {
		// The peer went away (an end of stream, a reset, a close in the
		// middle of a frame): a disconnect, not a protocol error.
		c.log.Debug("rpyc: peer went away", "err", err)
		if !errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: %w", io.EOF, err)
		}
		c.shutdown(err)
		return
	}
	c.log.Warn("rpyc: closing connection after read error", "err", err)
	c.shutdown(fmt.Errorf("%w: %w", ErrProtocol, err))
}

// chargeDecode is the decoder's Charge: the values a frame decodes into
// are charged to the budget with the frame, so what a peer's messages
// make us hold is counted as Go memory, not as wire bytes (a tuple of
// one-tuples of None takes 28 times its size once decoded).
func (c *Conn) chargeDecode(n int64) error {
	if err := c.hold.Take(n); err != nil {
		return fmt.Errorf("decoding a %s: %w", "message", err)
	}
	return nil
}

// handleFrame decodes and dispatches one frame. It reports false when the
// connection must stop reading. What the frame holds of the budget goes
// with the request it carries, or is given back here.
func (c *Conn) handleFrame(f frame) bool {
	c.hold = channel.NewIncomingHold(c.budget, c.ctx, c.cfg.Limits.ReadTimeout, f.held)
	data := f.data
	layout := message.Layout(c.layout.Load())
	var m message.Message
	var err error
	if layout == 0 {
		if !c.detect {
			layout = c.cfg.Layout
			c.setLayout(layout)
			m, err = message.DecodeLayout(data, layout, &c.dec)
		} else {
			m, layout, err = message.Decode(data, &c.dec)
			if err == nil {
				c.setLayout(layout)
			}
		}
	} else {
		m, err = message.DecodeLayout(data, layout, &c.dec)
	}
	if err != nil {
		c.hold.Release()
		if errors.Is(err, channel.ErrBudget) || c.Closed() {
			if !c.Closed() {
				c.log.Warn("rpyc: closing connection: a message decodes past the memory budget", "err", err, "len", len(data))
			}
			c.shutdown(fmt.Errorf("%w: %w", ErrProtocol, err))
			return false
		}
		// Python 5.3 sends HANDLE_CLOSE and closes on a message it cannot
		// read; so do we, with a log line naming the problem.
		c.log.Warn("rpyc: closing connection: undecodable message", "err", err, "len", len(data))
		if c.layout.Load() != 0 {
			_ = c.sendRequest(message.HandleClose, nil, brine.Tuple{})
		}
		c.shutdown(fmt.Errorf("%w: %w", ErrProtocol, err))
		return false
	}
	switch m.Type {
	case message.Request:
		return c.handleRequest(m.Seq, m.Payload, c.hold.Held())
	case message.Reply, message.Exception:
		c.handleReply(m)
	}
	c.hold.Release()
	return true
}

// Serve dispatches incoming messages until at least one has been handled
// or ctx ends, for connections driven by hand (see NewConn). On a started
// connection it only waits for ctx or the end of the connection.
func (c *Conn) Serve(ctx context.Context) error {
	c.startManual()
	if c.auto.Load() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.done:
			return c.Err()
		}
	}
	_, err := c.serveOne(ctx, nil)
	return err
}

// ServeAll dispatches messages until the connection ends, then returns nil
// if this side closed it, else the reason. Python's serve_all.
func (c *Conn) ServeAll() error {
	c.startManual()
	if !c.auto.Load() {
		for {
			if _, err := c.serveOne(context.Background(), nil); err != nil {
				break
			}
		}
	}
	<-c.done
	err := c.Err()
	if errors.Is(err, ErrClosedLocally) || errors.Is(err, ErrClosedByPeer) || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// PollAll dispatches every message that arrives until ctx ends, and
// reports whether any was. Python's poll_all.
func (c *Conn) PollAll(ctx context.Context) (bool, error) {
	c.startManual()
	served := false
	for {
		ok, err := c.serveOne(ctx, nil)
		served = served || ok
		if err != nil {
			if ctx.Err() != nil {
				return served, nil
			}
			return served, err
		}
	}
}

// serveOne dispatches one message in manual mode. It returns early (false,
// nil) when stop closes, so a caller waiting for its own reply stops
// dispatching as soon as the reply is in.
func (c *Conn) serveOne(ctx context.Context, stop <-chan struct{}) (bool, error) {
	if c.auto.Load() {
		return false, errors.New("rpyc: connection serves itself (Start was called)")
	}
	select {
	case c.dispatch <- struct{}{}:
	case <-stop:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	case <-c.done:
		return false, c.Err()
	}
	defer func() { <-c.dispatch }()
	select {
	case f, ok := <-c.frames:
		if !ok {
			<-c.done
			return false, c.Err()
		}
		c.handleFrame(f)
		return true, nil
	case <-stop:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	case <-c.done:
		return false, c.Err()
	}
}
