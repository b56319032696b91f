package main

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestInterceptorMetrics: calls through the server show up in the
// counter and the histogram, failures as outcome "error".
func TestInterceptorMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	srv := &server.Server{Service: CalcService{}, Interceptor: m.Interceptor()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpyc.Dial(ctx, l.Addr().String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := root.CallMethod(ctx, "add", 1, i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := root.CallMethod(ctx, "div", 1, 0); err == nil {
		t.Fatal("div(1, 0) succeeded")
	}
	if got := testutil.ToFloat64(m.Requests.WithLabelValues("HANDLE_CALLATTR", "add", "ok")); got != 3 {
		t.Errorf("add calls counted %v, want 3", got)
	}
	if got := testutil.ToFloat64(m.Requests.WithLabelValues("HANDLE_CALLATTR", "div", "error")); got != 1 {
		t.Errorf("failed div calls counted %v, want 1", got)
	}
	n, err := testutil.GatherAndCount(reg, "rpyc_request_duration_seconds")
	if err != nil || n == 0 {
		t.Errorf("duration series: %d, %v", n, err)
	}
	out, _ := testutil.CollectAndLint(m.Duration)
	if len(out) != 0 {
		t.Errorf("lint: %v", out)
	}
}
