package server

import (
	"context"
	"time"

	"github.com/rpyc-go/rpyc"
)

// Registrar announces a server to a registry (Python's registrar
// argument), so clients can find it by service name. The registry package
// provides UDP and TCP clients that implement it.
//
// The server calls Register when Serve starts and again every
// RegisterInterval (registries forget servers that stop re-registering),
// and Unregister on Shutdown or Close, or when Serve fails. aliases are
// the service's names (rpyc.ServiceAliases); addr is the listener's
// address as net.Addr.String gives it. Both must honour ctx and be safe
// for concurrent use.
type Registrar interface {
	Register(ctx context.Context, aliases []string, addr string) error
	Unregister(ctx context.Context, addr string) error
}

// startRegister starts the re-register loop of one listener address.
func (s *Server) startRegister(addr string) {
	if s.Registrar == nil {
		return
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return
	}
	if _, dup := s.regs[addr]; dup {
		s.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.regs[addr] = cancel
	s.wg.Add(1)
	s.mu.Unlock()
	go s.registerLoop(ctx, addr)
}

// registerLoop registers addr now and then every interval until ctx ends.
func (s *Server) registerLoop(ctx context.Context, addr string) {
	defer s.wg.Done()
	interval := s.RegisterInterval
	if interval <= 0 {
		interval = DefaultRegisterInterval
	}
	aliases := s.Aliases
	if len(aliases) == 0 {
		aliases = rpyc.ServiceAliases(s.Service)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		rctx, rcancel := context.WithTimeout(ctx, interval)
		err := s.Registrar.Register(rctx, aliases, addr)
		rcancel()
		if err != nil && ctx.Err() == nil {
			s.logger().Warn("rpyc/server: registering with the registry failed; retrying at the next interval",
				"addr", addr, "aliases", aliases, "err", err, "interval", interval)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// unregister stops addr's register loop and unregisters it, if it is
// still registered.
func (s *Server) unregister(addr string) {
	s.mu.Lock()
	stop, ok := s.regs[addr]
	delete(s.regs, addr)
	s.mu.Unlock()
	if !ok {
		return
	}
	stop()
	ctx, cancel := context.WithTimeout(context.Background(), unregisterTimeout)
	defer cancel()
	s.unregisterOne(ctx, addr)
}

// unregisterAll stops every register loop and unregisters each address
// within ctx.
func (s *Server) unregisterAll(ctx context.Context) {
	s.takeRegs()(ctx)
}

// takeRegs stops every register loop and returns the function that
// unregisters their addresses within ctx.
func (s *Server) takeRegs() func(ctx context.Context) {
	s.mu.Lock()
	regs := s.regs
	s.regs = map[string]context.CancelFunc{}
	s.mu.Unlock()
	for _, stop := range regs {
		stop()
	}
	return func(ctx context.Context) {
		for addr := range regs {
			s.unregisterOne(ctx, addr)
		}
	}
}

func (s *Server) unregisterOne(ctx context.Context, addr string) {
	if err := s.Registrar.Unregister(ctx, addr); err != nil {
		s.logger().Warn("rpyc/server: unregistering from the registry failed", "addr", addr, "err", err)
	}
}
