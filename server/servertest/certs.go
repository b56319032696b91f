// Package servertest makes what tests of RPyC servers need and cannot
// keep in the repository: a throw-away certificate authority with server
// and client certificates, written as PEM files that Go's crypto/tls and
// Python's ssl module both load.
package servertest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Certs are the PEM files NewCerts wrote. Each certificate's key is
// beside it (KeyFile fields).
type Certs struct {
	// CAFile holds the CA certificate and, after it, RogueFile's leaf
	// certificate: a CA file with a non-CA certificate in it, which must
	// not become a trust anchor.
	CAFile string
	// ServerFile/ServerKeyFile: a server certificate for 127.0.0.1, ::1
	// and localhost, signed by the CA.
	ServerFile, ServerKeyFile string
	// ClientFile/ClientKeyFile: a client certificate with common name
	// "alice", signed by the CA.
	ClientFile, ClientKeyFile string
	// RogueFile/RogueKeyFile: a leaf certificate (CA:FALSE) signed by the
	// CA, also listed in CAFile.
	RogueFile, RogueKeyFile string
	// RogueClientFile/RogueClientKeyFile: a client certificate ("mallory")
	// signed by the rogue leaf: a verifier that trusts only CAs rejects
	// it ("unknown ca").
	RogueClientFile, RogueClientKeyFile string
}

// NewCerts writes a fresh CA and the certificates of Certs into dir.
func NewCerts(dir string) (*Certs, error) {
	c := &Certs{
		CAFile:             filepath.Join(dir, "ca.pem"),
		ServerFile:         filepath.Join(dir, "server.pem"),
		ServerKeyFile:      filepath.Join(dir, "server.key"),
		ClientFile:         filepath.Join(dir, "client.pem"),
		ClientKeyFile:      filepath.Join(dir, "client.key"),
		RogueFile:          filepath.Join(dir, "rogue.pem"),
		RogueKeyFile:       filepath.Join(dir, "rogue.key"),
		RogueClientFile:    filepath.Join(dir, "rogue-client.pem"),
		RogueClientKeyFile: filepath.Join(dir, "rogue-client.key"),
	}
	ca, caKey, err := issue(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "rpyc-go test CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}, nil, nil)
	if err != nil {
		return nil, err
	}
	srv, srvKey, err := issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "localhost"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature,
	}, ca, caKey)
	if err != nil {
		return nil, err
	}
	cli, cliKey, err := issue(clientTemplate("alice"), ca, caKey)
	if err != nil {
		return nil, err
	}
	// The rogue leaf is not a CA but carries the cert-sign key usage, so
	// only the missing CA:TRUE stands between it and signing clients.
	rogue, rogueKey, err := issue(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "rogue leaf"},
		BasicConstraintsValid: true,
		IsCA:                  false,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca, caKey)
	if err != nil {
		return nil, err
	}
	rc, rcKey, err := issue(clientTemplate("mallory"), rogue, rogueKey)
	if err != nil {
		return nil, err
	}
	keys := map[string]*ecdsa.PrivateKey{
		c.ServerKeyFile: srvKey, c.ClientKeyFile: cliKey, c.RogueKeyFile: rogueKey, c.RogueClientKeyFile: rcKey,
	}
	writes := []struct {
		path string
		data []byte
	}{
		{c.CAFile, append(certPEM(ca), certPEM(rogue)...)},
		{c.ServerFile, certPEM(srv)}, {c.ClientFile, certPEM(cli)},
		{c.RogueFile, certPEM(rogue)}, {c.RogueClientFile, certPEM(rc)},
	}
	for path, k := range keys {
		data, err := keyPEM(k)
		if err != nil {
			return nil, err
		}
		writes = append(writes, struct {
			path string
			data []byte
		}{path, data})
	}
	for _, w := range writes {
		if err := os.WriteFile(w.path, w.data, 0o600); err != nil {
			return nil, fmt.Errorf("servertest: %w", err)
		}
	}
	return c, nil
}

func clientTemplate(cn string) *x509.Certificate {
	return &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature,
	}
}

// issue fills tmpl's serial and validity, and signs it with parent's key
// (or itself when parent is nil).
func issue(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("servertest: key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, fmt.Errorf("servertest: serial: %w", err)
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, fmt.Errorf("servertest: sign %s: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("servertest: %w", err)
	}
	return cert, key, nil
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func keyPEM(k *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("servertest: key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
