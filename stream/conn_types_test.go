package stream

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// connType makes a connected pair of streams of one kind.
type connType struct {
	name string
	pair func(t *testing.T) (a, b net.Conn)
}

// connTypes lists every kind of stream the conformance checks run over.
var connTypes = []connType{
	{"tcp", tcpPair},
	{"unix", unixPair},
	{"tls", tlsPair},
	{"ospipe", osPipePair},
	{"ospipe-pumped", osPipePumpedPair},
	{"iopipe", ioPipePair},
	{"mem", memPair},
}

// testConnTypes runs f once per stream kind with a fresh connected pair,
// closing both ends afterwards.
func testConnTypes(t *testing.T, f func(t *testing.T, a, b net.Conn)) {
	t.Helper()
	for _, ct := range connTypes {
		t.Run(ct.name, func(t *testing.T) {
			a, b := ct.pair(t)
			t.Cleanup(func() {
				a.Close()
				b.Close()
			})
			f(t, a, b)
		})
	}
}

// testCtx returns a context that ends with the test or after 10 seconds.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// acceptOne accepts a single connection in the background, optionally
// running setup on it, and closes the listener afterwards.
func acceptOne(t *testing.T, l net.Listener, setup func(net.Conn) error) <-chan net.Conn {
	t.Helper()
	ch := make(chan net.Conn, 1)
	go func() {
		defer close(ch)
		defer l.Close()
		c, err := l.Accept()
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		if setup != nil {
			if err := setup(c); err != nil {
				t.Errorf("accept setup: %v", err)
				c.Close()
				return
			}
		}
		ch <- c
	}()
	return ch
}

// finishPair waits for the accepted end and fails the test if it is missing.
func finishPair(t *testing.T, a net.Conn, ch <-chan net.Conn) (net.Conn, net.Conn) {
	t.Helper()
	b, ok := <-ch
	if !ok {
		a.Close()
		t.FailNow()
	}
	return a, b
}

func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	ctx := testCtx(t)
	l, err := ListenTCP(ctx, "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := acceptOne(t, l, nil)
	a, err := DialTCP(ctx, l.Addr().String(), nil)
	if err != nil {
		l.Close()
		<-ch
		t.Fatal(err)
	}
	return finishPair(t, a, ch)
}

func unixPair(t *testing.T) (net.Conn, net.Conn) {
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "s")
	l, err := ListenUnix(ctx, path)
	if err != nil {
		t.Skipf("unix sockets unavailable: %v", err)
	}
	ch := acceptOne(t, l, nil)
	a, err := DialUnix(ctx, path)
	if err != nil {
		l.Close()
		<-ch
		t.Fatal(err)
	}
	return finishPair(t, a, ch)
}

var (
	testCertOnce sync.Once
	testCert     tls.Certificate
	testRoots    *x509.CertPool
	testCertErr  error
)

// testTLSConfigs returns server and client TLS configurations sharing a
// self-signed certificate for 127.0.0.1, ::1 and localhost, generated once
// per test binary.
func testTLSConfigs(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	testCertOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			testCertErr = err
			return
		}
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{CommonName: "rpyc-go stream test"},
			NotBefore:             time.Now().Add(-time.Hour),
			NotAfter:              time.Now().Add(24 * time.Hour),
			KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			BasicConstraintsValid: true,
			IsCA:                  true,
			IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
			DNSNames:              []string{"localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			testCertErr = err
			return
		}
		leaf, err := x509.ParseCertificate(der)
		if err != nil {
			testCertErr = err
			return
		}
		testCert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
		testRoots = x509.NewCertPool()
		testRoots.AddCert(leaf)
	})
	if testCertErr != nil {
		t.Fatal(testCertErr)
	}
	return &tls.Config{Certificates: []tls.Certificate{testCert}}, &tls.Config{RootCAs: testRoots}
}

func tlsPair(t *testing.T) (net.Conn, net.Conn) {
	ctx := testCtx(t)
	srvCfg, cliCfg := testTLSConfigs(t)
	l, err := ListenTLS(ctx, "127.0.0.1:0", srvCfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := acceptOne(t, l, func(c net.Conn) error {
		return c.(*tls.Conn).HandshakeContext(ctx)
	})
	a, err := DialTLS(ctx, l.Addr().String(), cliCfg)
	if err != nil {
		l.Close()
		<-ch
		t.Fatal(err)
	}
	return finishPair(t, a, ch)
}

// osPipes returns two OS pipes: a→b and b→a.
func osPipes(t *testing.T) (r1, w1, r2, w2 *os.File) {
	t.Helper()
	r1, w1, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r2, w2, err = os.Pipe()
	if err != nil {
		r1.Close()
		w1.Close()
		t.Fatal(err)
	}
	return r1, w1, r2, w2
}

func osPipePair(t *testing.T) (net.Conn, net.Conn) {
	r1, w1, r2, w2 := osPipes(t)
	return Pipe(r1, w2), Pipe(r2, w1)
}

// Wrappers that hide the deadline methods of *os.File, forcing Pipe to use
// its pumps over real file descriptors.
type (
	plainReader struct{ io.ReadCloser }
	plainWriter struct{ io.WriteCloser }
)

func osPipePumpedPair(t *testing.T) (net.Conn, net.Conn) {
	r1, w1, r2, w2 := osPipes(t)
	a := Pipe(plainReader{r1}, plainWriter{w2})
	b := Pipe(plainReader{r2}, plainWriter{w1})
	return a, b
}

func ioPipePair(t *testing.T) (net.Conn, net.Conn) {
	r1, w1 := io.Pipe()
	r2, w2 := io.Pipe()
	return Pipe(r1, w2), Pipe(r2, w1)
}

func memPair(t *testing.T) (net.Conn, net.Conn) {
	return MemPipe()
}
