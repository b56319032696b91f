package otelrpyc

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/internal/cmdversion"
	"github.com/rpyc-go/rpyc/message"
)

// instrumentationName names this package to the providers.
const instrumentationName = "github.com/rpyc-go/rpyc/otelrpyc"

// Options tunes New. A nil *Options, and every zero field, means the
// default given on the field.
type Options struct {
	// TracerProvider makes the spans (nil: otel.GetTracerProvider()).
	TracerProvider trace.TracerProvider
	// MeterProvider makes the instruments (nil: otel.GetMeterProvider()).
	MeterProvider metric.MeterProvider
	// Propagator writes the trace context sent to a Go peer and reads the
	// one received (nil: W3C trace context and baggage).
	Propagator propagation.TextMapPropagator
	// NoPropagation keeps the trace context on this side: no ping asks
	// the peer, and nothing travels with the requests. Spans are still
	// made on each side, unlinked across peers.
	NoPropagation bool
	// Filter, when set, says which requests get a span and a measure
	// (false: none); nil means all of them. HANDLE_DEL and HANDLE_CLOSE
	// never do (the engine answers them without the hooks).
	Filter func(*rpyc.RequestInfo) bool
}

// Instrumentation makes the spans and measures of the connections whose
// Config it set. It is safe for concurrent use; one is enough for a
// program.
type Instrumentation struct {
	opts       Options
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	m          *instruments
	conns      sync.Map // *rpyc.Conn -> *connState
}

// New makes an Instrumentation. It fails only when the MeterProvider
// refuses an instrument.
func New(opts *Options) (*Instrumentation, error) {
	in := &Instrumentation{}
	if opts != nil {
		in.opts = *opts
	}
	tp := in.opts.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	mp := in.opts.MeterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	in.propagator = in.opts.Propagator
	if in.propagator == nil {
		in.propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	}
	version := cmdversion.Version()
	in.tracer = tp.Tracer(instrumentationName, trace.WithInstrumentationVersion(version))
	m, err := newInstruments(mp.Meter(instrumentationName, metric.WithInstrumentationVersion(version)))
	if err != nil {
		return nil, err
	}
	in.m = m
	return in, nil
}

// Config returns a copy of base (nil: the zero rpyc.Config, which is the
// defaults) whose Interceptor and Outgoing also trace and measure: a
// hook already in base runs inside this package's, so its time is in
// the span.
func (in *Instrumentation) Config(base *rpyc.Config) *rpyc.Config {
	var cfg rpyc.Config
	if base != nil {
		cfg = *base
	}
	cfg.Interceptor = in.chainInterceptor(cfg.Interceptor)
	cfg.Outgoing = in.chainOutgoing(cfg.Outgoing)
	return &cfg
}

// Interceptor is the server half on its own (for server.Server's
// Interceptor field, say).
func (in *Instrumentation) Interceptor() rpyc.Interceptor { return in.chainInterceptor(nil) }

// Outgoing is the client half on its own.
func (in *Instrumentation) Outgoing() rpyc.Outgoing { return in.chainOutgoing(nil) }

// connState is what is known of one connection.
type connState struct {
	side    string               // "server" or "client": which hook saw it first
	layout  message.Layout       // configured; the connection's own once known
	peer    []attribute.KeyValue // network.peer.*
	server  []attribute.KeyValue // server.* (for client spans)
	once    sync.Once            // the propagation ping
	carries bool                 // the peer reads the trace context
}

