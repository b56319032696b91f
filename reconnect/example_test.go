package reconnect_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/reconnect"
	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
)

// CalcService is the example's server.
type CalcService struct{}

// Add adds.
func (CalcService) Add(a, b int) int { return a + b }

// serve serves CalcService on l, as a server process elsewhere would.
func serve(l net.Listener) *server.Server {
	srv := &server.Server{Service: CalcService{}, Logger: slog.New(slog.DiscardHandler)}
	go srv.Serve(l)
	return srv
}

// A client that survives its server restarting: Setup runs on every new
// connection, and a call made across the restart runs on the new one.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	srv := serve(l)

	c, err := reconnect.Dial(ctx, &reconnect.Options{
		Addrs: []string{addr},
		Setup: func(ctx context.Context, conn *rpyc.Conn) error {
			fmt.Println("connected") // fetch the root, register callbacks, ...
			return nil
		},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	fmt.Println(c.Call(ctx, "add", 1, 2))

	_ = srv.Close() // the server restarts
	l, _ = net.Listen("tcp", addr)
	srv = serve(l)
	defer srv.Close()

	// add is safe to repeat: if the old connection ends under it, it is
	// made again on the new one.
	fmt.Println(c.CallIdempotent(ctx, "add", 2, 3))
	// Output:
	// connected
	// 3 <nil>
	// connected
	// 5 <nil>
}

// Calls that are not marked idempotent are not repeated: one caught by
// the end of its connection fails with ErrLost, because it may or may
// not have run. Netrefs kept from an old connection fail with
// rpyc.ErrStale: take them again from the client.
func ExampleClient_Do() {
	ctx := context.Background()
	c, err := reconnect.Dial(ctx, &reconnect.Options{Addrs: []string{"db1:18861", "db2:18861"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	err = c.Do(ctx, func(ctx context.Context, conn *rpyc.Conn) error {
		root, err := conn.Root(ctx) // the current connection's root
		if err != nil {
			return err
		}
		_, err = root.CallMethod(ctx, "transfer", "alice", "bob", 10)
		return err
	})
	switch {
	case errors.Is(err, reconnect.ErrLost):
		// The connection ended during the call: check before retrying.
	case errors.Is(err, rpyc.ErrStale):
		// A netref from an earlier connection was used.
	}
}

// Through a registry (or registry/etcd's Discoverer), every redial looks
// the service up again, so the client can land on a server that started
// after it did.
func ExampleOptions_discoverer() {
	ctx := context.Background()
	c, err := reconnect.Dial(ctx, &reconnect.Options{
		Discoverer:   &registry.TCPClient{Host: "10.0.0.2"},
		Name:         "CALC",
		PingInterval: 5 * time.Second, // notice a server that vanished without a FIN
		Backoff:      reconnect.Backoff{Initial: 100 * time.Millisecond, Max: 10 * time.Second},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	fmt.Println(c.Call(ctx, "add", 1, 2))
}
