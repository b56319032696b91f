package rpyc_test

import (
	"context"
	"fmt"
	"log"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/stream"
)

// inventory is a Go service; a Python client sees get_stock and add.
type inventory struct{}

func (inventory) GetStock() map[string][]int { return map[string][]int{"apples": {3, 4}, "pears": {}} }

func (inventory) Add(a, b int) int { return a + b }

// pair connects a client to svc over an in-memory stream.
func pair(svc any) (*rpyc.Conn, func()) {
	a, b := stream.MemPipe()
	srv, err := rpyc.NewServerConn(b, svc, nil)
	if err != nil {
		log.Fatal(err)
	}
	srv.Start()
	cli, err := rpyc.Connect(a, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	return cli, func() { cli.Close(); srv.Close() }
}

// ExampleObtain fetches a remote dict of lists by value: the map arrives
// whole instead of one request per item.
func ExampleObtain() {
	conn, done := pair(inventory{})
	defer done()
	ctx := context.Background()
	root, err := conn.Root(ctx)
	if err != nil {
		log.Fatal(err)
	}
	stock, err := root.CallMethod(ctx, "get_stock") // a netref to a dict
	if err != nil {
		log.Fatal(err)
	}
	m, err := rpyc.Obtain[map[string][]int](ctx, stock)
	fmt.Println(m["apples"], len(m["pears"]), err)
	// Output: [3 4] 0 <nil>
}

// ExampleBind binds the remote service's methods to typed Go funcs,
// checked once, so each call is one typed line.
func ExampleBind() {
	conn, done := pair(inventory{})
	defer done()
	ctx := context.Background()
	root, err := conn.Root(ctx)
	if err != nil {
		log.Fatal(err)
	}
	var svc struct {
		Add      func(ctx context.Context, a, b int) (int, error)
		GetStock func(ctx context.Context) (map[string][]int, error)
	}
	if err := rpyc.Bind(ctx, root, &svc); err != nil {
		log.Fatal(err)
	}
	sum, err := svc.Add(ctx, 40, 2)
	fmt.Println(sum, err)
	stock, err := svc.GetStock(ctx)
	fmt.Println(stock["apples"], err)
	// Output:
	// 42 <nil>
	// [3 4] <nil>
}

// ExampleCallPath calls the method at the end of a dotted path (here a
// single name; "os.path.join" on a classic module).
func ExampleCallPath() {
	conn, done := pair(inventory{})
	defer done()
	ctx := context.Background()
	root, err := conn.Root(ctx)
	if err != nil {
		log.Fatal(err)
	}
	n, err := rpyc.As[int](rpyc.CallPath(ctx, root, "add", 1, 2))
	fmt.Println(n, err)
	// Output: 3 <nil>
}
