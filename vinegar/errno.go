//go:build !plan9

package vinegar

import (
	"errors"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// errnoClasses is Python's table from errno to OSError subclass (the one
// its OSError constructor consults), with the local platform's numbers.
// It is filled by assignment because some platforms give two names one
// number (EAGAIN and EWOULDBLOCK on Linux).
var errnoClasses = map[syscall.Errno]*Class{}

func init() {
	for _, m := range []struct {
		c  *Class
		ns []syscall.Errno
	}{
		{ErrBlockingIOError, []syscall.Errno{syscall.EAGAIN, syscall.EALREADY, syscall.EINPROGRESS}},
		{ErrChildProcessError, []syscall.Errno{syscall.ECHILD}},
		{ErrBrokenPipeError, []syscall.Errno{syscall.EPIPE}},
		{ErrConnectionAbortedError, []syscall.Errno{syscall.ECONNABORTED}},
		{ErrConnectionRefusedError, []syscall.Errno{syscall.ECONNREFUSED}},
		{ErrConnectionResetError, []syscall.Errno{syscall.ECONNRESET}},
		{ErrFileExistsError, []syscall.Errno{syscall.EEXIST}},
		{ErrFileNotFoundError, []syscall.Errno{syscall.ENOENT}},
		{ErrIsADirectoryError, []syscall.Errno{syscall.EISDIR}},
		{ErrNotADirectoryError, []syscall.Errno{syscall.ENOTDIR}},
		{ErrInterruptedError, []syscall.Errno{syscall.EINTR}},
		{ErrPermissionError, []syscall.Errno{syscall.EACCES, syscall.EPERM}},
		{ErrProcessLookupError, []syscall.Errno{syscall.ESRCH}},
		{ErrTimeoutError, []syscall.Errno{syscall.ETIMEDOUT}},
		{ErrBlockingIOError, extraBlockingErrnos},
		{ErrBrokenPipeError, extraBrokenPipeErrnos},
	} {
		for _, n := range m.ns {
			errnoClasses[n] = m.c
		}
	}
}

// errnoClass returns the OSError subclass Python picks for errno n, or nil.
func errnoClass(n int64) *Class {
	if n < 0 || n > 1<<31 {
		return nil
	}
	return errnoClasses[syscall.Errno(n)]
}

// findErrno finds an operating-system error number in err's chain and
// returns it with its message in C's strerror style (capitalised).
func findErrno(err error) (int64, string, bool) {
	var en syscall.Errno
	if !errors.As(err, &en) {
		return 0, "", false
	}
	msg := en.Error()
	if r, size := utf8.DecodeRuneInString(msg); size > 0 {
		msg = string(unicode.ToUpper(r)) + msg[size:]
	}
	return int64(en), msg, true
}
