package server

import (
	"context"
	"net"
)

// Authenticator checks a client before any RPyC message is exchanged
// (Python's authenticators): TLS, a shared secret, an allow-list of
// addresses. The server calls Authenticate once per accepted connection,
// on that connection's own goroutine (never on the accepting one), with a
// context and a connection deadline that end after HandshakeTimeout.
//
// Authenticate returns the connection to serve, which may wrap nc (a
// *tls.Conn) or be nc itself, and the credentials the service will see
// through (*rpyc.Conn).Credentials. It returns an error to refuse the
// client: the server then logs it, closes nc and carries on; other
// clients are not affected. Authenticate must not close nc itself on
// success, and must be safe for concurrent use.
type Authenticator interface {
	Authenticate(ctx context.Context, nc net.Conn) (conn net.Conn, credentials any, err error)
}

// AuthenticatorFunc lets an ordinary function be an Authenticator.
type AuthenticatorFunc func(ctx context.Context, nc net.Conn) (net.Conn, any, error)

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(ctx context.Context, nc net.Conn) (net.Conn, any, error) {
	return f(ctx, nc)
}
