package reconnect

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/registry"
)

// run watches the session in use and, when it ends, lets it go and
// redials, until Close.
func (c *Client) run(s *session) {
	defer c.wg.Done()
	for {
		why := c.watch(s)
		if why == nil || c.ctx.Err() != nil {
			return
		}
		lostAt := time.Now()
		c.lose(s, why)
		next, rounds := c.redial(s.addr)
		if next == nil {
			return
		}
		if !c.publish(next) {
			return
		}
		c.log.Info("reconnect: connected again", "addr", next.addr, "lost", s.addr,
			"after", time.Since(lostAt).Round(time.Millisecond), "rounds", rounds)
		s = next
	}
}

// pingData is what a health-check ping sends (Python's default is 520
// bytes; a short string does the same job).
const pingData = "rpyc-go reconnect"

// watch waits until s's connection ends, or stops answering pings, and
// says why; nil means the client was closed.
func (c *Client) watch(s *session) error {
	var tick <-chan time.Time
	if c.opts.PingInterval > 0 {
		t := time.NewTicker(c.opts.PingInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-s.conn.Done():
			return s.conn.Err()
		case <-c.ctx.Done():
			return nil
		case <-tick:
			ctx, cancel := context.WithTimeout(c.ctx, c.opts.PingTimeout)
			err := s.conn.Ping(ctx, pingData)
			cancel()
			switch {
			case err == nil:
			case c.ctx.Err() != nil:
				return nil
			case s.conn.Closed():
				return s.conn.Err()
			case errors.Is(err, context.DeadlineExceeded):
				return fmt.Errorf("no reply to a ping within %v", c.opts.PingTimeout)
			default:
				return fmt.Errorf("ping: %w", err)
			}
		}
	}
}

// lose stops using s: new calls wait for the next connection, calls
// waiting on s move on, and s is retired so that its netrefs fail with
// rpyc.ErrStale.
func (c *Client) lose(s *session, why error) {
	c.mu.Lock()
	if c.cur == s {
		c.cur = nil
		c.ready = make(chan struct{})
	}
	c.lastErr = fmt.Errorf("%s: %w", s.addr, why)
	c.mu.Unlock()
	close(s.gone)
	c.log.Warn("reconnect: connection lost; redialing", "addr", s.addr, "err", why)
	reason := "reconnect: the client let go of its connection to " + s.addr
	if !s.conn.Closed() { // dropped by us (a ping went unanswered): say why
		reason += " (" + why.Error() + ")"
	}
	s.conn.Retire(errors.New(reason + "; get netrefs again through the Client"))
}

// redial makes rounds of attempts, pausing by Options.Backoff between
// them, until one connects (returned with the number of rounds) or the
// client is closed (nil).
func (c *Client) redial(lost string) (*session, int) {
	for n := 1; ; n++ {
		s, err := c.round(c.ctx, lost)
		if err == nil {
			return s, n
		}
		if c.ctx.Err() != nil {
			return nil, n
		}
		c.mu.Lock()
		c.lastErr = err
		c.mu.Unlock()
		wait := c.opts.Backoff.wait(n)
		c.log.Debug("reconnect: no server answered; waiting", "wait", wait, "round", n, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-c.ctx.Done():
			t.Stop()
			return nil, n
		}
	}
}

// round tries each server once, the one lost last, and returns the first
// session made.
func (c *Client) round(ctx context.Context, lost string) (*session, error) {
	addrs, err := c.candidates(ctx, lost)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, addr := range addrs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		s, err := c.attempt(ctx, addr)
		if err == nil {
			return s, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// candidates lists the servers to try, in order.
func (c *Client) candidates(ctx context.Context, lost string) ([]string, error) {
	switch {
	case c.opts.Dial != nil:
		return []string{""}, nil
	case c.opts.Discoverer != nil:
		dctx, cancel := context.WithTimeout(ctx, c.opts.AttemptTimeout)
		defer cancel()
		found, err := registry.Discover(dctx, c.opts.Discoverer, c.opts.Name)
		if err != nil {
			return nil, fmt.Errorf("reconnect: %w", err)
		}
		addrs := make([]string, 0, len(found))
		for _, i := range rand.Perm(len(found)) {
			addrs = append(addrs, found[i].String())
		}
		if i := slices.Index(addrs, lost); i >= 0 {
			addrs = append(append(addrs[:i:i], addrs[i+1:]...), lost)
		}
		return addrs, nil
	default:
		n := len(c.opts.Addrs)
		start := 0
		if i := slices.Index(c.opts.Addrs, lost); i >= 0 {
			start = (i + 1) % n
		}
		addrs := make([]string, n)
		for i := range n {
			addrs[i] = c.opts.Addrs[(start+i)%n]
		}
		return addrs, nil
	}
}

// attempt makes one connection (addr "" means Options.Dial) and runs
// Setup on it, bounded by AttemptTimeout.
func (c *Client) attempt(ctx context.Context, addr string) (*session, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.AttemptTimeout)
	defer cancel()
	var conn *rpyc.Conn
	var err error
	if c.opts.Dial != nil {
		conn, addr, err = c.opts.Dial(ctx)
		if err == nil && conn == nil {
			err = errors.New("reconnect: Options.Dial returned no connection and no error")
		}
	} else {
		conn, err = rpyc.DialWith(ctx, addr, c.opts.DialOptions, c.opts.Config)
	}
	if err != nil {
		return nil, err
	}
	if c.opts.Setup != nil {
		if err := c.opts.Setup(ctx, conn); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("reconnect: Setup on the connection to %s: %w", addr, err)
		}
	}
	return &session{conn: conn, addr: addr, gone: make(chan struct{})}, nil
}
