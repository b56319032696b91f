package stream

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
)

// IsTimeout reports whether err was caused by an expired read or write
// deadline (or a context deadline), as opposed to a broken stream. The
// RPyC engine uses deadlines to poll, so it must tell the two apart for
// every kind of stream.
func IsTimeout(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// IsClosed reports whether err means the stream can carry no more data: it
// was closed locally (net.ErrClosed), the peer closed it (io.EOF, a broken
// pipe), the connection was reset or aborted, or the peer vanished in the
// middle of a frame (io.ErrUnexpectedEOF). The engine treats all of these
// as an orderly or disorderly disconnect rather than a protocol error.
func IsClosed(err error) bool {
	if err == nil {
		return false
	}
	return errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, fs.ErrClosed) ||
		isDisconnectErrno(err)
}

// opError wraps err the way the standard library wraps connection errors,
// so callers can handle every stream's errors like those of a net.Conn.
// io.EOF is returned unwrapped because callers compare it with ==.
func opError(op, network string, err error) error {
	if err == io.EOF {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the file name adds nothing to "read pipe: ..."
	}
	return &net.OpError{Op: op, Net: network, Err: err}
}

// errClosed is the error of any operation on a stream closed locally.
func errClosed(op, network string) error {
	return &net.OpError{Op: op, Net: network, Err: net.ErrClosed}
}

// errTimeout is the error of an operation whose deadline expired.
func errTimeout(op, network string) error {
	return &net.OpError{Op: op, Net: network, Err: os.ErrDeadlineExceeded}
}
