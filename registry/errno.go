package registry

import (
	"errors"
	"syscall"
)

// isConnRefused reports the error a UDP socket returns after an ICMP
// "port unreachable" for an earlier datagram.
func isConnRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
