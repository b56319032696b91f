package channel

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Channel sends and receives RPyC frames over a byte stream. Send may be
// called from any number of goroutines; Recv is meant for the single
// goroutine that reads the connection (concurrent calls are serialised but
// would race for frames). Close may be called at any time.
//
// Errors are sticky where continuing would be unsafe: after a failed write,
// or a receive failure that left the stream inside a frame, every later
// call of the same direction returns the first error. A frame that was fully
// read but failed to decompress does not poison the stream.
type Channel struct {
	rw io.ReadWriteCloser
	dl deadliner  // rw's deadlines, or nil
	qa quickAcker // rw's QuickAck, or nil
	s  settings

	// Writes are group-committed: one sender at a time writes (the
	// leader) while others append their frames to pending and wait; the
	// leader then writes everything queued in one Write. Under load this
	// turns many small frames into few syscalls; a lone sender writes at
	// once, with no handoff to another goroutine.
	sendMu     sync.Mutex // protects the following
	sendCond   *sync.Cond // signalled when a batch is written or fails
	sendErr    error
	writing    bool                // a leader is writing
	flushing   bool                // a flush goroutine started by Queue is on its way
	pending    []byte              // frames queued for the next batch
	spare      []byte              // the other buffer, swapped with pending
	batch      uint64              // id of the batch pending is collecting for
	written    uint64              // id of the last batch written
	wscrap     [FrameOverhead]byte // header and trailer for vectored writes
	writeArmed time.Time           // when the write deadline was last moved (writer only)
	// callDeadline caps the write deadline while a SendContext caller
	// writes (unix ns; 0: none); set and read by the writer, under sendMu
	// when it changes.
	callDeadline int64

	recvMu  sync.Mutex
	recvErr error
	br      *bufio.Reader
	rscrap  [HeaderSize]byte
	// Read timeouts (timeouts.go), touched only by the receiving goroutine.
	inFrame   bool
	idleArmed bool
	awaiting  bool // AwaitWhole waits for a frame to begin: no QuickAck

	// AwaitWhole's cut (await.go): cutFn and cutTimer are made once.
	cutMu        sync.Mutex
	cutWaiting   bool
	cutDone      bool
	cutPending   int
	cutFn        func()
	cutTimer     *time.Timer
	readDeadline bool
	readArmed    time.Time

	closed   atomic.Bool
	closeCtx context.Context // cancelled by Close: ends waits for the budget
	cancel   context.CancelFunc
	// writeLimit, when set, is a deadline no write may pass (Close's
	// grace), whatever WriteTimeout would allow; unix nanoseconds.
	writeLimit atomic.Int64
	notified   bool // OnWriteError was called (sendMu)

	// ExpectingReply, if set before the first receive, reports whether this
	// side is waiting for the peer's reply; it lets a stream that can send
	// delayed ACKs at once (see stream.WithQuickAck) do so only then.
	ExpectingReply func() bool

	// OnWriteError, if set before the first send, is called with the error
	// of a write that no caller waited for (frames sent with Queue).
	OnWriteError func(error)
}

// New returns a Channel framing messages over rw. cfg is copied, so later
// changes to it have no effect; nil means [DefaultConfig]. New performs no
// I/O.
func New(rw io.ReadWriteCloser, cfg *Config) *Channel {
	c := &Channel{
		rw:    rw,
		s:     resolve(cfg),
		batch: 1,
	}
	c.dl, _ = rw.(deadliner)
	c.qa, _ = rw.(quickAcker)
	c.closeCtx, c.cancel = context.WithCancel(context.Background())
	c.br = bufio.NewReaderSize(timedReader{c}, readBufferSize)
	c.sendCond = sync.NewCond(&c.sendMu)
	return c
}

// sendBufPool recycles frame buffers across Sends and Channels; a pool
// rather than a per-Channel buffer lets idle connections hold no memory.
var sendBufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}

// Send writes msg as one frame, compressed if the Config says so. It is
// safe for concurrent use: compression runs outside the lock and frames
// are never interleaved. Small and compressed frames go out in a single
// Write; large uncompressed ones are written without copying msg, as
// header, msg and trailer buffers (one writev on a net.Conn).
func (c *Channel) Send(msg []byte) error {
	if c.closed.Load() {
		return fmt.Errorf("channel: send: %w", net.ErrClosed)
	}
	compress := c.s.shouldCompress(msg)
	if !compress && len(msg) >= vectoredWriteMin {
		return c.sendVectored(msg)
	}
	return c.withFrame(msg, compress, c.sendFrame)
}

