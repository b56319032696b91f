package rpyc

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/internal/faultnet"
	"github.com/rpyc-go/rpyc/message"
)

// A client with a heartbeat notices a server that stopped answering (a
// partition: no FIN, no RST, and the proxy's kernel acknowledges what we
// send, so TCP sees nothing wrong) within Interval + Timeout, idle or
// with calls in flight; the calls fail at once with ErrPeerUnresponsive.
func TestHeartbeatNoticesASilentServer(t *testing.T) {
	svc := &hardService{}
	addr, _ := tcpServe(t, svc, quietConfig())
	p := faultnet.Listen(t, addr)
	hb := Heartbeat{Interval: 100 * time.Millisecond, Timeout: 300 * time.Millisecond}
	bound := hb.Interval + hb.Timeout
	for _, inFlight := range []int{0, 5} {
		cli, err := Dial(context.Background(), p.Addr(), &Config{Logger: discardLogger(), Layout: message.LayoutV6, Heartbeat: hb})
		if err != nil {
			t.Fatal(err)
		}
		root, err := cli.Root(contextWithTimeout(t, 5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var calls []*AsyncResult
		for range inFlight {
			calls = append(calls, root.CallMethodAsync("block"))
		}
		time.Sleep(3 * hb.Interval) // alive: pings answered meanwhile
		if cli.Closed() {
			t.Fatalf("a healthy connection ended: %v", cli.Err())
		}
		p.Partition()
		start := time.Now()
		select {
		case <-cli.Done():
		case <-time.After(10 * bound):
			t.Fatalf("%d calls in flight: the silent server was not noticed within %v", inFlight, 10*bound)
		}
		took := time.Since(start)
		if !errors.Is(cli.Err(), ErrPeerUnresponsive) {
			t.Errorf("connection ended with %v, want ErrPeerUnresponsive", cli.Err())
		}
		for _, r := range calls {
			if err := r.Wait(context.Background()); !errors.Is(err, ErrPeerUnresponsive) {
				t.Errorf("a call in flight ended with %v, want ErrPeerUnresponsive", err)
			}
		}
		t.Logf("%d calls in flight: noticed in %v (Interval %v + Timeout %v)", inFlight, took.Round(time.Millisecond), hb.Interval, hb.Timeout)
		if took > bound+hb.Interval+200*time.Millisecond {
			t.Errorf("noticed after %v, want about Interval + Timeout = %v", took, bound)
		}
		cli.Close()
		p.Heal()
	}
}

// A server with a heartbeat releases a client that vanished mid-call
// (its reply's bytes are never read, and no FIN comes).
func TestServerHeartbeatReleasesAVanishedClient(t *testing.T) {
	svc := &hardService{}
	hb := Heartbeat{Interval: 100 * time.Millisecond, Timeout: 300 * time.Millisecond}
	addr, conns := tcpServe(t, svc, &Config{Logger: discardLogger(), Heartbeat: hb})
	p := faultnet.Listen(t, addr)
	cli, err := Dial(context.Background(), p.Addr(), &Config{Logger: discardLogger(), Layout: message.LayoutV6})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	root, err := cli.Root(contextWithTimeout(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	root.CallMethodAsync("block")
	waitUntil(t, "the call running", func() bool { return svc.started.Load() == 1 })
	p.Partition()
	start := time.Now()
	srv := conns()[0]
	select {
	case <-srv.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the server kept a vanished client")
	}
	t.Logf("server released the vanished client in %v", time.Since(start).Round(time.Millisecond))
	if !errors.Is(srv.Err(), ErrPeerUnresponsive) {
		t.Errorf("server connection ended with %v, want ErrPeerUnresponsive", srv.Err())
	}
	waitUntil(t, "the handler cancelled", func() bool { return svc.cancelled.Load() == 1 })
}

// A ping is answered by the reader, whatever the workers are doing, so a
// busy Go peer never looks dead to a heartbeat.
func TestPingIsAnsweredWhileEveryWorkerIsBusy(t *testing.T) {
	svc := &hardService{}
	cli, _ := memPair(t, svc, &Config{MaxInFlight: 1, Logger: discardLogger()}, quietConfig())
	ctx := contextWithTimeout(t, 5*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	root.CallMethodAsync("block")
	root.CallMethodAsync("block") // parked behind the first
	waitUntil(t, "the worker busy", func() bool { return svc.started.Load() == 1 })
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := cli.Ping(pctx, []byte("alive?")); err != nil {
		t.Fatalf("ping while every worker is busy: %v", err)
	}
}

// Limits.MinPingInterval drops a peer that pings faster than it, as
// gRPC drops a client whose keep-alive pings come too fast.
func TestPeerThatPingsTooOftenIsDropped(t *testing.T) {
	addr, conns := tcpServe(t, &hardService{}, &Config{Logger: discardLogger(), Limits: Limits{MinPingInterval: time.Second}})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := Connect(nc, nil, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx := contextWithTimeout(t, 5*time.Second)
	for i := 0; i < 10 && !cli.Closed(); i++ {
		_ = cli.Ping(ctx, nil)
	}
	waitUntil(t, "the server to drop the fast pinger", func() bool {
		cs := conns()
		return len(cs) == 1 && cs[0].Closed()
	})
	if err := conns()[0].Err(); !errors.Is(err, ErrProtocol) {
		t.Errorf("dropped with %v, want a protocol error naming MinPingInterval", err)
	}
}

// A call whose deadline ends while its request is still being written
// (a large argument over a slow link) returns at the deadline; the
// request goes out whole after, and the connection stays usable.
func TestCallReturnsAtItsDeadlineWhileItsRequestIsWritten(t *testing.T) {
	addr, _ := tcpServe(t, &testService{}, &Config{Logger: discardLogger(), Channel: &channel.Config{NoCompress: true}})
	p := faultnet.Listen(t, addr)
	cli, err := Dial(context.Background(), p.Addr(), &Config{Logger: discardLogger(), Layout: message.LayoutV6, Channel: &channel.Config{NoCompress: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	root, err := cli.Root(contextWithTimeout(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	p.Throttle(1 << 20) // 1 MiB/s each way
	blob := make([]byte, 4<<20)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err = root.CallMethod(ctx, "echo", blob)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "echo()") {
		t.Fatalf("echo(4 MiB) over 1 MiB/s with a 1 s deadline: %v, want the deadline naming echo()", err)
	}
	if took > 1500*time.Millisecond {
		t.Fatalf("the call returned after %v, want about its 1 s deadline", took)
	}
	p.Throttle(0)
	if got, err := As[int](root.CallMethod(contextWithTimeout(t, 30*time.Second), "add", 1, 2)); err != nil || got != 3 {
		t.Fatalf("a call after the late request: %v, %v; the connection should be usable", got, err)
	}
}
