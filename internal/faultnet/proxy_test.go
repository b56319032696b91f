package faultnet

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echoServer echoes every connection until the test ends. close, when
// called, closes every connection it accepted (a server going away).
type echoServer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func startEcho(t *testing.T) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &echoServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				_, _ = io.Copy(c, c)
				_ = c.Close()
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		s.closeConns()
		s.wg.Wait()
	})
	return s
}

func (s *echoServer) addr() string { return s.ln.Addr().String() }

func (s *echoServer) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
	s.conns = nil
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// roundTrip writes msg and reads as many bytes back within wait.
func roundTrip(c net.Conn, msg []byte, wait time.Duration) ([]byte, error) {
	if _, err := c.Write(msg); err != nil {
		return nil, err
	}
	return readWithin(c, len(msg), wait)
}

func readWithin(c net.Conn, n int, wait time.Duration) ([]byte, error) {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	defer c.SetReadDeadline(time.Time{})
	buf := make([]byte, n)
	got, err := io.ReadFull(c, buf)
	return buf[:got], err
}

func TestForwards(t *testing.T) {
	p := Listen(t, startEcho(t).addr())
	c := dial(t, p.Addr())
	got, err := roundTrip(c, []byte("hello"), 5*time.Second)
	if err != nil || string(got) != "hello" {
		t.Fatalf("echo through the proxy: got %q, %v; want hello", got, err)
	}
	if n := p.Accepted(); n != 1 {
		t.Errorf("Accepted() = %d, want 1", n)
	}
}