// withFrame frames msg (compressed when compress says so) into a pooled
// buffer, hands the frame to send and puts the buffer back: the frame
// and pool sequence Send, Queue and Post share. send must be done with
// the frame when it returns (the write queue copies what it keeps).
func (c *Channel) withFrame(msg []byte, compress bool, send func(frame []byte) error) error {
	bp := sendBufPool.Get().(*[]byte)
	frame, err := appendFrame((*bp)[:0], msg, &c.s, compress)
	if err == nil {
		err = send(frame)
	}
	if cap(frame) <= maxPooledBuffer {
		*bp = frame[:0]
		sendBufPool.Put(bp)
	}
	return err
}

// sendFrame writes a complete frame, joining the batch of a leader that is
// already writing, or leading one itself.
func (c *Channel) sendFrame(frame []byte) error {
	c.sendMu.Lock()
	if c.sendErr != nil {
		err := c.sendErr
		c.sendMu.Unlock()
		return err
	}
	if c.writing || len(c.pending) > 0 {
		// Join the queue: a leader is writing, or frames queued by Queue
		// are waiting and must go out first, in order.
		if err := c.roomFor(len(frame)); err != nil {
			c.sendMu.Unlock()
			return err
		}
		if !c.writing && len(c.pending) == 0 {
			c.s.budget.Release(int64(len(frame))) // not queued after all
			return c.lead(func() error { return c.write(frame) })
		}
		c.pending = append(c.pending, frame...)
		want := c.batch
		if !c.writing {
			return c.leadFor(want)
		}
		return c.waitFor(want)
	}
	return c.lead(func() error { return c.write(frame) })
}

// writeFrames writes a batch of whole frames one frame per write (see
// Config.FrameWrites).
func (c *Channel) writeFrames(buf []byte) error {
	for len(buf) >= HeaderSize {
		n := HeaderSize + int(binary.BigEndian.Uint32(buf[:4])) + 1
		if n > len(buf) {
			n = len(buf)
		}
		if err := c.write(buf[:n]); err != nil {
			return err
		}
		buf = buf[n:]
	}
	if len(buf) > 0 {
		return c.write(buf)
	}
	return nil
}

// roomFor waits (sendMu held) until n more bytes fit the write queue
// (MaxQueuedBytes), writing the queue itself when no leader is. A frame
// larger than the whole queue waits for the queue to be empty. It returns
// the send error if sending failed meanwhile.
func (c *Channel) roomFor(n int) error {
	for c.sendErr == nil && len(c.pending) > 0 && int64(len(c.pending)+n) > c.s.maxQueued {
		if !c.writing {
			_ = c.lead(nil)
			c.sendMu.Lock()
			continue
		}
		c.sendCond.Wait()
	}
	if c.sendErr != nil {
		return c.sendErr
	}
	// Queued bytes are also charged to the shared budget, if any; the
	// charge is given back when they are written (flushPending).
	if b := c.s.budget; b != nil && !b.TryAcquire(int64(n)) {
		c.sendMu.Unlock()
		ch := Hold{b: b, ctx: c.closeCtx, wait: c.s.writeTimeout}
		err := ch.take(int64(n))
		c.sendMu.Lock()
		if err != nil {
			return err
		}
		if c.sendErr != nil {
			b.Release(int64(n))
			return c.sendErr
		}
	}
	return nil
}

// Flush writes the frames Queue left waiting, and returns when they are
// written or sending failed.
func (c *Channel) Flush() error {
	c.sendMu.Lock()
	for c.writing && c.sendErr == nil {
		c.sendCond.Wait()
	}
	if c.sendErr != nil || len(c.pending) == 0 {
		err := c.sendErr
		c.sendMu.Unlock()
		return err
	}
	return c.lead(nil)
}

// waitFor waits (sendMu held) until batch want is written or sending
// failed, and returns with sendMu released.
func (c *Channel) waitFor(want uint64) error {
	for c.written < want && c.sendErr == nil {
		c.sendCond.Wait()
	}
	var err error
	if c.written < want {
		err = c.sendErr
	}
	c.sendMu.Unlock()
	return err
}

// leadFor leads (sendMu held, no leader) to write what is queued, then
// reports on batch want.
func (c *Channel) leadFor(want uint64) error {
	_ = c.lead(nil)
	c.sendMu.Lock()
	return c.waitFor(want)
}

// Queue sends msg without waiting for the write: the frame joins the
// queue, and a leader (another sender, or a goroutine started here) writes
// it with whatever else is queued by then. A burst of queued messages thus
// goes out in a few large writes instead of one syscall (and one TCP
// segment the peer must process) each. Frames keep their order with those
// of Send. A write error is reported to OnWriteError, and by later calls.
func (c *Channel) Queue(msg []byte) error {
	if c.closed.Load() {
		return fmt.Errorf("channel: send: %w", net.ErrClosed)
	}
	return c.withFrame(msg, c.s.shouldCompress(msg), c.queueFrame)
}

