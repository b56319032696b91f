//go:build unix

package interop

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/reconnect"
	"github.com/rpyc-go/rpyc/server"
)

// How long calls through a reconnect.Client fail when the server in use
// is restarted or fails over, with the backoff in benchBackoff:
//
//	go test -run '^$' -bench Reconnect -benchtime 20x ./interop/
//
// Each iteration disrupts the server while a caller loops on whoami
// (each call bounded by 5 s, 1 ms apart) and reports
//
//	ms-down    from the kill (once it returned) to the end of the
//	           first successful call started after it
//	ms-failed  from the start of the first call that failed to the end
//	           of the first that succeeded after it (0 when no call
//	           failed: calls made while the client redialed waited
//	           instead)
//	ms-restart (restarts) how long the new server took to listen, which
//	           ms-down includes

// benchBackoff is the backoff the measurements use: the client's
// default but for a shorter first wait.
var benchBackoff = reconnect.Backoff{Initial: 50 * time.Millisecond}

// outage is what one disruption cost the caller.
type outage struct{ down, failed time.Duration }

// measureOutage runs kill, then restart (which may be nil), while a
// caller loops on whoami, and returns when a call started after kill
// returned has succeeded.
func measureOutage(tb testing.TB, c *reconnect.Client, kill, restart func()) outage {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	disrupted := make(chan time.Time, 1)
	result := make(chan outage, 1)
	go func() {
		var since, firstFail time.Time
		for {
			start := time.Now()
			cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
			_, err := c.Call(cctx, "whoami")
			ccancel()
			end := time.Now()
			if since.IsZero() {
				select {
				case since = <-disrupted:
				default:
				}
			}
			switch {
			case err != nil && firstFail.IsZero():
				firstFail = start
			case err == nil && !since.IsZero() && start.After(since):
				o := outage{down: end.Sub(since)}
				if !firstFail.IsZero() {
					o.failed = end.Sub(firstFail)
				}
				result <- o
				return
			}
			if ctx.Err() != nil {
				result <- outage{down: -1}
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	kill()
	disrupted <- time.Now()
	if restart != nil {
		restart()
	}
	o := <-result
	if o.down < 0 {
		tb.Fatal("no call succeeded within 60 s of the disruption")
	}
	return o
}

// report adds the mean of each measure to b's results.
func report(b *testing.B, all []outage, restarts []time.Duration) {
	var down, failed, restart time.Duration
	for _, o := range all {
		down += o.down
		failed += o.failed
	}
	for _, r := range restarts {
		restart += r
	}
	n := float64(len(all))
	b.ReportMetric(float64(down.Milliseconds())/n, "ms-down")
	b.ReportMetric(float64(failed.Microseconds())/1000/n, "ms-failed")
	if len(restarts) > 0 {
		b.ReportMetric(float64(restart.Microseconds())/1000/float64(len(restarts)), "ms-restart")
	}
	b.ReportMetric(0, "ns/op") // the figures above are what counts
}

// nameService answers whoami with its name.
type nameService struct{ name string }

// Whoami names the server.
func (s *nameService) Whoami() string { return s.name }

// quietLogger drops the log lines of servers killed on purpose.
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// goNode serves whoami on addr from this process, for the Go-server
// measurements; stop closes it and its connections.
func goNode(tb testing.TB, name, addr string) (string, func()) {
	tb.Helper()
	var l net.Listener
	var err error
	for range 100 {
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		tb.Fatal(err)
	}
	srv := &server.Server{Service: &nameService{name: name}, Logger: quietLogger}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	stop := func() { _ = srv.Close(); <-done }
	tb.Cleanup(stop)
	return l.Addr().String(), stop
}

// BenchmarkReconnectRestart: the only server is killed and started again
// on the same address (a Go server in this process; Python's
// reconnect_server.py killed with SIGKILL, in both layouts).
func BenchmarkReconnectRestart(b *testing.B) {
	b.Run("go", func(b *testing.B) {
		addr, stop := goNode(b, "A", "127.0.0.1:0")
		c := benchClient(b, addr)
		var all []outage
		var restarts []time.Duration
		for range b.N {
			all = append(all, measureOutage(b, c, stop, func() {
				start := time.Now()
				_, stop = goNode(b, "A", addr)
				restarts = append(restarts, time.Since(start))
			}))
		}
		report(b, all, restarts)
	})
	for _, layout := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		b.Run("python-"+layout.String(), func(b *testing.B) {
			p := startReconnectPeer(b, layout, "A", 0)
			_, port := splitAddr(b, p.Addr)
			c := benchClient(b, p.Addr)
			var all []outage
			var restarts []time.Duration
			for range b.N {
				all = append(all, measureOutage(b, c, p.Kill, func() {
					start := time.Now()
					p = startReconnectPeer(b, layout, "A", atoi(b, port))
					restarts = append(restarts, time.Since(start))
				}))
			}
			report(b, all, restarts)
		})
	}
}

// BenchmarkReconnectFailover: of two servers, the one in use is killed;
// the client moves to the other, and the killed one is started again
// for the next iteration (not measured).
func BenchmarkReconnectFailover(b *testing.B) {
	b.Run("go", func(b *testing.B) {
		addrA, stopA := goNode(b, "A", "127.0.0.1:0")
		addrB, stopB := goNode(b, "B", "127.0.0.1:0")
		c := benchClient(b, addrA, addrB)
		stops := map[string]*func(){addrA: &stopA, addrB: &stopB}
		var all []outage
		for range b.N {
			cur := c.Addr()
			all = append(all, measureOutage(b, c, *stops[cur], nil))
			_, *stops[cur] = goNode(b, "again", cur)
		}
		report(b, all, nil)
	})
	for _, layout := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		b.Run("python-"+layout.String(), func(b *testing.B) {
			peers := map[string]*Peer{}
			var addrs []string
			for _, name := range []string{"A", "B"} {
				p := startReconnectPeer(b, layout, name, 0)
				peers[p.Addr] = p
				addrs = append(addrs, p.Addr)
			}
			c := benchClient(b, addrs...)
			var all []outage
			for range b.N {
				cur := c.Addr()
				all = append(all, measureOutage(b, c, peers[cur].Kill, nil))
				_, port := splitAddr(b, cur)
				peers[cur] = startReconnectPeer(b, layout, "again", atoi(b, port))
			}
			report(b, all, nil)
		})
	}
}

func benchClient(b *testing.B, addrs ...string) *reconnect.Client {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := reconnect.Dial(ctx, &reconnect.Options{Addrs: addrs, Backoff: benchBackoff, Logger: quietLogger,
		Config: &rpyc.Config{Logger: quietLogger}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	return c
}
