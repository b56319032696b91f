package registry_test

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/interop"
	"github.com/rpyc-go/rpyc/registry"
)

// BenchmarkRegistryQuery measures a registry's QUERY throughput: the Go
// registry and Python rpyc's (interop/testdata/registry_server.py), over
// UDP and TCP, with 50 servers registered (a reply of about 1 KB, under the 1500-byte datagram limit) under the name asked and
// b.RunParallel clients (GOMAXPROCS x 4) each reusing one socket for UDP.
// queries/s is the figure to compare.
//
//	go test -run '^$' -bench RegistryQuery -benchtime 2s ./registry/
func BenchmarkRegistryQuery(b *testing.B) {
	for _, impl := range []string{"go", "python"} {
		for _, mode := range []string{"udp", "tcp"} {
			b.Run(impl+"/"+mode, func(b *testing.B) {
				port := benchRegistry(b, impl, mode)
				c := &registry.TCPClient{Host: "127.0.0.1", Port: port}
				var r registry.Registrar = c
				if mode == "udp" {
					r = &registry.UDPClient{Host: "127.0.0.1", Port: port}
				}
				ctx := context.Background()
				for i := range 50 {
					if err := r.Register(ctx, []string{"BENCH"}, ":"+strconv.Itoa(20000+i)); err != nil {
						b.Fatal(err)
					}
				}
				req, _ := registry.Request{Command: registry.CmdQuery, Name: "bench"}.Encode()
				addr := "127.0.0.1:" + strconv.Itoa(port)
				b.SetParallelism(4)
				b.ResetTimer()
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					buf := make([]byte, 64<<10)
					var uc net.Conn
					for pb.Next() {
						if mode == "udp" {
							if uc == nil {
								var err error
								if uc, err = net.Dial("udp", addr); err != nil {
									b.Error(err)
									return
								}
								defer uc.Close()
							}
							_ = uc.SetDeadline(time.Now().Add(5 * time.Second))
							if _, err := uc.Write(req); err != nil {
								b.Error(err)
								return
							}
							if n, err := uc.Read(buf); err != nil || n < 100 {
								b.Errorf("reply: %d bytes, %v", n, err)
								return
							}
							continue
						}
						tc, err := net.Dial("tcp", addr)
						if err != nil {
							b.Error(err)
							return
						}
						_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
						_, _ = tc.Write(req)
						n, err := tc.Read(buf)
						tc.Close()
						if err != nil || n < 100 {
							b.Errorf("reply: %d bytes, %v", n, err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "queries/s")
			})
		}
	}
}

// benchRegistry starts a registry of the given implementation on
// 127.0.0.1 and returns its port.
func benchRegistry(b *testing.B, impl, mode string) int {
	if impl == "python" {
		p := interop.Start(b, interop.PeerOptions{Script: "registry_server.py", Args: []string{mode}})
		port, err := strconv.Atoi(p.Addr[strings.LastIndex(p.Addr, ":")+1:])
		if err != nil {
			b.Fatal(err)
		}
		return port
	}
	s := registry.NewServer(&registry.Config{Logger: slog.New(slog.DiscardHandler)})
	var wg sync.WaitGroup
	wg.Add(1)
	var port int
	if mode == "udp" {
		pc, err := registry.ListenUDP(context.Background(), "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		port = pc.LocalAddr().(*net.UDPAddr).Port
		go func() { defer wg.Done(); _ = s.ServeUDP(pc) }()
	} else {
		l, err := registry.ListenTCP(context.Background(), "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		port = l.Addr().(*net.TCPAddr).Port
		go func() { defer wg.Done(); _ = s.ServeTCP(l) }()
	}
	b.Cleanup(func() { _ = s.Close(); wg.Wait() })
	return port
}