// queueFrame adds frame to the write queue, starting a flush when no
// sender is writing.
func (c *Channel) queueFrame(frame []byte) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	if err := c.roomFor(len(frame)); err != nil {
		return err
	}
	c.pending = append(c.pending, frame...)
	if !c.writing && !c.flushing {
		c.flushing = true
		go c.flush()
	}
	return nil
}

// Post sends msg without waiting behind another sender: when nobody is
// writing, it writes the frame itself, at once (as Send would); when a
// sender is writing, the frame joins the queue that sender writes next,
// and Post returns (as Queue would, but with no goroutine to start). It
// is for a goroutine that must go back to reading (the reader answering
// a request on its own): it never waits for another sender's write, only
// for room in the queue (MaxQueuedBytes) or for its own write. A write
// error is returned when Post wrote, else reported to OnWriteError.
func (c *Channel) Post(msg []byte) error {
	if c.closed.Load() {
		return fmt.Errorf("channel: send: %w", net.ErrClosed)
	}
	return c.withFrame(msg, c.s.shouldCompress(msg), c.postFrame)
}

// postFrame is Post's write of a framed message.
func (c *Channel) postFrame(frame []byte) error {
	c.sendMu.Lock()
	if c.sendErr != nil {
		err := c.sendErr
		c.sendMu.Unlock()
		return err
	}
	if !c.writing {
		// Nobody writes: write now, after what Queue left, in order.
		return c.lead(func() error { return c.write(frame) })
	}
	if err := c.roomFor(len(frame)); err != nil {
		c.sendMu.Unlock()
		return err
	}
	if !c.writing {
		// The writer finished while we waited for room.
		c.s.budget.Release(int64(len(frame)))
		return c.lead(func() error { return c.write(frame) })
	}
	// The writer flushes everything queued before it lets go (lead).
	c.pending = append(c.pending, frame...)
	c.sendMu.Unlock()
	return nil
}

// flush writes what Queue left, unless a sender already did.
func (c *Channel) flush() {
	c.sendMu.Lock()
	c.flushing = false
	if c.writing || len(c.pending) == 0 || c.sendErr != nil {
		c.sendMu.Unlock()
		return
	}
	_ = c.lead(nil) // a failure reaches OnWriteError
}

// lead is called with sendMu held and no leader: it writes what is queued,
// then first (if not nil), then everything other senders queued meanwhile,
// batch by batch. It returns first's error, or the error of a queued batch
// when first is nil, with sendMu released.
func (c *Channel) lead(first func() error) error {
	c.writing = true
	c.flushPending()
	var ownErr error
	ran := false
	if first != nil && c.sendErr == nil {
		c.sendMu.Unlock()
		err := first()
		c.sendMu.Lock()
		ownErr = c.fail(err)
		ran = true
	}
	c.flushPending()
	if !ran {
		// No frame of ours, or one never written because frames queued
		// before it failed: report the send error.
		ownErr = c.sendErr
	}
	c.writing = false
	c.yieldWriter()
	return ownErr
}

// yieldWriter ends a writer's turn (sendMu held, c.writing already
// cleared): waiters are woken and OnWriteError hears of a failure once,
// whoever's write found it (frames queued without a waiting caller may
// have been lost). It returns with sendMu released.
func (c *Channel) yieldWriter() {
	if cap(c.spare) > maxPooledBuffer {
		c.spare = nil
	}
	c.sendCond.Broadcast()
	notify := c.sendErr != nil && !c.notified && c.OnWriteError != nil
	if notify {
		c.notified = true
	}
	err := c.sendErr
	c.sendMu.Unlock()
	if notify {
		c.OnWriteError(err)
	}
}

// flushPending writes queued batches until none is left (sendMu held; it
// is released around each write).
func (c *Channel) flushPending() {
	for c.sendErr == nil && len(c.pending) > 0 {
		buf := c.pending
		c.pending, c.spare = c.spare[:0], buf
		id := c.batch
		c.batch++
		c.sendMu.Unlock()
		var err error
		if c.s.frameWrites {
			err = c.writeFrames(buf)
		} else {
			err = c.write(buf)
		}
		c.s.budget.Release(int64(len(buf)))
		c.sendMu.Lock()
		if c.fail(err) == nil {
			c.written = id
		}
		c.sendCond.Broadcast()
	}
}

// fail records a write error as the sticky send error (sendMu held) and
// returns it.
func (c *Channel) fail(err error) error {
	if err == nil {
		return c.sendErr
	}
	if c.sendErr == nil {
		if c.closed.Load() {
			err = net.ErrClosed
		}
		c.sendErr = fmt.Errorf("channel: send: %w", err)
		// Nothing queued will be written now: give its budget back.
		c.s.budget.Release(int64(len(c.pending)))
		c.pending = c.pending[:0]
	}
	return c.sendErr
}

