package reconnect_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/reconnect"
	"github.com/rpyc-go/rpyc/registry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// subscriber is a Setup hook that subscribes a callback on every new
// connection and counts the calls it gets.
type subscriber struct {
	setups atomic.Int32
	mu     sync.Mutex
	heard  []string
}

func (s *subscriber) setup(ctx context.Context, conn *rpyc.Conn) error {
	root, err := conn.Root(ctx)
	if err != nil {
		return err
	}
	if _, err := root.CallMethod(ctx, "subscribe", func(msg string) {
		s.mu.Lock()
		s.heard = append(s.heard, msg)
		s.mu.Unlock()
	}); err != nil {
		return err
	}
	s.setups.Add(1)
	return nil
}

func (s *subscriber) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.heard...)
}

// fast is a backoff for tests: redial rounds 10 ms apart, at most 100 ms.
var fast = reconnect.Backoff{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond}

// TestRestart: the server restarts on the same address; calls resume on
// the new connection, Setup runs again (the callback is registered with
// the new server), and a netref from before fails with ErrStale at once.
func TestRestart(t *testing.T) {
	ctx := testCtx(t)
	a := startServer(t, "A", "")
	sub := &subscriber{}
	c, err := reconnect.Dial(ctx, &reconnect.Options{Addrs: []string{a.addr}, Setup: sub.setup, Backoff: fast, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	old, err := c.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	root, err := old.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ctrAny, err := root.CallMethod(ctx, "new_counter")
	if err != nil {
		t.Fatal(err)
	}
	ctr := ctrAny.(*rpyc.Netref)
	if _, err := ctr.CallMethod(ctx, "incr"); err != nil {
		t.Fatal(err)
	}

	a.restart()
	who, _ := callUntil(ctx, t, c)
	if who != "A" {
		t.Errorf("after the restart: whoami = %q, want A", who)
	}
	if n := sub.setups.Load(); n != 2 {
		t.Errorf("Setup ran %d times, want 2 (once per connection)", n)
	}
	v, err := c.Call(ctx, "fire", "hello")
	if err != nil || v != int64(1) {
		t.Fatalf("fire after the restart = %v, %v; want 1 subscriber reached", v, err)
	}
	if got := sub.messages(); len(got) != 1 || got[0] != "A: hello" {
		t.Errorf("callback heard %q, want [A: hello]", got)
	}
	now, err := c.Conn(ctx)
	if err != nil || now == old {
		t.Fatalf("Conn after the restart: %p, %v; want a new connection (old %p)", now, err, old)
	}

	start := time.Now()
	_, err = ctr.CallMethod(ctx, "incr")
	if !errors.Is(err, rpyc.ErrStale) || !errors.Is(err, rpyc.ErrClosed) {
		t.Errorf("netref from the old connection: got %v, want ErrStale", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("the stale netref took %v to fail, want at once", el)
	}
	if err != nil && !strings.Contains(err.Error(), a.addr) {
		t.Errorf("stale error %q does not name the server it was for", err)
	}
}

// TestFailover: the first server dies; the client moves to the second
// and calls resume there.
func TestFailover(t *testing.T) {
	ctx := testCtx(t)
	a, b := startServer(t, "A", ""), startServer(t, "B", "")
	c := dial(ctx, t, &reconnect.Options{Addrs: []string{a.addr, b.addr}, Backoff: fast, Logger: quiet}, "A")
	a.kill()
	who, _ := callUntil(ctx, t, c)
	if who != "B" {
		t.Errorf("after A died: whoami = %q, want B", who)
	}
	if c.Addr() != b.addr {
		t.Errorf("Addr() = %q, want %q", c.Addr(), b.addr)
	}
	// And back to A when B dies in turn.
	a.restart()
	b.kill()
	if who, _ := callUntil(ctx, t, c); who != "A" {
		t.Errorf("after B died: whoami = %q, want A", who)
	}
}

// TestInFlightLost: a call in flight when the connection ends fails with
// ErrLost, at once; the same call marked idempotent is made again on the
// next server and succeeds.
func TestInFlightLost(t *testing.T) {
	ctx := testCtx(t)
	a, b := startServer(t, "A", ""), startServer(t, "B", "")
	c := dial(ctx, t, &reconnect.Options{Addrs: []string{a.addr, b.addr}, Backoff: fast, Logger: quiet}, "A")

	type result struct {
		v   any
		err error
		el  time.Duration
	}
	run := func(idempotent bool) <-chan result {
		ch := make(chan result, 1)
		go func() {
			start := time.Now()
			var v any
			var err error
			if idempotent {
				v, err = c.CallIdempotent(ctx, "sleep", 0.5)
			} else {
				v, err = c.Call(ctx, "sleep", 10)
			}
			ch <- result{v, err, time.Since(start)}
		}()
		return ch
	}
	lost := run(false)
	retried := run(true)
	time.Sleep(100 * time.Millisecond) // both requests reach A
	a.kill()

	r := <-lost
	if !errors.Is(r.err, reconnect.ErrLost) || !errors.Is(r.err, rpyc.ErrClosed) {
		t.Errorf("call in flight when A died: got %v, %v; want ErrLost", r.v, r.err)
	}
	if r.el > 5*time.Second {
		t.Errorf("the lost call returned after %v, want at once (not at its 10 s end)", r.el)
	}
	r = <-retried
	if r.err != nil || r.v != 0.5 {
		t.Errorf("idempotent call in flight when A died: got %v, %v; want 0.5 from B", r.v, r.err)
	}
	if c.Addr() != b.addr {
		t.Errorf("Addr() = %q, want B's %q", c.Addr(), b.addr)
	}
}

// TestWaitsWhileRedialing: with no server up, a call waits for one (up to
// its context); when the server comes back the waiting call runs there.
// A call whose context ends first fails with ErrNoConnection and says
// why the last attempt failed.
func TestWaitsWhileRedialing(t *testing.T) {
	ctx := testCtx(t)
	a := startServer(t, "A", "")
	c, err := reconnect.Dial(ctx, &reconnect.Options{Addrs: []string{a.addr}, Backoff: fast, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a.kill()
	// Wait until the client has noticed.
	for c.Addr() != "" {
		time.Sleep(5 * time.Millisecond)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err = c.Call(short, "whoami")
	cancel()
	if !errors.Is(err, reconnect.ErrNoConnection) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("call while the only server is down: got %v, want ErrNoConnection and DeadlineExceeded", err)
	}
	if err != nil && !strings.Contains(err.Error(), "refused") {
		t.Errorf("error %q does not carry the last attempt's failure", err)
	}
	waiting := make(chan error, 1)
	go func() {
		_, err := c.Call(ctx, "whoami")
		waiting <- err
	}()
	time.Sleep(50 * time.Millisecond)
	a.listen(a.addr)
	if err := <-waiting; err != nil {
		t.Errorf("a call waiting for the server: %v", err)
	}
}

// TestCloseWhileRedialing: Close ends the redials; calls waiting for a
// connection fail with ErrClosed, and later calls too.
func TestCloseWhileRedialing(t *testing.T) {
	ctx := testCtx(t)
	a := startServer(t, "A", "")
	c, err := reconnect.Dial(ctx, &reconnect.Options{Addrs: []string{a.addr}, Backoff: fast, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	a.kill()
	for c.Addr() != "" { // the client noticed: calls now wait
		time.Sleep(5 * time.Millisecond)
	}
	waiting := make(chan error, 1)
	go func() {
		_, err := c.Call(ctx, "whoami")
		waiting <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-waiting; !errors.Is(err, reconnect.ErrClosed) {
		t.Errorf("call waiting at Close: got %v, want ErrClosed", err)
	}
	if _, err := c.Call(ctx, "whoami"); !errors.Is(err, reconnect.ErrClosed) {
		t.Errorf("call after Close: got %v, want ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestDialErrors: options that cannot work, and a first dial that fails,
// are reported by Dial.
func TestDialErrors(t *testing.T) {
	ctx := testCtx(t)
	for _, tc := range []struct {
		name string
		opts *reconnect.Options
		want string
	}{
		{"nil", nil, "needs Options"},
		{"nothing", &reconnect.Options{}, "set Options.Addrs"},
		{"two ways", &reconnect.Options{Addrs: []string{"x:1"}, Dial: func(context.Context) (*rpyc.Conn, string, error) { return nil, "", nil }}, "only one"},
		{"no name", &reconnect.Options{Discoverer: nopDiscoverer{}}, "Name is empty"},
	} {
		_, err := reconnect.Dial(ctx, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	a := startServer(t, "A", "")
	dead := a.addr
	a.kill()
	_, err := reconnect.Dial(ctx, &reconnect.Options{Addrs: []string{dead}, Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), dead) {
		t.Errorf("Dial to a dead server: got %v, want an error naming %s", err, dead)
	}
	setupErr := errors.New("no such table")
	b := startServer(t, "B", "")
	_, err = reconnect.Dial(ctx, &reconnect.Options{Addrs: []string{b.addr}, Logger: quiet,
		Setup: func(context.Context, *rpyc.Conn) error { return setupErr }})
	if !errors.Is(err, setupErr) || !strings.Contains(err.Error(), "Setup") {
		t.Errorf("Dial with a failing Setup: got %v, want the Setup error", err)
	}
}

// TestCustomDial: Options.Dial makes each connection.
func TestCustomDial(t *testing.T) {
	ctx := testCtx(t)
	a := startServer(t, "A", "")
	var dials atomic.Int32
	c, err := reconnect.Dial(ctx, &reconnect.Options{Backoff: fast, Logger: quiet,
		Dial: func(ctx context.Context) (*rpyc.Conn, string, error) {
			dials.Add(1)
			conn, err := rpyc.Dial(ctx, a.addr, nil)
			return conn, "custom:" + a.addr, err
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a.restart()
	if who, _ := callUntil(ctx, t, c); who != "A" {
		t.Errorf("whoami = %q, want A", who)
	}
	if n := dials.Load(); n < 2 {
		t.Errorf("Options.Dial called %d times, want at least 2", n)
	}
	if got := c.Addr(); got != "custom:"+a.addr {
		t.Errorf("Addr() = %q, want the address Options.Dial reported", got)
	}
}

// nopDiscoverer finds nothing.
type nopDiscoverer struct{}

func (nopDiscoverer) Discover(context.Context, string) ([]registry.ServerAddr, error) {
	return nil, nil
}
