package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"time"

	"github.com/rpyc-go/rpyc/stream"
)

// ListenAndServe listens on the TCP address addr ("127.0.0.1:18812",
// "[::]:18812" for every IPv6 and IPv4 address, ":18812") and serves until
// Shutdown or Close. ctx bounds only the listen.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	l, err := stream.ListenTCP(ctx, addr, nil)
	if err != nil {
		return fmt.Errorf("rpyc/server: listen on %s: %w", addr, err)
	}
	return s.Serve(l)
}

// ListenAndServeUnix listens on a Unix socket at path, replacing a stale
// socket file left there, and serves until Shutdown or Close, removing
// the file when it returns.
func (s *Server) ListenAndServeUnix(ctx context.Context, path string) error {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		_ = os.Remove(path)
	}
	l, err := stream.ListenUnix(ctx, path)
	if err != nil {
		return fmt.Errorf("rpyc/server: listen on unix socket %s: %w", path, err)
	}
	return s.Serve(l)
}

// Serve accepts connections on l (TCP, Unix, TLS, or any net.Listener)
// and serves each as the server's Kind says, until Shutdown or Close; l
// is closed when Serve returns. It returns ErrServerClosed after Shutdown
// or Close; a OneShot server returns nil once its one client is gone.
// Accepting never waits for a client's handshake: the Authenticator runs
// on the connection's own goroutine.
func (s *Server) Serve(l net.Listener) error {
	if s.Kind == Forking && !canFork {
		_ = l.Close()
		return fmt.Errorf("%w (on %s)", ErrNoChildProcesses, runtime.GOOS)
	}
	s.init()
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = l.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	addr := l.Addr().String()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
		_ = l.Close()
		s.unregister(addr)
	}()
	log := s.logger()
	log.Info("rpyc/server: listening", "addr", addr, "kind", s.Kind.String())
	s.startRegister(addr)
	if s.Kind == OneShot {
		return s.serveOne(l)
	}
	var backoff time.Duration
	for {
		if !s.acquireSlot() {
			return ErrServerClosed
		}
		nc, err := l.Accept()
		if err != nil {
			s.releaseSlot()
			if s.isClosing() {
				return ErrServerClosed
			}
			if isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				log.Warn("rpyc/server: accept failed; retrying", "addr", addr, "err", err, "delay", backoff)
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("rpyc/server: accept on %s: %w", addr, err)
		}
		backoff = 0
		if !s.track() {
			s.releaseSlot()
			_ = nc.Close()
			return ErrServerClosed
		}
		if s.Kind == Forking {
			go s.fork(nc)
		} else {
			go s.serveAccepted(nc)
		}
	}
}

// serveOne is Serve for a OneShot server: the first client is served on
// this goroutine after the listener has been closed.
func (s *Server) serveOne(l net.Listener) error {
	// serveAccepted gives a slot back: take the one (free) slot first.
	if !s.acquireSlot() {
		return ErrServerClosed
	}
	nc, err := l.Accept()
	if err != nil {
		s.releaseSlot()
		if s.isClosing() {
			return ErrServerClosed
		}
		return fmt.Errorf("rpyc/server: accept on %s: %w", l.Addr(), err)
	}
	_ = l.Close() // one client only: later ones are refused by the kernel
	if !s.track() {
		s.releaseSlot()
		_ = nc.Close()
		return ErrServerClosed
	}
	s.serveAccepted(nc)
	return nil
}

// track counts a new connection (or child, or register loop) in s.wg
// unless the server is closing; Shutdown waits for s.wg only after
// setting closing, so Add never races with Wait.
func (s *Server) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	return true
}

// acquireSlot takes a MaxConnections slot, waiting while the server is
// full; false means the server is closing.
func (s *Server) acquireSlot() bool {
	if s.slots == nil {
		return !s.isClosing()
	}
	select {
	case s.slots <- struct{}{}:
		return true
	case <-s.done:
		return false
	}
}

func (s *Server) releaseSlot() {
	if s.slots != nil {
		<-s.slots
	}
}

func isTemporary(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}
