package rpyc

// How a Conn works
//
// A Conn guards the protocol's four tables and the stream they travel on
// (a channel.Channel). Questions are our requests to the peer, awaiting
// their replies (pending, question.go); answers are the peer's requests
// being served by us (admission and workers, answer.go); exports are our
// objects the peer holds references to (exportTable, exports.go); imports
// are the peer's objects we hold as netrefs (importTable, imports.go).
// What the peer may do to our objects, and how Go values answer it, is
// the object model's (internal/pyobj), reached through c.policy.
//
// Three kinds of goroutine touch them:
//
//   - The reader (reader.go). Exactly one goroutine reads frames at a
//     time. In automatic mode (Start, Connect, Dial) it is a loop; in
//     manual mode (serve.go) a pump goroutine only reads frames into a
//     channel and whoever calls Serve, PollAll or waits on a reply
//     dispatches them, one at a time. Dispatching decodes the message and
//     unboxes it in arrival order, so a HANDLE_DEL can never overtake an
//     earlier request that uses the same object (Python's #137), and
//     netref counts stay in step with the peer. Replies are handed to the
//     waiting caller. A request that arrives alone is run by the loop
//     itself, with no hand-off (inline.go): when its handler calls back
//     into the peer, or runs past inlineSlice (1 ms), a new loop goroutine
//     takes over reading and the old one finishes as a worker. Requests
//     that arrive in a burst go to workers. When the loop has delivered a
//     reply and nothing else is under way it parks reading, and the next
//     synchronous caller reads its reply itself (caller_reads.go); a
//     loop starts again when nobody took reading up within parkSlice.
//   - Workers, goroutines that serve the peer's requests, at most
//     Config.MaxInFlight at once; more requests are parked, and past
//     Limits.MaxParkedBytes the reader waits for room: backpressure, not
//     an unbounded queue. A worker whose request calls back into the peer
//     simply waits for the reply, which the reader delivers, so nested
//     callbacks need no serving thread.
//   - Callers: any number of user goroutines making requests; a caller
//     may be the reader for as long as it waits for its reply. Writes are
//     serialised by the channel's own lock (send.go); no Conn lock is held
//     while writing or while user code runs.
//
// Words: a handler is the function that serves one HANDLE_* operation
// (the table in handlers.go); the operation itself is a message.Handler
// number, named op; a worker is a goroutine running handlers.
//
// Shutdown (shutdown) is idempotent and ordered: record the first cause,
// close done, close the channel (which unblocks the reader), fail every
// pending call with ErrClosed wrapping the cause, release the exports,
// then wait for the reader. Workers still running see their context
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
	"github.com/rpyc-go/rpyc/internal/pyobj"
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
	root   any          // what GETROOT returns to the peer
	policy pyobj.Policy // what the peer may do to local objects (Config)
	detect bool         // server side: learn the layout from the first message

	layout      atomic.Uint32 // message.Layout; 0 until known
	bind        atomic.Bool   // messages carry thread ids (threads.go)
	lastRecv    atomic.Int64  // unix ns of the last frame (heartbeat.go)
	lastPingIn  atomic.Int64  // unix ns of the peer's last ping (pingGuard)
	pingStrikes atomic.Int32
	threadSeq   atomic.Int64  // our thread ids (threads.go)
	layoutKnown chan struct{} // closed when layout is set
	seq         atomic.Int64

	// Memory (see Limits.Budget): budget is the channel's, hold what the
	// frame being dispatched holds of it (the reader's alone).
	budget  *Budget
	hold    channel.Hold
	pinning *[]*exportEntry // while the reader unboxes a request: its pins

	mu           sync.Mutex // protects the following
	pending      map[int64]*AsyncResult
	closing      bool
	closeStarted bool // a Close is under way
	cause        error
	remoteRoot   *Netref
	void         *pyobj.Root

	exports exportTable
	imports importTable

	dels drainer[pendingDel] // DELs of collected netrefs, sent by sendDels

	startOnce   sync.Once
	auto        atomic.Bool   // set once by Start, before the loop runs
	frames      chan frame    // manual mode: pump -> dispatchers
	dispatching chan struct{} // manual mode: one-slot lock, held while dispatching

	// Admission of the peer's requests (answer.go), under mu.
	active         int       // workers serving a request
	waitingWorkers int       // workers waiting for the reply to a callback
	parked         []request // requests waiting for a slot, in arrival order
	parkedBytes    int64
	roomWaiters    int
	room           *sync.Cond // signalled when parked requests leave
	drain          bool       // CloseWhenIdle: close once nothing is served

	work         chan request  // hands requests to idle workers
	bigReply     chan struct{} // one large reply encoded at a time
	workers      sync.WaitGroup
	ctx          context.Context // cancelled at shutdown; parent of request contexts
	serveCtx     context.Context // ctx carrying the Conn, made once
	cancel       context.CancelFunc
	done         chan struct{}
	readDone     chan struct{} // closed when reading has ended (closeReadDone)
	readDoneOnce sync.Once

	// Inline serving (inline.go), under mu.
	inline *loopState // the reader running a request itself, until taken over

	// Callers reading their own replies (caller_reads.go), under mu.
	readParked  bool         // nobody reads: the next sync caller may
	parkTimer   *time.Timer  // starts a reader when nobody took reading up
	parkArmed   bool         // parkTimer will fire
	parkedAt    time.Time    // when reading was last parked
	readsTaken  atomic.Int64 // calls that read their own reply (tests)
	callerReads bool         // a caller reads its own reply now

	hooks    []func(*Conn) // run once after shutdown (services' on_disconnect)
	hookOnce sync.Once
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
		dispatching: make(chan struct{}, 1),
		bigReply:    make(chan struct{}, 1),
		layoutKnown: make(chan struct{}),
		budget:      ch.Budget(),
	}
	conn.dec.Charge = conn.chargeDecode
	conn.room = sync.NewCond(&conn.mu)
	conn.ctx, conn.cancel = context.WithCancel(context.Background())
	conn.serveCtx = withConn(conn.ctx, conn)
	conn.ch.ExpectingReply = conn.expectingReply
	conn.ch.OnWriteError = conn.writeFailed // a frame no caller waited for
	conn.policy = policyOf(c)
	conn.bind.Store(c.BindThreads)
	conn.exports.init()
	conn.exports.conn = conn
	conn.imports.init()
	if f, ok := root.(ServiceFactory); ok {
		root = f(conn)
	}
	if root != nil {
		r, err := pyobj.NewRoot(root, ServiceName(root), ServiceAliases(root))
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
		if c.cfg.Heartbeat.Interval > 0 {
			go c.heartbeat()
		}
	})
}

