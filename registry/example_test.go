package registry_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
)

func slogDebug(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// A registry, a server registering with it, and a client finding the
// server by name: the three roles of the README's "Registry and
// discovery". Real programs run them on different machines and leave the
// client's Host empty to broadcast; here everything names 127.0.0.1.
func Example() {
	ctx := context.Background()

	// The registry (what cmd/rpyc_registry runs).
	reg := registry.NewServer(&registry.Config{Logger: slog.New(slog.DiscardHandler)})
	pc, _ := registry.ListenUDP(ctx, "127.0.0.1:0")
	go reg.ServeUDP(pc)
	defer reg.Close()
	regPort := pc.LocalAddr().(*net.UDPAddr).Port

	// A server announcing its service (CalcService is "CALC").
	client := &registry.UDPClient{Host: "127.0.0.1", Port: regPort}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &server.Server{Service: CalcService{}, Registrar: client, Logger: slog.New(slog.DiscardHandler)}
	go srv.Serve(l)

	// A client connecting by service name.
	for len(reg.Query("CALC")) == 0 { // registration runs in the background
		time.Sleep(10 * time.Millisecond)
	}
	conn, err := registry.ConnectByService(ctx, client, "calc", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	root, _ := conn.Root(ctx)
	sum, _ := root.CallMethod(ctx, "add", 40, 2)
	fmt.Println(sum)
	conn.Close()

	// Shutdown unregisters: the name is gone at once.
	_ = srv.Shutdown(ctx)
	_, err = registry.Discover(ctx, client, "calc")
	fmt.Println(err != nil)
	// Output:
	// 42
	// true
}

// Python's rpyc_registry defaults: UDP port 18811, servers pruned after
// four minutes of silence, listing off.
func ExampleNewServer() {
	ctx := context.Background()
	reg := registry.NewServer(nil) // nil: Python's defaults
	pc, err := registry.ListenUDP(ctx, "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	go reg.ServeUDP(pc)
	defer reg.Close()

	c := &registry.UDPClient{Host: "127.0.0.1", Port: pc.LocalAddr().(*net.UDPAddr).Port}
	_, err = c.List(ctx, "")
	fmt.Println(err)
	// Output:
	// registry: listing is disabled on the registry
}

// Discover returns every server registered under a name; the TCP client
// is for networks that do not carry broadcasts.
func ExampleTCPClient() {
	ctx := context.Background()
	reg := registry.NewServer(&registry.Config{Logger: slog.New(slog.DiscardHandler)})
	l, _ := registry.ListenTCP(ctx, "127.0.0.1:0")
	go reg.ServeTCP(l)
	defer reg.Close()

	c := &registry.TCPClient{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}
	_ = c.Register(ctx, []string{"CALC", "ADDER"}, "0.0.0.0:18812")
	servers, _ := c.Discover(ctx, "adder")
	fmt.Println(servers)
	// Output:
	// [127.0.0.1:18812]
}
