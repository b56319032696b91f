//go:build !plan9

package stream

import (
	"errors"
	"syscall"
)

// isDisconnectErrno reports whether err carries an operating-system error
// that means the peer is gone.
func isDisconnectErrno(err error) bool {
	return errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED)
}
