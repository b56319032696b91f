package otelrpyc_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/otelrpyc"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Calc is the service of the tests.
type Calc struct{}

// Add adds.
func (Calc) Add(a, b int) int { return a + b }

// Div divides, with ZeroDivisionError for b == 0.
func (Calc) Div(a, b float64) (float64, error) {
	if b == 0 {
		return 0, fmt.Errorf("division by zero: %w", vinegar.ErrZeroDivisionError)
	}
	return a / b, nil
}

// Twice calls back the client's f twice: requests the server makes.
func (Calc) Twice(ctx context.Context, f *rpyc.Netref, x int) (int, error) {
	v, err := rpyc.As[int](f.Call(ctx, x))
	if err != nil {
		return 0, err
	}
	return rpyc.As[int](f.Call(ctx, v))
}

// side is one peer's telemetry: its spans and its metrics.
type side struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tel    *otelrpyc.Instrumentation
}

func newSide(t *testing.T, opts otelrpyc.Options) *side {
	t.Helper()
	s := &side{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	opts.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(s.spans))
	opts.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(s.reader))
	tel, err := otelrpyc.New(&opts)
	if err != nil {
		t.Fatal(err)
	}
	s.tel = tel
	return s
}

// span finds the one ended span of that name and kind.
func (s *side) span(t *testing.T, name string, kind trace.SpanKind) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, sp := range s.spans.Ended() {
		if sp.Name() == name && sp.SpanKind() == kind {
			found = append(found, sp)
		}
	}
	if len(found) != 1 {
		var names []string
		for _, sp := range s.spans.Ended() {
			names = append(names, sp.Name()+"/"+sp.SpanKind().String())
		}
		t.Fatalf("got %d %s spans named %q, want 1; spans: %v", len(found), kind, name, names)
	}
	return found[0]
}

