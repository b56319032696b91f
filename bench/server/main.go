// Command server serves the BENCH service from Go: the same methods as the
// Python benchmark server, so the same clients (Python's rpyc or
// bench/client) can measure both.
//
//	go run ./bench/server -host 127.0.0.1 -port 18862 [-no-compress] [-cpuprofile FILE]
//
// It prints "listening on HOST:PORT" once it accepts connections and stops
// on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/stream"
	"github.com/rpyc-go/rpyc/vinegar"
)

// BenchService is the benchmark service. Its exported methods are what
// clients call, under their snake_case names.
type BenchService struct {
	mu    sync.Mutex
	blobs map[int][]byte // random blobs by length, as the Python server caches them
}

// RPyCServiceName names the service as the Python server does.
func (s *BenchService) RPyCServiceName() string { return "BENCH" }

// Noop does nothing and returns None.
func (s *BenchService) Noop() {}

// Add returns a + b.
func (s *BenchService) Add(a, b int64) int64 { return a + b }

// Echo returns its argument.
func (s *BenchService) Echo(x any) any { return x }

const maxBlob = 1 << 30

// Blob returns n random (incompressible) bytes. The bytes of a given length
// are made once and kept, so the measurement is the transfer.
func (s *BenchService) Blob(n int) ([]byte, error) {
	if n < 0 || n > maxBlob {
		return nil, vinegar.New("ValueError", "n out of range")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.blobs[n]; ok {
		return b, nil
	}
	b := make([]byte, n)
	seed := [32]byte{'b', 'e', 'n', 'c', 'h', byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)}
	_, _ = rand.NewChaCha8(seed).Read(b)
	if s.blobs == nil || len(s.blobs) > 8 {
		s.blobs = map[int][]byte{}
	}
	s.blobs[n] = b
	return b, nil
}

// Zeros returns n zero bytes (highly compressible).
func (s *BenchService) Zeros(n int) ([]byte, error) {
	if n < 0 || n > maxBlob {
		return nil, vinegar.New("ValueError", "n out of range")
	}
	return make([]byte, n), nil
}

// MakeObj returns a new object by reference.
func (s *BenchService) MakeObj() *BenchObj { return &BenchObj{} }

// CallBack calls the client's fn(i) for i in range(n) and returns the sum.
func (s *BenchService) CallBack(ctx context.Context, fn *rpyc.Netref, n int) (int64, error) {
	var total int64
	for i := 0; i < n; i++ {
		v, err := rpyc.As[int64](fn.Call(ctx, i))
		if err != nil {
			return 0, err
		}
		total += v
	}
	return total, nil
}

// Pid returns the server's process id, so a local client can sample its
// CPU time.
func (s *BenchService) Pid() int { return os.Getpid() }

// BenchObj is what make_obj returns: attribute value and method incr.
type BenchObj struct {
	mu    sync.Mutex
	Value int64 `rpyc:"value"`
}

// Incr adds one to value and returns it.
func (o *BenchObj) Incr() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.Value++
	return o.Value
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench server:", err)
		os.Exit(1)
	}
}

func run() error {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 18862, "TCP port (0 picks a free one)")
	noCompress := flag.Bool("no-compress", false, "never zlib-compress frames sent by this server")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file until the server stops")
	flag.Parse()

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}

	cfg := rpyc.DefaultConfig()
	cfg.SyncRequestTimeout = 120 * time.Second // as the Python server
	cfg.Channel = channel.DefaultConfig()
	cfg.Channel.NoCompress = *noCompress
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := stream.ListenTCP(ctx, net.JoinHostPort(*host, strconv.Itoa(*port)), nil)
	if err != nil {
		return err
	}
	srv := &server.Server{Service: &BenchService{}, Config: cfg}
	fmt.Fprintf(os.Stderr, "BENCH rpyc-go server pid=%d (compress=%v)\n", os.Getpid(), !*noCompress)
	fmt.Printf("listening on %s\n", l.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	_ = srv.Close()
	if err := <-errc; err != nil && !errors.Is(err, server.ErrServerClosed) {
		return err
	}
	return nil
}
