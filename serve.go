package rpyc

// Manual serving: a connection nobody started (see NewConn) is read by
// whoever calls Serve, ServeAll or PollAll, or waits for a reply.

import (
	"context"
	"errors"
	"io"
)

// startManual starts the frame pump for hand-driven connections.
func (c *Conn) startManual() {
	c.startOnce.Do(func() {
		c.frames = make(chan frame)
		go c.pump()
		if c.cfg.Heartbeat.Interval > 0 {
			go c.heartbeat()
		}
	})
}

// Serve dispatches incoming messages until at least one has been handled
// or ctx ends, for connections driven by hand (see NewConn). On a started
// connection it only waits for ctx or the end of the connection.
func (c *Conn) Serve(ctx context.Context) error {
	c.startManual()
	if c.auto.Load() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.done:
			return c.Err()
		}
	}
	_, err := c.serveOne(ctx, nil)
	return err
}

// ServeAll dispatches messages until the connection ends, then returns nil
// if this side closed it, else the reason. Python's serve_all.
func (c *Conn) ServeAll() error {
	c.startManual()
	if !c.auto.Load() {
		for {
			if _, err := c.serveOne(context.Background(), nil); err != nil {
				break
			}
		}
	}
	<-c.done
	err := c.Err()
	if errors.Is(err, ErrClosedLocally) || errors.Is(err, ErrClosedByPeer) || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// PollAll dispatches every message that arrives until ctx ends, and
// reports whether any was. Python's poll_all.
func (c *Conn) PollAll(ctx context.Context) (bool, error) {
	c.startManual()
	served := false
	for {
		ok, err := c.serveOne(ctx, nil)
		served = served || ok
		if err != nil {
			if ctx.Err() != nil {
				return served, nil
			}
			return served, err
		}
	}
}

// serveOne dispatches one message in manual mode. It returns early (false,
// nil) when stop closes, so a caller waiting for its own reply stops
// dispatching as soon as the reply is in.
func (c *Conn) serveOne(ctx context.Context, stop <-chan struct{}) (bool, error) {
	if c.auto.Load() {
		return false, errors.New("rpyc: connection serves itself (Start was called)")
	}
	select {
	case c.dispatching <- struct{}{}:
	case <-stop:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	case <-c.done:
		return false, c.Err()
	}
	defer func() { <-c.dispatching }()
	select {
	case f, ok := <-c.frames:
		if !ok {
			<-c.done
			return false, c.Err()
		}
		c.dispatch(f, nil)
		return true, nil
	case <-stop:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	case <-c.done:
		return false, c.Err()
	}
}