// setServerSide makes the Conn learn its layout from the peer's first
// message instead of using Config.Layout.
func (c *Conn) setServerSide() {
	c.detect = true
	c.bind.Store(false) // learnt from the first message too
}

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

// closeGrace bounds how long Close waits for running workers: they see
// their context cancelled, and most return at once; one that ignores it
// must not hold Close forever. It also bounds the last writes of Close
// and the wait for a reader whose stream does not end its Read on Close.
const closeGrace = 2 * time.Second

// wait blocks until the reader has finished and the workers have, each
// for at most closeGrace. Called from a worker (a service closing its
// own connection), it does not wait for workers: that one would be
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
	if inWorker() {
		return
	}
	done := make(chan struct{})
	go func() {
		c.workers.Wait()
		close(done)
	}()
	t.Reset(closeGrace)
	select {
	case <-done:
	case <-t.C:
		c.log.Warn("rpyc: close: handlers still running after the grace period")
	}
}

// inWorker reports whether the calling goroutine is serving a request:
// whether serveRequest is on its stack, however deep (a worker nested in
// a thousand callbacks has tens of thousands of frames). Only Close asks,
// so the cost of walking the stack does not matter.
func inWorker() bool {
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
	c.exports.clear()
	c.imports.clear()
	c.startOnce.Do(c.closeReadDone) // never started: no reader to wait for
	c.mu.Lock()
	if c.inline != nil {
		// The reader is in a handler and will read no more: reading has
		// ended now, for Close's wait.
		c.closeReadDone()
	}
	if c.readParked {
		// Nobody reads (caller_reads.go), and nobody will.
		c.readParked = false
		c.parkTimer.Stop()
		c.closeReadDone()
	}
	c.mu.Unlock()
	if cause != ErrClosedLocally && cause != nil {
		c.log.Debug("rpyc: connection ended", "cause", cause)
	}
	go func() {
		<-c.readDone
		c.workers.Wait()
		c.hookOnce.Do(func() {
			for _, h := range hooks {
				h(c)
			}
		})
	}()
}

// closeReadDone marks reading as ended, once.
func (c *Conn) closeReadDone() { c.readDoneOnce.Do(func() { close(c.readDone) }) }

// Credentials returns what the server's authenticator recorded for this
// connection (Config.Credentials): for TLS, the verified client
// certificate chain; nil when there was no authenticator.
func (c *Conn) Credentials() any { return c.cfg.Credentials }

// CloseWhenIdle closes the connection as soon as it serves no request
// (at once if it serves none now). Requests that arrive before then are
// served. It is how a server drains a connection on graceful shutdown
// without cutting a call short.
func (c *Conn) CloseWhenIdle() {
	c.mu.Lock()
	c.drain = true
	closeNow := c.idle() && !c.closing
	c.mu.Unlock()
	if closeNow {
		go c.Close()
	}
}
