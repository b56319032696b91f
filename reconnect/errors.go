package reconnect

import "errors"

var (
	// ErrClosed is matched by the error of every call made after Close,
	// and of calls waiting for a connection when Close was called.
	ErrClosed = errors.New("reconnect: client closed")
	// ErrLost is matched by the error of a call that was in flight when
	// its connection ended: the request may or may not have run on the
	// server, so the client does not repeat it (see DoIdempotent). The
	// error also matches rpyc.ErrClosed and the connection's cause.
	ErrLost = errors.New("reconnect: connection lost during the call; it may or may not have run on the server")
	// ErrNoConnection is matched by the error of a call whose context
	// ended while the client was still redialing; the error also carries
	// the last attempt's failure.
	ErrNoConnection = errors.New("reconnect: no connection")
)
