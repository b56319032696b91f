package channel

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// deadliner is the part of net.Conn that read and write timeouts need.
type deadliner interface {
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

// writeChunk is how much one write may carry when a write timeout is set:
// the deadline is moved forward before each chunk, so a slow peer that
// keeps reading is never cut off, and one that stopped is, after
// WriteTimeout.
const writeChunk = 1 << 20

// write writes p to the stream, enforcing the write timeout as "no
// progress for WriteTimeout" when the stream supports deadlines.
func (c *Channel) write(p []byte) error {
	_, err := c.writeN(p)
	if err != nil {
		return c.writeTimeoutError(err)
	}
	return nil
}

// writeN is write reporting how much was written, with the stream's
// error as it is (a deadline's os.ErrDeadlineExceeded unwrapped), for a
// caller that tells the write timeout from its own deadline.
func (c *Channel) writeN(p []byte) (int, error) {
	if (c.s.writeTimeout <= 0 && c.writeLimit.Load() == 0 && c.callDeadline == 0) || c.dl == nil {
		return c.rw.Write(p)
	}
	total := 0
	for len(p) > 0 {
		n := min(len(p), writeChunk)
		c.armWrite()
		m, err := c.rw.Write(p[:n])
		total += m
		if err != nil {
			return total, err
		}
		p = p[m:]
	}
	return total, nil
}

// writeBuffers writes header, message and trailer, as write does.
func (c *Channel) writeBuffers(bufs net.Buffers) error {
	if (c.s.writeTimeout <= 0 && c.writeLimit.Load() == 0) || c.dl == nil {
		_, err := bufs.WriteTo(c.rw)
		return err
	}
	for _, b := range bufs {
		if err := c.write(b); err != nil {
			return err
		}
	}
	return nil
}

// armWrite moves the write deadline forward. Moving it costs a timer
// update, so it is only moved when an eighth of the timeout has passed
// since the last time: a write gets between 7/8 and all of WriteTimeout.
func (c *Channel) armWrite() {
	now := time.Now()
	if !c.writeArmed.IsZero() && now.Sub(c.writeArmed) < c.s.writeTimeout/8 {
		return
	}
	c.writeArmed = now
	var d time.Time
	if c.s.writeTimeout > 0 {
		d = now.Add(c.s.writeTimeout)
	}
	if lim := c.writeLimit.Load(); lim != 0 && (d.IsZero() || d.UnixNano() > lim) {
		d = time.Unix(0, lim) // LimitWrites: Close's grace
	}
	if cd := c.callDeadline; cd != 0 && (d.IsZero() || d.UnixNano() > cd) {
		d = time.Unix(0, cd) // SendContext: the caller's deadline
	}
	_ = c.dl.SetWriteDeadline(d)
}

func (c *Channel) writeTimeoutError(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("peer read nothing for %v (WriteTimeout): %w", c.s.writeTimeout, ErrStalled)
	}
	return err
}

// ErrStalled is matched by errors of a peer that stopped making progress:
// no byte read by it for WriteTimeout, or none sent inside a frame for
// ReadTimeout. The connection cannot be used any more.
var ErrStalled = errors.New("channel: peer stalled")

// ErrIdle is returned by AwaitFrame when no frame began within the time
// given. The stream is still usable.
var ErrIdle = errors.New("channel: idle")

// timedReader sits under the Channel's bufio.Reader and applies the read
// timeout to reads made inside a frame.
type timedReader struct{ c *Channel }

func (t timedReader) Read(p []byte) (int, error) {
	c := t.c
	// About to wait for data: if the peer may be holding some back until
	// it sees our ACK (Nagle's algorithm, on in Python's sockets), send
	// the ACK now instead of after the kernel's delayed-ACK timer (40 ms).
	// That is so inside a frame, or between frames while we wait for a
	// reply; an idle server waiting for requests does not need it.
	if c.qa != nil && (c.inFrame || c.ExpectingReply != nil && c.ExpectingReply()) {
		c.qa.QuickAck()
	}
	if c.dl != nil {
		switch {
		case c.inFrame && c.s.readTimeout > 0:
			now := time.Now()
			if now.Sub(c.readArmed) >= c.s.readTimeout/8 || !c.readDeadline {
				c.readArmed = now
				c.readDeadline = true
				_ = c.dl.SetReadDeadline(now.Add(c.s.readTimeout))
			}
		case !c.inFrame && c.readDeadline && !c.idleArmed:
			c.readDeadline = false
			_ = c.dl.SetReadDeadline(time.Time{})
		}
	}
	n, err := c.rw.Read(p)
	if err != nil && c.inFrame && errors.Is(err, os.ErrDeadlineExceeded) {
		err = fmt.Errorf("no byte of a started frame for %v (ReadTimeout): %w", c.s.readTimeout, ErrStalled)
	}
	return n, err
}

// AwaitFrame waits up to d for the next frame to begin (its first byte to
// arrive, or be buffered already) and returns nil, ErrIdle when none did,
// or the stream's error. It lets a connection close itself after an idle
// period; Recv reads the frame afterwards. Call it from the receiving
// goroutine only. It needs a stream with deadlines; without, it waits.
func (c *Channel) AwaitFrame(d time.Duration) error {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	if c.recvErr != nil {
		return c.recvErr
	}
	if c.br.Buffered() > 0 {
		return nil
	}
	if c.dl != nil && d > 0 {
		c.idleArmed = true
		c.readDeadline = true
		// The idle deadline must not stay for the frame that ends the
		// wait: make the frame's first read set its own.
		c.readArmed = time.Time{}
		_ = c.dl.SetReadDeadline(time.Now().Add(d))
	}
	_, err := c.br.Peek(1)
	c.idleArmed = false
	if err == nil {
		return nil
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return ErrIdle
	}
	if err == io.EOF {
		c.recvErr = err
	}
	return err
}
