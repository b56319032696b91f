//go:build unix

package interop

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/message"
)

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files
// and returns their paths and a pool trusting the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestClassicTLS: rpyc_classic --ssl-keyfile/--ssl-certfile, both
// layouts (the layout learnt over TLS).
func TestClassicTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startRPyCClassic(t, layout, "--ssl-keyfile", keyFile, "--ssl-certfile", certFile)
		ctx := ctxT(t)
		c, err := classic.ConnectTLS(ctx, p.Addr, &tls.Config{RootCAs: pool}, nil)
		if err != nil {
			t.Fatalf("ConnectTLS: %v", err)
		}
		defer c.Close()
		if c.Layout() != layout {
			t.Errorf("layout %v, want %v", c.Layout(), layout)
		}
		if n, err := rpyc.As[int](c.Eval(ctx, "6 * 7")); err != nil || n != 42 {
			t.Errorf("Eval over TLS = %d, %v", n, err)
		}
		// An untrusted server certificate fails the handshake, clearly.
		if _, err := classic.ConnectTLS(ctx, p.Addr, &tls.Config{RootCAs: x509.NewCertPool()}, nil); err == nil {
			t.Error("ConnectTLS trusted an unknown certificate")
		} else {
			t.Logf("untrusted: %v", err)
		}
	})
}
