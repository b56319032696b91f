package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
)

// ErrNoCA is returned by LoadCAPool when a CA file holds no certificate
// marked as a CA (basic constraints CA:TRUE).
var ErrNoCA = errors.New("rpyc/server: no CA certificate (basic constraints CA:TRUE) in the file")

// TLSAuthenticator runs a TLS server handshake on every accepted
// connection (Python's SSLAuthenticator). With Config.ClientCAs set and
// ClientAuth = tls.RequireAndVerifyClientCert (what NewTLSAuthenticator
// does for a CA file), it is mutual TLS: a client without a certificate
// is refused with the TLS alert "certificate required", one whose
// certificate does not chain to the CAs with "unknown ca". The service
// sees a *TLSCredentials.
type TLSAuthenticator struct {
	// Config is the server's TLS configuration: at least a certificate.
	Config *tls.Config
}

// TLSCredentials is what a TLSAuthenticator records for a connection,
// read by the service through (*rpyc.Conn).Credentials.
type TLSCredentials struct {
	// Subject is the verified client certificate's subject; zero when the
	// client sent none (no CA file configured).
	Subject pkix.Name
	// VerifiedChains are the client's certificate chains as verified
	// against the CA pool, leaf first.
	VerifiedChains [][]*x509.Certificate
	// State is the whole TLS connection state (version, cipher suite,
	// peer certificates, server name).
	State tls.ConnectionState
}

// NewTLSAuthenticator loads a server certificate and key (PEM files) and,
// when caFile is not empty, requires client certificates signed by a CA
// in caFile (mutual TLS). Only certificates marked as CAs in caFile are
// trust anchors, as OpenSSL treats them; see LoadCAPool.
func NewTLSAuthenticator(certFile, keyFile, caFile string) (*TLSAuthenticator, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("rpyc/server: TLS certificate %s / key %s: %w", certFile, keyFile, err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := LoadCAPool(caFile)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return &TLSAuthenticator{Config: cfg}, nil
}

// LoadCAPool reads a PEM file of certificates and returns a pool of those
// marked as CAs (basic constraints CA:TRUE); every other certificate in
// the file is left out, so a leaf certificate that happens to be in the
// file is never a trust anchor for client certificates it signed. (Go's
// verifier already refuses a version-3 leaf as an issuer, but it takes a
// version-1 certificate, which has no basic constraints, as one.) It
// fails with ErrNoCA when no CA is left.
func LoadCAPool(caFile string) (*x509.CertPool, error) {
	data, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("rpyc/server: CA file: %w", err)
	}
	pool := x509.NewCertPool()
	n := 0
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("rpyc/server: CA file %s: %w", caFile, err)
		}
		if c.BasicConstraintsValid && c.IsCA {
			pool.AddCert(c)
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: %s (give a file with the issuing CA's certificate)", ErrNoCA, caFile)
	}
	return pool, nil
}

// Authenticate runs the TLS handshake within ctx and returns the
// *tls.Conn and its *TLSCredentials. A failed handshake (a plain-TCP
// client, a missing or unknown client certificate) sends the peer the
// TLS alert Go chose and returns the error.
func (a *TLSAuthenticator) Authenticate(ctx context.Context, nc net.Conn) (net.Conn, any, error) {
	if a == nil || a.Config == nil {
		return nil, nil, errors.New("rpyc/server: TLSAuthenticator has no tls.Config: use NewTLSAuthenticator")
	}
	tc := tls.Server(nc, a.Config)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, nil, fmt.Errorf("TLS handshake: %w", err)
	}
	st := tc.ConnectionState()
	creds := &TLSCredentials{VerifiedChains: st.VerifiedChains, State: st}
	if len(st.PeerCertificates) > 0 {
		creds.Subject = st.PeerCertificates[0].Subject
	}
	return tc, creds, nil
}
