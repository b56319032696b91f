package registry_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
)

// deadPort returns a loopback port nobody listens on.
func deadPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p
}

// TestConnectByServiceFailover: with dead servers listed next to a live
// one, every ConnectByService reaches the live one; with only dead ones it
// fails with ErrAllDown naming each attempt.
func TestConnectByServiceFailover(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reg := registry.NewServer(&registry.Config{Logger: slog.New(slog.DiscardHandler)})
	pc, err := registry.ListenUDP(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = reg.ServeUDP(pc) }()
	defer func() { _ = reg.Close(); wg.Wait() }()
	c := &registry.UDPClient{Host: "127.0.0.1", Port: pc.LocalAddr().(*net.UDPAddr).Port}

	dead := []int{deadPort(t), deadPort(t)}
	for _, p := range dead {
		if err := c.Register(ctx, []string{"FLAKY", "GONE"}, "127.0.0.1:"+strconv.Itoa(p)); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Service: CalcService{}, Logger: slog.New(slog.DiscardHandler)}
	wg.Add(1)
	go func() { defer wg.Done(); _ = srv.Serve(l) }()
	defer srv.Close()
	if err := c.Register(ctx, []string{"FLAKY"}, l.Addr().String()); err != nil {
		t.Fatal(err)
	}

	for i := range 10 {
		conn, err := registry.ConnectByService(ctx, c, "flaky", nil)
		if err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
		root, err := conn.Root(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := root.CallMethod(ctx, "add", i, 1); err != nil || v != int64(i+1) {
			t.Fatalf("add on the server reached: %v, %v", v, err)
		}
		conn.Close()
	}

	_, err = registry.ConnectByService(ctx, c, "gone", nil)
	if !errors.Is(err, registry.ErrAllDown) {
		t.Fatalf("ConnectByService with only dead servers = %v, want ErrAllDown", err)
	}
	for _, p := range dead {
		if !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(p)) {
			t.Errorf("error does not name dead server %d: %v", p, err)
		}
	}
	if _, err := registry.ConnectByService(ctx, c, "nothing", nil); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("ConnectByService(unknown) = %v, want ErrNotFound", err)
	}
}
