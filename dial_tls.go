package rpyc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rpyc-go/rpyc/stream"
)

// TLSOptions says how DialTLS verifies the server and whether it shows a
// client certificate (Python's ssl_connect keyfile, certfile, ca_certs).
// The zero value verifies the server against the system's roots and the
// host part of the address, as a browser would: rpyc #43 is the story of
// a client that did not.
type TLSOptions struct {
	// CAFile is a PEM file of the certificates that may sign the server's
	// (ca_certs); empty means the system's roots. A self-signed server
	// needs its own certificate here.
	CAFile string
	// CertFile and KeyFile are the client certificate and its key, PEM
	// (certfile, keyfile), for servers that require one. Both or neither.
	CertFile, KeyFile string
	// ServerName is the name checked against the server's certificate;
	// empty means the host part of the address (an IP address is checked
	// against the certificate's IP SANs).
	ServerName string
	// InsecureSkipVerify accepts any server certificate, so anyone on the
	// path can read and change the traffic. For tests only.
	InsecureSkipVerify bool
	// HandshakeTimeout bounds the TCP connect and TLS handshake of each
	// attempt, within ctx (zero: DefaultTLSHandshakeTimeout). A plain RPyC
	// server takes the ClientHello for the start of a huge frame and waits
	// in silence, so without this bound the dial would wait for ctx.
	HandshakeTimeout time.Duration
	// Config, when set, is the starting point (cipher suites, session
	// cache, certificates from memory, ...); it is cloned, never changed,
	// and the fields above are applied on top when set.
	Config *tls.Config
	// Service is offered to the server (nil: nothing, VoidService).
	Service any
	// NoLayoutCache probes the server's layout even if it was learnt
	// before (see DialOptions.NoLayoutCache).
	NoLayoutCache bool
}

// DefaultTLSHandshakeTimeout is TLSOptions.HandshakeTimeout's default.
const DefaultTLSHandshakeTimeout = 10 * time.Second

// ErrTLSHandshakeTimeout is matched by a DialTLS error when the server
// did not answer the TLS handshake within TLSOptions.HandshakeTimeout.
var ErrTLSHandshakeTimeout = errors.New("rpyc: TLS handshake timed out")

// ErrTLSConfig is matched by errors about TLSOptions that cannot work: a
// CA file with no certificate, a certificate without its key, ...
var ErrTLSConfig = errors.New("rpyc: TLS options")

// TLSConfig builds the crypto/tls client configuration opts describes
// (nil opts: the system's roots), for APIs that take a *tls.Config, such
// as classic.ConnectTLS. Errors match ErrTLSConfig. ServerName stays
// empty unless set: stream.DialTLS fills it from the address.
func (opts *TLSOptions) TLSConfig() (*tls.Config, error) {
	var o TLSOptions
	if opts != nil {
		o = *opts
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.Config != nil {
		cfg = o.Config.Clone()
	}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: CAFile: %w", ErrTLSConfig, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: CAFile %s holds no PEM certificate", ErrTLSConfig, o.CAFile)
		}
		cfg.RootCAs = pool
	}
	switch {
	case o.CertFile != "" && o.KeyFile != "":
		cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: client certificate %s / key %s: %w", ErrTLSConfig, o.CertFile, o.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	case o.CertFile != "" || o.KeyFile != "":
		return nil, fmt.Errorf("%w: set both CertFile and KeyFile (got CertFile %q, KeyFile %q)", ErrTLSConfig, o.CertFile, o.KeyFile)
	}
	if o.ServerName != "" {
		cfg.ServerName = o.ServerName
	}
	if o.InsecureSkipVerify {
		cfg.InsecureSkipVerify = true
	}
	return cfg, nil
}

