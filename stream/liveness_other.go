//go:build !linux

package stream

import (
	"net"
	"syscall"
	"time"
)

// setUserTimeout does nothing where TCP_USER_TIMEOUT does not exist:
// keep-alive alone notices a vanished peer, once nothing is in flight.
func setUserTimeout(*net.TCPConn, time.Duration) error { return nil }

func userTimeoutControl(syscall.RawConn, time.Duration) error { return nil }
