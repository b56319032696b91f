package stream

import (
	"io"
	"net"
	"sync"
	"time"
)

// MemPipeBufferSize is how many bytes each direction of a MemPipe holds
// before Write blocks. It bounds memory like a socket buffer does while
// letting both ends write at the same time without waiting for each other.
const MemPipeBufferSize = 64 << 10

// memNetwork is the network name reported by MemPipe addresses and errors.
const memNetwork = "mem"

// MemPipe returns the two ends of an in-memory, full-duplex stream. It is
// meant for tests and for connecting an RPyC client and server inside one
// process without sockets.
//
// Unlike net.Pipe, it is buffered: a Write returns as soon as its bytes fit
// in the MemPipeBufferSize buffer of its direction, so both ends (and
// several goroutines on each end) can write concurrently without a reader
// being ready, which is how a socket behaves and what the RPyC engine
// expects. Writes block only while the buffer is full. Concurrent Writes do
// not interleave. Closing one end lets the other read what was already
// buffered and then io.EOF; its Writes then fail with io.ErrClosedPipe.
func MemPipe() (net.Conn, net.Conn) {
	ab, ba := new(memHalf), new(memHalf)
	a := newMemConn(ba, ab)
	b := newMemConn(ab, ba)
	return a, b
}

// memHalf is one direction of a MemPipe: a bounded ring buffer shared by the
// writing end and the reading end.
type memHalf struct {
	mu      sync.Mutex
	buf     []byte        // ring storage, allocated on first write
	start   int           // index of the first unread byte
	n       int           // number of unread bytes
	rclosed bool          // the reading end was closed: writes fail
	wclosed bool          // the writing end was closed: reads drain, then EOF
	changed chan struct{} // closed on the next state change, if anyone waits
}

// waitCh returns a channel closed at the next state change. Callers hold mu.
func (h *memHalf) waitCh() <-chan struct{} {
	if h.changed == nil {
		h.changed = make(chan struct{})
	}
	return h.changed
}

// notify wakes every goroutine waiting for a state change. Callers hold mu.
func (h *memHalf) notify() {
	if h.changed != nil {
		close(h.changed)
		h.changed = nil
	}
}

// put copies as much of p as fits and returns the count. Callers hold mu.
func (h *memHalf) put(p []byte) int {
	if h.buf == nil {
		h.buf = make([]byte, MemPipeBufferSize)
	}
	total := 0
	for len(p) > 0 && h.n < len(h.buf) {
		end := (h.start + h.n) % len(h.buf)
		limit := len(h.buf)
		if end < h.start {
			limit = h.start
		}
		m := copy(h.buf[end:limit], p)
		h.n += m
		total += m
		p = p[m:]
	}
	return total
}

// take copies buffered bytes into p and returns the count. Callers hold mu.
func (h *memHalf) take(p []byte) int {
	total := 0
	for len(p) > 0 && h.n > 0 {
		end := min(h.start+h.n, len(h.buf))
		m := copy(p, h.buf[h.start:end])
		h.start = (h.start + m) % len(h.buf)
		h.n -= m
		total += m
		p = p[m:]
	}
	if h.n == 0 {
		h.start = 0
	}
	return total
}

// memConn is one end of a MemPipe.
type memConn struct {
	rx, tx *memHalf // the directions this end reads from and writes to

	closeOnce sync.Once
	closed    chan struct{} // closed by Close

	rd, wd deadline
	wsem   chan struct{} // one token: serializes Writes so they don't interleave
}

var _ net.Conn = (*memConn)(nil)

// newMemConn makes the end that reads rx and writes tx.
func newMemConn(rx, tx *memHalf) *memConn {
	return &memConn{rx: rx, tx: tx, closed: make(chan struct{}), wsem: make(chan struct{}, 1)}
}

