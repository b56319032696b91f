// Package server accepts RPyC connections and serves a service on each,
// one goroutine per connection (rpyc's ThreadedServer), with a graceful
// Shutdown. It is the seed of the server family: other modes plug in here.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/stream"
)

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown
// or Close, as net/http does.
var ErrServerClosed = errors.New("rpyc/server: server closed")

// Server serves one service to every connection it accepts.
type Server struct {
	// Service is the root each connection serves. If it is an
	// rpyc.ServiceFactory, the factory makes one value per connection
	// (Python's classpartial).
	Service any
	// Config is the protocol configuration for every connection; nil means
	// rpyc.DefaultConfig(). Each connection gets its own copy.
	Config *rpyc.Config
	// Logger receives connection events and protocol errors; nil discards.
	Logger *slog.Logger

	mu        sync.Mutex // protects the following
	listeners map[net.Listener]struct{}
	conns     map[*rpyc.Conn]struct{}
	closing   bool
	wg        sync.WaitGroup
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// ListenAndServe listens on the TCP address addr and serves until Shutdown.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	l, err := stream.ListenTCP(ctx, addr, nil)
	if err != nil {
		return fmt.Errorf("rpyc/server: %w", err)
	}
	return s.Serve(l)
}

// Serve accepts connections on l until Shutdown or Close, serving each on
// its own goroutine. It always returns a non-nil error; after Shutdown,
// ErrServerClosed. l is closed when Serve returns.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = l.Close()
		return ErrServerClosed
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
		_ = l.Close()
	}()
	log := s.logger()
	log.Info("rpyc/server: listening", "addr", l.Addr().String())
	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.isClosing() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				log.Warn("rpyc/server: accept failed; retrying", "err", err, "delay", backoff)
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("rpyc/server: accept: %w", err)
		}
		backoff = 0
		_ = stream.TuneTCP(nc)
		s.wg.Add(1)
		go s.handle(nc)
	}
}

func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// handle serves one connection until it ends.
func (s *Server) handle(nc net.Conn) {
	defer s.wg.Done()
	log := s.logger().With("remote", nc.RemoteAddr().String())
	cfg := rpyc.DefaultConfig()
	if s.Config != nil {
		c := *s.Config
		cfg = &c
	}
	if cfg.Logger == nil {
		cfg.Logger = s.Logger
	}
	c, err := rpyc.NewServerConn(nc, s.Service, cfg)
	if err != nil {
		log.Error("rpyc/server: cannot serve connection", "err", err)
		_ = nc.Close()
		return
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = c.Close()
		return
	}
	if s.conns == nil {
		s.conns = map[*rpyc.Conn]struct{}{}
	}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	log.Debug("rpyc/server: connection accepted", "conn", c.ID())
	c.Start()
	err = c.ServeAll()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	_ = c.Close()
	if err != nil {
		log.Info("rpyc/server: connection ended with an error", "conn", c.ID(), "err", err)
	} else {
		log.Debug("rpyc/server: connection closed", "conn", c.ID())
	}
}

// Connections returns how many connections are being served now.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Shutdown stops accepting, then waits for open connections to end until
// ctx is done, when it closes them. It returns ctx's error if it had to.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for l := range s.listeners {
		_ = l.Close()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.closeConns()
		<-done
		return ctx.Err()
	}
}

// Close stops accepting and closes every connection at once.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closing = true
	for l := range s.listeners {
		_ = l.Close()
	}
	s.mu.Unlock()
	s.closeConns()
	s.wg.Wait()
	return nil
}

func (s *Server) closeConns() {
	s.mu.Lock()
	conns := make([]*rpyc.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}
