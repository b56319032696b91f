package otelrpyc

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// chainInterceptor is the server half around inner (nil: none).
func (in *Instrumentation) chainInterceptor(inner rpyc.Interceptor) rpyc.Interceptor {
	return func(ctx context.Context, info *rpyc.RequestInfo, next func(context.Context) (any, error)) (any, error) {
		if inner != nil {
			serve := next
			next = func(ctx context.Context) (any, error) { return inner(ctx, info, serve) }
		}
		if in.opts.Filter != nil && !in.opts.Filter(info) {
			return next(ctx)
		}
		if info.Handler == message.HandlePing && !in.opts.NoPropagation {
			// A ping may be a peer's probe (propagation.go): answered, and
			// not traced. Others get their span after the fact.
			start := time.Now()
			v, err := next(ctx)
			if err == nil && v == probeQuestion {
				return probeAnswer, nil
			}
			in.serverSpan(ctx, info, start, func(context.Context) error { return err })
			return v, err
		}
		var v any
		var err error
		in.serverSpan(ctx, info, time.Now(), func(ctx context.Context) error {
			v, err = next(ctx)
			return err
		})
		return v, err
	}
}

// serverSpan runs serve in a server span that began at start, measuring
// it.
func (in *Instrumentation) serverSpan(ctx context.Context, info *rpyc.RequestInfo, start time.Time, serve func(context.Context) error) {
	st := in.state(ctx, info.Conn, "server")
	if meta := rpyc.RequestMetadata(ctx); meta != nil {
		ctx = in.extract(ctx, meta)
	}
	attrs := requestAttrs(info, st)
	ctx, span := in.tracer.Start(ctx, spanName(info), trace.WithSpanKind(trace.SpanKindServer), trace.WithTimestamp(start),
		trace.WithAttributes(attrs...), trace.WithAttributes(st.peer...))
	active := metric.WithAttributes(attrs...)
	in.m.active["server"].Add(ctx, 1, active)
	err := serve(ctx)
	in.m.active["server"].Add(ctx, -1, active)
	in.finish(ctx, span, "server", attrs, start, err)
}

// chainOutgoing is the client half around inner (nil: none).
func (in *Instrumentation) chainOutgoing(inner rpyc.Outgoing) rpyc.Outgoing {
	return func(ctx context.Context, info *rpyc.RequestInfo) ([]byte, func(error)) {
		var innerMeta []byte
		var innerDone func(error)
		if inner != nil {
			innerMeta, innerDone = inner(ctx, info)
		}
		if isProbe(ctx) || in.opts.Filter != nil && !in.opts.Filter(info) {
			return innerMeta, innerDone
		}
		st := in.state(ctx, info.Conn, "client")
		attrs := requestAttrs(info, st)
		ctx, span := in.tracer.Start(ctx, spanName(info), trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attrs...), trace.WithAttributes(st.server...), trace.WithAttributes(st.peer...))
		meta := innerMeta
		if meta == nil && in.carries(ctx, info.Conn, st) {
			meta = in.inject(ctx)
		}
		active := metric.WithAttributes(attrs...)
		in.m.active["client"].Add(ctx, 1, active)
		start := time.Now()
		return meta, func(err error) {
			in.m.active["client"].Add(context.Background(), -1, active)
			in.finish(ctx, span, "client", attrs, start, err)
			if innerDone != nil {
				innerDone(err)
			}
		}
	}
}
