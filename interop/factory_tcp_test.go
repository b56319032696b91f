//go:build unix

package interop

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// startFactoryServer starts factory_server.py in the given layout.
func startFactoryServer(t testing.TB, layout message.Layout, args ...string) *Peer {
	t.Helper()
	return Start(t, PeerOptions{Script: "factory_server.py", Args: args, Layout6: layout == message.LayoutV6})
}

// callAdd checks that c reaches the factory server's add.
func callAdd(t *testing.T, c *rpyc.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatalf("Root: %v", err)
	}
	v, err := root.CallMethod(ctx, "add", int64(2), int64(3))
	if err != nil {
		t.Fatalf("add(2, 3): %v", err)
	}
	if v != int64(5) {
		t.Fatalf("add(2, 3) = %v, want 5", v)
	}
}

// connections asks the factory server how many connections it accepted.
func connections(t *testing.T, c *rpyc.Conn) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatalf("Root: %v", err)
	}
	v, err := root.CallMethod(ctx, "connections")
	if err != nil {
		t.Fatalf("connections(): %v", err)
	}
	n, ok := v.(int64)
	if !ok {
		t.Fatalf("connections() = %T %v, want an int", v, v)
	}
	return n
}

// TestFactoryDialLearnsLayout: Dial with a zero Config reaches a Python
// server in either layout, over IPv4 and IPv6, and reports the layout.
func TestFactoryDialLearnsLayout(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "::1"} {
		t.Run(host, func(t *testing.T) {
			layouts(t, func(t *testing.T, layout message.Layout) {
				p := startFactoryServer(t, layout, "--host", host)
				ctx := ctxT(t)
				c, err := rpyc.DialWith(ctx, p.Addr, &rpyc.DialOptions{NoLayoutCache: true}, nil)
				if err != nil {
					t.Fatalf("Dial %s: %v", p.Addr, err)
				}
				defer c.Close()
				if got := c.Layout(); got != layout {
					t.Errorf("Layout() = %v, want %v", got, layout)
				}
				callAdd(t, c)
			})
		})
	}
}

// TestFactoryExplicitLayoutWrong: a Config that names the wrong layout
// gets an error saying which layout was tried and what to set.
func TestFactoryExplicitLayoutWrong(t *testing.T) {
	p := startFactoryServer(t, message.LayoutV5)
	ctx := ctxT(t)
	c, err := rpyc.Dial(ctx, p.Addr, &rpyc.Config{Layout: message.LayoutV6})
	if err == nil {
		c.Close()
		t.Fatal("Dial in the 6.x layout to a 5.x server succeeded")
	}
	var le *rpyc.LayoutError
	if !errors.As(err, &le) {
		t.Fatalf("error %v (%T) is not a *LayoutError", err, err)
	}
	t.Logf("error: %v", err)
}

