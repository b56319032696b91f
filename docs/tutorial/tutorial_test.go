package tutorial_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/slave"
)

// serveClassic starts the Go classic server (what `rpyc_classic` runs) on
// a free loopback port, for step 1.
func serveClassic() (addr string, stop func()) {
	srv := &server.Server{Service: slave.New(nil), Config: slave.Config(nil)}
	return serveOn(srv)
}

// serveOn serves srv on a free loopback port until stop.
func serveOn(srv *server.Server) (addr string, stop func()) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	return l.Addr().String(), func() { _ = srv.Close(); <-done }
}

// Step 1: classic mode. The server runs whatever the client sends.
func Example_classic() {
	addr, stop := serveClassic() // stands in for `rpyc_classic` (port 18812)
	defer stop()
	ctx := context.Background()

	conn, err := classic.Connect(ctx, addr, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	sum, _ := conn.Eval(ctx, "1 + 2")
	path, _ := conn.Modules(ctx, "os.path")
	joined, _ := path.CallMethod(ctx, "join", "usr", "lib")
	_ = conn.Execute(ctx, "def double(x):\n    return 2 * x\n")
	doubled, _ := conn.Eval(ctx, "double(21)")
	fmt.Println(sum, joined, doubled)
	// Output: 3 usr/lib 42
}

// MyService is step 2's service: Python clients call
// conn.root.get_answer(), as Go clients do.
type MyService struct{}

// GetAnswer is exposed as get_answer (and exposed_get_answer).
func (MyService) GetAnswer() int { return 42 }

// GetQuestion is exposed as get_question.
func (MyService) GetQuestion() string { return "what is the airspeed velocity of an unladen swallow?" }

// Step 2: services. The server exposes only what its Go type exports.
func Example_services() {
	srv := &server.Server{Service: MyService{}} // Python's ThreadedServer
	l, err := net.Listen("tcp", "127.0.0.1:0")  // the tutorial's 18861
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	conn, err := rpyc.Dial(ctx, l.Addr().String(), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	root, _ := conn.Root(ctx)
	answer, _ := rpyc.As[int](root.CallMethod(ctx, "get_answer"))
	name, _ := rpyc.As[string](root.CallMethod(ctx, "get_service_name"))
	_, err = root.CallMethod(ctx, "no_such_method")
	fmt.Println(answer, name)
	fmt.Println(err)
	// Output:
	// 42 MY
	// AttributeError: 'MyService' object has no attribute 'no_such_method'
}

// Calculator is step 3's service: it calls back into its clients.
type Calculator struct{}

// Apply calls fn (which runs on the client) on each number.
func (Calculator) Apply(ctx context.Context, fn *rpyc.Netref, nums ...int) ([]int, error) {
	out := make([]int, 0, len(nums))
	for _, n := range nums {
		v, err := rpyc.As[int](fn.Call(ctx, n))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Greet asks the client's own service for its name: the connection is
// symmetric, the server calls the client's root as the client calls its.
func (Calculator) Greet(ctx context.Context) (string, error) {
	conn, _ := rpyc.ConnFromContext(ctx)
	root, err := conn.Root(ctx)
	if err != nil {
		return "", err
	}
	name, err := rpyc.As[string](root.CallMethod(ctx, "name"))
	return "hello " + name, err
}

// ClientService is what the step 3 client offers the server.
type ClientService struct{}

// Name is called by the server.
func (ClientService) Name() string { return "gopher" }

// Step 3: callbacks and symmetry.
func Example_callbacks() {
	addr, stop := serveOn(&server.Server{Service: Calculator{}})
	defer stop()
	ctx := context.Background()

	conn, err := rpyc.DialService(ctx, addr, ClientService{}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	root, _ := conn.Root(ctx)

	square := func(x int) int { return x * x } // runs here, called by the server
	squares, _ := root.CallMethod(ctx, "apply", square, 1, 2, 3)
	list, _ := rpyc.Obtain[[]int](ctx, squares) // the server's list, by value
	greeting, _ := root.CallMethod(ctx, "greet")
	fmt.Println(list, greeting)
	// Output: [1 4 9] hello gopher
}

// Gate is step 4's service: Wait blocks until the gate opens.
type Gate struct{ open chan struct{} }

// Wait returns when the gate opens.
func (g *Gate) Wait() string {
	<-g.open
	return "opened"
}

// Step 4: async calls.
func Example_async() {
	gate := &Gate{open: make(chan struct{})}
	addr, stop := serveOn(&server.Server{Service: gate})
	defer stop()
	ctx := context.Background()
	conn, err := rpyc.Dial(ctx, addr, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	root, _ := conn.Root(ctx)

	res := root.CallMethodAsync("wait") // returns at once
	fmt.Println("ready:", res.Ready())
	close(gate.open) // (the server side lets Wait return)
	v, err := res.Value(ctx)
	fmt.Println(v, err, "ready:", res.Ready())

	wctx, cancel := context.WithTimeout(ctx, time.Minute) // a deadline per call
	defer cancel()
	if err := res.Wait(wctx); err == nil {
		fmt.Println("done")
	}
	// Output:
	// ready: false
	// opened <nil> ready: true
	// done
}

// Step 5: the registry and servers.
func Example_registry() {
	ctx := context.Background()
	reg := registry.NewServer(nil)                    // Python's rpyc_registry
	pc, err := registry.ListenUDP(ctx, "127.0.0.1:0") // 18811 in production
	if err != nil {
		log.Fatal(err)
	}
	go reg.ServeUDP(pc)
	defer reg.Close()
	regAddr := &registry.UDPClient{Host: "127.0.0.1", Port: pc.LocalAddr().(*net.UDPAddr).Port}

	srv := &server.Server{Service: MyService{}, Registrar: regAddr} // auto_register=True
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	defer func() { srv.Close(); <-served }() // Serve unregisters before it returns

	for { // the server registers as Serve starts; wait for it here
		if addrs, _ := regAddr.Discover(ctx, "MY"); len(addrs) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	conn, err := registry.ConnectByService(ctx, regAddr, "MY", nil) // connect_by_service("MY")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	root, _ := conn.Root(ctx)
	answer, _ := root.CallMethod(ctx, "get_answer")
	fmt.Println(answer)
	// Output: 42
}
