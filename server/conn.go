package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/stream"
)

// serveAccepted serves one accepted connection on the calling goroutine:
// socket options, the Authenticator, then the RPyC connection until it
// ends. The caller has counted it in s.wg and taken its slot.
func (s *Server) serveAccepted(nc net.Conn) {
	defer s.wg.Done()
	defer s.releaseSlot()
	s.tune(nc)
	_ = s.serveConn(nc)
}

// serveConn runs the Authenticator on nc, then serves it until the
// connection ends, and returns how it ended (see serveStream).
func (s *Server) serveConn(nc net.Conn) error {
	log := s.logger().With("remote", remoteAddr(nc))
	rw, creds, err := s.authenticateTracked(nc, log)
	if err != nil {
		return err
	}
	return s.serveStream(rw, creds, log)
}

// authenticateTracked runs the Authenticator while the raw connection is
// listed for Close to cut; an error means the client was dropped (and
// logged).
func (s *Server) authenticateTracked(nc net.Conn, log *slog.Logger) (io.ReadWriteCloser, any, error) {
	if s.Authenticator == nil {
		return nc, nil, nil
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = nc.Close()
		return nil, nil, ErrServerClosed
	}
	s.raw[nc] = struct{}{}
	s.mu.Unlock()
	rw, creds, err := s.authenticate(nc)
	s.mu.Lock()
	delete(s.raw, nc)
	closing := s.closing
	s.mu.Unlock()
	if err != nil {
		_ = nc.Close()
		if !closing {
			log.Warn("rpyc/server: authentication failed; client dropped", "err", err)
		}
		return nil, nil, fmt.Errorf("rpyc/server: authenticate %s: %w", remoteAddr(nc), err)
	}
	return rw, creds, nil
}

// authenticate runs the Authenticator under HandshakeTimeout: both its
// context and the connection's deadline end then, so a client that
// connects and sends nothing cannot hold the goroutine.
func (s *Server) authenticate(nc net.Conn) (io.ReadWriteCloser, any, error) {
	ctx := context.Background()
	timeout := s.HandshakeTimeout
	if timeout == 0 {
		timeout = DefaultHandshakeTimeout
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
		_ = nc.SetDeadline(time.Now().Add(timeout))
	}
	conn, creds, err := s.Authenticator.Authenticate(ctx, nc)
	if err != nil {
		return nil, nil, err
	}
	_ = nc.SetDeadline(time.Time{})
	if conn == nil {
		conn = nc
	} else if conn != nc {
		_ = conn.SetDeadline(time.Time{})
	}
	return conn, creds, nil
}

// serveStream serves an authenticated stream until the connection ends
// and returns how it ended (nil for a normal close by the peer).
func (s *Server) serveStream(rw io.ReadWriteCloser, creds any, log *slog.Logger) error {
	c, err := rpyc.NewServerConn(rw, s.Service, s.connConfig(creds))
	if err != nil {
		log.Error("rpyc/server: cannot serve connection", "err", err)
		_ = rw.Close()
		return err
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = c.Close()
		return ErrServerClosed
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
	return err
}

// connConfig is the Config of one connection: a copy of s.Config with
// the server's credentials, logger, idle timeout, budget and interceptor
// chain filled in.
func (s *Server) connConfig(creds any) *rpyc.Config {
	var cfg rpyc.Config
	if s.Config != nil {
		cfg = *s.Config
	}
	if creds != nil {
		cfg.Credentials = creds
	}
	if cfg.Logger == nil {
		cfg.Logger = s.logger()
	}
	if cfg.Limits.IdleTimeout == 0 && s.IdleTimeout > 0 {
		cfg.Limits.IdleTimeout = s.IdleTimeout
	}
	if cfg.Limits.Budget == nil {
		cfg.Limits.Budget = s.budget
	}
	cfg.Interceptor = s.interceptor(cfg.Interceptor)
	return &cfg
}

// tune sets TCP_NODELAY and the liveness settings (keep-alive, and
// TCP_USER_TIMEOUT on Linux) on a TCP connection, looking through TLS;
// other connections are left alone.
func (s *Server) tune(nc net.Conn) {
	_ = stream.TuneTCP(nc)
	period := s.KeepAlive
	if period == 0 {
		period = DefaultKeepAlive
	}
	_ = stream.SetLiveness(nc, period)
}

func remoteAddr(nc net.Conn) string {
	if a := nc.RemoteAddr(); a != nil && a.String() != "" {
		return a.String()
	}
	return "(unnamed)"
}
