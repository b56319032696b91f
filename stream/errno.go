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

// IsUnreachable reports whether err means the peer stopped answering
// without closing: TCP gave up on it (keep-alive probes unanswered,
// TCP_USER_TIMEOUT passed: ETIMEDOUT) or the network to it is gone
// (EHOSTUNREACH, ENETUNREACH, EHOSTDOWN). The stream is dead, and the
// peer may be alive behind a partition.
func IsUnreachable(err error) bool {
	return errors.Is(err, syscall.ETIMEDOUT) ||
		errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) ||
		errors.Is(err, syscall.EHOSTDOWN)
}
