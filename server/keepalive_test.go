//go:build linux

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
// KeepAlive of silence (15 s by default), or none when it is negative.
// The socket options are read back from the kernel by an authenticator,
// which sees the accepted connection.
func TestKeepAlive(t *testing.T) {
	for _, tc := range []struct {
		set      time.Duration
		on       bool
		wantIdle int
	}{{0, true, 15}, {7 * time.Second, true, 7}, {-1, false, 0}} {
		got := make(chan [2]int, 1)
		probe := server.AuthenticatorFunc(func(ctx context.Context, nc net.Conn) (net.Conn, any, error) {
			raw, err := nc.(*net.TCPConn).SyscallConn()
			if err != nil {
				return nil, nil, err
			}
			var on, idle int
			_ = raw.Control(func(fd uintptr) {
				on, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
				idle, _ = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
			})
			got <- [2]int{on, idle}
			return nc, nil, nil
		})
		srv := &server.Server{Service: &testService{}, KeepAlive: tc.set, Authenticator: probe, Logger: quietLogger()}
		l := listen(t, "tcp4")
		serve(t, srv, l)
		mustAdd(t, dial(t, l.Addr().String()))
		g := <-got
		if (g[0] != 0) != tc.on || tc.on && g[1] != tc.wantIdle {
			t.Errorf("KeepAlive %v: SO_KEEPALIVE=%d TCP_KEEPIDLE=%d, want on=%v idle=%d", tc.set, g[0], g[1], tc.on, tc.wantIdle)
		}
	}
}
