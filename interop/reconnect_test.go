//go:build unix

package interop

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/internal/faultnet"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/reconnect"
)

// The reconnecting client against Python rpyc servers (Debian's 5.3, in
// both message layouts): a server killed with SIGKILL and started again
// on its port, a failover to a second server, a server that vanished
// without a FIN; callbacks registered again by Setup, netrefs from the
// old connection stale.

// startReconnectPeer starts reconnect_server.py as name on port (0: any).
func startReconnectPeer(t testing.TB, layout message.Layout, name string, port int) *Peer {
	t.Helper()
	return Start(t, PeerOptions{Script: "reconnect_server.py", Args: []string{name, strconv.Itoa(port)},
		Layout6: layout == message.LayoutV6})
}

// heard collects callback messages; setup subscribes on every connection.
type heard struct {
	mu     sync.Mutex
	msgs   []string
	setups int
}

func (h *heard) setup(ctx context.Context, conn *rpyc.Conn) error {
	root, err := conn.Root(ctx)
	if err != nil {
		return err
	}
	if _, err := root.CallMethod(ctx, "subscribe", func(msg string) {
		h.mu.Lock()
		h.msgs = append(h.msgs, msg)
		h.mu.Unlock()
	}); err != nil {
		return err
	}
	h.mu.Lock()
	h.setups++
	h.mu.Unlock()
	return nil
}

// untilCall calls whoami until it succeeds and returns the answer.
func untilCall(ctx context.Context, t *testing.T, c *reconnect.Client) string {
	t.Helper()
	for {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		v, err := c.Call(cctx, "whoami")
		cancel()
		if err == nil {
			return v.(string)
		}
		if ctx.Err() != nil {
			t.Fatalf("no call succeeded before the test's deadline: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// dialReconnect makes a reconnect.Client that the test closes at its end
// and checks that whoami answers want.
func dialReconnect(ctx context.Context, t *testing.T, opts *reconnect.Options, want string) *reconnect.Client {
	t.Helper()
	c, err := reconnect.Dial(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if who, err := c.Call(ctx, "whoami"); err != nil || who != want {
		t.Fatalf("whoami = %v, %v; want %s", who, err, want)
	}
	return c
}

var testBackoff = reconnect.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond}

// TestReconnectPythonRestart: a Python server is killed and started
// again on the same port; the client's calls resume, the callback is
// registered again and reached, and a netref from before is stale.
func TestReconnectPythonRestart(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		ctx := ctxT(t)
		a := startReconnectPeer(t, layout, "A", 0)
		_, port := splitAddr(t, a.Addr)
		h := &heard{}
		c, err := reconnect.Dial(ctx, &reconnect.Options{Addrs: []string{a.Addr}, Setup: h.setup, Backoff: testBackoff})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conn, err := c.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		root, _ := conn.Root(ctx)
		ctr, err := root.CallMethod(ctx, "new_counter")
		if err != nil {
			t.Fatal(err)
		}
		a.Kill()
		b := startReconnectPeer(t, layout, "A2", atoi(t, port))
		if b.Addr != a.Addr {
			t.Fatalf("restarted on %s, want %s", b.Addr, a.Addr)
		}
		if who := untilCall(ctx, t, c); who != "A2" {
			t.Errorf("after the restart: whoami = %q, want A2", who)
		}
		if n, err := c.Call(ctx, "fire", "hi"); err != nil || n != int64(1) {
			t.Errorf("fire = %v, %v; want 1 subscriber (Setup ran again)", n, err)
		}
		h.mu.Lock()
		if h.setups != 2 || len(h.msgs) != 1 || h.msgs[0] != "A2: hi" {
			t.Errorf("setups %d, callback heard %q; want 2 and [A2: hi]", h.setups, h.msgs)
		}
		h.mu.Unlock()
		if _, err := ctr.(*rpyc.Netref).CallMethod(ctx, "incr"); !errors.Is(err, rpyc.ErrStale) {
			t.Errorf("netref from before the restart: got %v, want ErrStale", err)
		}
	})
}

// TestReconnectPythonFailover: two Python servers; the one in use is
// killed and calls resume on the other; a call in flight fails with
// ErrLost, the same call marked idempotent is repeated and succeeds.
func TestReconnectPythonFailover(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		ctx := ctxT(t)
		a := startReconnectPeer(t, layout, "A", 0)
		b := startReconnectPeer(t, layout, "B", 0)
		c := dialReconnect(ctx, t, &reconnect.Options{Addrs: []string{a.Addr, b.Addr}, Backoff: testBackoff}, "A")
		lost := make(chan error, 1)
		retried := make(chan error, 1)
		go func() { _, err := c.Call(ctx, "sleep", 5); lost <- err }()
		go func() { _, err := c.CallIdempotent(ctx, "sleep", 0.2); retried <- err }()
		time.Sleep(200 * time.Millisecond)
		a.Kill()
		if err := <-lost; !errors.Is(err, reconnect.ErrLost) {
			t.Errorf("call in flight when A died: got %v, want ErrLost", err)
		}
		if err := <-retried; err != nil {
			t.Errorf("idempotent call in flight when A died: %v, want it repeated on B", err)
		}
		if who := untilCall(ctx, t, c); who != "B" {
			t.Errorf("after A died: whoami = %q, want B", who)
		}
	})
}

// TestReconnectPythonVanished: the Python server in use dies and its FIN
// never arrives (the proxy hides it): without pings the client could not
// know; with them it fails over to the second server.
func TestReconnectPythonVanished(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		ctx := ctxT(t)
		a := startReconnectPeer(t, layout, "A", 0)
		b := startReconnectPeer(t, layout, "B", 0)
		pa := faultnet.Listen(t, a.Addr)
		c := dialReconnect(ctx, t, &reconnect.Options{
			Addrs: []string{pa.Addr(), b.Addr}, Backoff: testBackoff,
			PingInterval: 200 * time.Millisecond, PingTimeout: 500 * time.Millisecond,
		}, "A")
		pa.DropFIN()
		a.Kill()
		if who := untilCall(ctx, t, c); who != "B" {
			t.Errorf("after A vanished: whoami = %q, want B", who)
		}
	})
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
