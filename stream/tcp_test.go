package stream

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"testing"
	"time"
)

// TestDialTCPIPv6 dials an IPv6 literal, skipping if the machine has no
// IPv6 loopback.
func TestDialTCPIPv6(t *testing.T) {
	ctx := testCtx(t)
	l, err := ListenTCP(ctx, "[::1]:0", &Config{KeepAlive: -1})
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	ch := acceptOne(t, l, nil)
	a, err := DialTCP(ctx, l.Addr().String(), &Config{DialTimeout: 5 * time.Second, KeepAlive: time.Minute})
	if err != nil {
		l.Close()
		<-ch
		t.Fatal(err)
	}
	a, b := finishPair(t, a, ch)
	defer a.Close()
	defer b.Close()
	if _, ok := a.(*net.TCPConn); !ok {
		t.Fatalf("DialTCP returned %T, want *net.TCPConn", a)
	}
	if ip := a.RemoteAddr().(*net.TCPAddr).IP; !ip.Equal(net.IPv6loopback) {
		t.Fatalf("remote address %v", ip)
	}
}

// TestDialTCPContext checks an already-cancelled context stops the dial.
func TestDialTCPContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c, err := DialTCP(ctx, "127.0.0.1:1", nil); err == nil {
		c.Close()
		t.Fatal("dial with cancelled context succeeded")
	}
}

// TestDialTLSHandshakeBoundedByContext checks DialTLS gives up when the
// server accepts the TCP connection but never answers the handshake.
func TestDialTLSHandshakeBoundedByContext(t *testing.T) {
	ctx := testCtx(t)
	l, err := ListenTCP(ctx, "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := acceptOne(t, l, nil)
	_, cliCfg := testTLSConfigs(t)
	dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	c, err := DialTLS(dctx, l.Addr().String(), cliCfg)
	if err == nil {
		c.Close()
		t.Fatal("handshake with a silent server succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("DialTLS took %v", d)
	}
	if !IsTimeout(err) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not report the timeout", err)
	}
	if srv, ok := <-ch; ok {
		srv.Close()
	}
}

// TestDialTLSVerifies checks that certificate verification is on: a client
// that does not trust the server's certificate must fail to dial.
func TestDialTLSVerifies(t *testing.T) {
	ctx := testCtx(t)
	srvCfg, _ := testTLSConfigs(t)
	l, err := ListenTLS(ctx, "127.0.0.1:0", srvCfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := acceptOne(t, l, func(c net.Conn) error {
		c.(*tls.Conn).HandshakeContext(ctx) // fails: the client hangs up
		return nil
	})
	if c, err := DialTLS(ctx, l.Addr().String(), nil); err == nil {
		c.Close()
		t.Fatal("DialTLS accepted an untrusted certificate")
	}
	if srv, ok := <-ch; ok {
		srv.Close()
	}
}

// TestListenTLSNeedsCertificate checks ListenTLS rejects a configuration
// that could never complete a handshake.
func TestListenTLSNeedsCertificate(t *testing.T) {
	for _, cfg := range []*tls.Config{nil, {}} {
		if l, err := ListenTLS(testCtx(t), "127.0.0.1:0", cfg, nil); err == nil {
			l.Close()
			t.Fatal("ListenTLS without certificate succeeded")
		}
	}
}

// TestTuneTCP checks TuneTCP accepts TLS and non-TCP streams.
func TestTuneTCP(t *testing.T) {
	a, b := MemPipe()
	defer a.Close()
	defer b.Close()
	if err := TuneTCP(a); err != nil {
		t.Fatalf("mem: %v", err)
	}
	x, y := tlsPair(t)
	defer x.Close()
	defer y.Close()
	if err := TuneTCP(x); err != nil {
		t.Fatalf("tls: %v", err)
	}
}
