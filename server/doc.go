// Package server accepts RPyC connections and serves a service on each:
// Python's server family (ThreadedServer, ThreadPoolServer,
// OneShotServer, ForkingServer), its authenticators, and what a Go
// service owner expects in production: connection and memory limits,
// keep-alive, idle timeouts, a per-request interceptor for metrics and
// tracing, a registry announcer, and a graceful Shutdown.
//
// The zero Server with a Service is a threaded server with the defaults:
//
//	srv := &server.Server{Service: CalcService{}}
//	err := srv.ListenAndServe(ctx, "127.0.0.1:18861")
//
// Choose another kind with Kind (ThreadPool with PoolSize, OneShot,
// Forking), listen anywhere with Serve (TCP v4 or v6, Unix sockets, any
// net.Listener), serve one established stream with ServeConn or standard
// input and output with ServeStdio. Every field's zero value is its
// documented default.
//
// Authentication runs before the first RPyC message, on the connection's
// own goroutine and under HandshakeTimeout: TLSAuthenticator (mutual TLS
// with a CA file), or any Authenticator such as a shared secret. What it
// returns as credentials reaches the service through
// (*rpyc.Conn).Credentials (rpyc.ConnFromContext gives a handler its
// connection).
//
// Shutdown stops accepting, closes idle connections at once and lets
// calls in flight finish; Close cuts everything at once.
//
// A Forking server, and StartChild (Python's connect_multiprocess), run
// this same program again as a child process that serves one connection:
// the program calls (*Server).ServeChild at the start of main, which
// returns false in the parent.
package server
