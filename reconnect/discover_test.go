package reconnect_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/reconnect"
	"github.com/rpyc-go/rpyc/registry"
)

// startRegistry runs a Go registry on loopback over TCP and UDP and
// returns its port numbers.
func startRegistry(t *testing.T) (tcpPort, udpPort int) {
	t.Helper()
	s := registry.NewServer(&registry.Config{Logger: quiet})
	ctx := context.Background()
	l, err := registry.ListenTCP(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := registry.ListenUDP(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = s.ServeTCP(l) }()
	go func() { defer wg.Done(); _ = s.ServeUDP(pc) }()
	t.Cleanup(func() {
		_ = s.Close()
		wg.Wait()
	})
	return l.Addr().(*net.TCPAddr).Port, pc.LocalAddr().(*net.UDPAddr).Port
}

// TestDiscoverer: through a registry (TCP and UDP), the client finds the
// servers of a service at every redial, so when the one in use goes it
// lands on another, including one that was not running when the client
// started.
func TestDiscoverer(t *testing.T) {
	tcpPort, udpPort := startRegistry(t)
	for _, tc := range []struct {
		name string
		reg  interface {
			registry.Registrar
			registry.Discoverer
		}
	}{
		{"TCP", &registry.TCPClient{Host: "127.0.0.1", Port: tcpPort}},
		{"UDP", &registry.UDPClient{Host: "127.0.0.1", Port: udpPort}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			a := startRegistered(t, "A", "", tc.reg)
			waitRegistered(ctx, t, tc.reg, a.addr)
			c := dial(ctx, t, &reconnect.Options{
				Discoverer: tc.reg, Name: rpyc.ServiceName(&nodeService{}), Backoff: fast, Logger: quiet,
			}, "A")
			b := startRegistered(t, "B", "", tc.reg) // started after the client
			waitRegistered(ctx, t, tc.reg, b.addr)
			a.kill() // unregisters, then closes its connections
			if who, _ := callUntil(ctx, t, c); who != "B" {
				t.Errorf("after A went: whoami = %q, want B", who)
			}
			if c.Addr() != b.addr {
				t.Errorf("Addr() = %q, want B's %q", c.Addr(), b.addr)
			}
		})
	}
}

// waitRegistered waits until the registry lists addr.
func waitRegistered(ctx context.Context, t *testing.T, d registry.Discoverer, addr string) {
	t.Helper()
	for {
		found, _ := d.Discover(ctx, rpyc.ServiceName(&nodeService{}))
		for _, a := range found {
			if a.String() == addr {
				return
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("%s never appeared in the registry", addr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
