package slave_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/slave"
	"github.com/rpyc-go/rpyc/stream"
)

// readmeServe is the README's "serving it from your own program" block,
// compiled here (it listens on 18812, so it is not run).
func readmeServe(ctx context.Context) error {
	srv := &server.Server{
		Service: slave.New(nil),    // one namespace and set of modules per connection
		Config:  slave.Config(nil), // clients may set attributes (redirected_stdio)
	}
	return srv.ListenAndServe(ctx, "127.0.0.1:18812") // loopback: this is remote control
}

var _ = readmeServe

// Example serves the classic service in this process and drives it with
// the Go classic client, as Python's rpyc.classic would: execute defines
// a Python function in the connection's namespace, eval calls it, and
// print goes to the connection's sys.stdout (here this program's).
func Example() {
	ctx := context.Background()
	a, b := stream.MemPipe()
	srv, err := rpyc.NewServerConn(b, slave.New(&slave.Options{Stdout: os.Stdout}), slave.Config(nil))
	if err != nil {
		log.Fatal(err)
	}
	srv.Start()
	defer srv.Close()
	c, err := classic.ConnectStream(ctx, a, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	if err := c.Execute(ctx, "def double(x):\n  return x * 2\nprint('defined double')"); err != nil {
		log.Fatal(err)
	}
	n, err := rpyc.As[int](c.Eval(ctx, "double(21)"))
	if err != nil {
		log.Fatal(err)
	}
	joined, err := rpyc.As[string](c.Call(ctx, "os.path.join", "usr", "lib"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, joined)
	// Output:
	// defined double
	// 42 usr/lib
}

// ExampleModuleNames lists what getmodule imports (on Unix; Windows has
// no pwd and grp, as in Python).
func ExampleModuleNames() {
	fmt.Println(slave.ModuleNames())
	// Output:
	// [base64 builtins datetime errno fnmatch glob grp gzip hashlib importlib importlib.util io json logging math os os.path pathlib pickle platform posixpath pwd random re rpyc.lib.compat shutil signal socket stat struct subprocess sys tempfile threading time zlib]
}
