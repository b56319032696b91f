package rpyc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/stream"
	"github.com/rpyc-go/rpyc/vinegar"
)

// readmeConnecting is the README's "Connecting" block, compiled here
// (it needs servers, so it is not run).
func readmeConnecting(ctx context.Context, callbacks any, r io.ReadCloser, w io.WriteCloser) error {
	c, err := rpyc.Dial(ctx, "127.0.0.1:18861", nil) // connect; IPv6: "[::1]:18861"
	c, err = rpyc.DialWith(ctx, "db1:18861", &rpyc.DialOptions{KeepAlive: 30 * time.Second, Service: callbacks}, nil)
	c, err = rpyc.DialUnix(ctx, "/run/app/rpyc.sock", nil)    // unix_connect
	c, err = rpyc.DialTLS(ctx, "db1:18821", &rpyc.TLSOptions{ // ssl_connect: the server is verified
		CAFile: "ca.pem", CertFile: "client.pem", KeyFile: "client.key"}, nil)
	c, err = rpyc.DialSSH(ctx, "db1:22", "127.0.0.1:18861", &rpyc.SSHOptions{ // ssh_connect: a tunnel
		User: "deploy", KeyFiles: []string{"/home/deploy/.ssh/id_ed25519"}}, nil)
	c, err = rpyc.ConnectSubprocess(ctx, []string{"python3", "server.py"}, nil, nil)   // connect_subproc
	c, err = rpyc.ConnectPipes(ctx, r, w, nil, &rpyc.Config{Layout: message.LayoutV5}) // connect_pipes
	c, err = rpyc.ConnectStdPipes(callbacks, nil)                                      // connect_stdpipes
	c, err = rpyc.ConnectThread(GreeterService{}, nil)                                 // connect_thread
	if err != nil {
		return err
	}
	return c.Close()
}

// readmeConnectErrors is the README's block on connection errors.
func readmeConnectErrors(ctx context.Context) {
	_, err := rpyc.Dial(ctx, "127.0.0.1:8080", nil)
	var layout *rpyc.LayoutError
	switch {
	case errors.Is(err, channel.ErrNotRPyC): // an HTTP server, a TLS port, ...
		fmt.Println(err) // 127.0.0.1:8080 does not speak RPyC: it sent "HTTP/1.1 400 Bad Request..."
	case errors.As(err, &layout): // only over streams that cannot be reopened
		fmt.Println(err) // ... set Config.Layout = message.LayoutV5
	}
}

var _, _ = readmeConnecting, readmeConnectErrors

// ConnectThread serves a Go service in this process and connects to it
// through the whole protocol: the quickest way to see a service as its
// clients will.
func ExampleConnectThread() {
	ctx := context.Background()
	conn, err := rpyc.ConnectThread(GreeterService{}, nil)
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	root, _ := conn.Root(ctx)
	hi, err := rpyc.As[string](root.CallMethod(ctx, "greet", "Ada"))
	fmt.Println(hi, err)
	// Output: hello, Ada! <nil>
}

// A Python exception (or one a Go service raises) reads as one line; the
// remote traceback is kept for %+v and Detail.
func ExampleConnectThread_errors() {
	ctx := context.Background()
	conn, err := rpyc.ConnectThread(GreeterService{}, nil)
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	root, _ := conn.Root(ctx)
	_, err = root.CallMethod(ctx, "shout", "")
	fmt.Println(err)
	var exc *vinegar.Exception
	fmt.Println(errors.As(err, &exc), errors.Is(err, vinegar.ErrValueError), exc.Traceback != "")
	// Output:
	// ValueError: nothing to shout
	// true true true
}

// ConnectPipes speaks RPyC over any pair of pipes; here both ends are in
// this process, the server side served by ServeConn.
func ExampleConnectPipes() {
	toServer, fromClient, _ := os.Pipe()
	toClient, fromServer, _ := os.Pipe()
	go func() {
		_ = rpyc.ServeConn(stream.Pipe(toServer, fromServer), GreeterService{}, nil)
	}()
	ctx := context.Background()
	conn, err := rpyc.ConnectPipes(ctx, toClient, fromClient, nil, nil)
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	root, _ := conn.Root(ctx)
	s, err := rpyc.As[string](root.CallMethod(ctx, "shout", "pipes"))
	fmt.Println(s, err)
	// Output: PIPES <nil>
}
