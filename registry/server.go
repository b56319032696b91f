package registry

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"

	"github.com/rpyc-go/rpyc/brine"
)

// Server is a registry: it answers REGISTER, UNREGISTER, QUERY and LIST
// from Python and Go clients alike, over UDP (ServeUDP) and TCP
// (ServeTCP), both at once if wanted, sharing one table.
//
// A server is recorded under the address its REGISTER came from, not one
// it claims (rpyc #128), so a multi-homed host is found on the interface
// that reaches the registry. Names are case-insensitive: the registry
// keeps them upper case. A request that does not follow the protocol is
// dropped with a log line and gets no reply; the registry goes on serving.
type Server struct {
	cfg   Config
	log   *slog.Logger
	table *table

	mu      sync.Mutex // protects the following
	closers map[interface{ Close() error }]struct{}
	closed  bool
	wg      sync.WaitGroup
}

// NewServer returns a registry with the given configuration (nil for the
// defaults). It does no I/O: hand it sockets with ServeUDP and ServeTCP.
func NewServer(cfg *Config) *Server {
	c := cfg.withDefaults()
	t := newTable(c.PruningTimeout, c.MaxEntries)
	t.hooks = hooks{added: c.OnServiceAdded, removed: c.OnServiceRemoved, log: c.Logger}
	return &Server{
		cfg:     c,
		log:     c.Logger,
		table:   t,
		closers: map[interface{ Close() error }]struct{}{},
	}
}

// Query returns the live servers registered under name, as a QUERY would.
func (s *Server) Query(name string) []ServerAddr { return s.table.query(name) }

// Services returns every name with a live server, whatever AllowListing
// says: it is for the program embedding the registry, not for the network.
func (s *Server) Services() []string { return s.table.list("") }

// Len returns the number of (service name, server) pairs held, which
// Config.MaxEntries caps.
func (s *Server) Len() int { return s.table.size() }

// track remembers c so Close closes it; false means the server is closed.
func (s *Server) track(c interface{ Close() error }) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.closers[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c interface{ Close() error }) {
	s.mu.Lock()
	delete(s.closers, c)
	s.mu.Unlock()
	s.wg.Done()
}

// Close stops every Serve call, closes their sockets and waits for the
// requests in progress. It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	var errs []error
	for c := range s.closers {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
	return errors.Join(errs...)
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// handle answers one request from src. It returns the encoded reply, or
// nil when the request is dropped (already logged). A QUERY answer is cut
// to the most recently registered servers that fit MaxDatagramSize,
// because a Python client reads one buffer of that size; maxReply bounds
// the other replies (a LIST beyond it is dropped with a log line).
func (s *Server) handle(data []byte, src netip.AddrPort, transport string, maxReply int) []byte {
	req, err := ParseRequest(data)
	if err != nil {
		s.log.Warn("registry: dropped request", "transport", transport, "from", src.String(), "err", err)
		return nil
	}
	host := src.Addr().Unmap().WithZone("").String()
	var reply any
	switch req.Command {
	case CmdRegister:
		addr := ServerAddr{host, req.Port}
		if refused := s.table.register(req.Names, addr); refused > 0 {
			s.log.Warn("registry: table full, REGISTER not recorded; raise Config.MaxEntries or lower the pruning timeout",
				"from", addr.String(), "names", req.Names, "refused", refused, "max_entries", s.cfg.MaxEntries)
			return nil
		}
		s.log.Debug("registry: register", "transport", transport, "server", addr.String(), "names", req.Names)
		reply = "OK"
	case CmdUnregister:
		addr := ServerAddr{host, req.Port}
		s.table.unregister(addr)
		s.log.Debug("registry: unregister", "transport", transport, "server", addr.String())
		reply = "OK"
	case CmdQuery:
		return s.queryReply(req.Name, min(maxReply, MaxDatagramSize))
	case CmdList:
		if !s.cfg.AllowListing {
			s.log.Debug("registry: LIST refused, listing is disabled", "from", src.String())
			reply = nil
			break
		}
		names := s.table.list(req.FilterHost)
		t := make(brine.Tuple, len(names))
		for i, n := range names {
			t[i] = n
		}
		reply = t
	}
	b, err := brine.Encode(reply)
	if err != nil { // cannot happen: strings and ints only
		s.log.Error("registry: encoding reply", "err", err)
		return nil
	}
	if len(b) > maxReply {
		s.log.Warn("registry: reply too large, dropped", "command", req.Command, "bytes", len(b), "limit", maxReply)
		return nil
	}
	return b
}

func (s *Server) queryReply(name string, maxReply int) []byte {
	servers := s.table.query(name)
	// A reply is one header byte or more plus its entries' encodings, so
	// while their sum alone is too large a cut needs no encoding: one
	// QUERY costs O(servers), not an encoding per cut.
	sizes := make([]int, len(servers))
	sum := 0
	var buf []byte
	for i, a := range servers {
		buf, _ = brine.Append(buf[:0], brine.Tuple{a.Host, a.Port})
		sizes[i] = len(buf)
		sum += len(buf)
	}
	for {
		if sum < maxReply || len(servers) == 0 {
			t := make(brine.Tuple, len(servers))
			for i, a := range servers {
				t[i] = brine.Tuple{a.Host, a.Port}
			}
			b, err := brine.Encode(t)
			if err != nil {
				s.log.Error("registry: encoding reply", "err", err)
				return nil
			}
			if len(b) <= maxReply || len(servers) == 0 {
				return b
			}
		}
		// Drop the oldest registrations first: the freshest are the
		// likeliest to be alive.
		cut := max(1, len(servers)/8)
		for _, n := range sizes[:cut] {
			sum -= n
		}
		servers, sizes = servers[cut:], sizes[cut:]
	}
}

// errorf builds an error naming the address the user passed.
func errorf(format string, args ...any) error { return fmt.Errorf("registry: "+format, args...) }
