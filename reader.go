package rpyc

// The reader: the one goroutine that reads frames (loop, when the Conn
// serves itself; pump, in manual mode) and dispatches each in arrival
// order: decode it, learn the peer's layout from it, and hand a reply to
// its question (deliverReply) or a request to admission (acceptRequest).

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/stream"
)

// loopState is one automatic reader's own state.
type loopState struct {
	handedOver bool        // another loop reads now (inline.go), or reading is parked (caller_reads.go)
	reply      bool        // the last frame dispatched was a reply
	taken      bool        // its request's reading was taken over (c.mu)
	timer      *time.Timer // takes over after inlineSlice (inline.go)
}

// frame is a message as the reader received it, with what it holds of
// the budget (channel.RecvHeld).
type frame struct {
	data []byte
	held int64
	th   message.Threads // its thread-id prefix, when threads are bound
}

// recv reads the next frame. A server learns its peer's layout from the
// first one here, before it is dispatched, so requests its service makes
// meanwhile (an OnConnect that calls back) go out in that layout.
func (c *Conn) recv() (frame, error) {
	data, held, err := c.ch.RecvHeld()
	if err != nil {
		return frame{}, err
	}
	c.markAlive()
	if c.detect && c.layout.Load() == 0 {
		// A peer with bind_threads on (rpyc 6 only) prefixes every
		// message with thread ids; nothing negotiates it.
		if message.DetectThreads(data) {
			c.bind.Store(true)
			c.setLayout(message.LayoutV6)
		} else if l, ok := message.DetectLayout(data); ok {
			c.setLayout(l)
		}
	}
	f := frame{data: data, held: held}
	if c.bind.Load() {
		th, rest, err := message.SplitThreads(data)
		if err != nil {
			c.budget.Release(held)
			return frame{}, fmt.Errorf("%w (the peer binds threads)", err)
		}
		f.th, f.data = th, rest
	}
	return f, nil
}

// setLayout records the layout once it is known.
func (c *Conn) setLayout(l message.Layout) {
	if c.layout.CompareAndSwap(0, uint32(l)) {
		close(c.layoutKnown)
	}
}

// loop is the automatic reader: read, dispatch, repeat. It ends when the
// connection does, or when it hands reading over to another loop while
// it runs a request (inline.go).
func (c *Conn) loop() { c.loopAfter(nil) }

// firstRequest is a request a caller reading its own reply decoded and
// leaves to a reader goroutine (caller_reads.go).
type firstRequest struct {
	m  message.Message
	th message.Threads
}

// loopAfter is loop, acting first on a request already decoded when
// first is not nil.
func (c *Conn) loopAfter(first *firstRequest) {
	var ls loopState
	defer func() {
		if ls.timer != nil {
			ls.timer.Stop()
		}
		if !ls.handedOver {
			c.closeReadDone()
		}
	}()
	if first != nil && !c.act(first.m, first.th, &ls) {
		return
	}
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
		if !c.dispatch(f, &ls) {
			return
		}
		if ls.reply {
			// A caller has its reply: if nothing else is under way, the
			// next call reads for itself (caller_reads.go).
			c.mu.Lock()
			parked := c.parkReading()
			c.mu.Unlock()
			if parked {
				ls.handedOver = true
				return
			}
		}
	}
}

// expectingReply reports whether a call of ours awaits a reply the peer
// may hold back under Nagle's algorithm until it sees our ACK (the
// channel then sends that ACK at once). A caller reading its own reply
// does not count until it has read something else: its request carried
// the ACK of everything the peer had sent before it, but what came after
// (the reply to a DEL sent just before, say) waits for our delayed ACK,
// and a Python peer holds our reply back behind it for 40 ms.
func (c *Conn) expectingReply() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.pending)
	if c.callerReads {
		n--
	}
	return n > 0
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
	defer c.closeReadDone()
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
	if stream.IsUnreachable(err) {
		// TCP gave up on the peer (keep-alive, TCP_USER_TIMEOUT) or the
		// network to it went: it stopped answering.
		c.log.Info("rpyc: the peer stopped answering", "err", err)
		c.shutdown(fmt.Errorf("%w: %w", ErrPeerUnresponsive, err))
		return
	}
	if stream.IsClosed(err) {
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

// dispatch decodes one frame and hands its message on: a reply to its
// question, a request to admission. It reports false when the
// connection must stop reading. What the frame holds of the budget goes
// with the request it carries, or is given back here.
//
// ls is the automatic reader's state (nil when dispatching by hand): only
// that reader runs requests itself (inline.go).
func (c *Conn) dispatch(f frame, ls *loopState) bool {
	m, ok := c.decode(f)
	if !ok {
		return false
	}
	return c.act(m, f.th, ls)
}

// decode decodes one frame, charging what it decodes into to c.hold. On
// a message it cannot decode it ends the connection and reports false.
func (c *Conn) decode(f frame) (message.Message, bool) {
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
			return m, false
		}
		// Python 5.3 sends HANDLE_CLOSE and closes on a message it cannot
		// read; so do we, with a log line naming the problem.
		c.log.Warn("rpyc: closing connection: undecodable message", "err", err, "len", len(data))
		if c.layout.Load() != 0 {
			_ = c.sendRequest(message.HandleClose, nil, brine.Tuple{})
		}
		c.shutdown(fmt.Errorf("%w: %w", ErrProtocol, err))
		return m, false
	}
	return m, true
}

// act hands a decoded message on (see dispatch).
func (c *Conn) act(m message.Message, th message.Threads, ls *loopState) bool {
	switch m.Type {
	case message.Request:
		if ls != nil {
			ls.reply = false
		}
		return c.acceptRequest(m.Seq, m.Payload, c.hold.Held(), th, ls)
	case message.Reply, message.Exception:
		c.deliverReply(m)
		if ls != nil {
			ls.reply = true
		}
	}
	c.hold.Release()
	return true
}
