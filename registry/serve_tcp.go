package registry

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"time"
)

// ServeTCP answers requests on connections accepted from l until Close:
// one request and one reply per connection, as Python's TCP registry
// clients expect. At most Config.MaxTCPConns are served at once, each
// within 3 seconds (Python's TCPRegistryServer.TIMEOUT). It returns
// ErrServerClosed after Close, or the listener's error. l is closed when
// ServeTCP returns.
func (s *Server) ServeTCP(l net.Listener) error {
	if !s.track(l) {
		_ = l.Close()
		return ErrServerClosed
	}
	defer s.untrack(l)
	defer l.Close()
	s.log.Info("registry: serving TCP", "addr", l.Addr().String())
	sem := make(chan struct{}, s.cfg.MaxTCPConns)
	var delay time.Duration
	for {
		sem <- struct{}{}
		c, err := l.Accept()
		if err != nil {
			<-sem
			if s.isClosed() || errors.Is(err, net.ErrClosed) {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporaryAccept(err) {
				// Out of file descriptors and the like: back off, as
				// net/http does, rather than spin.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.log.Warn("registry: accept", "err", err, "retry_in", delay)
				time.Sleep(delay)
				continue
			}
			return errorf("accepting on %s: %w", l.Addr(), err)
		}
		delay = 0
		if !s.track(c) {
			<-sem
			_ = c.Close()
			return ErrServerClosed
		}
		go func() {
			defer func() { <-sem }()
			defer s.untrack(c)
			defer c.Close()
			s.serveTCPConn(c)
		}()
	}
}

// isTemporaryAccept reports accept errors that pass (EMFILE, ECONNABORTED).
func isTemporaryAccept(err error) bool {
	var te interface{ Temporary() bool }
	return errors.As(err, &te) && te.Temporary()
}

// serveTCPConn reads one request (up to MaxDatagramSize bytes, as many
// reads as it takes until it decodes) and writes the reply.
func (s *Server) serveTCPConn(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(tcpServerTimeout))
	src := addrPortOf(c.RemoteAddr())
	buf := make([]byte, 0, MaxDatagramSize+1)
	for {
		n, err := c.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxDatagramSize {
			break // oversized: handle reports it
		}
		if n > 0 {
			if _, derr := decoder.Decode(buf); derr == nil {
				break
			}
		}
		if err != nil {
			if len(buf) == 0 {
				return // connected and left: a port probe, nothing to log
			}
			break // truncated: handle reports it
		}
	}
	reply := s.handle(buf, src, "tcp", maxReply)
	if reply == nil {
		return
	}
	if _, err := c.Write(reply); err != nil {
		s.log.Debug("registry: TCP reply not sent", "to", src.String(), "err", err)
	}
}

func addrPortOf(a net.Addr) netip.AddrPort {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.AddrPort()
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}

// ListenTCP opens a TCP listener on addr ("host:port"; ":18811" for every
// interface) for ServeTCP.
func ListenTCP(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, errorf("listening on TCP %q: %w (is another registry running there? pick another port)", addr, err)
	}
	return l, nil
}
