package rpyc

import (
	"errors"
	"fmt"
)

// ErrStale is matched by the error of every operation on a retired
// connection (see Retire) and on the netrefs it made. A reconnecting
// client retires each connection it replaces, so a netref kept from
// before a reconnect fails at once and says why, instead of waiting on a
// dead connection or, after a redial, reaching whatever object the new
// server keeps under the same id. Such errors also match ErrClosed.
var ErrStale = errors.New("rpyc: stale: its connection was replaced")

// Retire ends the connection if it is still open and marks it replaced:
// from then on every request on it, and every operation on a netref it
// made, fails at once with an error matching ErrStale, ErrClosed, reason
// (when not nil) and, if the connection had already ended, the cause it
// ended with. Calls still waiting on an open connection fail the same
// way. Unlike Close it sends the peer no HANDLE_CLOSE: a connection is
// retired because it is believed dead (the peer sees the stream end).
// Retire is for code that replaces connections (package reconnect); a
// program that is done with a connection calls Close. It is idempotent:
// the first reason is kept.
func (c *Conn) Retire(reason error) {
	st := &staleError{reason: reason}
	c.shutdown(st) // does nothing if the connection had ended
	c.mu.Lock()
	var se *staleError
	if !errors.As(c.cause, &se) {
		c.cause = &staleError{reason: reason, ended: c.cause}
	}
	c.mu.Unlock()
	c.wait()
}

// staleError is the recorded cause of a retired connection.
type staleError struct {
	reason error // why it was replaced; may be nil
	ended  error // the cause it had ended with
}

// Error says it was replaced, why, and how it had ended, without the
// "rpyc:" prefix (closedError adds ErrClosed's).
func (e *staleError) Error() string {
	s := "stale: the connection was replaced"
	if e.reason != nil {
		s += " (" + e.reason.Error() + ")"
	}
	if e.ended != nil && e.ended != ErrClosedLocally {
		s += fmt.Sprintf("; it had ended: %v", e.ended)
	}
	return s
}

// Unwrap lets errors.Is see ErrStale, the reason and the original cause.
func (e *staleError) Unwrap() []error {
	out := []error{ErrStale}
	if e.reason != nil {
		out = append(out, e.reason)
	}
	if e.ended != nil {
		out = append(out, e.ended)
	}
	return out
}
