package registry_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
)

// CalcService is served by the server.Server under test; its name is
// CALC.
type CalcService struct{}

// Add adds.
func (CalcService) Add(a, b int) int { return a + b }

type lockedBuf struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *lockedBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

func (b *lockedBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

// TestServerRegistrar: a server.Server with a UDP or TCP registry client
// as its Registrar is discovered, re-registers (it outlives several
// pruning timeouts), and vanishes as soon as Shutdown returns.
func TestServerRegistrar(t *testing.T) {
	for _, mode := range []string{"udp", "tcp"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var logs lockedBuf
			const prune = 300 * time.Millisecond
			reg := registry.NewServer(&registry.Config{PruningTimeout: prune, Logger: slogDebug(&logs)})
			var c interface {
				registry.Registrar
				registry.Discoverer
			}
			var wg sync.WaitGroup
			if mode == "udp" {
				pc, err := registry.ListenUDP(ctx, "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				c = &registry.UDPClient{Host: "127.0.0.1", Port: pc.LocalAddr().(*net.UDPAddr).Port}
				wg.Add(1)
				go func() { defer wg.Done(); _ = reg.ServeUDP(pc) }()
			} else {
				l, err := registry.ListenTCP(ctx, "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				c = &registry.TCPClient{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}
				wg.Add(1)
				go func() { defer wg.Done(); _ = reg.ServeTCP(l) }()
			}
			defer func() { _ = reg.Close(); wg.Wait() }()

			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv := &server.Server{Service: CalcService{}, Registrar: c, RegisterInterval: prune / 3, Logger: slogDebug(&logs)}
			done := make(chan error, 1)
			go func() { done <- srv.Serve(l) }()

			waitFor(t, "CALC registered", func() bool { return len(reg.Query("calc")) == 1 })
			if got := reg.Query("calc")[0].String(); got != l.Addr().String() {
				t.Fatalf("registered as %s, listens on %s", got, l.Addr())
			}
			conn, err := registry.ConnectByService(ctx, c, "Calc", nil)
			if err != nil {
				t.Fatalf("ConnectByService: %v", err)
			}
			root, err := conn.Root(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v, err := root.CallMethod(ctx, "add", 2, 3); err != nil || v != int64(5) {
				t.Fatalf("add(2, 3) = %v, %v", v, err)
			}
			conn.Close()

			// Re-registration: still listed after several pruning
			// timeouts, with one REGISTER logged per interval.
			for range 3 {
				time.Sleep(prune)
				if len(reg.Query("calc")) != 1 {
					t.Fatalf("server pruned although it re-registers every %v; log:\n%s", prune/3, logs.String())
				}
			}
			if n := strings.Count(logs.String(), "registry: register"); n < 4 {
				t.Fatalf("%d REGISTERs logged, want several", n)
			}

			sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
			defer scancel()
			if err := srv.Shutdown(sctx); err != nil {
				t.Fatal(err)
			}
			if got := reg.Query("calc"); len(got) != 0 {
				t.Fatalf("still registered after Shutdown: %v", got)
			}
			<-done
		})
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
