package server

import (
	"net"

	"github.com/rpyc-go/rpyc/stream"
)

// ServeStdio serves one connection over this process's standard input
// and output (rpyc_classic --mode stdio): what inetd, an ssh command or a
// parent's connect_subproc starts. It returns when the peer closes its
// end (nil) or the connection fails. Standard output belongs to the
// protocol, so nothing else may print there; logs go to Logger (the
// default one writes to standard error).
func (s *Server) ServeStdio() error {
	return s.ServeConn(stream.Stdio())
}

// ServeConn serves one established connection (a pipe pair from
// stream.Pipe, an accepted socket) on the calling goroutine, with the
// Server's Authenticator, Config, limits and interceptors, and returns
// when it ends: nil when the peer closed normally. Shutdown and Close
// reach it like any other connection.
func (s *Server) ServeConn(nc net.Conn) error {
	s.init()
	if !s.track() {
		_ = nc.Close()
		return ErrServerClosed
	}
	defer s.wg.Done()
	return s.serveConn(nc)
}
