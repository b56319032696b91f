package main

import (
	"context"
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
	"github.com/rpyc-go/rpyc/stream"
)

// writeCert writes a self-signed certificate for 127.0.0.1 and its key.
func writeCert(t *testing.T, dir, name string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ = x509.ParseCertificate(der)
	return certFile, keyFile, cert
}

// TestTLSFlags: the -ssl-* flags serve over TLS, and with -ssl-cafile a
// client without a certificate from that CA is refused.
func TestTLSFlags(t *testing.T) {
	dir := t.TempDir()
	srvCert, srvKey, srvX509 := writeCert(t, dir, "server")
	cliCert, cliKey, _ := writeCert(t, dir, "client")
	o := &options{mode: "threaded", port: 0, certFile: srvCert, keyFile: srvKey, caFile: cliCert} // the client cert is its own CA
	srv, err := newServer(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	l, _, err := listen(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()

	roots := x509.NewCertPool()
	roots.AddCert(srvX509)
	pair, err := tls.LoadX509KeyPair(cliCert, cliKey)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := stream.DialTLS(ctx, l.Addr().String(), &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := rpyc.Connect(nc, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := rpyc.As[int](root.CallMethod(ctx, "add", 2, 3)); err != nil || v != 5 {
		t.Fatalf("add over TLS = %v, %v", v, err)
	}

	// Without a client certificate the handshake (or the first read) fails.
	nc2, err := stream.DialTLS(ctx, l.Addr().String(), &tls.Config{RootCAs: roots})
	if err == nil {
		c2, _ := rpyc.Connect(nc2, nil, nil)
		defer c2.Close()
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if _, err := c2.Root(sctx); err == nil {
			t.Fatal("a client without a certificate was served")
		}
	}
}
