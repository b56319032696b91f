package main

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/server/servertest"
	"github.com/rpyc-go/rpyc/stream"
)

// TestTLSFlags: the -ssl-* flags serve over TLS, and with -ssl-cafile a
// client without a certificate from that CA is refused.
func TestTLSFlags(t *testing.T) {
	certs, err := servertest.NewCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := &options{mode: "threaded", port: 0, certFile: certs.ServerFile, keyFile: certs.ServerKeyFile, caFile: certs.CAFile}
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

	roots, err := server.LoadCAPool(certs.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(certs.ClientFile, certs.ClientKeyFile)
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
