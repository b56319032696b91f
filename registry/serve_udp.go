package registry

import (
	"context"
	"errors"
	"net"
	"net/netip"
)

// ServeUDP answers requests arriving on pc, one datagram each, until Close.
// It returns ErrServerClosed after Close, or the socket's error. pc is
// closed when ServeUDP returns.
func (s *Server) ServeUDP(pc net.PacketConn) error {
	if !s.track(pc) {
		_ = pc.Close()
		return ErrServerClosed
	}
	defer s.untrack(pc)
	defer pc.Close()
	uc, _ := pc.(*net.UDPConn)
	s.log.Info("registry: serving UDP", "addr", pc.LocalAddr().String())
	// One byte more than the limit, so an oversized datagram is seen as
	// such rather than silently cut to a valid-looking prefix.
	buf := make([]byte, MaxDatagramSize+1)
	for {
		n, src, err := readFrom(pc, uc, buf)
		if err != nil {
			if s.isClosed() || errors.Is(err, net.ErrClosed) {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			// ICMP errors from an earlier reply (ECONNREFUSED) surface
			// here on Linux; they concern that reply, not the socket.
			s.log.Debug("registry: UDP read", "err", err)
			continue
		}
		if !src.IsValid() {
			continue
		}
		reply := s.handle(buf[:n], src, "udp", maxListReply)
		if reply == nil {
			continue
		}
		if uc != nil {
			_, err = uc.WriteToUDPAddrPort(reply, src)
		} else {
			_, err = pc.WriteTo(reply, net.UDPAddrFromAddrPort(src))
		}
		if err != nil {
			s.log.Debug("registry: UDP reply not sent", "to", src.String(), "err", err)
		}
	}
}

func readFrom(pc net.PacketConn, uc *net.UDPConn, buf []byte) (int, netip.AddrPort, error) {
	if uc != nil {
		return uc.ReadFromUDPAddrPort(buf)
	}
	n, a, err := pc.ReadFrom(buf)
	if err != nil {
		return n, netip.AddrPort{}, err
	}
	if ua, ok := a.(*net.UDPAddr); ok {
		return n, ua.AddrPort(), nil
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return n, ap, nil
}

// ListenUDP opens a UDP socket on addr ("host:port"; ":18811" for every
// interface) for ServeUDP.
func ListenUDP(ctx context.Context, addr string) (net.PacketConn, error) {
	var lc net.ListenConfig
	pc, err := lc.ListenPacket(ctx, "udp", addr)
	if err != nil {
		return nil, errorf("listening on UDP %q: %w (is another registry running there? pick another port)", addr, err)
	}
	return pc, nil
}
