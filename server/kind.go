package server

import (
	"context"
	"fmt"

	"github.com/rpyc-go/rpyc"
)

// Kind says how a Server runs connections and requests: Python's server
// classes, in Go.
type Kind int

const (
	// Threaded serves each connection on its own goroutines (Python's
	// ThreadedServer). Requests of one connection run concurrently, up to
	// Config.MaxInFlight. The default.
	Threaded Kind = iota
	// ThreadPool is Threaded with at most PoolSize requests executing at
	// once across all connections (Python's ThreadPoolServer); the others
	// wait for a slot, holding nothing but their parked request, so a
	// burst slows clients down instead of queueing without bound. A
	// handler that calls back into its client keeps its slot while it
	// waits, so PoolSize must exceed the deepest callback chain.
	ThreadPool
	// OneShot serves one connection, then stops (Python's OneShotServer):
	// Serve stops accepting after the first client and returns nil when
	// that client is gone, or ErrServerClosed if Shutdown or Close came
	// first.
	OneShot
	// Forking serves each connection in a child process of the same
	// binary (Python's ForkingServer; Go cannot fork a running runtime,
	// so the accepted socket is passed to a fresh process as an inherited
	// file descriptor). The program must call ServeChild early in main.
	// A child that crashes takes down only its own client. The
	// Authenticator runs in the child, so Forking needs a TCP or Unix
	// listener (TLS goes in a TLSAuthenticator, not a tls.Listener). A
	// child's standard input and output are /dev/null and its standard
	// error is the parent's. Children share nothing with the parent after
	// the start: no MemoryBudget, no Registrar, their own Logger output.
	Forking
)

// String returns the kind's name as the conformance example's -mode flag
// spells it: "threaded", "pool", "oneshot" or "forking".
func (k Kind) String() string {
	switch k {
	case Threaded:
		return "threaded"
	case ThreadPool:
		return "pool"
	case OneShot:
		return "oneshot"
	case Forking:
		return "forking"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind returns the Kind that String spells as name, for command-line
// flags.
func ParseKind(name string) (Kind, error) {
	for k := Threaded; k <= Forking; k++ {
		if k.String() == name {
			return k, nil
		}
	}
	return 0, fmt.Errorf("rpyc/server: unknown server kind %q: want threaded, pool, oneshot or forking", name)
}

// interceptor is the chain every connection runs its requests through:
// the ThreadPool slot, then Server.Interceptor, then Config.Interceptor.
func (s *Server) interceptor(inner rpyc.Interceptor) rpyc.Interceptor {
	chain := inner
	if outer := s.Interceptor; outer != nil {
		if chain == nil {
			chain = outer
		} else {
			in := chain
			chain = func(ctx context.Context, info *rpyc.RequestInfo, next func(context.Context) (any, error)) (any, error) {
				return outer(ctx, info, func(ctx context.Context) (any, error) { return in(ctx, info, next) })
			}
		}
	}
	if s.gate == nil {
		return chain
	}
	gate := s.gate
	return func(ctx context.Context, info *rpyc.RequestInfo, next func(context.Context) (any, error)) (any, error) {
		select {
		case gate <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("rpyc/server: waiting for a thread-pool slot: %w", ctx.Err())
		}
		defer func() { <-gate }()
		if chain != nil {
			return chain(ctx, info, next)
		}
		return next(ctx)
	}
}
