//go:build !plan9

package stream

import (
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
)

// TCP giving up on a peer (ETIMEDOUT after keep-alive or
// TCP_USER_TIMEOUT) or the route to it vanishing is "unreachable", not a
// close: the peer may be alive behind a partition.
func TestIsUnreachable(t *testing.T) {
	wrap := func(e syscall.Errno) error {
		return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", e)}
	}
	for _, e := range []syscall.Errno{syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN} {
		if err := wrap(e); !IsUnreachable(err) || IsClosed(err) {
			t.Errorf("%v: IsUnreachable %v, IsClosed %v; want true, false", err, IsUnreachable(err), IsClosed(err))
		}
	}
	for _, err := range []error{wrap(syscall.ECONNRESET), fmt.Errorf("x: %w", net.ErrClosed)} {
		if IsUnreachable(err) {
			t.Errorf("%v: IsUnreachable true, want false", err)
		}
	}
}