// Read reads buffered bytes sent by the other end, waiting for some if none
// are buffered.
func (c *memConn) Read(p []byte) (int, error) {
	h := c.rx
	for {
		if closedChan(c.closed) {
			return 0, errClosed("read", memNetwork)
		}
		if c.rd.expired() {
			return 0, errTimeout("read", memNetwork)
		}
		h.mu.Lock()
		if h.n > 0 || len(p) == 0 {
			n := h.take(p)
			if n > 0 {
				h.notify()
			}
			h.mu.Unlock()
			return n, nil
		}
		if h.wclosed {
			h.mu.Unlock()
			return 0, io.EOF
		}
		ch := h.waitCh()
		h.mu.Unlock()
		select {
		case <-ch:
		case <-c.closed:
		case <-c.rd.wait():
		}
	}
}

// Write copies p into the buffer toward the other end, waiting for room as
// needed, and returns once all of p is buffered or an error occurs.
func (c *memConn) Write(p []byte) (int, error) {
	if err := acquireWrite(c.wsem, c.closed, &c.wd, memNetwork); err != nil {
		return 0, err
	}
	defer func() { <-c.wsem }()

	h := c.tx
	n := 0
	for {
		if closedChan(c.closed) {
			return n, errClosed("write", memNetwork)
		}
		if c.wd.expired() {
			return n, errTimeout("write", memNetwork)
		}
		h.mu.Lock()
		if h.rclosed {
			h.mu.Unlock()
			return n, opError("write", memNetwork, io.ErrClosedPipe)
		}
		if m := h.put(p[n:]); m > 0 {
			n += m
			h.notify()
		}
		if n == len(p) {
			h.mu.Unlock()
			return n, nil
		}
		ch := h.waitCh()
		h.mu.Unlock()
		select {
		case <-ch:
		case <-c.closed:
		case <-c.wd.wait():
		}
	}
}

// Close closes this end. The other end can still read what this end wrote
// and then gets io.EOF; what the other end wrote but this end did not read
// is discarded. Only the first call has an effect; later calls return an
// error matching net.ErrClosed.
func (c *memConn) Close() error {
	first := false
	c.closeOnce.Do(func() {
		first = true
		close(c.closed)
		c.rd.stop()
		c.wd.stop()

		c.tx.mu.Lock()
		c.tx.wclosed = true
		c.tx.notify()
		c.tx.mu.Unlock()

		c.rx.mu.Lock()
		c.rx.rclosed = true
		c.rx.buf, c.rx.start, c.rx.n = nil, 0, 0
		c.rx.notify()
		c.rx.mu.Unlock()
	})
	if !first {
		return errClosed("close", memNetwork)
	}
	return nil
}

// LocalAddr returns a placeholder address; in-memory streams have none.
func (c *memConn) LocalAddr() net.Addr { return pipeAddr(memNetwork) }

// RemoteAddr returns a placeholder address; in-memory streams have none.
func (c *memConn) RemoteAddr() net.Addr { return pipeAddr(memNetwork) }

// SetDeadline sets both the read and the write deadline.
func (c *memConn) SetDeadline(t time.Time) error {
	if closedChan(c.closed) {
		return errClosed("set deadline", memNetwork)
	}
	c.rd.set(t)
	c.wd.set(t)
	return nil
}

// SetReadDeadline sets the time after which Read fails with a timeout.
func (c *memConn) SetReadDeadline(t time.Time) error {
	if closedChan(c.closed) {
		return errClosed("set deadline", memNetwork)
	}
	c.rd.set(t)
	return nil
}

// SetWriteDeadline sets the time after which Write fails with a timeout.
func (c *memConn) SetWriteDeadline(t time.Time) error {
	if closedChan(c.closed) {
		return errClosed("set deadline", memNetwork)
	}
	c.wd.set(t)
	return nil
}

// pipeAddr is the net.Addr of streams that have no network address; the
// string is both the network name and the address.
type pipeAddr string

// Network returns the kind of stream, "pipe" or "mem".
func (a pipeAddr) Network() string { return string(a) }

// String returns the kind of stream, "pipe" or "mem".
func (a pipeAddr) String() string { return string(a) }
