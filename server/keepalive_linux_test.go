package server_test

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/server"
)

// TestKeepAlive: accepted TCP connections get keep-alive probes after
// KeepAlive of silence (10 s by default), every KeepAlive, three of them,
// and TCP_USER_TIMEOUT of four periods, so a vanished client is released
// within four periods whether idle or while a reply is unacknowledged;
// none of it when KeepAlive is negative. The socket options are read back
// from the kernel by an authenticator, which sees the accepted connection.
func TestKeepAlive(t *testing.T) {
	for _, tc := range []struct {
		set      time.Duration
		on       bool
		wantIdle int
	}{{0, true, 10}, {7 * time.Second, true, 7}, {-1, false, 0}} {
		got := make(chan [5]int, 1)
		probe := server.AuthenticatorFunc(func(ctx context.Context, nc net.Conn) (net.Conn, any, error) {
			raw, err := nc.(*net.TCPConn).SyscallConn()
			if err != nil {
				return nil, nil, err
			}
			var on, idle, intvl, cnt, user int
			_ = raw.Control(func(fd uintptr) {
				on, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
				idle, _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
				intvl, _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL)
				cnt, _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT)
				user, _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, 18 /* TCP_USER_TIMEOUT */)
			})
			got <- [5]int{on, idle, intvl, cnt, user}
			return nc, nil, nil
		})
		srv := &server.Server{Service: &testService{}, KeepAlive: tc.set, Authenticator: probe, Logger: quietLogger()}
		l := listen(t, "tcp4")
		serve(t, srv, l)
		mustAdd(t, dial(t, l.Addr().String()))
		g := <-got
		if (g[0] != 0) != tc.on || tc.on && (g[1] != tc.wantIdle || g[2] != tc.wantIdle || g[3] != 3 || g[4] != 4000*tc.wantIdle) {
			t.Errorf("KeepAlive %v: SO_KEEPALIVE=%d TCP_KEEPIDLE=%d TCP_KEEPINTVL=%d TCP_KEEPCNT=%d TCP_USER_TIMEOUT=%d ms, want on=%v idle=intvl=%d cnt=3 user timeout %d ms",
				tc.set, g[0], g[1], g[2], g[3], g[4], tc.on, tc.wantIdle, 4000*tc.wantIdle)
		}
	}
}
