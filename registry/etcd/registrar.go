package etcd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc/registry"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Registrar registers servers in etcd, each under a lease it keeps alive
// in the background. It is a registry.Registrar, for server.Server's
// Registrar field, and safe for concurrent use.
type Registrar struct {
	cli *clientv3.Client
	cfg Config
	log *slog.Logger

	mu     sync.Mutex // protects the following
	regs   map[string]*registration
	closed bool
}

var _ registry.Registrar = (*Registrar)(nil)

// ErrClosed is returned by a Registrar's methods after Close.
var ErrClosed = errors.New("registry/etcd: registrar closed")

// NewRegistrar returns a Registrar that stores registrations through cli
// (which the caller keeps and closes after the Registrar). It does no I/O.
func NewRegistrar(cli *clientv3.Client, cfg *Config) *Registrar {
	c := cfg.withDefaults()
	return &Registrar{cli: cli, cfg: c, log: c.Logger, regs: map[string]*registration{}}
}

// registration is one server address: its names, its lease, and the
// goroutine that keeps the lease alive and takes a new one when it is
// lost.
type registration struct {
	r        *Registrar
	hostport string
	ctx      context.Context
	cancel   context.CancelFunc
	done     chan struct{}

	// sem is a one-slot lock held across etcd calls, to serialize them;
	// a channel, so a caller waiting for it still honours its context.
	sem     chan struct{}
	aliases []string         // protected by sem
	lease   clientv3.LeaseID // protected by sem; zero: none yet, or lost
}

func (g *registration) lock(ctx context.Context) error {
	select {
	case g.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("registry/etcd: registering %s: %w (etcd busy or unreachable)", g.hostport, ctx.Err())
	}
}

func (g *registration) unlock() { <-g.sem }

// Register stores aliases at addr in etcd and keeps them there until
// Unregister, Close or the process's death (then they vanish after the
// TTL). addr is the server's listen address; an unspecified host (":18812",
// "0.0.0.0:18812") is replaced by Config.AdvertiseHost. Calling it again,
// as server.Server does every minute, refreshes the keys and changes the
// names if they changed. It fails if etcd cannot be reached within ctx;
// the background goroutine keeps trying after that.
func (r *Registrar) Register(ctx context.Context, aliases []string, addr string) error {
	hostport, err := r.advertise(addr)
	if err != nil {
		return err
	}
	if len(aliases) == 0 {
		return fmt.Errorf("registry/etcd: no service names given for %s", addr)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrClosed
	}
	g := r.regs[addr]
	if g == nil {
		g = &registration{r: r, hostport: hostport, done: make(chan struct{}), sem: make(chan struct{}, 1)}
		g.ctx, g.cancel = context.WithCancel(context.Background())
		r.regs[addr] = g
		g.aliases = slices.Clone(aliases)
		go g.run()
	}
	r.mu.Unlock()
	return g.ensure(ctx, aliases)
}

// Unregister revokes addr's lease, which deletes its keys at once.
func (r *Registrar) Unregister(ctx context.Context, addr string) error {
	r.mu.Lock()
	g := r.regs[addr]
	delete(r.regs, addr)
	r.mu.Unlock()
	if g == nil {
		return nil
	}
	return g.stop(ctx)
}

