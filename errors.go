package rpyc

import (
	"context"
	"errors"
	"fmt"

	"github.com/rpyc-go/rpyc/internal/pyobj"
)

// ErrClosed is matched by every error caused by a closed connection: calls
// made after Close, and calls that were pending when the connection ended.
// The error also wraps the cause (io.EOF when the peer vanished, the read
// error, or ErrClosedLocally).
var ErrClosed = errors.New("rpyc: connection closed")

// ErrClosedLocally is the cause recorded when this side called Close.
var ErrClosedLocally = errors.New("closed by this side")

// ErrClosedByPeer is the cause recorded when the peer sent HANDLE_CLOSE.
var ErrClosedByPeer = errors.New("closed by the peer (HANDLE_CLOSE)")

// ErrTooManyPending is matched by the error of a request made while
// Limits.MaxPending of ours already await the peer's replies.
var ErrTooManyPending = errors.New("rpyc: too many requests awaiting replies")

// ErrReleased is returned by operations on a Netref after Release.
var ErrReleased = errors.New("rpyc: netref already released")

// ErrProtocol is matched by errors about a peer that broke the protocol
// (undecodable frames, unknown message types). The connection is closed.
var ErrProtocol = errors.New("rpyc: protocol error")

// ErrTimeout is returned when a call outlives Config.SyncRequestTimeout or
// an AsyncResult's expiry: Python's AsyncResultTimeout. It matches
// context.DeadlineExceeded too, and net-style callers see Timeout() true.
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string   { return "rpyc: result expired (AsyncResultTimeout)" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
func (timeoutError) Is(target error) bool {
	return target == context.DeadlineExceeded
}

// PingError is returned by Ping when the echo differs from what was sent.
type PingError struct {
	Sent, Got any
}

// Error says the echo did not match.
func (e *PingError) Error() string {
	return "rpyc: ping: echo mismatches sent data"
}

// TypeError is returned by the conversion helpers (As, and argument
// conversion) when a value cannot become the Go type asked for: Want is
// the Go type wanted, Got the value offered, and Msg, when set, the whole
// message.
type TypeError = pyobj.TypeError

func closedError(cause error) error {
	if cause == nil {
		return ErrClosed
	}
	return fmt.Errorf("%w: %w", ErrClosed, cause)
}
