// Command metrics serves an RPyC service with Prometheus metrics for
// every request, through the server's Interceptor hook: a counter of
// requests by handler, method and outcome, and a histogram of their
// service time. Python clients call it as usual:
//
//	go run ./examples/metrics -addr 127.0.0.1:18861 -metrics 127.0.0.1:9100
//	python3 -c 'import rpyc; print(rpyc.connect("127.0.0.1", 18861).root.add(1, 2))'
//	curl -s 127.0.0.1:9100/metrics | grep rpyc_
//
// It prints "listening on HOST:PORT" when ready and stops on SIGINT or
// SIGTERM, gracefully.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
)

// CalcService is the service the example serves.
type CalcService struct{}

// Add adds two numbers.
func (CalcService) Add(a, b int) int { return a + b }

// Div divides, failing with ZeroDivisionError on b == 0.
func (CalcService) Div(a, b float64) (float64, error) {
	if b == 0 {
		return 0, fmt.Errorf("division by zero: %w", vinegar.ErrZeroDivisionError)
	}
	return a / b, nil
}

// Metrics are the Prometheus collectors the interceptor feeds.
type Metrics struct {
	Requests *prometheus.CounterVec
	Duration *prometheus.HistogramVec
}

// NewMetrics registers the collectors with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rpyc_requests_total",
			Help: "RPyC requests served, by protocol handler, target name and outcome.",
		}, []string{"handler", "target", "outcome"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rpyc_request_duration_seconds",
			Help:    "Time spent serving RPyC requests, by protocol handler and target name.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}, []string{"handler", "target"}),
	}
	reg.MustRegister(m.Requests, m.Duration)
	return m
}

// Interceptor returns the server hook that observes each request: its
// handler, target name, duration and whether it failed. A Go client's
// root.CallMethod(ctx, "add", ...) is one HANDLE_CALLATTR with target
// "add"; Python's r.add(1, 2) is a HANDLE_GETATTR "add", then a
// HANDLE_CALL of what it returned (target "").
func (m *Metrics) Interceptor() rpyc.Interceptor {
	return func(ctx context.Context, info *rpyc.RequestInfo, next func(context.Context) (any, error)) (any, error) {
		start := time.Now()
		v, err := next(ctx)
		handler := info.Handler.String()
		m.Duration.WithLabelValues(handler, info.Target).Observe(time.Since(start).Seconds())
		outcome := "ok"
		if err != nil {
			outcome = "error"
		}
		m.Requests.WithLabelValues(handler, info.Target, outcome).Inc()
		return v, err
	}
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "metrics:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:18861", "RPyC address to listen on")
	metricsAddr := flag.String("metrics", "127.0.0.1:9100", "HTTP address of /metrics")
	flag.Parse()

	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	srv := &server.Server{Service: CalcService{}, Interceptor: m.Interceptor()}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ml, err := net.Listen("tcp", *metricsAddr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ml) }()
	defer hs.Close()

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening on %s\n", l.Addr())
	return srv.ServeUntil(ctx, l, 5*time.Second)
}
