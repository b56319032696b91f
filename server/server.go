package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/stream"
)

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown
// or Close, as net/http does.
var ErrServerClosed = errors.New("rpyc/server: server closed")

// Defaults of the Server fields whose zero value stands for one.
const (
	// DefaultPoolSize is the ThreadPool bound when PoolSize is zero:
	// Python's ThreadPoolServer starts 20 threads.
	DefaultPoolSize = 20
	// DefaultHandshakeTimeout bounds an Authenticator when
	// HandshakeTimeout is zero.
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultMemoryBudget is the server-wide byte budget when
	// MemoryBudget is zero.
	DefaultMemoryBudget = 1 << 30
	// DefaultRegisterInterval is how often a server re-registers when
	// RegisterInterval is zero: Python's REREGISTER_INTERVAL.
	DefaultRegisterInterval = 60 * time.Second
	// DefaultKeepAlive is the TCP keep-alive period when KeepAlive is
	// zero: a vanished client is released within
	// stream.DeadPeerBound(DefaultKeepAlive), 40 s.
	DefaultKeepAlive = stream.DefaultKeepAlive
)

// Server serves one service to every connection it accepts. The zero
// Server (with a Service) is Python's ThreadedServer: one goroutine per
// connection, no connection limit, the default protocol Config. Every
// field's zero value means its documented default; set fields before the
// first Serve and do not change them afterwards.
//
// A Server is safe for concurrent use: Serve may run on several listeners
// at once, and Shutdown or Close may be called from any goroutine.
type Server struct {
	// Service is the root each connection serves. If it is an
	// rpyc.ServiceFactory, the factory makes one value per connection
	// (Python's classpartial).
	Service any
	// Kind chooses how connections and requests are run: Threaded (the
	// default), ThreadPool, OneShot or Forking. See Kind.
	Kind Kind
	// PoolSize is, for a ThreadPool server, how many requests may execute
	// at once across all connections; the rest wait. Zero means
	// DefaultPoolSize. Nested callbacks hold a slot per level, so PoolSize
	// must be larger than the deepest callback chain a client makes.
	PoolSize int
	// Config is the protocol configuration of every connection; nil means
	// the zero rpyc.Config, which is the defaults. Each connection gets
	// its own copy, with Credentials, Logger, Interceptor and
	// Limits.Budget/IdleTimeout filled in by the server as documented on
	// those fields.
	Config *rpyc.Config
	// Logger receives connection events, authentication failures and
	// protocol errors. nil means slog.Default(), so a dropped hostile
	// client or a panic is visible. For panic stacks as readable lines,
	// use a logger built on NewTextHandler. It is also each connection's
	// Config.Logger unless Config sets one.
	Logger *slog.Logger
	// Authenticator, when set, runs on every accepted connection before
	// any RPyC message (TLS, or a custom handshake). What it returns as
	// credentials reaches the service through (*rpyc.Conn).Credentials.
	// A failure logs and drops that client only. nil means none.
	Authenticator Authenticator
	// HandshakeTimeout bounds the Authenticator: a client that connects
	// and sends nothing is dropped after it. Zero means
	// DefaultHandshakeTimeout; negative means no bound.
	HandshakeTimeout time.Duration
	// MaxConnections bounds connections served at once (for Forking,
	// child processes). When it is reached the server stops accepting
	// until one ends: new clients wait in the listen backlog, then in the
	// kernel's SYN queue, and are not refused. Zero means no limit.
	MaxConnections int
	// IdleTimeout closes a connection that has had nothing in flight and
	// no frame for this long; it sets Config.Limits.IdleTimeout when that
	// is zero. Zero leaves the Config's setting (off by default, as RPyC
	// connections are long-lived).
	IdleTimeout time.Duration
	// KeepAlive is the TCP keep-alive period set on every accepted TCP
	// connection, so a peer that vanished without a FIN is noticed within
	// stream.DeadPeerBound(KeepAlive), whether the connection is idle or
	// a reply is being written to it (TCP_USER_TIMEOUT on Linux). Zero
	// means DefaultKeepAlive (10 s: 40 s); negative turns both off.
	KeepAlive time.Duration
	// Interceptor wraps every request of every connection: it sees the
	// handler, the target name, and can time next and see its error,
	// which is what metrics and tracing need. It runs inside the
	// ThreadPool slot (the time it sees is service time, without the wait
	// for a slot) and outside Config.Interceptor. nil means none.
	Interceptor rpyc.Interceptor
	// MemoryBudget is the server-wide byte budget shared by all
	// connections (frames being read and inflated, parked requests,
	// queued replies): what all peers together can make the server hold.
	// It becomes each connection's Config.Limits.Budget unless that is
	// set. Zero means DefaultMemoryBudget (1 GiB); negative means none.
	// What peers send may take half of it (rpyc.Budget.IncomingShare), the
	// replies being written the rest. With the default budget, hostile
	// peers held the process's RSS near 1 GiB in the stress scenarios
	// (README, "Limits").
	MemoryBudget int64
	// RuntimeMemoryLimit is the Go runtime's soft memory limit the server
	// sets when it starts serving (debug.SetMemoryLimit), so that garbage
	// is collected before the budget is the only bound: without one, the
	// heap may grow to twice what is live before a collection. Zero means
	// MemoryBudget x 5/4 + 64 MiB, set only when the process has no limit
	// of its own (no GOMEMLIMIT, nothing set before); negative leaves the
	// runtime alone. A limit the server set is put back on Shutdown.
	RuntimeMemoryLimit int64
	// Registrar, when set, announces the server to a registry: on Serve,
	// again every RegisterInterval, and Unregister on Shutdown or Close.
	// The aliases are rpyc.ServiceAliases(Service). nil means none.
	Registrar Registrar
	// Aliases are the names the server registers under. nil means
	// rpyc.ServiceAliases(Service), which cannot see through a
	// ServiceFactory: set Aliases when Service is one.
	Aliases []string
	// RegisterInterval is how often the server re-registers. Zero means
	// DefaultRegisterInterval (60 s, Python's REREGISTER_INTERVAL).
	RegisterInterval time.Duration

	initOnce sync.Once
	budget   *rpyc.Budget
	memLimit memLimit      // what the server did to the runtime's limit
	gate     chan struct{} // ThreadPool slots
	slots    chan struct{} // MaxConnections slots; nil = no limit
	done     chan struct{} // closed when Shutdown or Close starts

	mu        sync.Mutex // protects the following
	listeners map[net.Listener]struct{}
	conns     map[*rpyc.Conn]struct{}
	raw       map[net.Conn]struct{}         // accepted, still authenticating
	children  map[*os.Process]struct{}      // Forking: one per connection
	regs      map[string]context.CancelFunc // registered addresses -> stop
	closing   bool
	wg        sync.WaitGroup // connections, children and register loops
}

