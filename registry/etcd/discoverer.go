package etcd

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc/registry"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Discoverer keeps the current list of registered servers in memory: it
// reads the prefix once, then applies the watch's events as they come, so
// Discover never waits for etcd (except for the first load) and never
// polls. While etcd is unreachable it answers with the last list it saw,
// and registry.ConnectByService skips the servers that are gone. It is a
// registry.Discoverer and a registry.Lister, safe for concurrent use.
type Discoverer struct {
	cli *clientv3.Client
	cfg Config
	log *slog.Logger

	startOnce sync.Once
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
	ready     chan struct{} // closed after the first load

	mu      sync.RWMutex // protects the following
	servers map[string]map[string]struct{}
	lastErr error
}

var (
	_ registry.Discoverer = (*Discoverer)(nil)
	_ registry.Lister     = (*Discoverer)(nil)
)

// NewDiscoverer returns a Discoverer reading through cli (which the
// caller keeps and closes after Close). It does no I/O: the watch starts
// with the first Discover or List, or with Start.
func NewDiscoverer(cli *clientv3.Client, cfg *Config) *Discoverer {
	c := cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	return &Discoverer{
		cli: cli, cfg: c, log: c.Logger,
		ctx: ctx, cancel: cancel,
		done: make(chan struct{}), ready: make(chan struct{}),
		servers: map[string]map[string]struct{}{},
	}
}

// Start loads the list and starts the watch in the background, if not
// done yet; Discover and List call it.
func (d *Discoverer) Start() {
	d.startOnce.Do(func() { go d.run() })
}

// Close stops the watch. The Discoverer answers with an error afterwards.
func (d *Discoverer) Close() error {
	d.cancel()
	d.Start() // so that done is closed even if it never started
	<-d.done
	return nil
}

// wait waits for the first load.
func (d *Discoverer) wait(ctx context.Context) error {
	d.Start()
	select {
	case <-d.ready:
		if d.ctx.Err() != nil {
			return fmt.Errorf("registry/etcd: discoverer closed")
		}
		return nil
	case <-ctx.Done():
		d.mu.RLock()
		last := d.lastErr
		d.mu.RUnlock()
		return fmt.Errorf("%w: the server list from etcd did not load (%w; last error: %v)",
			registry.ErrNoReply, ctx.Err(), last)
	}
}

// Discover returns the servers registered under name (case-insensitive),
// sorted; an empty list if there are none.
func (d *Discoverer) Discover(ctx context.Context, name string) ([]registry.ServerAddr, error) {
	if err := d.wait(ctx); err != nil {
		return nil, err
	}
	d.mu.RLock()
	set := d.servers[strings.ToUpper(name)]
	hps := make([]string, 0, len(set))
	for hp := range set {
		hps = append(hps, hp)
	}
	d.mu.RUnlock()
	slices.Sort(hps)
	out := make([]registry.ServerAddr, 0, len(hps))
	for _, hp := range hps {
		if a, ok := parseHostPort(hp); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// List returns the registered names, all of them or those with a server
// on filterHost. etcd has no listing switch: whoever may read the prefix
// may list it.
func (d *Discoverer) List(ctx context.Context, filterHost string) ([]string, error) {
	if err := d.wait(ctx); err != nil {
		return nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []string
	for name, set := range d.servers {
		if filterHost == "" || hasHost(set, filterHost) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

func hasHost(set map[string]struct{}, host string) bool {
	for hp := range set {
		if h, _, _ := net.SplitHostPort(hp); h == host {
			return true
		}
	}
	return false
}

func parseHostPort(hp string) (registry.ServerAddr, bool) {
	h, p, err := net.SplitHostPort(hp)
	if err != nil {
		return registry.ServerAddr{}, false
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return registry.ServerAddr{}, false
	}
	return registry.ServerAddr{Host: h, Port: n}, true
}

// run loads the list, then follows the watch; when the watch ends (the
// revision was compacted, or the watch was cancelled) it loads again.
// The etcd client resumes a watch by itself across connection losses.
func (d *Discoverer) run() {
	defer close(d.done)
	readyOnce := sync.OnceFunc(func() { close(d.ready) })
	defer readyOnce() // Close wakes waiters
	delay := 100 * time.Millisecond
	for d.ctx.Err() == nil {
		rev, err := d.load()
		if err != nil {
			if d.ctx.Err() != nil {
				return
			}
			d.mu.Lock()
			d.lastErr = err
			d.mu.Unlock()
			d.log.Warn("registry/etcd: loading the server list failed; retrying", "prefix", d.cfg.Prefix, "err", err, "retry_in", delay)
			if !sleep(d.ctx, delay) {
				return
			}
			delay = min(2*delay, 5*time.Second)
			continue
		}
		delay = 100 * time.Millisecond
		readyOnce()
		wch := d.cli.Watch(d.ctx, d.cfg.Prefix, clientv3.WithPrefix(), clientv3.WithRev(rev+1))
		for wr := range wch {
			if err := wr.Err(); err != nil {
				d.log.Warn("registry/etcd: watch ended; reloading the server list", "err", err)
				break
			}
			d.apply(wr.Events)
		}
		// Drain, so the client's watch goroutine can finish.
		for range wch {
		}
	}
}

// load replaces the list with the prefix's current content and returns
// its revision.
func (d *Discoverer) load() (int64, error) {
	ctx, cancel := context.WithTimeout(d.ctx, 10*time.Second)
	defer cancel()
	resp, err := d.cli.Get(ctx, d.cfg.Prefix, clientv3.WithPrefix())
	if err != nil {
		return 0, err
	}
	servers := map[string]map[string]struct{}{}
	for _, kv := range resp.Kvs {
		if name, hp, ok := d.split(string(kv.Key)); ok {
			if servers[name] == nil {
				servers[name] = map[string]struct{}{}
			}
			servers[name][hp] = struct{}{}
		}
	}
	d.mu.Lock()
	d.servers = servers
	d.lastErr = nil
	d.mu.Unlock()
	return resp.Header.Revision, nil
}

func (d *Discoverer) apply(events []*clientv3.Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, ev := range events {
		name, hp, ok := d.split(string(ev.Kv.Key))
		if !ok {
			continue
		}
		switch ev.Type {
		case clientv3.EventTypePut:
			if d.servers[name] == nil {
				d.servers[name] = map[string]struct{}{}
			}
			d.servers[name][hp] = struct{}{}
		case clientv3.EventTypeDelete:
			delete(d.servers[name], hp)
			if len(d.servers[name]) == 0 {
				delete(d.servers, name)
			}
		}
	}
}

// split parses PREFIX NAME "/" HOST:PORT.
func (d *Discoverer) split(key string) (name, hostport string, ok bool) {
	rest, ok := strings.CutPrefix(key, d.cfg.Prefix)
	if !ok {
		return "", "", false
	}
	i := strings.LastIndex(rest, "/")
	if i <= 0 || i == len(rest)-1 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}
