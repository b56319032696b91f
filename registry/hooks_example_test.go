package registry_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/rpyc-go/rpyc/registry"
)

// Config.OnServiceAdded and OnServiceRemoved (Python's on_service_added
// and on_service_removed) tell the program embedding a registry when a
// server joins or leaves a name; the re-registrations that keep a
// server listed are not news.
func ExampleConfig_hooks() {
	ctx := context.Background()
	reg := registry.NewServer(&registry.Config{
		Logger:           slog.New(slog.DiscardHandler),
		OnServiceAdded:   func(name string, s registry.ServerAddr) { fmt.Println("joined", name, s) },
		OnServiceRemoved: func(name string, s registry.ServerAddr) { fmt.Println("left", name, s) },
	})
	l, _ := registry.ListenTCP(ctx, "127.0.0.1:0")
	go reg.ServeTCP(l)
	defer reg.Close()

	c := &registry.TCPClient{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}
	_ = c.Register(ctx, []string{"calc"}, "127.0.0.1:18861")
	_ = c.Register(ctx, []string{"calc"}, "127.0.0.1:18861") // keeps it listed: no call
	_ = c.Unregister(ctx, "127.0.0.1:18861")
	// Output:
	// joined CALC 127.0.0.1:18861
	// left CALC 127.0.0.1:18861
}
