package etcd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/registry"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// prefixFor gives each test its own key space.
func prefixFor(t *testing.T) string { return "/rpyctest/" + t.Name() + "/" }

func wantServers(t *testing.T, d *Discoverer, name string, want ...string) {
	t.Helper()
	slices.Sort(want)
	eventually(t, fmt.Sprintf("Discover(%q) == %v", name, want), func() (bool, string) {
		got, err := discoverStrings(d, name)
		return err == nil && slices.Equal(got, want), fmt.Sprintf("%v, %v", got, err)
	})
}

func TestRegisterDiscoverUnregister(t *testing.T) {
	e := startEtcd(t)
	cli := e.client(t)
	ctx := testCtx(t)
	cfg := &Config{Prefix: prefixFor(t), TTL: 2 * time.Second, Logger: testLogger(t)}
	reg := NewRegistrar(cli, cfg)
	d := NewDiscoverer(cli, cfg)
	defer d.Close()
	defer reg.Close()

	if err := reg.Register(ctx, []string{"Calc", "ADDER"}, "0.0.0.0:4000"); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(ctx, []string{"calc"}, "192.0.2.5:4001"); err != nil {
		t.Fatal(err)
	}
	wantServers(t, d, "CALC", "127.0.0.1:4000", "192.0.2.5:4001")
	wantServers(t, d, "adder", "127.0.0.1:4000")
	names, err := d.List(ctx, "")
	if err != nil || !slices.Equal(names, []string{"ADDER", "CALC"}) {
		t.Fatalf("List = %v, %v", names, err)
	}
	if names, _ := d.List(ctx, "192.0.2.5"); !slices.Equal(names, []string{"CALC"}) {
		t.Fatalf("List(192.0.2.5) = %v", names)
	}
	// Registering again with fewer names drops the others.
	if err := reg.Register(ctx, []string{"CALC"}, "0.0.0.0:4000"); err != nil {
		t.Fatal(err)
	}
	wantServers(t, d, "adder")
	// Unregister revokes the lease: gone at once, not after the TTL.
	if err := reg.Unregister(ctx, "0.0.0.0:4000"); err != nil {
		t.Fatal(err)
	}
	wantServers(t, d, "calc", "192.0.2.5:4001")
	// The keys live under the lease: the TTL keeps them alive while the
	// keepalive runs.
	time.Sleep(3 * time.Second)
	wantServers(t, d, "calc", "192.0.2.5:4001")

	for _, bad := range []string{"4000", "host:", "host:0", "host:http"} {
		if err := reg.Register(ctx, []string{"X"}, bad); err == nil {
			t.Errorf("Register(%q) succeeded", bad)
		}
	}
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	wantServers(t, d, "calc")
	if err := reg.Register(ctx, []string{"X"}, ":1"); !errors.Is(err, ErrClosed) {
		t.Errorf("Register after Close = %v, want ErrClosed", err)
	}
}

