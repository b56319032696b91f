package rpyc_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/stream"
	"github.com/rpyc-go/rpyc/vinegar"
)

// GreeterService is an ordinary Go type. Its exported methods are what a
// Python client calls: Greet as r.greet(...), Shout as r.shout(...).
type GreeterService struct{}

// Greet says hello. RPyCParams below gives it Python keyword arguments.
func (GreeterService) Greet(name, greeting string) string {
	return greeting + ", " + name + "!"
}

// Shout fails in a way Python clients can catch as ValueError.
func (GreeterService) Shout(s string) (string, error) {
	if s == "" {
		return "", vinegar.New("ValueError", "nothing to shout")
	}
	return strings.ToUpper(s), nil
}

// RPyCParams: greet(name, greeting="hello").
func (GreeterService) RPyCParams() map[string]string {
	return map[string]string{"Greet": "name, greeting='hello'"}
}

// serveInMemory starts a server connection on one end of an in-memory
// pipe and returns the other end, for examples that need no network.
func serveInMemory(service any) stream.Stream {
	client, server := stream.MemPipe()
	srv, err := rpyc.NewServerConn(server, service, nil)
	if err != nil {
		panic(err)
	}
	srv.Start()
	return client
}

// A Go client calls a service. Against a real server, use rpyc.Dial(ctx,
// "host:18861", cfg) instead of Connect over a pipe.
func Example_client() {
	ctx := context.Background()
	conn, err := rpyc.Connect(serveInMemory(GreeterService{}), nil, nil)
	if err != nil {
		panic(err)
	}
	defer conn.Close()

	root, _ := conn.Root(ctx)
	name, _ := rpyc.As[string](root.CallMethod(ctx, "get_service_name"))
	hi, _ := rpyc.As[string](root.CallMethod(ctx, "greet", "Ada"))
	yo, _ := rpyc.As[string](root.CallMethod(ctx, "greet", "Ada", rpyc.Kwargs{"greeting": "yo"}))
	fmt.Println(name)
	fmt.Println(hi)
	fmt.Println(yo)

	_, err = root.CallMethod(ctx, "shout", "")
	fmt.Println(errors.Is(err, vinegar.ErrValueError))
	// Output:
	// GREETER
	// hello, Ada!
	// yo, Ada!
	// true
}

// CounterService hands out objects by reference and calls back.
type CounterService struct{}

// Counter lives on the server; clients hold a reference to it.
type Counter struct {
	N int `rpyc:"n"` // exposed as the read-only attribute `n`
}

// Add increments the counter.
func (c *Counter) Add(k int) int { c.N += k; return c.N }

// NewCounter returns a *Counter: it travels by reference.
func (CounterService) NewCounter() *Counter { return &Counter{} }

// Each calls fn for every number below n: a callback into the client.
func (CounterService) Each(ctx context.Context, n int, fn func(int) error) error {
	for i := 0; i < n; i++ {
		if err := fn(i); err != nil {
			return err
		}
	}
	return nil
}

// Objects come back as netrefs; Go funcs passed as arguments are callable
// by the server while the call is in progress.
func Example_objects() {
	ctx := context.Background()
	conn, _ := rpyc.Connect(serveInMemory(CounterService{}), nil, nil)
	defer conn.Close()
	root, _ := conn.Root(ctx)

	ctr, _ := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "new_counter"))
	ctr.CallMethod(ctx, "add", 5)
	n, _ := rpyc.As[int](ctr.GetAttr(ctx, "n"))
	fmt.Println("n =", n)
	ctr.Release() // or let the garbage collector do it

	sum := 0
	_, err := root.CallMethod(ctx, "each", 4, func(i int) { sum += i })
	fmt.Println("sum =", sum, err)
	// Output:
	// n = 5
	// sum = 6 <nil>
}

// Asynchronous calls return at once; the result arrives later.
func ExampleNetref_CallMethodAsync() {
	ctx := context.Background()
	conn, _ := rpyc.Connect(serveInMemory(GreeterService{}), nil, nil)
	defer conn.Close()
	root, _ := conn.Root(ctx)

	results := make([]*rpyc.AsyncResult, 3)
	for i, name := range []string{"a", "b", "c"} {
		results[i] = root.CallMethodAsync("shout", name)
	}
	for _, r := range results {
		v, err := rpyc.As[string](r.Value(ctx))
		fmt.Println(v, err)
	}
	// Output:
	// A <nil>
	// B <nil>
	// C <nil>
}

// Iterating a remote sequence fetches items in growing chunks.
func ExampleNetref_Iter() {
	ctx := context.Background()
	conn, _ := rpyc.Connect(serveInMemory(ListService{}), nil, nil)
	defer conn.Close()
	root, _ := conn.Root(ctx)
	squares, _ := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "squares", 5))
	for v, err := range squares.Iter(ctx) {
		if err != nil {
			panic(err)
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
	// Output: 0 1 4 9 16
}

// ListService returns a Go iterator, which Python sees as a generator.
type ListService struct{}

// Squares yields i*i for i below n.
func (ListService) Squares(n int) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i * i) {
				return
			}
		}
	}
}
