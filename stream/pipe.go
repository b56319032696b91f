package stream

import (
	"io"
	"net"
	"os"
	"reflect"
	"sync"
	"time"
)

// pipeNetwork is the network name reported by Pipe addresses and errors.
const pipeNetwork = "pipe"

// pipeChunk is the largest piece a pumped Read or Write moves at once.
const pipeChunk = 64 << 10

// readDeadliner is implemented by readers with native deadline support,
// such as *os.File for pipes and sockets.
type readDeadliner interface {
	SetReadDeadline(time.Time) error
}

// writeDeadliner is implemented by writers with native deadline support.
type writeDeadliner interface {
	SetWriteDeadline(time.Time) error
}

// Pipe joins a reader and a writer into one stream: RPyC runs over such
// pairs when it talks to a subprocess through its stdin/stdout, or over a
// pair of OS pipes.
//
// If r and w support deadlines natively, as *os.File from os.Pipe or from
// exec.Cmd's StdoutPipe does, Pipe calls them directly and deadlines are
// delegated to them. Otherwise (an io.PipeReader, a file opened in blocking
// mode such as a terminal, any other reader) Pipe moves the data through a
// goroutine per direction, started on first use, so that deadlines and
// Close can still interrupt a waiting Read or Write; a pumped Write copies
// its data and only returns once the underlying Write has accepted it.
//
// Close closes w, so the peer sees end of file, and then r (once if they
// are the same pointer). r and w must allow Close while a Read or Write is
// in progress, as *os.File and io.Pipe do. A pump goroutine ends as soon as
// the underlying call it is in returns; if closing cannot interrupt that
// call (a blocking read from a terminal, say) the goroutine lingers until
// the call returns on its own, although the caller's Read or Write has
// already failed with net.ErrClosed.
func Pipe(r io.ReadCloser, w io.WriteCloser) net.Conn {
	c := &pipeConn{
		r:        r,
		w:        w,
		closed:   make(chan struct{}),
		rwant:    make(chan struct{}, 1),
		wsem:     make(chan struct{}, 1),
		wreq:     make(chan []byte, 1),
		wdone:    make(chan pipeWriteResult, 1),
		sameFile: samePointer(r, w),
	}
	// Probe with the zero time, which clears any deadline: an *os.File that
	// is not pollable reports os.ErrNoDeadline here and gets pumped instead.
	if d, ok := r.(readDeadliner); ok && d.SetReadDeadline(time.Time{}) == nil {
		c.rdl = d
	}
	if d, ok := w.(writeDeadliner); ok && d.SetWriteDeadline(time.Time{}) == nil {
		c.wdl = d
	}
	return c
}

// Stdio returns the process's standard input and output as one stream,
// for an RPyC server started by a parent process that talks to it over
// pipes (for example through ssh). Close closes os.Stdin and os.Stdout,
// which tells the parent the connection is over.
//
// Nothing else in the process may read os.Stdin or write os.Stdout while the
// stream is in use, or the RPyC frames will be corrupted. Note also that Go
// kills a process that writes to a broken pipe on standard output unless it
// has called signal.Notify or signal.Ignore for SIGPIPE; a server that wants
// to see the write error instead must arrange that itself.
func Stdio() net.Conn {
	return Pipe(os.Stdin, os.Stdout)
}

// samePointer reports whether a and b are the same pointer, so that Close
// does not close one object twice. Other kinds of values are never
// compared, since comparing them can panic.
func samePointer(a, b any) bool {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta == nil || ta != tb || ta.Kind() != reflect.Pointer {
		return false
	}
	return a == b
}

// pipeWriteResult is what the write pump reports for one chunk.
type pipeWriteResult struct {
	n   int
	err error
}

