package server_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/server"
)

// EchoService is what the server serves: Python clients call r.echo(x).
type EchoService struct{}

// Echo returns its argument.
func (EchoService) Echo(x any) any { return x }

// A server for Python (or Go) clients, stopped gracefully.
func ExampleServer() {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &server.Server{Service: EchoService{}}
	go srv.Serve(l)

	ctx := context.Background()
	conn, _ := rpyc.Dial(ctx, l.Addr().String(), nil)
	root, _ := conn.Root(ctx)
	v, _ := root.CallMethod(ctx, "echo", "hi")
	fmt.Println(v, srv.Connections())
	conn.Close()

	sctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	fmt.Println(srv.Shutdown(sctx))
	// Output:
	// hi 1
	// <nil>
}