func (c *Channel) sendVectored(msg []byte) error {
	if uint64(len(msg)) > maxWireBody {
		return frameTooLargeToSend(uint64(len(msg)))
	}
	c.sendMu.Lock()
	for c.writing && c.sendErr == nil {
		c.sendCond.Wait()
	}
	if c.sendErr != nil {
		err := c.sendErr
		c.sendMu.Unlock()
		return err
	}
	return c.lead(func() error {
		h := &c.wscrap
		binary.BigEndian.PutUint32(h[:4], uint32(len(msg)))
		h[4], h[5] = 0, Trailer
		return c.writeBuffers(net.Buffers{h[:HeaderSize], msg, h[HeaderSize:]})
	})
}

// Recv returns the next non-empty message, decompressed, in a freshly
// allocated slice the caller owns. Empty frames are skipped, as rpyc's
// Connection ignores them. At a clean end of stream it returns io.EOF; an
// end inside a frame gives an error wrapping io.ErrUnexpectedEOF. Call it
// from one goroutine.
func (c *Channel) Recv() ([]byte, error) {
	msg, held, err := c.RecvHeld()
	c.s.budget.Release(held)
	return msg, err
}

// RecvHeld is Recv for callers that go on holding the message's memory
// (decoding it, serving the request it carries): held is what the
// message still takes of Config.Budget, which the caller must give back
// with Budget.Release once the message and what was decoded from it are
// no longer needed. Without a Budget, held is 0.
func (c *Channel) RecvHeld() (msg []byte, held int64, err error) {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	for {
		if c.recvErr != nil {
			return nil, 0, c.recvErr
		}
		if c.closed.Load() {
			return nil, 0, fmt.Errorf("channel: recv: %w", net.ErrClosed)
		}
		// Wait for the frame's first byte without a deadline; from there
		// on, every read must make progress within ReadTimeout.
		if _, err := c.br.Peek(1); err != nil && c.br.Buffered() == 0 {
			if c.closed.Load() {
				return nil, 0, fmt.Errorf("channel: recv: %w", net.ErrClosed)
			}
			if err == io.EOF {
				c.recvErr = err
			}
			return nil, 0, err
		}
		c.inFrame = true
		ch := Hold{b: c.s.budget, ctx: c.closeCtx, wait: c.s.readTimeout, incoming: true}
		msg, started, err := readFrame(c.br, &c.s, &c.rscrap, &ch)
		c.inFrame = false
		if err != nil {
			if c.closed.Load() {
				return nil, 0, fmt.Errorf("channel: recv: %w", net.ErrClosed)
			}
			if err == io.EOF || (started && !isDecodeError(err)) {
				c.recvErr = err
			}
			return nil, 0, err
		}
		if len(msg) > 0 {
			return msg, ch.n, nil
		}
		ch.release()
	}
}

// isDecodeError reports errors raised after the whole frame was consumed,
// which leave the stream usable.
func isDecodeError(err error) bool {
	return errors.Is(err, ErrBadCompression) || errors.Is(err, ErrInflatedTooLarge)
}

// Buffered returns how many bytes of later frames have been read from the
// stream and wait in the receive buffer: more is already there to
// receive. Call it from the receiving goroutine only.
func (c *Channel) Buffered() int { return c.br.Buffered() }

// Budget returns the budget frames are charged to (Config.Budget), to
// which RecvHeld's held bytes are given back.
func (c *Channel) Budget() *Budget { return c.s.budget }

// Stream returns the stream the channel frames.
func (c *Channel) Stream() io.ReadWriteCloser { return c.rw }

// quickAcker is a stream that can send a delayed ACK at once.
type quickAcker interface{ QuickAck() }

// Close closes the underlying stream, which for a net.Conn or net.Pipe also
// unblocks pending Send and Recv calls. It is
// idempotent: the first call returns the stream's Close error, later calls
// return nil. Send and Recv fail with an error wrapping net.ErrClosed
// afterwards.
func (c *Channel) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	c.cancel()
	return c.rw.Close()
}

// LimitWrites makes every write, from now on, fail once deadline has
// passed, whatever WriteTimeout would allow: a connection being closed
// gives its last writes a bounded grace, even to a peer that stopped
// reading. It needs a stream with SetWriteDeadline.
func (c *Channel) LimitWrites(deadline time.Time) {
	c.writeLimit.Store(deadline.UnixNano())
	if c.dl != nil {
		_ = c.dl.SetWriteDeadline(deadline)
	}
}