// Close unregisters every server (within a few seconds) and stops the
// background goroutines. The client is left open.
func (r *Registrar) Close() error {
	r.mu.Lock()
	r.closed = true
	regs := r.regs
	r.regs = map[string]*registration{}
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, g := range regs {
		if err := g.stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// advertise turns a listen address into the host:port to store.
func (r *Registrar) advertise(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("registry/etcd: server address %q: %w (want host:port)", addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("registry/etcd: server address %q: port %q is not a number from 1 to 65535", addr, port)
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = r.cfg.AdvertiseHost
	}
	return net.JoinHostPort(host, port), nil
}

// ensure makes sure the registration has a lease and its keys are
// stored under it, with aliases as the names (nil keeps the current
// ones).
func (g *registration) ensure(ctx context.Context, aliases []string) error {
	if err := g.lock(ctx); err != nil {
		return err
	}
	defer g.unlock()
	if g.ctx.Err() != nil {
		return ErrClosed
	}
	var gone []string
	if aliases != nil {
		for _, a := range g.aliases {
			if !slices.ContainsFunc(aliases, func(b string) bool { return strings.EqualFold(a, b) }) {
				gone = append(gone, a)
			}
		}
		g.aliases = slices.Clone(aliases)
	}
	for attempt := 0; ; attempt++ {
		if g.lease == 0 {
			resp, err := g.r.cli.Grant(ctx, g.r.cfg.ttlSeconds())
			if err != nil {
				return fmt.Errorf("registry/etcd: registering %s: lease grant: %w (is etcd reachable?)", g.hostport, err)
			}
			g.lease = resp.ID
		}
		ops := make([]clientv3.Op, 0, len(g.aliases)+len(gone))
		for _, a := range g.aliases {
			ops = append(ops, clientv3.OpPut(g.r.cfg.key(a, g.hostport), g.hostport, clientv3.WithLease(g.lease)))
		}
		for _, a := range gone {
			ops = append(ops, clientv3.OpDelete(g.r.cfg.key(a, g.hostport)))
		}
		_, err := g.r.cli.Txn(ctx).Then(ops...).Commit()
		if err == nil {
			return nil
		}
		if errors.Is(err, rpctypes.ErrLeaseNotFound) && attempt == 0 {
			g.lease = 0 // expired while etcd was away: take a new one
			continue
		}
		return fmt.Errorf("registry/etcd: registering %s: %w (is etcd reachable?)", g.hostport, err)
	}
}

// run keeps the lease alive; when the keepalive ends (the lease expired,
// etcd lost it, or etcd was unreachable past the TTL) it registers again
// under a new lease, retrying with a growing delay.
func (g *registration) run() {
	defer close(g.done)
	log := g.r.log.With("server", g.hostport)
	delay := 100 * time.Millisecond
	lost := false
	for {
		if g.lock(g.ctx) != nil {
			return
		}
		lease := g.lease
		g.unlock()
		if lease == 0 {
			// Bounded, so that a Register call waiting for the lock
			// during an outage gets its turn.
			actx, cancel := context.WithTimeout(g.ctx, g.r.cfg.TTL)
			err := g.ensure(actx, nil)
			cancel()
			if err != nil {
				if g.ctx.Err() != nil {
					return
				}
				log.Warn("registry/etcd: registering failed; retrying", "err", err, "retry_in", delay)
				if !sleep(g.ctx, delay) {
					return
				}
				delay = min(2*delay, g.r.cfg.TTL)
				continue
			}
			if lost {
				log.Info("registry/etcd: registered again under a new lease")
			}
			delay, lost = 100*time.Millisecond, false
			continue
		}
		ch, err := g.r.cli.KeepAlive(g.ctx, lease)
		if err == nil {
			for range ch {
			}
		}
		if g.ctx.Err() != nil {
			return
		}
		log.Warn("registry/etcd: lease lost; registering again", "lease", int64(lease), "err", err)
		lost = true
		if g.lock(g.ctx) != nil {
			return
		}
		if g.lease == lease {
			g.lease = 0
		}
		g.unlock()
	}
}

// stop ends the keepalive and revokes the lease, deleting the keys.
func (g *registration) stop(ctx context.Context) error {
	g.cancel()
	<-g.done
	if err := g.lock(ctx); err != nil {
		return err
	}
	defer g.unlock()
	if g.lease != 0 {
		_, err := g.r.cli.Revoke(ctx, g.lease)
		g.lease = 0
		if err == nil || errors.Is(err, rpctypes.ErrLeaseNotFound) {
			return nil
		}
		return fmt.Errorf("registry/etcd: unregistering %s: %w (its keys expire with the lease TTL)", g.hostport, err)
	}
	return nil
}

// sleep waits d or until ctx ends; false means ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