func attr(sp sdktrace.ReadOnlySpan, key string) attribute.Value {
	for _, kv := range sp.Attributes() {
		if string(kv.Key) == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}

// metrics collects the side's metrics by name.
func (s *side) metrics(t *testing.T) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := s.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

// sumWhere adds the points of an int sum whose attributes include want.
func sumWhere(agg metricdata.Aggregation, want ...attribute.KeyValue) int64 {
	sum, ok := agg.(metricdata.Sum[int64])
	if !ok {
		return -1
	}
	var n int64
	for _, dp := range sum.DataPoints {
		match := true
		for _, kv := range want {
			if v, ok := dp.Attributes.Value(kv.Key); !ok || v != kv.Value {
				match = false
			}
		}
		if match {
			n += dp.Value
		}
	}
	return n
}

// goPair serves Calc with srv's telemetry and dials it with cli's.
func goPair(t *testing.T, srvSide, cliSide *side, budget *rpyc.Budget) (*rpyc.Conn, func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := srvSide.tel.Config(&rpyc.Config{Limits: rpyc.Limits{Budget: budget}})
	srv := &server.Server{Service: Calc{}, Config: cfg}
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.Serve(srvSide.tel.Listener(l)) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := rpyc.Dial(ctx, l.Addr().String(), cliSide.tel.Config(nil))
	if err != nil {
		t.Fatal(err)
	}
	return conn, func() {
		_ = conn.Close()
		_ = srv.Close()
		<-served
	}
}

// TestGoToGo: a span per call on both sides, the server's a child of the
// client's across the connection, with the call's attributes and
// outcome; callbacks the other way too; the metrics count what
// happened.
func TestGoToGo(t *testing.T) {
	srvSide, cliSide := newSide(t, otelrpyc.Options{}), newSide(t, otelrpyc.Options{})
	budget := rpyc.NewBudget(1 << 20)
	stopBudget, err := srvSide.tel.ObserveBudget("shared", budget)
	if err != nil {
		t.Fatal(err)
	}
	defer stopBudget()
	conn, stop := goPair(t, srvSide, cliSide, budget)
	defer stop()

	tracer := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(cliSide.spans)).Tracer("test")
	ctx, op := tracer.Start(context.Background(), "operation")
	root, err := conn.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := rpyc.As[int](root.CallMethod(ctx, "add", 40, 2)); err != nil || v != 42 {
		t.Fatalf("add = %v, %v", v, err)
	}
	_, divErr := root.CallMethod(ctx, "div", 1, 0)
	if !errors.Is(divErr, vinegar.ErrZeroDivisionError) {
		t.Fatalf("div(1, 0) = %v, want ZeroDivisionError", divErr)
	}
	square := func(x int) int { return x * x }
	if v, err := rpyc.As[int](root.CallMethod(ctx, "twice", square, 3)); err != nil || v != 81 {
		t.Fatalf("twice(square, 3) = %v, %v; want 81", v, err)
	}
	async := root.CallMethodAsync("add", 1, 1)
	if v, err := rpyc.As[int](async.Value(ctx)); err != nil || v != 2 {
		t.Fatalf("async add = %v, %v", v, err)
	}
	op.End()

	// add: the client span is the operation's child; the server span
	// continues the same trace as the client span's child.
	cAdd := cliSide.spanOfParent(t, "rpyc/add", trace.SpanKindClient, op.SpanContext().SpanID())
	sAdd := srvSide.spanOfParent(t, "rpyc/add", trace.SpanKindServer, cAdd.SpanContext().SpanID())
	if sAdd.SpanContext().TraceID() != op.SpanContext().TraceID() || !sAdd.Parent().IsRemote() {
		t.Errorf("server span of add: trace %s (parent remote %v), want the client's trace %s", sAdd.SpanContext().TraceID(), sAdd.Parent().IsRemote(), op.SpanContext().TraceID())
	}
	for _, sp := range []sdktrace.ReadOnlySpan{cAdd, sAdd} {
		for key, want := range map[string]string{"rpc.system.name": "rpyc", "rpc.method": "add", "rpyc.handler": "HANDLE_CALLATTR", "rpyc.layout": "v6", "network.peer.address": "127.0.0.1"} {
			if got := attr(sp, key).AsString(); got != want {
				t.Errorf("%s span of add: %s = %q, want %q", sp.SpanKind(), key, got, want)
			}
		}
		if sp.Status().Code == codes.Error {
			t.Errorf("%s span of add has status %v, want ok", sp.SpanKind(), sp.Status())
		}
	}
	if attr(cAdd, "server.address").AsString() != "127.0.0.1" || attr(cAdd, "server.port").AsInt64() == 0 {
		t.Errorf("client span lacks server.address/server.port: %v", cAdd.Attributes())
	}

	// div: failed on both sides, with the Python class.
	cDiv := cliSide.spanOfParent(t, "rpyc/div", trace.SpanKindClient, op.SpanContext().SpanID())
	sDiv := srvSide.spanOfParent(t, "rpyc/div", trace.SpanKindServer, cDiv.SpanContext().SpanID())
	for _, sp := range []sdktrace.ReadOnlySpan{cDiv, sDiv} {
		if sp.Status().Code != codes.Error || attr(sp, "error.type").AsString() != "ZeroDivisionError" {
			t.Errorf("%s span of div: status %v, error.type %q; want Error, ZeroDivisionError", sp.SpanKind(), sp.Status(), attr(sp, "error.type").AsString())
		}
	}

	// twice: the server's callbacks are client spans on the server side,
	// children of its span, and server spans on the client side.
	cTwice := cliSide.spanOfParent(t, "rpyc/twice", trace.SpanKindClient, op.SpanContext().SpanID())
	sTwice := srvSide.spanOfParent(t, "rpyc/twice", trace.SpanKindServer, cTwice.SpanContext().SpanID())
	var callbacks int
	for _, sp := range srvSide.spans.Ended() {
		if sp.Name() == "rpyc/call" && sp.SpanKind() == trace.SpanKindClient && sp.Parent().SpanID() == sTwice.SpanContext().SpanID() {
			callbacks++
			cliSide.spanOfParent(t, "rpyc/call", trace.SpanKindServer, sp.SpanContext().SpanID())
		}
	}
	if callbacks != 2 {
		t.Errorf("the server's callbacks: %d client spans under twice's server span, want 2", callbacks)
	}

	// The async call has a span of its own (no context: a root), ended
	// on a goroutine of its own once the result is in.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var asyncSpans int
		for _, sp := range cliSide.spans.Ended() {
			if sp.Name() == "rpyc/add" && !sp.Parent().IsValid() {
				asyncSpans++
			}
		}
		if asyncSpans == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("async add: %d root client spans, want 1", asyncSpans)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The probe ping is no span on either side.
	for _, s := range []*side{cliSide, srvSide} {
		for _, sp := range s.spans.Ended() {
			if sp.Name() == "rpyc/ping" {
				t.Errorf("a span for the propagation probe: %s %s", sp.Name(), sp.SpanKind())
			}
		}
	}

	// Metrics.
	cm, sm := cliSide.metrics(t), srvSide.metrics(t)
	method := func(m string) attribute.KeyValue { return attribute.String("rpc.method", m) }
	if n := sumWhere(cm["rpyc.client.calls"], method("add")); n != 2 {
		t.Errorf("rpyc.client.calls{add} = %d, want 2", n)
	}
	if n := sumWhere(sm["rpyc.server.calls"], method("div"), attribute.String("error.type", "ZeroDivisionError")); n != 1 {
		t.Errorf("rpyc.server.calls{div, ZeroDivisionError} = %d, want 1", n)
	}
	if h, ok := sm["rpyc.server.call.duration"].(metricdata.Histogram[float64]); !ok || len(h.DataPoints) == 0 || h.DataPoints[0].Count == 0 {
		t.Errorf("rpyc.server.call.duration: %v", sm["rpyc.server.call.duration"])
	}
	if n := sumWhere(sm["rpyc.server.calls.active"]); n != 0 {
		t.Errorf("rpyc.server.calls.active = %d after the calls, want 0", n)
	}
	if n := sumWhere(cm["rpyc.connections.active"], attribute.String("rpyc.side", "client")); n != 1 {
		t.Errorf("rpyc.connections.active{client} = %d while connected, want 1", n)
	}
	if n := sumWhere(sm["rpyc.io.bytes"], attribute.String("network.io.direction", "receive")); n <= 0 {
		t.Errorf("rpyc.io.bytes{receive} = %d on the server, want > 0", n)
	}
	if g, ok := sm["rpyc.budget.limit"].(metricdata.Gauge[int64]); !ok || len(g.DataPoints) != 1 || g.DataPoints[0].Value != 1<<20 {
		t.Errorf("rpyc.budget.limit = %v, want 1 MiB", sm["rpyc.budget.limit"])
	}
	if _, ok := sm["rpyc.budget.used"].(metricdata.Gauge[int64]); !ok {
		t.Errorf("rpyc.budget.used missing: %v", sm["rpyc.budget.used"])
	}
	stop()
	if n := sumWhere(cliSide.metrics(t)["rpyc.connections.active"]); n != 0 {
		t.Errorf("rpyc.connections.active = %d after close, want 0", n)
	}
}

