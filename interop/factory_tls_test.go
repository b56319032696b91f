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
)

// testPKI is a CA with a server certificate for 127.0.0.1/::1/localhost
// and a client certificate, written as PEM files in a temp dir.
type testPKI struct {
	caFile                string
	serverCert, serverKey string
	clientCert, clientKey string
	selfCert, selfKey     string // a self-signed server, no CA
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	dir := t.TempDir()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	keyDER := func(k *ecdsa.PrivateKey) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	serial := int64(1)
	tmpl := func(cn string) *x509.Certificate {
		serial++
		return &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: cn},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(24 * time.Hour),
		}
	}
	sign := func(c, parent *x509.Certificate, pub *ecdsa.PublicKey, signer *ecdsa.PrivateKey) []byte {
		der, err := x509.CreateCertificate(rand.Reader, c, parent, pub, signer)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	caKey := newKey()
	ca := tmpl("rpyc-go test CA")
	ca.IsCA, ca.BasicConstraintsValid = true, true
	ca.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	caDER := sign(ca, ca, &caKey.PublicKey, caKey)
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	p := &testPKI{caFile: write("ca.pem", "CERTIFICATE", caDER)}

	serverHost := func(c *x509.Certificate) *x509.Certificate {
		c.IPAddresses = []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}
		c.DNSNames = []string{"localhost"}
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		c.KeyUsage = x509.KeyUsageDigitalSignature
		return c
	}
	sk := newKey()
	p.serverCert = write("server.pem", "CERTIFICATE", sign(serverHost(tmpl("server")), caCert, &sk.PublicKey, caKey))
	p.serverKey = write("server.key", "PRIVATE KEY", keyDER(sk))

	ck := newKey()
	client := tmpl("go-client")
	client.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	client.KeyUsage = x509.KeyUsageDigitalSignature
	p.clientCert = write("client.pem", "CERTIFICATE", sign(client, caCert, &ck.PublicKey, caKey))
	p.clientKey = write("client.key", "PRIVATE KEY", keyDER(ck))

	selfKey := newKey()
	self := serverHost(tmpl("self-signed"))
	p.selfCert = write("self.pem", "CERTIFICATE", sign(self, self, &selfKey.PublicKey, selfKey))
	p.selfKey = write("self.key", "PRIVATE KEY", keyDER(selfKey))
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
