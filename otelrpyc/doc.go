// Package otelrpyc traces and measures RPyC calls with OpenTelemetry, on
// both sides of a connection, between Go peers and with Python peers.
//
// Set-up is one value and its Config:
//
//	tel := otelrpyc.New(nil) // the global TracerProvider and MeterProvider
//	srv := &server.Server{Service: svc, Config: tel.Config(nil)}
//	conn, err := rpyc.Dial(ctx, addr, tel.Config(nil))
//
// Config sets the rpyc.Config's Interceptor (the requests the peer makes
// of us: server spans) and Outgoing (the requests we make: client
// spans), keeping hooks already there. Only a program that imports this
// package links OpenTelemetry: the core packages do not depend on it.
//
// # Spans
//
// One span per request, on each side: a client span around each call
// this side makes (with its caller's context as parent, so a call made
// inside a traced operation joins its trace), and a server span around
// each request served (a Go method that takes a context.Context gets it,
// so what it does, callbacks to the peer included, joins the trace).
// Both carry rpc.system.name "rpyc", rpc.method (the method or attribute
// named, else the operation), rpyc.handler (HANDLE_CALLATTR, ...),
// rpyc.layout (v5 or v6), the peer's network.peer.address and
// network.peer.port (server.address and server.port on client spans),
// and the outcome: status Error and error.type, the Python exception's
// class (ValueError, or module.Class outside builtins), when the request
// failed. A Python client's r.add(1, 2) is two requests, a GETATTR "add"
// and a CALL of what it returned; a Go client's root.CallMethod(ctx,
// "add", 1, 2) is one, a CALLATTR "add".
//
// # How the trace context travels
//
// RPyC has no headers, and a Python peer must see exactly the bytes
// Python would send. So the context travels only between two Go peers
// that both use this package, and only after they agreed to it:
//
//  1. Once per connection, before its first traced request, the client
//     side sends a ping (HANDLE_PING, which every rpyc answers by echoing
//     its argument) whose argument is the string
//     "rpyc-go/trace-context?1". A Python server, or a Go server without
//     this package, echoes it: the client then sends nothing more, ever,
//     on that connection. A Go server with this package answers
//     "rpyc-go/trace-context!1" instead.
//  2. To such a server, each request's seq (the number a reply is
//     matched by) is sent as the pair (seq, context), the context being
//     the W3C traceparent, tracestate and baggage as "key:value" lines in
//     bytes (rpyc.Config.Outgoing returns them; see rpyc.Outgoing). The
//     Go server's engine takes the pair apart, replies under the plain
//     seq, and hands the bytes to the server side (rpyc.RequestMetadata),
//     which continues the trace.
//
// A Python peer therefore never receives anything it would not receive
// from a Python peer (its server answers one ping more per connection,
// which it does not log), and a connection without this package has no
// cost at all: the engine checks one nil hook per request. The ping
// costs one round trip per connection, before the first traced call;
// set Options.NoPropagation to skip it (spans are then made on each side
// but not linked across peers).
//
// # Metrics
//
// Through the OpenTelemetry metrics API: rpyc.server.calls and
// rpyc.client.calls (counters), rpyc.server.call.duration and
// rpyc.client.call.duration (histograms, seconds), rpyc.server.calls.active
// and rpyc.client.calls.active (in flight), rpyc.connections.active and
// rpyc.connections.opened (connections that carried a traced request,
// by rpyc.side), rpyc.io.bytes (bytes read and written on connections
// made through Listener or Conn, by network.io.direction), and
// rpyc.budget.used and rpyc.budget.limit for the memory budgets given to
// ObserveBudget. Calls are by rpc.method, rpyc.handler and, for failures,
// error.type.
package otelrpyc
