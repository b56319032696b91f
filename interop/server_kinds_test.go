//go:build unix

package interop

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// TestServerKindsManyClients: each server kind of the conformance example
// under many concurrent clients, all connected before any calls: 200
// Python clients (100 per layout, conf_many.py) and Go clients for the
// rest, 1,000 in all, every one making calls with zero errors. For
// Forking that is 1,000 child processes at once: each shows ~9.5 MiB RSS
// but only ~1.8 MiB PSS (the binary's pages are shared), about 2 GiB in
// all while the test runs.
func TestServerKindsManyClients(t *testing.T) {
	Python(t)
	for _, tc := range []struct {
		mode string
		goN  int
	}{{"threaded", 800}, {"pool", 800}, {"forking", 800}} {
		t.Run(tc.mode, func(t *testing.T) {
			srv := startConformance(t, "-mode", tc.mode)
			host, port, _ := net.SplitHostPort(srv.Addr)
			const perLayout = 100
			var peers []*Peer
			for _, layout6 := range []bool{false, true} {
				peers = append(peers, Start(t, PeerOptions{Script: "conf_many.py", Layout6: layout6, Stdin: true,
					Args: []string{host, port, strconv.Itoa(perLayout)}}))
			}
			conns := dialMany(t, srv.Addr, tc.goN)
			start := time.Now()
			for _, p := range peers {
				if _, err := io.WriteString(p.Stdin, "go\n"); err != nil {
					t.Fatal(err)
				}
			}
			var goCalls, goErrs atomic.Int64
			var wg sync.WaitGroup
			for k, c := range conns {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
					defer cancel()
					root, err := c.Root(ctx)
					if err != nil {
						goErrs.Add(1)
						return
					}
					for i := 0; i < 5; i++ {
						v, err := rpyc.As[int](root.CallMethod(ctx, "add", k, i))
						goCalls.Add(1)
						if err != nil || v != k+i {
							goErrs.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			pyCalls := 0
			for i, p := range peers {
				err := p.Wait(RunTimeout)
				for _, line := range strings.Split(p.Output(), "\n") {
					if strings.HasPrefix(line, "error") {
						t.Errorf("Python layout %d: %s", 5+i, line)
					}
					if f := strings.Fields(line); len(f) == 4 && f[0] == "calls" {
						n, _ := strconv.Atoi(f[1])
						pyCalls += n
						if f[3] != "0" {
							t.Errorf("Python layout %d: %s", 5+i, line)
						}
					}
				}
				if err != nil {
					t.Errorf("conf_many.py (layout %d): %v\n%s", 5+i, err, p.Stderr())
				}
			}
			if n := goErrs.Load(); n != 0 {
				t.Errorf("%d Go client errors in %d calls", n, goCalls.Load())
			}
			if want := 2 * perLayout * 11; pyCalls != want {
				t.Errorf("Python made %d calls, want %d", pyCalls, want)
			}
			t.Logf("%s: %d clients (%d Python, %d Go) made %d calls in %v", tc.mode, 2*perLayout+tc.goN,
				2*perLayout, tc.goN, pyCalls+int(goCalls.Load()), time.Since(start).Round(time.Millisecond))
			for _, c := range conns {
				_ = c.Close()
			}
			if err := srv.Alive(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// dialMany connects n Go clients (6.x layout, root fetched), 64 at a
// time, and closes them when the test ends.
func dialMany(t testing.TB, addr string, n int) []*rpyc.Conn {
	t.Helper()
	conns := make([]*rpyc.Conn, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c, err := rpyc.Dial(ctx, addr, &rpyc.Config{Layout: message.LayoutV6})
			if err == nil {
				_, err = c.Root(ctx)
			}
			conns[i], errs[i] = c, err
		}()
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				_ = c.Close()
			}
		}
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Go client %d of %d: %v", i, n, err)
		}
	}
	return conns
}

// TestServerHostileEveryKind: the garbage of TestRobustGarbage (without
// the zlib bomb) on every server kind: each garbage connection is closed,
// and a Python client and a Go client connected meanwhile keep being
// served. OneShot has no one else to serve: its one garbage client is
// dropped and the server exits cleanly.
func TestServerHostileEveryKind(t *testing.T) {
	Python(t)
	for _, mode := range []string{"threaded", "pool", "forking"} {
		t.Run(mode, func(t *testing.T) {
			srv := startConformance(t, "-mode", mode)
			host, port, _ := net.SplitHostPort(srv.Addr)
			witness := dialMany(t, srv.Addr, 1)[0]
			for _, gc := range garbageCases() {
				if gc.bomb {
					continue
				}
				nc, err := net.Dial("tcp", srv.Addr)
				if err != nil {
					t.Fatal(err)
				}
				if gc.getRoot != 0 {
					if _, err := nc.Write(getRootFrame(gc.getRoot, 1)); err != nil {
						t.Fatal(err)
					}
				}
				_, _ = nc.Write(gc.data(t))
				if gc.halfClose {
					time.Sleep(gc.pause)
					_ = nc.(*net.TCPConn).CloseWrite()
				}
				if err := waitClosed(nc, 40*time.Second); err != nil {
					t.Errorf("%s: %v", gc.name, err)
				}
				_ = nc.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				root, err := witness.Root(ctx)
				if err == nil {
					_, err = root.CallMethod(ctx, "add", 1, 2)
				}
				cancel()
				if err != nil {
					t.Fatalf("after %s: the Go witness failed: %v", gc.name, err)
				}
			}
			if out := Run(t, "server_client.py", true, "tcp", host, port); !strings.Contains(out, "add 42") {
				t.Errorf("Python client after the garbage: %q", out)
			}
			if err := srv.Alive(); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("oneshot", func(t *testing.T) {
		srv := startConformance(t, "-mode", "oneshot")
		srv.mayExit = true
		nc, err := net.Dial("tcp", srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		_, _ = nc.Write([]byte{0xff, 0xff, 0xff, 0xff, 0x00, 'a', 'b', 'c'})
		if err := waitClosed(nc, 10*time.Second); err != nil {
			t.Error(err)
		}
		select {
		case <-srv.done:
			if srv.werr != nil {
				t.Errorf("oneshot server exited with %v after its garbage client", srv.werr)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("oneshot server still running after its garbage client was dropped")
		}
	})
}

// waitClosed reads from nc until the server closes it (EOF or reset),
// discarding what it sends, for at most within.
func waitClosed(nc net.Conn, within time.Duration) error {
	_ = nc.SetReadDeadline(time.Now().Add(within))
	buf := make([]byte, 4096)
	for {
		_, err := nc.Read(buf)
		if err == nil {
			continue
		}
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return fmt.Errorf("connection still open after %v", within)
		}
		return nil
	}
}

// TestServerForkingKillChild: with Python clients on a forking server,
// SIGKILL to one client's child ends only that client: the server and
// every other client go on.
func TestServerForkingKillChild(t *testing.T) {
	Python(t)
	srv := startConformance(t, "-mode", "forking")
	conns := dialMany(t, srv.Addr, 5)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	victimRoot, err := conns[0].Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := rpyc.As[int](victimRoot.CallMethod(ctx, "pid"))
	if err != nil {
		t.Fatalf("pid(): %v", err)
	}
	if pid == srv.Pid() {
		t.Fatalf("the client was served by the server process itself (pid %d), not a child", pid)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-conns[0].Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the killed child's client is still connected")
	}
	for i, c := range conns[1:] {
		root, err := c.Root(ctx)
		if err == nil {
			_, err = root.CallMethod(ctx, "add", 1, 2)
		}
		if err != nil {
			t.Errorf("client %d after another's child was killed: %v", i+1, err)
		}
	}
	host, port, _ := net.SplitHostPort(srv.Addr)
	for _, layout6 := range []bool{false, true} {
		if out := Run(t, "server_client.py", layout6, "tcp", host, port); !strings.Contains(out, "add 42") {
			t.Errorf("new Python client (layout6=%v): %q", layout6, out)
		}
	}
	if err := srv.Alive(); err != nil {
		t.Fatal(err)
	}
}
