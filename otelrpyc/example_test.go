package otelrpyc_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/otelrpyc"
	"github.com/rpyc-go/rpyc/server"
)

// A Go client and a Go server, both traced: each call is a client span
// and a server span in one trace.
func Example() {
	spans := tracetest.NewSpanRecorder()
	tel, err := otelrpyc.New(&otelrpyc.Options{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &server.Server{Service: Calc{}, Config: tel.Config(nil), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	conn, err := rpyc.Dial(ctx, l.Addr().String(), tel.Config(nil))
	if err != nil {
		fmt.Println(err)
		return
	}
	root, _ := conn.Root(ctx)
	sum, _ := root.CallMethod(ctx, "add", 2, 3)
	conn.Close()
	srv.Close()

	fmt.Println("add:", sum)
	var names []string
	traces := map[string]bool{}
	for _, sp := range spans.Ended() {
		if sp.Name() == "rpyc/add" {
			traces[sp.SpanContext().TraceID().String()] = true
		}
		names = append(names, sp.Name()+" "+sp.SpanKind().String())
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Println(n)
	}
	fmt.Println("add's spans in one trace:", len(traces) == 1)
	// Output:
	// add: 5
	// rpyc/add client
	// rpyc/add server
	// rpyc/getroot client
	// rpyc/getroot server
	// add's spans in one trace: true
}