// TestFactoryLayoutCache: a thousand dials to a Python 5.3 server probe
// its layout once. The server counts connections (a probe is one), so it
// must have seen exactly 1 probe + 1000 dials + the one that asks.
func TestFactoryLayoutCache(t *testing.T) {
	p := startFactoryServer(t, message.LayoutV5)
	ctx := ctxT(t)
	const dials = 1000
	for i := 0; i < dials; i++ {
		c, err := rpyc.Dial(ctx, p.Addr, nil)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		if got := c.Layout(); got != message.LayoutV5 {
			t.Fatalf("dial %d: Layout() = %v, want v5", i, got)
		}
		if err := c.Close(); err != nil {
			t.Fatalf("close %d: %v", i, err)
		}
	}
	c, err := rpyc.Dial(ctx, p.Addr, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if got, want := connections(t, c), int64(1+dials+1); got != want {
		t.Errorf("server saw %d connections, want %d (one probe, %d dials, this one)", got, want, dials)
	}
	probes := strings.Count(p.Stderr(), "client connection terminated abruptly")
	if probes != 1 {
		t.Errorf("server logged %d tracebacks of a wrong-layout probe, want 1", probes)
	}
}

// TestFactoryLayoutCacheStale: a cached layout that has become wrong (the
// server behind an address changed rpyc version) costs one failed attempt;
// the dial still succeeds and the new layout is learnt. A forwarding
// listener keeps the address while the server behind it changes.
func TestFactoryLayoutCacheStale(t *testing.T) {
	p5 := startFactoryServer(t, message.LayoutV5)
	p6 := startFactoryServer(t, message.LayoutV6)
	fwd := newForwarder(t, p5.Addr)
	ctx := ctxT(t)
	dial := func(want message.Layout) {
		t.Helper()
		c, err := rpyc.Dial(ctx, fwd.addr(), nil)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.Close()
		if got := c.Layout(); got != want {
			t.Errorf("Layout() = %v, want %v", got, want)
		}
		callAdd(t, c)
	}
	dial(message.LayoutV5) // learns 5.x
	fwd.setTarget(p6.Addr)
	dial(message.LayoutV6) // the cached 5.x fails once, 6.x is learnt
	dial(message.LayoutV6) // and used from now on
	c, err := rpyc.Dial(ctx, p6.Addr, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	// 6.x server: the failed 5.x attempt, two dials through the
	// forwarder, and this one.
	if got := connections(t, c); got != 4 {
		t.Errorf("6.x server saw %d connections, want 4", got)
	}
}

// forwarder relays each TCP connection it accepts on loopback to a target
// that the test can change.
type forwarder struct {
	ln     net.Listener
	mu     sync.Mutex
	target string
	wg     sync.WaitGroup
}

func newForwarder(t *testing.T, target string) *forwarder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	f := &forwarder{ln: ln, target: target}
	f.wg.Add(1)
	go f.serve()
	t.Cleanup(func() {
		ln.Close()
		f.wg.Wait()
	})
	return f
}

func (f *forwarder) addr() string { return f.ln.Addr().String() }

func (f *forwarder) setTarget(addr string) {
	f.mu.Lock()
	f.target = addr
	f.mu.Unlock()
}

func (f *forwarder) serve() {
	defer f.wg.Done()
	for {
		a, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		target := f.target
		f.mu.Unlock()
		b, err := net.Dial("tcp", target)
		if err != nil {
			a.Close()
			continue
		}
		f.wg.Add(2)
		pipe := func(dst, src net.Conn) {
			defer f.wg.Done()
			_, _ = io.Copy(dst, src)
			dst.Close()
			src.Close()
		}
		go pipe(a, b)
		go pipe(b, a)
	}
}

// TestFactoryUnix: DialUnix reaches a Python server on a Unix socket in
// either layout, learning the layout.
func TestFactoryUnix(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		path := filepath.Join(t.TempDir(), "rpyc.sock")
		startFactoryServer(t, layout, "--unix", path)
		c, err := rpyc.DialUnix(ctxT(t), path, nil)
		if err != nil {
			t.Fatalf("DialUnix: %v", err)
		}
		defer c.Close()
		if got := c.Layout(); got != layout {
			t.Errorf("Layout() = %v, want %v", got, layout)
		}
		callAdd(t, c)
	})
}

// TestFactoryDialOptions: keepalive and timeout options are accepted and
// a dial to a closed port names the address.
func TestFactoryDialOptions(t *testing.T) {
	p := startFactoryServer(t, message.LayoutV6)
	for _, ka := range []time.Duration{-1, 0, 5 * time.Second} {
		c, err := rpyc.DialWith(ctxT(t), p.Addr, &rpyc.DialOptions{KeepAlive: ka, Timeout: 5 * time.Second}, nil)
		if err != nil {
			t.Fatalf("DialWith(KeepAlive %v): %v", ka, err)
		}
		callAdd(t, c)
		c.Close()
	}
	closed := "127.0.0.1:1"
	if _, err := rpyc.Dial(ctxT(t), closed, nil); err == nil || !strings.Contains(err.Error(), closed) {
		t.Errorf("Dial(%s) = %v, want an error naming the address", closed, err)
	}
}
