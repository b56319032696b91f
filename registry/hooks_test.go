package registry

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// hookLog records hook calls as "+NAME host:port" / "-NAME host:port".
type hookLog struct {
	mu    sync.Mutex
	calls []string
}

func (h *hookLog) config(cfg Config) *Config {
	cfg.OnServiceAdded = func(name string, s ServerAddr) { h.add("+" + name + " " + s.String()) }
	cfg.OnServiceRemoved = func(name string, s ServerAddr) { h.add("-" + name + " " + s.String()) }
	return &cfg
}

func (h *hookLog) add(s string) {
	h.mu.Lock()
	h.calls = append(h.calls, s)
	h.mu.Unlock()
}

func (h *hookLog) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.calls
	h.calls = nil
	return out
}

// TestHooksRegisterUnregister: a server's first REGISTER under a name
// calls OnServiceAdded, re-registrations do not, UNREGISTER calls
// OnServiceRemoved for each of its names.
func TestHooksRegisterUnregister(t *testing.T) {
	h := &hookLog{}
	r := startRegistry(t, "127.0.0.1", h.config(Config{}))
	ctx := ctxT(t)
	for kind, c := range clientKinds(r) {
		t.Run(kind, func(t *testing.T) {
			if err := c.Register(ctx, []string{"calc", "MATH"}, ":1000"); err != nil {
				t.Fatal(err)
			}
			want := []string{"+CALC 127.0.0.1:1000", "+MATH 127.0.0.1:1000"}
			if got := h.take(); !reflect.DeepEqual(got, want) {
				t.Errorf("after REGISTER: hooks %q, want %q", got, want)
			}
			if err := c.Register(ctx, []string{"calc", "MATH"}, ":1000"); err != nil {
				t.Fatal(err)
			}
			if got := h.take(); len(got) != 0 {
				t.Errorf("after a re-registration: hooks %q, want none (keepalives are not news)", got)
			}
			if err := c.Unregister(ctx, ":1000"); err != nil {
				t.Fatal(err)
			}
			got := h.take()
			if len(got) != 2 || !contains(got, "-CALC 127.0.0.1:1000") || !contains(got, "-MATH 127.0.0.1:1000") {
				t.Errorf("after UNREGISTER: hooks %q, want -CALC and -MATH", got)
			}
			if err := c.Unregister(ctx, ":1000"); err != nil {
				t.Fatal(err)
			}
			if got := h.take(); len(got) != 0 {
				t.Errorf("UNREGISTER of a server not listed: hooks %q, want none", got)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// TestHooksPruned: a server that stops re-registering is reported
// removed when the registry prunes it.
func TestHooksPruned(t *testing.T) {
	h := &hookLog{}
	r := startRegistry(t, "127.0.0.1", h.config(Config{PruningTimeout: time.Minute}))
	now := time.Now()
	r.table.mu.Lock()
	r.table.now = func() time.Time { return now }
	r.table.mu.Unlock()
	c := r.udpClient()
	ctx := ctxT(t)
	if err := c.Register(ctx, []string{"OLD"}, ":1000"); err != nil {
		t.Fatal(err)
	}
	h.take()
	r.table.mu.Lock()
	now = now.Add(2 * time.Minute)
	r.table.mu.Unlock()
	if got, _ := c.Discover(ctx, "old"); len(got) != 0 {
		t.Fatalf("Discover after pruning = %v, want none", got)
	}
	if got, want := h.take(), []string{"-OLD 127.0.0.1:1000"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after pruning: hooks %q, want %q", got, want)
	}
}

// TestHooksPanicAndReentry: a hook that panics is logged and the
// registry goes on; a hook may query the registry.
func TestHooksPanicAndReentry(t *testing.T) {
	var r *testRegistry
	seen := make(chan []ServerAddr, 10)
	cfg := &Config{
		OnServiceAdded: func(name string, s ServerAddr) {
			if name == "BOOM" {
				panic("hook failed")
			}
			seen <- r.Query(name)
		},
	}
	r = startRegistry(t, "127.0.0.1", cfg)
	c := r.tcpClient()
	ctx := ctxT(t)
	if err := c.Register(ctx, []string{"BOOM"}, ":1"); err != nil {
		t.Fatalf("REGISTER with a panicking hook: %v", err)
	}
	r.waitLog(t, "OnServiceAdded panicked")
	if err := c.Register(ctx, []string{"FINE"}, ":2"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-seen:
		if want := []ServerAddr{{"127.0.0.1", 2}}; !reflect.DeepEqual(got, want) {
			t.Errorf("Query from inside the hook = %v, want %v", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the hook was not called")
	}
}

// TestHooksOrder: many servers registering and unregistering at once;
// every (name, server) reported added is reported removed after it, once.
func TestHooksOrder(t *testing.T) {
	h := &hookLog{}
	r := startRegistry(t, "127.0.0.1", h.config(Config{}))
	ctx := ctxT(t)
	c := r.tcpClient()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			port := fmt.Sprintf(":%d", 3000+i)
			if err := c.Register(ctx, []string{"S"}, port); err != nil {
				t.Error(err)
			}
			if err := c.Unregister(ctx, port); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	state := map[string]bool{}
	for _, call := range h.take() {
		key := call[1:]
		if added := call[0] == '+'; added == state[key] {
			t.Errorf("hook call %q out of order", call)
		}
		state[key] = call[0] == '+'
	}
	if len(state) != 20 {
		t.Errorf("hooks saw %d servers, want 20", len(state))
	}
	for k, listed := range state {
		if listed {
			t.Errorf("%s reported added and never removed", k)
		}
	}
}
