package stream

import (
	"context"
	"net"
)

// DialUnix connects to the Unix-domain stream socket at path. Unix sockets
// suit RPyC servers that should only be reachable from the same machine and
// whose access is controlled by file permissions. ctx bounds the
// connection attempt only.
func DialUnix(ctx context.Context, path string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}

// ListenUnix listens on the Unix-domain stream socket at path. The socket
// file must not exist yet (remove a stale one first); it is removed again
// when the listener is closed.
func ListenUnix(ctx context.Context, path string) (net.Listener, error) {
	var lc net.ListenConfig
	return lc.Listen(ctx, "unix", path)
}
