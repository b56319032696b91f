//go:build unix

package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/otelrpyc"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
)

// otelCalc is the traced service Python calls.
type otelCalc struct{}

func (otelCalc) Add(a, b int) int { return a + b }

func (otelCalc) Div(a, b float64) (float64, error) {
	if b == 0 {
		return 0, fmt.Errorf("division by zero: %w", vinegar.ErrZeroDivisionError)
	}
	return a / b, nil
}

func (otelCalc) Twice(ctx context.Context, f *rpyc.Netref, x int) (int, error) {
	v, err := rpyc.As[int](f.Call(ctx, x))
	if err != nil {
		return 0, err
	}
	return rpyc.As[int](f.Call(ctx, v))
}

func newTel(t *testing.T) (*otelrpyc.Instrumentation, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tel, err := otelrpyc.New(&otelrpyc.Options{TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))})
	if err != nil {
		t.Fatal(err)
	}
	return tel, rec
}

// TestOTelPythonClient: Debian's rpyc client, in both layouts, uses a Go
// server that traces: every call, callback and exception works as
// without tracing, and the server's spans say what Python did.
func TestOTelPythonClient(t *testing.T) {
	for _, layout6 := range []bool{false, true} {
		t.Run(map[bool]string{false: "v5", true: "v6"}[layout6], func(t *testing.T) {
			tel, rec := newTel(t)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv := &server.Server{Service: otelCalc{}, Config: tel.Config(nil)}
			done := make(chan struct{})
			go func() { defer close(done); _ = srv.Serve(l) }()
			defer func() { _ = srv.Close(); <-done }()
			host, port := splitAddr(t, l.Addr().String())
			out := Run(t, "otel_client.py", layout6, host, port)
			wantLines(t, out, "add ok\n", "div raised ZeroDivisionError\n", "callback ok\n", "ping ok\n", "all ok\n")

			layout := map[bool]string{false: "v5", true: "v6"}[layout6]
			got := map[string]int{}
			for _, sp := range rec.Ended() {
				got[sp.Name()+"/"+sp.SpanKind().String()]++
				if sp.Parent().IsValid() && sp.Parent().IsRemote() {
					t.Errorf("span %s has a remote parent: a Python client sends no trace context", sp.Name())
				}
				if l := spanAttr(sp, "rpyc.layout"); l != layout {
					t.Errorf("span %s: rpyc.layout %q, want %s", sp.Name(), l, layout)
				}
				if sp.Name() == "rpyc/call" && sp.SpanKind() == trace.SpanKindServer && sp.Status().Description != "" &&
					spanAttr(sp, "error.type") != "ZeroDivisionError" {
					t.Errorf("failed call span: error.type %q, want ZeroDivisionError", spanAttr(sp, "error.type"))
				}
			}
			// r.add(40, 2) is a GETATTR "add" and a CALL; the server calls
			// the lambda back twice (client spans here); ping is a span too.
			for _, want := range []string{"rpyc/getattr add/server", "rpyc/getattr div/server", "rpyc/getattr twice/server",
				"rpyc/call/client", "rpyc/ping/server"} {
				if got[want] == 0 {
					t.Errorf("no %s span; spans: %v", want, got)
				}
			}
			if got["rpyc/call/client"] != 2 {
				t.Errorf("%d callback spans, want 2 (spans: %v)", got["rpyc/call/client"], got)
			}
		})
	}
}

// recordingConn keeps what the client writes.
type recordingConn struct {
	net.Conn
	mu  sync.Mutex
	out bytes.Buffer
}

func (r *recordingConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.out.Write(p)
	r.mu.Unlock()
	return r.Conn.Write(p)
}

// frames decodes what the client sent.
func (r *recordingConn) messages(t *testing.T, layout message.Layout) []message.Message {
	t.Helper()
	r.mu.Lock()
	data := append([]byte(nil), r.out.Bytes()...)
	r.mu.Unlock()
	ch := channel.New(readOnly{bytes.NewReader(data)}, nil)
	var out []message.Message
	for {
		body, err := ch.Recv()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("reading back the client's frames: %v", err)
		}
		m, err := message.DecodeLayout(body, layout, nil)
		if err != nil {
			t.Fatalf("decoding the client's message: %v", err)
		}
		out = append(out, m)
	}
}

type readOnly struct{ io.Reader }

func (readOnly) Write(p []byte) (int, error) { return len(p), nil }
func (readOnly) Close() error                { return nil }

// TestOTelToPythonServer: a Go client that traces, against Debian's
// rpyc server in both layouts: calls work, client spans are made, and
// the bytes it sends are what an untraced client sends: every request's
// seq a plain int (the one ping that asks for trace context is echoed,
// so nothing more is sent).
func TestOTelToPythonServer(t *testing.T) {
	for _, l := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		t.Run(l.String(), func(t *testing.T) {
			p := Start(t, PeerOptions{Script: "py_server.py", Layout6: l == message.LayoutV6})
			tel, rec := newTel(t)
			nc, err := net.Dial("tcp", p.Addr)
			if err != nil {
				t.Fatal(err)
			}
			rc := &recordingConn{Conn: nc}
			conn, err := rpyc.Connect(rc, nil, tel.Config(&rpyc.Config{Layout: l}))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			root, err := conn.Root(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if v, err := rpyc.As[int](root.CallMethod(ctx, "add", i, 1)); err != nil || v != i+1 {
					t.Fatalf("add(%d, 1) = %v, %v", i, v, err)
				}
			}
			_, err = root.CallMethod(ctx, "fail", "ValueError", "bad")
			var exc *vinegar.Exception
			if !errors.As(err, &exc) || exc.Name != "ValueError" {
				t.Fatalf("fail(ValueError) = %v", err)
			}
			_ = conn.Close()

			var requests, probes int
			for _, m := range rc.messages(t, l) {
				if m.Type != message.Request {
					continue
				}
				requests++
				if _, ok := m.Seq.(int64); !ok {
					t.Errorf("a request went out with seq %s: a Python server must see plain ints", brine.Repr(m.Seq))
				}
				if strings.Contains(brine.Repr(m.Payload), "trace-context") {
					probes++
				}
			}
			if requests < 5 || probes != 1 {
				t.Errorf("the client sent %d requests, %d of them the probe; want at least 5 and exactly 1 probe", requests, probes)
			}
			var adds, failed int
			for _, sp := range rec.Ended() {
				switch {
				case sp.Name() == "rpyc/add" && sp.SpanKind() == trace.SpanKindClient:
					adds++
				case sp.Name() == "rpyc/fail" && spanAttr(sp, "error.type") == "ValueError":
					failed++
				}
			}
			if adds != 3 || failed != 1 {
				t.Errorf("client spans: %d add, %d failed fail; want 3 and 1", adds, failed)
			}
		})
	}
}

func spanAttr(sp sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range sp.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.Emit()
		}
	}
	return ""
}
