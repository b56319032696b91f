package stream

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// sockopts reads keep-alive idle, interval, count and TCP_USER_TIMEOUT.
func sockopts(t *testing.T, c net.Conn) [4]int {
	t.Helper()
	raw, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v [4]int
	raw.Control(func(fd uintptr) {
		v[0], _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
		v[1], _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL)
		v[2], _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT)
		v[3], _ = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT)
	})
	return v
}

// A dialed and an accepted connection notice a vanished peer within
// DeadPeerBound of the keep-alive period, idle (three probes a period
// apart after a period of silence) or with data unacknowledged
// (TCP_USER_TIMEOUT): the dialer's period sets interval and count, not
// only the idle time.
func TestDialAndListenBoundADeadPeer(t *testing.T) {
	ctx := context.Background()
	for _, p := range []time.Duration{0, 2 * time.Second} {
		l, err := ListenTCP(ctx, "127.0.0.1:0", &Config{KeepAlive: p})
		if err != nil {
			t.Fatal(err)
		}
		accepted := make(chan net.Conn, 1)
		go func() {
			c, _ := l.Accept()
			accepted <- c
		}()
		c, err := DialTCP(ctx, l.Addr().String(), &Config{KeepAlive: p})
		if err != nil {
			t.Fatal(err)
		}
		s := <-accepted
		want := p
		if want == 0 {
			want = DefaultKeepAlive
		}
		w := [4]int{int(want.Seconds()), int(want.Seconds()), 3, int(DeadPeerBound(want).Milliseconds())}
		for name, conn := range map[string]net.Conn{"dialed": c, "accepted": s} {
			if got := sockopts(t, conn); got != w {
				t.Errorf("KeepAlive %v, %s: idle/interval/count/user timeout %v, want %v", p, name, got, w)
			}
		}
		c.Close()
		s.Close()
		l.Close()
	}
}
