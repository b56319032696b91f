package rpyc

import (
	"crypto/tls"
	"net"
	"testing"
)

// TestTLSStreamsWriteFramePerRecord: NewConn turns on FrameWrites for TLS
// connections, also behind the factory's sniffing wrapper, and only
// for them.
func TestTLSStreamsWriteFramePerRecord(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	tc := tls.Client(a, &tls.Config{InsecureSkipVerify: true})
	for _, tc := range []struct {
		name   string
		stream net.Conn
		want   bool
	}{
		{"tls", tc, true},
		{"sniffed tls", sniff(tc, "x", nil), true},
		{"plain", b, false},
		{"sniffed plain", sniff(b, "x", nil), false},
	} {
		c, err := NewConn(tc.stream, nil, quietConfig())
		if err != nil {
			t.Fatal(err)
		}
		if got := c.cfg.Channel.FrameWrites; got != tc.want {
			t.Errorf("%s: FrameWrites %v, want %v", tc.name, got, tc.want)
		}
	}
}
