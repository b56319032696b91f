package vinegar

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
)

// ErrMalformed is matched (errors.Is) by the error Load returns for a
// payload that is neither StopIteration, a string, nor a well-formed
// exception tuple. The message names what was wrong. It is separate from
// brine.ErrMalformed: the brine frame itself decoded fine, so the
// connection is still sound and only this one reply is unusable.
var ErrMalformed = errors.New("vinegar: malformed exception payload")

// kindClass picks the Python class for a plain Go error from the standard
// error values it wraps, the way Python code would raise them; ok is false
// when nothing matches (Dump then sends RuntimeError).
func kindClass(err error) (c *Class, ok bool) {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return ErrTimeoutError, true
	case errors.Is(err, fs.ErrNotExist):
		return ErrFileNotFoundError, true
	case errors.Is(err, fs.ErrExist):
		return ErrFileExistsError, true
	case errors.Is(err, fs.ErrPermission):
		return ErrPermissionError, true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrEOFError, true
	case errors.Is(err, errors.ErrUnsupported):
		return ErrNotImplementedError, true
	}
	// net.Error and friends report timeouts through this method.
	var t interface{ Timeout() bool }
	if errors.As(err, &t) && t.Timeout() {
		return ErrTimeoutError, true
	}
	return nil, false
}
