package stream

import (
	"crypto/tls"
	"net"
	"time"
)

// Liveness: how long a TCP connection to a peer that vanished (powered
// off, cut off by a partition, no FIN or RST ever coming) stays open.
// Keep-alive probes notice such a peer while nothing is being sent; while
// data is unacknowledged the kernel sends no probes at all and would
// retransmit for about 15 minutes, so TCP_USER_TIMEOUT (Linux) bounds
// that case to the same time.

// DefaultKeepAlive is the keep-alive period of Config.KeepAlive when it
// is zero: a vanished peer is noticed within DeadPeerBound of it (40 s).
const DefaultKeepAlive = 10 * time.Second

// keepAliveProbes is how many unanswered probes end a connection.
const keepAliveProbes = 3

// DeadPeerBound is how long a connection with keep-alive period p takes
// at most to notice a peer that vanished: p of silence, then
// keepAliveProbes probes p apart; and the same bound, through
// TCP_USER_TIMEOUT, for data the peer never acknowledges.
func DeadPeerBound(p time.Duration) time.Duration {
	return p * (keepAliveProbes + 1)
}

// keepAliveConfig is the keep-alive of period p (p > 0).
func keepAliveConfig(p time.Duration) net.KeepAliveConfig {
	return net.KeepAliveConfig{Enable: true, Idle: p, Interval: p, Count: keepAliveProbes}
}

// SetLiveness sets keep-alive with period p (zero: DefaultKeepAlive;
// negative: off) and, on Linux, TCP_USER_TIMEOUT to DeadPeerBound(p), on
// a TCP connection (looking through TLS). Other connections are left
// alone and get nil.
func SetLiveness(c net.Conn, p time.Duration) error {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil
	}
	if p < 0 {
		return tc.SetKeepAlive(false)
	}
	if p == 0 {
		p = DefaultKeepAlive
	}
	if err := tc.SetKeepAliveConfig(keepAliveConfig(p)); err != nil {
		return err
	}
	return setUserTimeout(tc, DeadPeerBound(p))
}