// TestKilledServerExpires: three server processes register (through
// server.Server's Registrar); one is SIGKILLed and vanishes after its TTL
// while ConnectByService keeps working; one is stopped with SIGTERM and
// vanishes at once.
func TestKilledServerExpires(t *testing.T) {
	e := startEtcd(t)
	cli := e.client(t)
	ctx := testCtx(t)
	prefix := prefixFor(t)
	d := NewDiscoverer(cli, &Config{Prefix: prefix, Logger: testLogger(t)})
	defer d.Close()
	kids := []*child{startChild(t, e, prefix, "one"), startChild(t, e, prefix, "two"), startChild(t, e, prefix, "three")}
	wantServers(t, d, "WHO", kids[0].addr, kids[1].addr, kids[2].addr)

	connectOnce := func() (string, error) {
		c, err := registry.ConnectByService(ctx, d, "who", nil)
		if err != nil {
			return "", err
		}
		defer c.Close()
		root, err := c.Root(ctx)
		if err != nil {
			return "", err
		}
		v, err := root.CallMethod(ctx, "whoami")
		s, _ := v.(string)
		return s, err
	}

	if err := kids[0].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	// Until the killed server's lease expires the list still names it;
	// every ConnectByService must still succeed, moving past it.
	connects := 0
	for {
		got, err := discoverStrings(d, "who")
		if err != nil {
			t.Fatal(err)
		}
		who, err := connectOnce()
		if err != nil || who == "one" || who == "" {
			t.Fatalf("ConnectByService with %v listed = %q, %v", got, who, err)
		}
		connects++
		if !slices.Contains(got, kids[0].addr) {
			break
		}
		if time.Since(killedAt) > 30*time.Second {
			t.Fatalf("killed server still listed after 30 s: %v", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("killed server gone after %v; %d connections made meanwhile", time.Since(killedAt).Round(100*time.Millisecond), connects)
	wantServers(t, d, "who", kids[1].addr, kids[2].addr)

	// A clean stop unregisters (revokes the lease).
	if err := kids[1].cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := kids[1].cmd.Wait(); err != nil {
		t.Fatalf("child exit after SIGTERM: %v", err)
	}
	// The lease was revoked before the process exited: the key is gone
	// now, not after the TTL.
	resp, err := cli.Get(ctx, prefix+"WHO/"+kids[1].addr)
	if err != nil || len(resp.Kvs) != 0 {
		t.Fatalf("key of the cleanly stopped server: %v, %v; want none", resp.Kvs, err)
	}
	wantServers(t, d, "who", kids[2].addr)
	if who, err := connectOnce(); err != nil || who != "three" {
		t.Fatalf("ConnectByService = %q, %v; want three", who, err)
	}
}

// TestEtcdRestart: etcd stops for longer than the TTL and starts again;
// the registrar and the discoverer recover by themselves.
func TestEtcdRestart(t *testing.T) {
	e := startEtcd(t)
	cli := e.client(t)
	ctx := testCtx(t)
	cfg := &Config{Prefix: prefixFor(t), TTL: 2 * time.Second, Logger: testLogger(t)}
	reg := NewRegistrar(cli, cfg)
	defer reg.Close()
	d := NewDiscoverer(cli, cfg)
	defer d.Close()
	if err := reg.Register(ctx, []string{"SURVIVOR"}, "127.0.0.1:5000"); err != nil {
		t.Fatal(err)
	}
	wantServers(t, d, "survivor", "127.0.0.1:5000")

	e.stop()
	// The discoverer answers from memory while etcd is away.
	if got, err := discoverStrings(d, "survivor"); err != nil || len(got) != 1 {
		t.Fatalf("Discover during the outage = %v, %v", got, err)
	}
	time.Sleep(4 * time.Second) // past the TTL: the client-side keepalive gives up
	e.start()

	// The watch resumes: a new registration shows up.
	c2 := e.client(t)
	reg2 := NewRegistrar(c2, cfg)
	defer reg2.Close()
	if err := reg2.Register(ctx, []string{"LATECOMER"}, "127.0.0.1:5001"); err != nil {
		t.Fatal(err)
	}
	wantServers(t, d, "latecomer", "127.0.0.1:5001")
	// The registrar re-registered under a lease that is kept alive: still
	// listed several TTLs later.
	wantServers(t, d, "survivor", "127.0.0.1:5000")
	time.Sleep(5 * time.Second)
	wantServers(t, d, "survivor", "127.0.0.1:5000")
	resp, err := cli.Get(ctx, cfg.Prefix+"SURVIVOR/127.0.0.1:5000")
	if err != nil || len(resp.Kvs) != 1 || resp.Kvs[0].Lease == 0 {
		t.Fatalf("key after restart: %v, %v", resp, err)
	}
	ttl, err := cli.TimeToLive(ctx, clientv3LeaseID(resp.Kvs[0].Lease))
	if err != nil || ttl.TTL <= 0 {
		t.Fatalf("lease after restart: %+v, %v", ttl, err)
	}
	// And unregistering still works through the recovered client.
	if err := reg.Unregister(ctx, "127.0.0.1:5000"); err != nil {
		t.Fatal(err)
	}
	wantServers(t, d, "survivor")
	if !strings.Contains(prefixFor(t), "TestEtcdRestart") {
		t.Fatal("prefix")
	}
}

// TestDiscoverBeforeEtcd: a discoverer whose etcd is not up yet reports
// it, then works once etcd is.
func TestDiscoverBeforeEtcd(t *testing.T) {
	e := startEtcd(t)
	cli := e.client(t)
	e.stop()
	d := NewDiscoverer(cli, &Config{Prefix: prefixFor(t), Logger: testLogger(t)})
	defer d.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := d.Discover(sctx, "x"); !errors.Is(err, registry.ErrNoReply) {
		t.Fatalf("Discover with etcd down = %v, want ErrNoReply", err)
	}
	e.start()
	wantServers(t, d, "x")
	if _, err := registry.Discover(testCtx(t), d, "x"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("registry.Discover(none) = %v, want ErrNotFound", err)
	}
}
