package registry

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// logBuf collects log lines from several goroutines.
type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuf) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testRegistry is a Server listening on loopback, over UDP and TCP on
// the same port number where possible.
type testRegistry struct {
	*Server
	log     *logBuf
	udp     string // host:port
	tcp     string
	host    string
	port    int // UDP port
	tcpPort int
}

func startRegistry(t *testing.T, host string, cfg *Config) *testRegistry {
	t.Helper()
	var c Config
	if cfg != nil {
		c = *cfg
	}
	lb := &logBuf{}
	c.Logger = lb.logger()
	s := NewServer(&c)
	ctx := context.Background()
	pc, err := ListenUDP(ctx, net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := ListenTCP(ctx, net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = s.ServeUDP(pc) }()
	go func() { defer wg.Done(); _ = s.ServeTCP(l) }()
	t.Cleanup(func() {
		_ = s.Close()
		wg.Wait()
		if t.Failed() {
			t.Logf("registry log:\n%s", lb.String())
		}
	})
	return &testRegistry{
		Server: s, log: lb, host: host,
		udp: pc.LocalAddr().String(), tcp: l.Addr().String(),
		port: pc.LocalAddr().(*net.UDPAddr).Port, tcpPort: l.Addr().(*net.TCPAddr).Port,
	}
}

func (r *testRegistry) udpClient() *UDPClient { return &UDPClient{Host: r.host, Port: r.port} }
func (r *testRegistry) tcpClient() *TCPClient { return &TCPClient{Host: r.host, Port: r.tcpPort} }

// waitLog waits until the registry logged a line containing s.
func (r *testRegistry) waitLog(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.log.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("registry never logged %q; log:\n%s", s, r.log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
