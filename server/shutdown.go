package server

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
)

// unregisterTimeout bounds the Unregister calls of Close, which has no
// context of its own.
const unregisterTimeout = 5 * time.Second

// Shutdown stops the server gracefully (rpyc #555): it stops accepting,
// drops clients still in the Authenticator's handshake, closes every
// connection that has no request in flight at once, lets the calls in
// flight finish (each connection closes as soon as it is idle), and
// unregisters from the Registrar. If ctx ends first, it closes what is
// left and returns ctx's error. With only idle clients it returns at
// once. A Forking server asks each child to do the same (SIGTERM) and
// kills the children still alive when ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	conns, raws, kids := s.beginClose()
	for _, nc := range raws {
		_ = nc.Close()
	}
	for _, c := range conns {
		c.CloseWhenIdle()
	}
	for _, p := range kids {
		_ = p.Signal(syscall.SIGTERM)
	}
	// Unregistering runs beside the calls' grace period, not before it:
	// a registry that is gone (a UDP unregister waits for an "OK" that
	// never comes) costs the calls nothing, and is no failure of ours.
	unregister := s.takeRegs() // now, before Serve's own unregister can race it
	unregistered := make(chan struct{})
	go func() {
		defer close(unregistered)
		unregister(ctx)
	}()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		<-unregistered
		return nil
	case <-ctx.Done():
		select {
		case <-done: // finished as the deadline passed: a clean stop
			<-unregistered
			return nil
		default:
		}
		s.closeNow()
		<-done
		<-unregistered
		return ctx.Err()
	}
}

// Close stops the server at once: it stops accepting, closes every
// connection (calls in flight fail), kills Forking children, unregisters,
// and waits for the connections' goroutines to end.
func (s *Server) Close() error {
	s.beginClose()
	s.closeNow()
	ctx, cancel := context.WithTimeout(context.Background(), unregisterTimeout)
	s.unregisterAll(ctx)
	cancel()
	s.wg.Wait()
	return nil
}

// beginClose marks the server closing, stops every Serve loop and
// returns what is being served.
func (s *Server) beginClose() ([]*rpyc.Conn, []net.Conn, []*os.Process) {
	s.init()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closing {
		s.closing = true
		close(s.done)
		s.memLimit.restore()
	}
	for l := range s.listeners {
		_ = l.Close()
	}
	conns := make([]*rpyc.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	raws := make([]net.Conn, 0, len(s.raw))
	for nc := range s.raw {
		raws = append(raws, nc)
	}
	kids := make([]*os.Process, 0, len(s.children))
	for p := range s.children {
		kids = append(kids, p)
	}
	return conns, raws, kids
}

// closeNow closes everything still open, connections in parallel (each
// Close waits briefly for its handlers).
func (s *Server) closeNow() {
	conns, raws, kids := s.beginClose()
	for _, nc := range raws {
		_ = nc.Close()
	}
	for _, p := range kids {
		_ = p.Kill()
	}
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.Close()
		}()
	}
	wg.Wait()
}

// ServeUntil serves l until ctx ends (a signal, say: see
// signal.NotifyContext), then shuts down gracefully, giving calls in
// flight up to grace to finish. It returns nil after a clean stop, and
// also when the server stopped by itself as a one-shot server does;
// Shutdown's error when calls had to be cut short after grace; otherwise
// Serve's error. It is the main loop of a server command.
func (s *Server) ServeUntil(ctx context.Context, l net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(l) }()
	select {
	case err := <-errc:
		if err == nil || errors.Is(err, ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		err := s.Shutdown(sctx)
		<-errc
		return err
	}
}