// TestPartitionHoldsAndHeals: nothing crosses a partition, nothing is
// lost, and the sockets stay open; Heal delivers what was held.
func TestPartitionHoldsAndHeals(t *testing.T) {
	p := Listen(t, startEcho(t).addr())
	c := dial(t, p.Addr())
	if _, err := roundTrip(c, []byte("up"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	p.Partition()
	got, err := roundTrip(c, []byte("held"), 300*time.Millisecond)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read across a partition: got %q, %v; want a timeout", got, err)
	}
	// A connection made during the partition waits too.
	c2 := dial(t, p.Addr())
	if got, err := roundTrip(c2, []byte("new"), 200*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("new connection across a partition: got %q, %v; want a timeout", got, err)
	}
	p.Heal()
	if got, err := readWithin(c, 4, 5*time.Second); err != nil || string(got) != "held" {
		t.Fatalf("after Heal: got %q, %v; want held", got, err)
	}
	if got, err := readWithin(c2, 3, 5*time.Second); err != nil || string(got) != "new" {
		t.Fatalf("new connection after Heal: got %q, %v; want new", got, err)
	}
}

// TestPartitionBlocksSender: a sender across a partition fills the
// buffers and then blocks, as over a dead path.
func TestPartitionBlocksSender(t *testing.T) {
	p := Listen(t, startEcho(t).addr())
	c := dial(t, p.Addr())
	p.Partition()
	_ = c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	big := make([]byte, 64<<20)
	n, err := c.Write(big)
	if !errors.Is(err, os.ErrDeadlineExceeded) || n >= len(big) {
		t.Fatalf("write of 64 MiB across a partition: wrote %d, %v; want a timeout part way", n, err)
	}
	p.Heal() // cleanup drains
}

// TestDropFIN: the server closes, and the client hears nothing: no end of
// stream, and its writes still succeed (they are swallowed).
func TestDropFIN(t *testing.T) {
	srv := startEcho(t)
	p := Listen(t, srv.addr())
	c := dial(t, p.Addr())
	if _, err := roundTrip(c, []byte("hi"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	p.DropFIN()
	srv.closeConns()
	if got, err := readWithin(c, 1, 300*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read after the server closed, FIN dropped: got %q, %v; want a timeout", got, err)
	}
	for range 3 {
		if _, err := c.Write([]byte("anyone?")); err != nil {
			t.Fatalf("write to a half-open peer: %v, want success", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got, err := readWithin(c, 1, 200*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read from a half-open peer: got %q, %v; want a timeout", got, err)
	}
	_ = c.Close()
	waitConns(t, p, 0)
}

// TestFINPassesByDefault: without DropFIN, the client sees the server's
// close as an end of stream.
func TestFINPassesByDefault(t *testing.T) {
	srv := startEcho(t)
	p := Listen(t, srv.addr())
	c := dial(t, p.Addr())
	if _, err := roundTrip(c, []byte("hi"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	srv.closeConns()
	if got, err := readWithin(c, 1, 5*time.Second); err != io.EOF {
		t.Fatalf("read after the server closed: got %q, %v; want EOF", got, err)
	}
	_ = c.Close()
	waitConns(t, p, 0)
}

func TestReset(t *testing.T) {
	p := Listen(t, startEcho(t).addr())
	c := dial(t, p.Addr())
	if _, err := roundTrip(c, []byte("hi"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	p.Reset()
	if got, err := readWithin(c, 1, 5*time.Second); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read after Reset: got %q, %v; want ECONNRESET", got, err)
	}
	waitConns(t, p, 0)
	// The proxy still accepts.
	c2 := dial(t, p.Addr())
	if _, err := roundTrip(c2, []byte("again"), 5*time.Second); err != nil {
		t.Fatalf("after Reset, a new connection: %v", err)
	}
}

// TestThrottle: 256 KiB at 512 KiB/s takes at least about half a second
// (a lower bound, which load cannot break).
func TestThrottle(t *testing.T) {
	p := Listen(t, startEcho(t).addr())
	c := dial(t, p.Addr())
	p.Throttle(512 << 10)
	msg := bytes.Repeat([]byte("t"), 256<<10)
	start := time.Now()
	go func() { _, _ = c.Write(msg) }()
	got, err := readWithin(c, len(msg), 30*time.Second)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("throttled echo: got %d bytes, %v", len(got), err)
	}
	if el := time.Since(start); el < 400*time.Millisecond {
		t.Errorf("256 KiB at 512 KiB/s took %v, want at least ~500ms", el)
	}
	p.Throttle(0)
	if _, err := roundTrip(c, []byte("fast"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
}

// TestDelay: a round trip takes at least twice the delay.
func TestDelay(t *testing.T) {
	p := Listen(t, startEcho(t).addr())
	c := dial(t, p.Addr())
	p.Delay(100 * time.Millisecond)
	start := time.Now()
	if got, err := roundTrip(c, []byte("slow"), 10*time.Second); err != nil || string(got) != "slow" {
		t.Fatalf("delayed echo: %q, %v", got, err)
	}
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Errorf("round trip with 100ms delay each way took %v, want at least 200ms", el)
	}
}

// TestSetTarget: new connections go to the new target, open ones stay.
func TestSetTarget(t *testing.T) {
	a, b := startEcho(t), startEcho(t)
	p := Listen(t, a.addr())
	c1 := dial(t, p.Addr())
	if _, err := roundTrip(c1, []byte("a"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	p.SetTarget(b.addr())
	c2 := dial(t, p.Addr())
	if _, err := roundTrip(c2, []byte("b"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	na := len(a.conns)
	a.mu.Unlock()
	b.mu.Lock()
	nb := len(b.conns)
	b.mu.Unlock()
	if na != 1 || nb != 1 {
		t.Errorf("connections per target: got a=%d b=%d, want 1 and 1", na, nb)
	}
}

// TestDeadTarget: a client of a target that refuses is reset.
func TestDeadTarget(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := Listen(t, ln.Addr().String()) // while ln holds the port, so the proxy gets another
	_ = ln.Close()
	c, err := net.DialTimeout("tcp", p.Addr(), 5*time.Second)
	if err != nil {
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("dial a proxy to a dead target: %v, want success or a reset", err)
		}
		return // reset before the connect returned
	}
	defer c.Close()
	if got, err := readWithin(c, 1, 5*time.Second); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read through a proxy to a dead target: got %q, %v; want a reset or EOF", got, err)
	}
}

func waitConns(t *testing.T, p *Proxy, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for p.Conns() != want {
		if time.Now().After(deadline) {
			t.Fatalf("proxy holds %d connections, want %d", p.Conns(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
