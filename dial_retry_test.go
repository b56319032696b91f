package rpyc_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
)

// serveOn serves svc on every connection l accepts until the test ends
// or the returned stop is called, which closes l and every connection
// (their clients see an end of stream, as when a server dies).
func serveOn(t *testing.T, l net.Listener, svc any) (stop func()) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = rpyc.ServeConn(nc, svc, nil)
			}()
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = l.Close()
			mu.Lock()
			for _, c := range conns {
				_ = c.Close()
			}
			mu.Unlock()
			wg.Wait()
		})
	}
	t.Cleanup(stop)
	return stop
}

// reservePort returns a loopback address nothing listens on.
func reservePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// TestDialRetriesUntilTheServerListens: a server that starts listening
// 200 ms after the first attempt is reached with Attempts set, and
// refused without.
func TestDialRetriesUntilTheServerListens(t *testing.T) {
	addr := reservePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := rpyc.DialWith(ctx, addr, nil, nil); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Dial without Attempts to a closed port: got %v, want ECONNREFUSED", err)
	}
	listening := make(chan struct{})
	go func() {
		time.Sleep(200 * time.Millisecond)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("listening on %s: %v", addr, err)
			close(listening)
			return
		}
		serveOn(t, l, factoryCalc{})
		close(listening)
	}()
	start := time.Now()
	c, err := rpyc.DialWith(ctx, addr, &rpyc.DialOptions{Attempts: 12, Backoff: 20 * time.Millisecond}, nil)
	<-listening
	if err != nil {
		t.Fatalf("Dial with Attempts 12 while the server starts: %v", err)
	}
	defer c.Close()
	if time.Since(start) < 150*time.Millisecond {
		t.Errorf("Dial succeeded after %v, before the server listened", time.Since(start))
	}
	addOnce(t, c)
}

// TestDialRetriesGiveUp: every attempt refused, the last error is
// returned; a context that ends during a wait ends the dial at once.
func TestDialRetriesGiveUp(t *testing.T) {
	addr := reservePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := rpyc.DialWith(ctx, addr, &rpyc.DialOptions{Attempts: 4, Backoff: time.Millisecond}, nil)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("4 refused attempts: got %v, want ECONNREFUSED", err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	start := time.Now()
	_, err = rpyc.DialWith(short, addr, &rpyc.DialOptions{Attempts: 100, Backoff: time.Second}, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("retries past the context's deadline: got %v, want DeadlineExceeded and the last refusal", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("the dial outlived its 100ms context by %v", el)
	}
}

// TestDialRetriesNotForOtherErrors: a server that is not RPyC is not
// dialled again and again (only connects are retried, not the protocol).
func TestDialRetriesNotForOtherErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan int, 1)
	go func() {
		n := 0
		for {
			c, err := l.Accept()
			if err != nil {
				accepted <- n
				return
			}
			n++
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			_ = c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = rpyc.DialWith(ctx, l.Addr().String(), &rpyc.DialOptions{Attempts: 6, NoLayoutCache: true}, nil)
	if err == nil {
		t.Fatal("Dial to an HTTP-ish server succeeded")
	}
	_ = l.Close()
	if n := <-accepted; n > 2 {
		t.Errorf("the server was dialled %d times, want at most 2 (one per layout)", n)
	}
}

// DialOptions.Attempts retries a connect that is refused or times out,
// waiting a random, doubling time between tries (Python's attempts): a
// client started together with its server does not fail because it came
// first.
func ExampleDialWith_attempts() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	_ = l.Close() // nothing listens yet

	served := make(chan struct{})
	go func() { // the server comes up 100 ms later
		defer close(served)
		time.Sleep(100 * time.Millisecond)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return
		}
		defer l.Close()
		nc, err := l.Accept()
		if err != nil {
			return
		}
		_ = rpyc.ServeConn(nc, factoryCalc{}, nil)
	}()

	c, err := rpyc.DialWith(ctx, addr, &rpyc.DialOptions{Attempts: 10, Backoff: 20 * time.Millisecond}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	root, _ := c.Root(ctx)
	fmt.Println(root.CallMethod(ctx, "add", 2, 3))
	_ = c.Close()
	<-served
	// Output: 5 <nil>
}
