//go:build unix

package interop

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/server/servertest"
)

// testPKI is servertest's CA with a server certificate for
// 127.0.0.1/::1/localhost and a client certificate, plus a self-signed
// server certificate, written as PEM files in a temp dir.
type testPKI struct {
	caFile                string
	serverCert, serverKey string
	clientCert, clientKey string
	selfCert, selfKey     string // a self-signed server, no CA
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	dir := t.TempDir()
	certs, err := servertest.NewCerts(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := &testPKI{
		caFile:     certs.CAFile,
		serverCert: certs.ServerFile, serverKey: certs.ServerKeyFile,
		clientCert: certs.ClientFile, clientKey: certs.ClientKeyFile,
		selfCert: filepath.Join(dir, "self.pem"), selfKey: filepath.Join(dir, "self.key"),
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	self := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "self-signed"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:     []string{"localhost"},
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, self, self, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for path, b := range map[string]*pem.Block{
		p.selfCert: {Type: "CERTIFICATE", Bytes: der},
		p.selfKey:  {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(path, pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// TestFactoryTLS: DialTLS against Python's SSLAuthenticator in both
// layouts, with the layout learnt: server verified by the CA, with and
// without a client certificate.
func TestFactoryTLS(t *testing.T) {
	pki := newTestPKI(t)
	layouts(t, func(t *testing.T, layout message.Layout) {
		t.Run("server-only", func(t *testing.T) {
			p := startFactoryServer(t, layout, "--ssl", pki.serverCert, pki.serverKey)
			c, err := rpyc.DialTLS(ctxT(t), p.Addr, &rpyc.TLSOptions{CAFile: pki.caFile}, nil)
			if err != nil {
				t.Fatalf("DialTLS: %v", err)
			}
			defer c.Close()
			if got := c.Layout(); got != layout {
				t.Errorf("Layout() = %v, want %v", got, layout)
			}
			callAdd(t, c)
		})
		t.Run("client-cert", func(t *testing.T) {
			p := startFactoryServer(t, layout, "--ssl", pki.serverCert, pki.serverKey, "--ca", pki.caFile)
			c, err := rpyc.DialTLS(ctxT(t), p.Addr, &rpyc.TLSOptions{
				CAFile: pki.caFile, CertFile: pki.clientCert, KeyFile: pki.clientKey,
			}, nil)
			if err != nil {
				t.Fatalf("DialTLS: %v", err)
			}
			defer c.Close()
			callAdd(t, c)
			// Without the client certificate the server refuses: an
			// error, and not one that blames the layout.
			c2, err := rpyc.DialTLS(ctxT(t), p.Addr, &rpyc.TLSOptions{CAFile: pki.caFile, NoLayoutCache: true}, nil)
			if err == nil {
				c2.Close()
				t.Fatal("DialTLS without the client certificate succeeded")
			}
			var le *rpyc.LayoutError
			if errors.As(err, &le) {
				t.Errorf("refused client certificate reported as a layout problem: %v", err)
			}
			if !strings.Contains(err.Error(), "CertFile") {
				t.Errorf("error %q does not say to set CertFile", err)
			}
		})
	})
}

// TestFactoryTLSIPv6: DialTLS to "[::1]:port" verifies the certificate's
// IPv6 SAN.
func TestFactoryTLSIPv6(t *testing.T) {
	pki := newTestPKI(t)
	p := startFactoryServer(t, message.LayoutV6, "--host", "::1", "--ssl", pki.serverCert, pki.serverKey)
	c, err := rpyc.DialTLS(ctxT(t), p.Addr, &rpyc.TLSOptions{CAFile: pki.caFile}, nil)
	if err != nil {
		t.Fatalf("DialTLS %s: %v", p.Addr, err)
	}
	defer c.Close()
	callAdd(t, c)
}

// TestFactoryTLSVerifiesServer: a self-signed server is refused unless
// its certificate is given as the CA (or verification is explicitly
// skipped), and the error says what to do.
func TestFactoryTLSVerifiesServer(t *testing.T) {
	pki := newTestPKI(t)
	p := startFactoryServer(t, message.LayoutV5, "--ssl", pki.selfCert, pki.selfKey)
	ctx := ctxT(t)
	c, err := rpyc.DialTLS(ctx, p.Addr, nil, nil)
	if err == nil {
		c.Close()
		t.Fatal("DialTLS to a self-signed server without its CA succeeded")
	}
	if !strings.Contains(err.Error(), "not trusted") || !strings.Contains(err.Error(), "CAFile") {
		t.Errorf("error %q does not say the certificate is not trusted and how to fix it", err)
	}
	c, err = rpyc.DialTLS(ctx, p.Addr, &rpyc.TLSOptions{CAFile: pki.selfCert}, nil)
	if err != nil {
		t.Fatalf("DialTLS with the self-signed certificate as CA: %v", err)
	}
	callAdd(t, c)
	c.Close()
	c, err = rpyc.DialTLS(ctx, p.Addr, &rpyc.TLSOptions{InsecureSkipVerify: true}, nil)
	if err != nil {
		t.Fatalf("DialTLS with InsecureSkipVerify: %v", err)
	}
	callAdd(t, c)
	c.Close()
	// The wrong name is refused too.
	c, err = rpyc.DialTLS(ctx, p.Addr, &rpyc.TLSOptions{CAFile: pki.selfCert, ServerName: "rpyc.example"}, nil)
	if err == nil {
		c.Close()
		t.Fatal("DialTLS with a server name the certificate does not hold succeeded")
	}
	if !strings.Contains(err.Error(), "ServerName") {
		t.Errorf("error %q does not point at ServerName", err)
	}
}

// TestFactoryTLSOptionErrors: options that cannot work fail before any
// dial, naming what is wrong.
func TestFactoryTLSOptionErrors(t *testing.T) {
	ctx := ctxT(t)
	for _, o := range []*rpyc.TLSOptions{
		{CAFile: filepath.Join(t.TempDir(), "missing.pem")},
		{CertFile: "only-cert.pem"},
	} {
		_, err := rpyc.DialTLS(ctx, "127.0.0.1:1", o, nil)
		if !errors.Is(err, rpyc.ErrTLSConfig) {
			t.Errorf("DialTLS(%+v) = %v, want ErrTLSConfig", *o, err)
		}
	}
}
