package reconnect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/rpyc-go/rpyc"
)

// Client is an RPyC client that redials when its connection ends. It is
// safe for concurrent use; calls made while it redials wait for the new
// connection. Close it when done.
type Client struct {
	opts   Options
	log    *slog.Logger
	ctx    context.Context // ends at Close; bounds redials and pings
	cancel context.CancelFunc
	wg     sync.WaitGroup // the redial goroutine

	mu      sync.Mutex // protects the following
	cur     *session   // the connection in use; nil while redialing
	ready   chan struct{}
	lastErr error // why the last connection ended, or the last attempt failed
	closed  bool
}

// session is one connection the client made.
type session struct {
	conn *rpyc.Conn
	addr string
	gone chan struct{} // closed once the client has let go of it
}

// Dial makes a Client and its first connection: one attempt at each
// server (bounded by ctx and Options.AttemptTimeout each), so a wrong
// address or a failing Setup is reported here rather than retried
// forever. From then on the client redials by itself. For a server that
// may still be starting, set DialOptions.Attempts (connect retries).
func Dial(ctx context.Context, opts *Options) (*Client, error) {
	if opts == nil {
		return nil, errors.New("reconnect: Dial needs Options naming the servers (Addrs, Discoverer or Dial)")
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	c := &Client{opts: o, log: o.Logger, ready: make(chan struct{})}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	s, err := c.round(ctx, "")
	if err != nil {
		c.cancel()
		return nil, err
	}
	c.publish(s)
	c.wg.Add(1)
	go c.run(s)
	return c, nil
}

// Conn returns the connection in use, waiting while the client redials
// (bounded by ctx). A connection may end at any moment; Do says what
// happened to a call when it does. Do not Close it: the client would take
// that for a lost connection and redial.
func (c *Client) Conn(ctx context.Context) (*rpyc.Conn, error) {
	s, err := c.session(ctx)
	if err != nil {
		return nil, err
	}
	return s.conn, nil
}

// Addr returns the address of the server in use, or "" while the client
// redials.
func (c *Client) Addr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil {
		return ""
	}
	return c.cur.addr
}

// Do runs f on the connection in use, waiting for one while the client
// redials. If the connection ends while f runs, Do returns an error
// matching ErrLost (and rpyc.ErrClosed): f's requests may or may not have
// run on the server, so f is not run again (see DoIdempotent). Any other
// error of f is returned as it is.
func (c *Client) Do(ctx context.Context, f func(ctx context.Context, conn *rpyc.Conn) error) error {
	return c.do(ctx, f, false)
}

// DoIdempotent is Do for work that is safe to repeat: if the connection
// ends while f runs, f runs again on the next connection, until it
// completes or ctx ends. Only the program knows whether repeating a call
// is harmless, hence two methods.
func (c *Client) DoIdempotent(ctx context.Context, f func(ctx context.Context, conn *rpyc.Conn) error) error {
	return c.do(ctx, f, true)
}

// Call calls the server root's method name with args (a trailing
// rpyc.Kwargs gives keyword arguments) on the connection in use, as Do
// runs f.
func (c *Client) Call(ctx context.Context, name string, args ...any) (any, error) {
	return c.call(ctx, false, name, args)
}

// CallIdempotent is Call for a method that is safe to repeat: a call
// caught by the end of a connection is made again on the next one.
func (c *Client) CallIdempotent(ctx context.Context, name string, args ...any) (any, error) {
	return c.call(ctx, true, name, args)
}

func (c *Client) call(ctx context.Context, idempotent bool, name string, args []any) (any, error) {
	var v any
	err := c.do(ctx, func(ctx context.Context, conn *rpyc.Conn) error {
		root, err := conn.Root(ctx)
		if err != nil {
			return err
		}
		v, err = root.CallMethod(ctx, name, args...)
		return err
	}, idempotent)
	return v, err
}

// do runs f on a connection; see Do and DoIdempotent.
func (c *Client) do(ctx context.Context, f func(context.Context, *rpyc.Conn) error, idempotent bool) error {
	for {
		s, err := c.session(ctx)
		if err != nil {
			return err
		}
		err = f(ctx, s.conn)
		if err == nil || !errors.Is(err, rpyc.ErrClosed) || !s.conn.Closed() {
			return err // done, or an error of f's own
		}
		// The connection ended under f.
		if c.isClosed() {
			return fmt.Errorf("%w: %w", ErrClosed, err)
		}
		if !idempotent {
			return fmt.Errorf("%w (%s): %w", ErrLost, s.addr, err)
		}
		if ctx.Err() != nil {
			return err
		}
		c.log.Debug("reconnect: repeating an idempotent call on the next connection", "addr", s.addr, "err", err)
	}
}

// session returns the session in use, waiting for one while the client
// redials.
func (c *Client) session(ctx context.Context) (*session, error) {
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, ErrClosed
		}
		s, ready := c.cur, c.ready
		c.mu.Unlock()
		wait := ready
		if s != nil {
			if !s.conn.Closed() {
				return s, nil
			}
			wait = s.gone // ended, and the client is about to notice
		}
		select {
		case <-wait:
		case <-c.ctx.Done():
			return nil, ErrClosed
		case <-ctx.Done():
			c.mu.Lock()
			last := c.lastErr
			c.mu.Unlock()
			if last != nil {
				return nil, fmt.Errorf("%w to %s while waiting (%w); last failure: %w", ErrNoConnection, c.where(), ctx.Err(), last)
			}
			return nil, fmt.Errorf("%w to %s while waiting: %w", ErrNoConnection, c.where(), ctx.Err())
		}
	}
}

// where names the servers for errors.
func (c *Client) where() string {
	switch {
	case c.opts.Dial != nil:
		return "the server (Options.Dial)"
	case c.opts.Discoverer != nil:
		return fmt.Sprintf("a server of %q", c.opts.Name)
	case len(c.opts.Addrs) == 1:
		return c.opts.Addrs[0]
	default:
		return fmt.Sprintf("any of %v", c.opts.Addrs)
	}
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// publish makes s the session in use; after Close it closes s instead.
func (c *Client) publish(s *session) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		_ = s.conn.Close()
		return false
	}
	c.cur = s
	c.lastErr = nil
	close(c.ready)
	c.mu.Unlock()
	return true
}

// Close ends the connection in use and stops redialing; calls waiting for
// a connection fail with ErrClosed. It is idempotent.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	s := c.cur
	c.cur = nil
	c.mu.Unlock()
	c.cancel()
	var err error
	if s != nil {
		err = s.conn.Close()
	}
	c.wg.Wait()
	return err
}
