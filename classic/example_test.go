package classic_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
)

// readmeClassic is the README's "Driving a Python classic server from
// Go" block, compiled here.
func readmeClassic(ctx context.Context) error {
	c, err := classic.Connect(ctx, "127.0.0.1", nil) // rpyc_classic, port 18812
	if err != nil {
		return err
	}
	defer c.Close()
	cwd, err := rpyc.As[string](c.Call(ctx, "os.getcwd")) // conn.modules.os.getcwd()
	n, err := rpyc.As[int](c.Eval(ctx, "sum(range(10))"))
	fmt.Println(cwd, n, err)
	return nil
}

// readmeByValue is the README's by-value block, compiled here.
func readmeByValue(ctx context.Context, c *classic.Conn) error {
	list, _ := c.Eval(ctx, "list(range(100000))") // a netref to a Python list
	nums, err := rpyc.Obtain[[]int64](ctx, list)  // all items, one round trip
	dict, _ := c.Eval(ctx, "{'a': 1, 'b': [2, 3]}")
	m, err := rpyc.Obtain[map[string]any](ctx, dict) // one round trip too
	fmt.Println(len(nums), m["b"], err)
	return nil
}

var _, _ = readmeClassic, readmeByValue

// python is the interpreter with rpyc installed (Debian's python3-rpyc).
const python = "/usr/bin/python3"

// ExampleConnectSubproc starts Python's rpyc_classic as a child process
// and drives it over its stdin and stdout.
func ExampleConnectSubproc() {
	ctx := context.Background()
	c, err := classic.ConnectSubproc(ctx, &classic.SubprocOptions{Python: python}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	joined, err := rpyc.As[string](c.Call(ctx, "os.path.join", "usr", "lib"))
	if err != nil {
		log.Fatal(err)
	}
	n, err := rpyc.As[int](c.Eval(ctx, "sum(range(10))"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(joined, n)
	// Output: usr/lib 45
}

// ExampleConn_Execute defines a function remotely (in place of Python's
// teleport_function) and calls it.
func ExampleConn_Execute() {
	ctx := context.Background()
	c, err := classic.ConnectSubproc(ctx, &classic.SubprocOptions{Python: python}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Execute(ctx, "def shout(s):\n    return s.upper() + '!'"); err != nil {
		log.Fatal(err)
	}
	fn, err := rpyc.As[*rpyc.Netref](c.Eval(ctx, "shout"))
	if err != nil {
		log.Fatal(err)
	}
	s, err := rpyc.As[string](fn.Call(ctx, "hello"))
	fmt.Println(s, err)
	// Output: HELLO! <nil>
}

// ExampleConn_Upload copies a directory tree to the server and back.
func ExampleConn_Upload() {
	ctx := context.Background()
	c, err := classic.ConnectSubproc(ctx, &classic.SubprocOptions{Python: python}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	dir, _ := os.MkdirTemp("", "classic-example")
	defer os.RemoveAll(dir)
	_ = os.MkdirAll(filepath.Join(dir, "src", "sub"), 0o755)
	_ = os.WriteFile(filepath.Join(dir, "src", "sub", "a.txt"), []byte("hello"), 0o644)
	opts := &classic.TransferOptions{Filter: func(p string, isDir bool) bool {
		return !strings.HasSuffix(p, ".tmp")
	}}
	if err := c.Upload(ctx, filepath.Join(dir, "src"), filepath.Join(dir, "remote"), opts); err != nil {
		log.Fatal(err)
	}
	if err := c.Download(ctx, filepath.Join(dir, "remote"), filepath.Join(dir, "back"), nil); err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "back", "sub", "a.txt"))
	fmt.Println(string(data), err)
	// Output: hello <nil>
}

// ExampleConn_WithRedirectedStdio captures what the server prints.
func ExampleConn_WithRedirectedStdio() {
	ctx := context.Background()
	c, err := classic.ConnectSubproc(ctx, &classic.SubprocOptions{Python: python}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	var out strings.Builder
	err = c.WithRedirectedStdio(ctx, &out, nil, func() error {
		return c.Execute(ctx, "print('printed remotely')")
	})
	fmt.Printf("%q %v\n", out.String(), err)
	// Output: "printed remotely\n" <nil>
}

// ExampleConn_Obtain copies nested data through pickle.
func ExampleConn_Obtain() {
	ctx := context.Background()
	c, err := classic.ConnectSubproc(ctx, &classic.SubprocOptions{Python: python}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	v, err := c.Eval(ctx, "{'primes': [2, 3, 5], 'pair': (1, 'one')}")
	if err != nil {
		log.Fatal(err)
	}
	got, err := c.Obtain(ctx, v)
	m := got.(map[any]any)
	fmt.Println(m["primes"], m["pair"], err)
	// Output: [2 3 5] (1, 'one') <nil>
}
