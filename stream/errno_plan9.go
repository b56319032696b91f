package stream

// isDisconnectErrno reports false: Plan 9 has no errno values to match, and
// its disconnects surface as io.EOF or net.ErrClosed instead.
func isDisconnectErrno(error) bool { return false }

// IsUnreachable reports false on Plan 9, whose errors carry no errno.
func IsUnreachable(error) bool { return false }
