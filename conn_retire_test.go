package rpyc_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/internal/faultnet"
)

var errReplaced = errors.New("reconnected to 127.0.0.1:1")

// TestRetireOpen: a retired open connection fails every later call, and
// every call through its netrefs, with ErrStale, ErrClosed and the reason.
func TestRetireOpen(t *testing.T) {
	c, err := rpyc.ConnectThread(factoryCalc{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.Retire(errReplaced)
	_, err = root.CallMethod(ctx, "add", 1, 2)
	for _, want := range []error{rpyc.ErrStale, rpyc.ErrClosed, errReplaced} {
		if !errors.Is(err, want) {
			t.Errorf("call through a retired netref: got %v, want it to match %q", err, want)
		}
	}
	if !strings.Contains(err.Error(), "replaced") || !strings.Contains(err.Error(), errReplaced.Error()) {
		t.Errorf("error text %q does not say the connection was replaced and why", err)
	}
	if _, err := c.Root(ctx); !errors.Is(err, rpyc.ErrStale) {
		t.Errorf("Root on a retired connection: got %v, want ErrStale", err)
	}
	c.Retire(errors.New("again"))
	if err := c.Err(); strings.Contains(err.Error(), "again") {
		t.Errorf("second Retire replaced the first reason: %v", err)
	}
}

// TestRetireEnded: a connection that had ended on its own (the server
// went away) keeps that cause under ErrStale.
func TestRetireEnded(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, l, factoryCalc{})
	p := faultnet.Listen(t, l.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpyc.Dial(ctx, p.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_ = p.Close() // both ends see an end of stream
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("the connection did not notice the end of stream")
	}
	c.Retire(errReplaced)
	_, err = root.CallMethod(ctx, "add", 1, 2)
	for _, want := range []error{rpyc.ErrStale, rpyc.ErrClosed, errReplaced, io.EOF} {
		if !errors.Is(err, want) {
			t.Errorf("call through a netref of a retired, ended connection: got %v, want it to match %q", err, want)
		}
	}
	if !strings.Contains(err.Error(), "EOF") {
		t.Errorf("error text %q does not say how the connection had ended", err)
	}
}
