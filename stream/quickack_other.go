//go:build !linux

package stream

import "net"

// WithQuickAck returns c unchanged: TCP_QUICKACK exists only on Linux.
func WithQuickAck(c net.Conn) net.Conn { return c }