// state returns c's state, counting the connection the first time.
func (in *Instrumentation) state(ctx context.Context, c *rpyc.Conn, side string) *connState {
	if v, ok := in.conns.Load(c); ok {
		return v.(*connState)
	}
	cfg := c.Config()
	st := &connState{side: side, layout: cfg.Layout}
	host, port := splitHostPort(cfg.Endpoints[1])
	if host != "" {
		st.peer = append(st.peer, semconv.NetworkPeerAddress(host))
		st.server = append(st.server, semconv.ServerAddress(host))
		if port > 0 {
			st.peer = append(st.peer, semconv.NetworkPeerPort(port))
			st.server = append(st.server, semconv.ServerPort(port))
		}
	}
	if v, loaded := in.conns.LoadOrStore(c, st); loaded {
		return v.(*connState)
	}
	sideAttr := metric.WithAttributes(attrSide.String(side))
	in.m.connsOpened.Add(ctx, 1, sideAttr)
	in.m.connsActive.Add(ctx, 1, sideAttr)
	c.OnClose(func(*rpyc.Conn) {
		in.conns.Delete(c)
		in.m.connsActive.Add(context.Background(), -1, sideAttr)
	})
	return st
}

// splitHostPort reads an endpoint ("127.0.0.1:5555", "unix:/path").
func splitHostPort(addr string) (string, int) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0
	}
	port, _ := strconv.Atoi(p)
	return host, port
}

// Attribute keys of this package's own.
const (
	attrHandler = attribute.Key("rpyc.handler")
	attrLayout  = attribute.Key("rpyc.layout")
	attrSide    = attribute.Key("rpyc.side")
)

// methodName is rpc.method: the method or attribute named, else the
// operation in lower case ("call", "getroot", "ping").
func methodName(info *rpyc.RequestInfo) string {
	if info.Target != "" {
		return info.Target
	}
	return strings.ToLower(strings.TrimPrefix(info.Handler.String(), "HANDLE_"))
}

// spanName is low in cardinality: "rpyc/add" for a method call,
// "rpyc/getattr add" for another operation naming an attribute,
// "rpyc/call" for one naming none.
func spanName(info *rpyc.RequestInfo) string {
	op := strings.ToLower(strings.TrimPrefix(info.Handler.String(), "HANDLE_"))
	switch {
	case info.Handler == message.HandleCallAttr && info.Target != "":
		return "rpyc/" + info.Target
	case info.Target != "":
		return "rpyc/" + op + " " + info.Target
	}
	return "rpyc/" + op
}

// requestAttrs are the attributes of a request's span and measures.
func requestAttrs(info *rpyc.RequestInfo, st *connState) []attribute.KeyValue {
	return []attribute.KeyValue{
		semconv.RPCSystemNameKey.String("rpyc"),
		semconv.RPCMethod(methodName(info)),
		attrHandler.String(info.Handler.String()),
		attrLayout.String(st.layoutOf(info.Conn).String()),
	}
}

// layoutOf is the layout c speaks: learnt from the peer, else the one
// configured, else 6.x, the default.
func (st *connState) layoutOf(c *rpyc.Conn) message.Layout {
	if l := c.Layout(); l != 0 {
		return l
	}
	if st.layout != 0 {
		return st.layout
	}
	return message.LayoutV6
}

// finish ends a span and records the call's measures.
func (in *Instrumentation) finish(ctx context.Context, span trace.Span, side string, attrs []attribute.KeyValue, start time.Time, err error) {
	if class := errorType(err); class != "" {
		span.SetStatus(codes.Error, err.Error())
		span.SetAttributes(semconv.ErrorTypeKey.String(class))
		attrs = append(attrs, semconv.ErrorTypeKey.String(class))
	}
	set := metric.WithAttributeSet(attribute.NewSet(attrs...))
	in.m.calls[side].Add(ctx, 1, set)
	in.m.duration[side].Record(ctx, time.Since(start).Seconds(), set)
	span.End() // last: whoever sees the span ended sees the measures too
}

// errorType is error.type for a failed request: the Python exception's
// class, or what ended the call; "" for success (and for StopIteration,
// which ends an iteration and is no failure).
func errorType(err error) string {
	switch {
	case err == nil, isStopIteration(err):
		return ""
	case errors.Is(err, rpyc.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	if class := pythonClass(err); class != "" {
		return class
	}
	if errors.Is(err, rpyc.ErrClosed) {
		return "connection_closed"
	}
	return "_OTHER"
}
