package etcd

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/reconnect"
	"github.com/rpyc-go/rpyc/server"
)

// whereService says which server answered.
type whereService struct{ name string }

// Whoami names the server.
func (s *whereService) Whoami() string { return s.name }

// serveRegistered serves a whereService on a loopback port, registered
// through reg, and returns its address and a function that stops it
// (unregistering it, then closing its connections).
func serveRegistered(t *testing.T, name string, reg server.Registrar) (string, func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Service: &whereService{name: name}, Registrar: reg, Logger: testLogger(t)}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	stop := func() { _ = srv.Close(); <-done }
	t.Cleanup(stop)
	return l.Addr().String(), stop
}

// TestReconnectThroughEtcd: a reconnect.Client that finds its servers
// through the etcd Discoverer lands on a server registered after it
// started when the one it used stops.
func TestReconnectThroughEtcd(t *testing.T) {
	e := startEtcd(t)
	cli := e.client(t)
	ctx := testCtx(t)
	cfg := &Config{Prefix: prefixFor(t), TTL: 2 * time.Second, Logger: testLogger(t)}
	reg := NewRegistrar(cli, cfg)
	d := NewDiscoverer(cli, cfg)
	defer d.Close()
	name := rpyc.ServiceName(&whereService{})

	addrA, stopA := serveRegistered(t, "A", reg)
	wantServers(t, d, name, addrA)
	c, err := reconnect.Dial(ctx, &reconnect.Options{
		Discoverer: d, Name: name, Logger: testLogger(t),
		Backoff: reconnect.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if who, err := c.Call(ctx, "whoami"); err != nil || who != "A" {
		t.Fatalf("whoami = %v, %v; want A", who, err)
	}
	addrB, _ := serveRegistered(t, "B", reg)
	wantServers(t, d, name, addrA, addrB)
	stopA()
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		who, err := c.Call(cctx, "whoami")
		cancel()
		if err == nil {
			if who != "B" {
				t.Errorf("after A stopped: whoami = %v, want B", who)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no call succeeded after A stopped: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if c.Addr() != addrB {
		t.Errorf("Addr() = %q, want B's %q", c.Addr(), addrB)
	}
}
