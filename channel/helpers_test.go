package channel

import (
	"bytes"
	"io"
	"sync"
)

// memConn is an in-memory io.ReadWriteCloser: writes append to a buffer
// that reads drain. It is not a pipe: Read returns io.EOF when the buffer
// is empty, which suits tests that write everything first.
type memConn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	closed bool
}

func (m *memConn) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, io.ErrClosedPipe
	}
	return m.buf.Write(p)
}

func (m *memConn) Read(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, io.ErrClosedPipe
	}
	return m.buf.Read(p)
}

func (m *memConn) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// readerConn adapts a reader into a Channel stream for receive-only tests.
type readerConn struct {
	io.Reader
}

func (readerConn) Write(p []byte) (int, error) { return len(p), nil }
func (readerConn) Close() error                { return nil }

// discardConn swallows writes and reports EOF on read.
type discardConn struct{}

func (discardConn) Write(p []byte) (int, error) { return len(p), nil }
func (discardConn) Read([]byte) (int, error)    { return 0, io.EOF }
func (discardConn) Close() error                { return nil }