// init fills the server's shared state once, on first use.
func (s *Server) init() {
	s.initOnce.Do(func() {
		s.done = make(chan struct{})
		switch {
		case s.MemoryBudget == 0:
			s.budget = rpyc.NewBudget(DefaultMemoryBudget)
		case s.MemoryBudget > 0:
			s.budget = rpyc.NewBudget(s.MemoryBudget)
		}
		s.memLimit.set(s.RuntimeMemoryLimit, s.budget)
		if s.Kind == ThreadPool {
			n := s.PoolSize
			if n <= 0 {
				n = DefaultPoolSize
			}
			s.gate = make(chan struct{}, n)
		}
		if s.MaxConnections > 0 {
			s.slots = make(chan struct{}, s.MaxConnections)
		}
		s.listeners = map[net.Listener]struct{}{}
		s.conns = map[*rpyc.Conn]struct{}{}
		s.raw = map[net.Conn]struct{}{}
		s.children = map[*os.Process]struct{}{}
		s.regs = map[string]context.CancelFunc{}
	})
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// Budget returns the server-wide memory budget its connections share
// (see MemoryBudget), or nil when there is none; for monitoring, with
// Used and Limit.
func (s *Server) Budget() *rpyc.Budget {
	s.init()
	return s.budget
}

// Connections returns how many connections are being served now (for
// Forking, child processes alive), not counting clients still in the
// Authenticator's handshake.
func (s *Server) Connections() int {
	s.init()
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns) + len(s.children)
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}