// pipeConn is the net.Conn returned by Pipe.
type pipeConn struct {
	r        io.ReadCloser
	w        io.WriteCloser
	rdl      readDeadliner  // r, if it supports deadlines; else reads are pumped
	wdl      writeDeadliner // w, if it supports deadlines; else writes are pumped
	sameFile bool           // r and w are one object: close it once

	closeOnce sync.Once
	closed    chan struct{} // closed by Close
	closeErr  error

	// Read pump, used when rdl is nil.
	rd       deadline
	rmu      sync.Mutex
	rstarted bool          // the pump goroutine was started
	rdata    []byte        // bytes handed over by the pump, not yet read
	rerr     error         // the error that ended the pump
	rchanged chan struct{} // closed when rdata or rerr change, if anyone waits
	rwant    chan struct{} // tells the pump that rdata was consumed

	// Write pump, used when wdl is nil. The fields below wsem are only
	// touched by the goroutine holding the wsem token.
	wd        deadline
	wsem      chan struct{} // one token: serializes Writes
	wreq      chan []byte   // chunk for the pump to write
	wdone     chan pipeWriteResult
	wstarted  bool
	winflight bool   // a chunk was sent to the pump and its result not yet received
	wbuf      []byte // copy of the caller's data, owned by the pump while in flight
	werr      error  // sticky error of the underlying writer
}

var _ net.Conn = (*pipeConn)(nil)