// DialTLS connects to an RPyC server over TLS (Python's ssl_connect) and
// starts the connection. The server's certificate is verified (see
// TLSOptions; nil opts verifies against the system's roots). The message
// layout is learnt and remembered per address as Dial does. ctx bounds
// the dial, the handshake and the first request.
func DialTLS(ctx context.Context, addr string, opts *TLSOptions, cfg *Config) (*Conn, error) {
	tc, err := opts.TLSConfig()
	if err != nil {
		return nil, err
	}
	asked := noteCertRequest(tc)
	handshake := DefaultTLSHandshakeTimeout
	if opts != nil && opts.HandshakeTimeout > 0 {
		handshake = opts.HandshakeTimeout
	}
	var o TLSOptions
	if opts != nil {
		o = *opts
	}
	return dialLearning(ctx, learnSpec{
		key:     "tls " + addr,
		addr:    addr,
		service: o.Service,
		cfg:     cfg,
		noCache: o.NoLayoutCache,
		dial: func(ctx context.Context) (net.Conn, error) {
			hctx, cancel := context.WithTimeout(ctx, handshake)
			defer cancel()
			nc, err := stream.DialTLS(hctx, addr, tc)
			if err != nil {
				if hctx.Err() != nil && ctx.Err() == nil {
					return nil, fmt.Errorf("rpyc: dial tls %s: no TLS handshake answer within %v: "+
						"the server does not speak TLS (a plain RPyC server waits silently; use Dial), "+
						"or raise TLSOptions.HandshakeTimeout: %w", addr, handshake, ErrTLSHandshakeTimeout)
				}
				return nil, tlsDialError(addr, err)
			}
			return nc, nil
		},
		closeErr: func(err error) error { return refusedClientError(err, asked.Load()) },
	})
}

// noteCertRequest makes cfg record, in asked, that a server asked for a
// client certificate when the options give none. The handshake goes on
// without one (the server may accept that); if the first request then
// fails, the error can say what was missing.
func noteCertRequest(cfg *tls.Config) *atomic.Bool {
	asked := new(atomic.Bool)
	if len(cfg.Certificates) == 0 && cfg.GetClientCertificate == nil {
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			asked.Store(true)
			return &tls.Certificate{}, nil
		}
	}
	return asked
}

// refusedClientError explains a server that rejected the handshake after
// it completed on our side (TLS 1.3 checks the client's certificate then,
// so the refusal arrives with the first request, as an alert or a reset).
// Such a failure is not a layout problem, so it is not retried.
func refusedClientError(err error, askedForCert bool) error {
	msg := err.Error()
	var le *LayoutError
	if errors.As(err, &le) && le.Peer != 0 {
		return err // the server answered in the other layout: a layout problem
	}
	switch {
	case strings.Contains(msg, "tls: certificate required"), askedForCert:
		if errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("rpyc: the server requires a client certificate: set TLSOptions.CertFile and KeyFile: %w", err)
	case strings.Contains(msg, "tls: unknown certificate authority"), strings.Contains(msg, "tls: bad certificate"):
		if errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("rpyc: the server refused our client certificate (not signed by a CA it trusts?): %w", err)
	}
	return err
}

// tlsDialError says what to do about the usual handshake failures.
func tlsDialError(addr string, err error) error {
	var verr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	switch {
	case errors.As(err, &host):
		return fmt.Errorf("rpyc: dial tls %s: the server's certificate is not for this name (set TLSOptions.ServerName to a name it holds): %w", addr, err)
	case errors.As(err, &unknown) || errors.As(err, &verr):
		return fmt.Errorf("rpyc: dial tls %s: the server's certificate is not trusted (give its CA in TLSOptions.CAFile): %w", addr, err)
	case isRecordHeaderError(err):
		return fmt.Errorf("rpyc: dial tls %s: the server does not speak TLS (use Dial for a plain RPyC server): %w", addr, err)
	}
	return fmt.Errorf("rpyc: dial tls %s: %w", addr, err)
}

func isRecordHeaderError(err error) bool {
	var rh tls.RecordHeaderError
	return errors.As(err, &rh)
}
