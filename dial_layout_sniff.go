package rpyc

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/stream"
)

// sniffConn watches the first bytes a dialed peer sends. If they cannot
// start an RPyC frame (an HTTP reply, an SSH banner), reads fail with a
// *channel.NotRPyCError that quotes them, instead of the channel
// reporting a frame length of a billion bytes. It also notes the message
// layout of the peer's first frame, so a dialer that cannot redial can
// say "the peer speaks 5.x". After the first frame header it only passes
// reads through.
type sniffConn struct {
	net.Conn
	addr string
	cfg  *channel.Config

	checked atomic.Bool // the first header was judged: pass through

	mu     sync.Mutex
	first  []byte         // the peer's first bytes, up to channel.MaxSniffed
	bad    error          // the NotRPyCError, once found
	layout message.Layout // layout of the peer's first frame, 0 if unknown
}

// sniff wraps nc; addr names the peer in errors.
func sniff(nc net.Conn, addr string, cfg *Config) *sniffConn {
	var ch *channel.Config
	if cfg != nil {
		ch = cfg.Channel
	}
	// The wrapper hides the *net.TCPConn from NewConn, so the quick-ACK
	// tuning it would apply (which Python peers need) is applied here.
	return &sniffConn{Conn: stream.WithQuickAck(nc), addr: addr, cfg: ch}
}

// QuickAck passes the channel's request to send a delayed ACK on to the
// wrapped connection.
func (s *sniffConn) QuickAck() {
	if q, ok := s.Conn.(interface{ QuickAck() }); ok {
		q.QuickAck()
	}
}

// NetConn returns the wrapped connection (so NewConn can see a TLS one).
func (s *sniffConn) NetConn() net.Conn { return s.Conn }

// Read passes the read through, judging the first bytes on the way.
func (s *sniffConn) Read(p []byte) (int, error) {
	if s.checked.Load() {
		return s.Conn.Read(p)
	}
	s.mu.Lock()
	if s.bad != nil {
		s.mu.Unlock()
		return 0, s.bad
	}
	s.mu.Unlock()
	n, err := s.Conn.Read(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if room := channel.MaxSniffed - len(s.first); room > 0 {
		s.first = append(s.first, p[:min(n, room)]...)
	}
	if len(s.first) >= channel.HeaderSize {
		if !channel.LooksLikeHeader(s.first, s.cfg) {
			s.bad = &channel.NotRPyCError{Addr: s.addr, Sent: s.first}
			return 0, s.bad
		}
		if len(s.first) > channel.HeaderSize && s.first[4] == 0 {
			s.layout, _ = message.DetectLayout(s.first[channel.HeaderSize:])
		}
		if len(s.first) > channel.HeaderSize || s.first[4] != 0 {
			s.checked.Store(true)
		}
		return n, err
	}
	if err != nil && len(s.first) > 0 && (errors.Is(err, io.EOF) || isReset(err)) {
		s.bad = &channel.NotRPyCError{Addr: s.addr, Sent: s.first, Closed: true}
		return 0, s.bad
	}
	return n, err
}

// peerLayout is the layout of the first frame the peer sent, 0 if none
// was seen or it was compressed.
func (s *sniffConn) peerLayout() message.Layout {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.layout
}

// notRPyC returns the NotRPyCError found, or nil.
func (s *sniffConn) notRPyC() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bad
}

// isReset reports a connection the peer reset, which is how some servers
// end a conversation they did not understand.
func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}
