package stream

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
)

// DialTLS connects to addr over TCP (with the settings of DialTCP) and
// performs the TLS client handshake before returning, so that certificate
// problems surface as a dial error rather than on the first RPyC request.
// ctx bounds both the TCP connect and the handshake. tlsConfig may be nil;
// if its ServerName is empty, the host part of addr is used, which makes
// verification against an IP address SAN work for literal addresses. The
// caller's tlsConfig is never modified. The returned value is a *tls.Conn.
func DialTLS(ctx context.Context, addr string, tlsConfig *tls.Config) (net.Conn, error) {
	raw, err := DialTCP(ctx, addr, nil)
	if err != nil {
		return nil, err
	}
	var cfg *tls.Config
	if tlsConfig == nil {
		cfg = &tls.Config{}
	} else {
		cfg = tlsConfig.Clone()
	}
	if cfg.ServerName == "" {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			cfg.ServerName = host
		}
	}
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return tc, nil
}

// ListenTLS listens on addr like ListenTCP and wraps accepted connections
// in TLS server sessions using tlsConfig, which must contain at least one
// certificate (or GetCertificate). As with tls.NewListener, the handshake
// runs on the first Read or Write; a server that wants to bound it should
// set a deadline or call HandshakeContext on the *tls.Conn itself.
func ListenTLS(ctx context.Context, addr string, tlsConfig *tls.Config, cfg *Config) (net.Listener, error) {
	if tlsConfig == nil || (len(tlsConfig.Certificates) == 0 &&
		tlsConfig.GetCertificate == nil && tlsConfig.GetConfigForClient == nil) {
		return nil, errors.New("stream: ListenTLS needs a tls.Config with a server certificate")
	}
	l, err := ListenTCP(ctx, addr, cfg)
	if err != nil {
		return nil, err
	}
	return tls.NewListener(l, tlsConfig), nil
}