// Read reads from the underlying reader.
func (c *pipeConn) Read(p []byte) (int, error) {
	if closedChan(c.closed) {
		return 0, errClosed("read", pipeNetwork)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if c.rdl != nil {
		n, err := c.r.Read(p)
		if err != nil {
			err = c.mapErr("read", err)
		}
		return n, err
	}
	return c.pumpRead(p)
}

// mapErr converts an error of the underlying reader or writer into the
// form this package promises.
func (c *pipeConn) mapErr(op string, err error) error {
	if closedChan(c.closed) {
		return errClosed(op, pipeNetwork)
	}
	return opError(op, pipeNetwork, err)
}

// pumpRead waits for data from the read pump.
func (c *pipeConn) pumpRead(p []byte) (int, error) {
	for {
		if closedChan(c.closed) {
			return 0, errClosed("read", pipeNetwork)
		}
		if c.rd.expired() {
			return 0, errTimeout("read", pipeNetwork)
		}
		c.rmu.Lock()
		if !c.rstarted {
			c.rstarted = true
			go c.readLoop()
		}
		if len(c.rdata) > 0 {
			n := copy(p, c.rdata)
			c.rdata = c.rdata[n:]
			if len(c.rdata) == 0 {
				select {
				case c.rwant <- struct{}{}:
				default:
				}
			}
			c.rmu.Unlock()
			return n, nil
		}
		if c.rerr != nil {
			err := c.rerr
			c.rmu.Unlock()
			return 0, c.mapErr("read", err)
		}
		if c.rchanged == nil {
			c.rchanged = make(chan struct{})
		}
		ch := c.rchanged
		c.rmu.Unlock()
		select {
		case <-ch:
		case <-c.closed:
		case <-c.rd.wait():
		}
	}
}

// readLoop is the read pump: it reads one chunk at a time from r and hands
// it to Read, waiting until the chunk is consumed before reading more, so
// the pump never reads far ahead of the caller.
func (c *pipeConn) readLoop() {
	buf := make([]byte, pipeChunk)
	for {
		n, err := c.r.Read(buf)
		c.rmu.Lock()
		c.rdata = buf[:n]
		c.rerr = err
		if c.rchanged != nil {
			close(c.rchanged)
			c.rchanged = nil
		}
		c.rmu.Unlock()
		if err != nil {
			return // buf now belongs to Read; it is never reused
		}
		if n == 0 {
			continue
		}
		select {
		case <-c.rwant:
		case <-c.closed:
			return
		}
	}
}

// Write writes all of p to the underlying writer.
func (c *pipeConn) Write(p []byte) (int, error) {
	if closedChan(c.closed) {
		return 0, errClosed("write", pipeNetwork)
	}
	if c.wdl != nil {
		n, err := c.w.Write(p)
		if err != nil {
			err = c.mapErr("write", err)
		}
		return n, err
	}
	return c.pumpWrite(p)
}

// pumpWrite hands p, one copied chunk at a time, to the write pump and
// waits for each chunk to be written.
func (c *pipeConn) pumpWrite(p []byte) (int, error) {
	if err := acquireWrite(c.wsem, c.closed, &c.wd, pipeNetwork); err != nil {
		return 0, err
	}
	defer func() { <-c.wsem }()

	if c.winflight {
		// An earlier Write timed out with a chunk still being written;
		// its outcome decides whether the stream is still usable.
		if _, err := c.waitWrite(); err != nil {
			return 0, err
		}
	}
	if c.werr != nil {
		return 0, c.werr
	}
	if !c.wstarted {
		c.wstarted = true
		c.wbuf = make([]byte, pipeChunk)
		go c.writeLoop()
	}
	n := 0
	for n < len(p) {
		if closedChan(c.closed) {
			return n, errClosed("write", pipeNetwork)
		}
		if c.wd.expired() {
			return n, errTimeout("write", pipeNetwork)
		}
		m := copy(c.wbuf, p[n:])
		c.winflight = true
		c.wreq <- c.wbuf[:m] // never blocks: the pump is idle
		written, err := c.waitWrite()
		n += written
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// waitWrite waits for the pump to finish the chunk in flight, for the
// write deadline, or for Close. Callers hold the wsem token.
func (c *pipeConn) waitWrite() (int, error) {
	select {
	case res := <-c.wdone:
		c.winflight = false
		if res.err != nil {
			c.werr = c.mapErr("write", res.err)
			return res.n, c.werr
		}
		return res.n, nil
	case <-c.closed:
		return 0, errClosed("write", pipeNetwork)
	case <-c.wd.wait():
		return 0, errTimeout("write", pipeNetwork)
	}
}

// writeLoop is the write pump: it writes the chunks Write hands it until
// the stream is closed.
func (c *pipeConn) writeLoop() {
	for {
		select {
		case b := <-c.wreq:
			n, err := c.w.Write(b)
			if err == nil && n < len(b) {
				err = io.ErrShortWrite
			}
			c.wdone <- pipeWriteResult{n, err} // never blocks: one chunk in flight
		case <-c.closed:
			return
		}
	}
}

// Close closes the writer and then the reader, unblocking any Read or Write
// in progress. Only the first call has an effect; later calls return an
// error matching net.ErrClosed.
func (c *pipeConn) Close() error {
	first := false
	c.closeOnce.Do(func() {
		first = true
		close(c.closed)
		c.rd.stop()
		c.wd.stop()
		werr := c.w.Close()
		var rerr error
		if !c.sameFile {
			rerr = c.r.Close()
		}
		if werr != nil {
			c.closeErr = opError("close", pipeNetwork, werr)
		} else if rerr != nil {
			c.closeErr = opError("close", pipeNetwork, rerr)
		}
	})
	if !first {
		return errClosed("close", pipeNetwork)
	}
	return c.closeErr
}

// LocalAddr returns a placeholder address; pipes have none.
func (c *pipeConn) LocalAddr() net.Addr { return pipeAddr(pipeNetwork) }

// RemoteAddr returns a placeholder address; pipes have none.
func (c *pipeConn) RemoteAddr() net.Addr { return pipeAddr(pipeNetwork) }

// SetDeadline sets both the read and the write deadline.
func (c *pipeConn) SetDeadline(t time.Time) error {
	rerr := c.SetReadDeadline(t)
	werr := c.SetWriteDeadline(t)
	if rerr != nil {
		return rerr
	}
	return werr
}

// SetReadDeadline sets the time after which Read fails with a timeout.
func (c *pipeConn) SetReadDeadline(t time.Time) error {
	if closedChan(c.closed) {
		return errClosed("set deadline", pipeNetwork)
	}
	if c.rdl != nil {
		if err := c.rdl.SetReadDeadline(t); err != nil {
			return c.mapErr("set deadline", err)
		}
		return nil
	}
	c.rd.set(t)
	return nil
}

// SetWriteDeadline sets the time after which Write fails with a timeout.
func (c *pipeConn) SetWriteDeadline(t time.Time) error {
	if closedChan(c.closed) {
		return errClosed("set deadline", pipeNetwork)
	}
	if c.wdl != nil {
		if err := c.wdl.SetWriteDeadline(t); err != nil {
			return c.mapErr("set deadline", err)
		}
		return nil
	}
	c.wd.set(t)
	return nil
}