// spanOfParent finds the one span of that name and kind whose parent is
// parent.
func (s *side) spanOfParent(t *testing.T, name string, kind trace.SpanKind, parent trace.SpanID) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, sp := range s.spans.Ended() {
		if sp.Name() == name && sp.SpanKind() == kind && sp.Parent().SpanID() == parent {
			found = append(found, sp)
		}
	}
	if len(found) != 1 {
		t.Fatalf("got %d %s spans named %q under %s, want 1", len(found), kind, name, parent)
	}
	return found[0]
}

// TestNoPropagation: with propagation off on the client, nothing asks the
// server and the server's spans start traces of their own.
func TestNoPropagation(t *testing.T) {
	srvSide, cliSide := newSide(t, otelrpyc.Options{}), newSide(t, otelrpyc.Options{NoPropagation: true})
	conn, stop := goPair(t, srvSide, cliSide, nil)
	defer stop()
	ctx := context.Background()
	root, err := conn.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.CallMethod(ctx, "add", 1, 2); err != nil {
		t.Fatal(err)
	}
	c := cliSide.span(t, "rpyc/add", trace.SpanKindClient)
	s := srvSide.span(t, "rpyc/add", trace.SpanKindServer)
	if s.Parent().IsValid() || s.SpanContext().TraceID() == c.SpanContext().TraceID() {
		t.Errorf("server span without propagation: parent %v, trace %s (client's %s); want a root of its own",
			s.Parent(), s.SpanContext().TraceID(), c.SpanContext().TraceID())
	}
}

// TestCoreDoesNotLinkOTel: the library and the commands do not depend on
// OpenTelemetry; only programs that import this package link it.
func TestCoreDoesNotLinkOTel(t *testing.T) {
	pkgs := []string{"github.com/rpyc-go/rpyc", "github.com/rpyc-go/rpyc/server", "github.com/rpyc-go/rpyc/classic",
		"github.com/rpyc-go/rpyc/registry", "github.com/rpyc-go/rpyc/cmd/rpyc", "github.com/rpyc-go/rpyc/cmd/rpyc_classic",
		"github.com/rpyc-go/rpyc/cmd/rpyc_registry"}
	out, err := exec.Command("go", append([]string{"list", "-deps"}, pkgs...)...).Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "go.opentelemetry.io/") {
			t.Errorf("the core links %s", dep)
		}
	}
}
