package rpyc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/stream"
	"github.com/rpyc-go/rpyc/vinegar"
)

// testService covers what the engine tests need.
type testService struct {
	mu      sync.Mutex
	Label   string `rpyc:"label,rw"`
	Hidden  string
	started chan struct{}
}

func (s *testService) Add(a, b int) int                   { return a + b }
func (s *testService) Echo(x any) any                     { return x }
func (s *testService) Greet(name, greeting string) string { return greeting + " " + name }
func (s *testService) Sum(nums ...int) (total int) {
	for _, n := range nums {
		total += n
	}
	return total
}
func (s *testService) Opts(a int, kw Kwargs) string { return fmt.Sprintf("%d %v", a, kw["x"]) }
func (s *testService) Fail(kind string) error       { return vinegar.New(kind, "failed: "+kind) }
func (s *testService) GoError() error               { return io.ErrUnexpectedEOF }
func (s *testService) Panic() int                   { panic("boom") }
func (s *testService) Pair() (int, string)          { return 7, "seven" }
func (s *testService) Bounce(ctx context.Context, fn func(context.Context, int) (int, error), n int) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	v, err := fn(ctx, n-1)
	return v + 1, err
}
func (s *testService) Block(ctx context.Context) error {
	if s.started != nil {
		close(s.started)
	}
	<-ctx.Done()
	return ctx.Err()
}
func (s *testService) Sleep(ctx context.Context, ms int) int {
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
	case <-ctx.Done():
	}
	return ms
}
func (s *testService) MakeObj() *testObj { return &testObj{V: 1} }
func (s *testService) Count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func (s *testService) RPyCParams() map[string]string {
	return map[string]string{"Greet": "name, greeting='hello'", "Sum": "*nums", "Opts": "a, **kw"}
}

type testObj struct {
	V int `rpyc:"v"`
}

func (o *testObj) Inc() int       { o.V++; return o.V }
func (o *testObj) String() string { return fmt.Sprintf("obj(%d)", o.V) }

// pair connects a client to a server serving svc over the given transport.
func pair(t *testing.T, svc any, layout message.Layout, tcp bool) (*Conn, *Conn) {
	t.Helper()
	var a, b net.Conn
	if tcp {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		done := make(chan net.Conn)
		go func() {
			c, _ := l.Accept()
			done <- c
		}()
		a, err = net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		b = <-done
	} else {
		a, b = stream.MemPipe()
	}
	srv, err := NewServerConn(b, svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	cfg := DefaultConfig()
	cfg.Layout = layout
	cli, err := Connect(a, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cli.Close()
		srv.Close()
	})
	return cli, srv
}

// memPair connects a client (cliCfg) to a started server (srvCfg) serving
// svc over an in-memory pipe; both are closed at cleanup.
func memPair(t *testing.T, svc any, srvCfg, cliCfg *Config) (*Conn, *Conn) {
	t.Helper()
	a, b := stream.MemPipe()
	return startPair(t, a, b, svc, nil, srvCfg, cliCfg)
}

// startPair serves svc on b (started) and connects a client serving
// cliSvc on a; both are closed at cleanup.
func startPair(t *testing.T, a, b io.ReadWriteCloser, svc, cliSvc any, srvCfg, cliCfg *Config) (*Conn, *Conn) {
	t.Helper()
	srv, err := NewServerConn(b, svc, srvCfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	cli, err := Connect(a, cliSvc, cliCfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cli.Close()
		srv.Close()
	})
	return cli, srv
}

// each runs f over both layouts and both an in-memory pipe and TCP.
func each(t *testing.T, f func(t *testing.T, cli, srv *Conn, root *Netref)) {
	for _, layout := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		for _, tcp := range []bool{false, true} {
			name := layout.String() + "/mem"
			if tcp {
				name = layout.String() + "/tcp"
			}
			t.Run(name, func(t *testing.T) {
				cli, srv := pair(t, &testService{}, layout, tcp)
				root, err := cli.Root(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				f(t, cli, srv, root)
				if srv.Layout() != layout {
					t.Errorf("server detected %v, want %v", srv.Layout(), layout)
				}
			})
		}
	}
}

func TestCalls(t *testing.T) {
	each(t, func(t *testing.T, cli, srv *Conn, root *Netref) {
		ctx := context.Background()
		check := func(name string, got any, err error, want string) {
			t.Helper()
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			if r := brine.Repr(pyobj.Normalize(got)); r != want {
				t.Errorf("%s = %s, want %s", name, r, want)
			}
		}
		v, err := root.CallMethod(ctx, "add", 2, 3)
		check("add", v, err, "5")
		v, err = root.CallMethod(ctx, "exposed_add", 2, 3)
		check("exposed_add", v, err, "5")
		v, err = root.CallMethod(ctx, "greet", "bob")
		check("greet default", v, err, "'hello bob'")
		v, err = root.CallMethod(ctx, "greet", "bob", Kwargs{"greeting": "hi"})
		check("greet kw", v, err, "'hi bob'")
		v, err = root.CallMethod(ctx, "greet", Kwargs{"name": "al", "greeting": "yo"})
		check("greet all kw", v, err, "'yo al'")
		v, err = root.CallMethod(ctx, "sum", 1, 2, 3, 4)
		check("sum", v, err, "10")
		v, err = root.CallMethod(ctx, "opts", 1, Kwargs{"x": "y"})
		check("opts", v, err, "'1 y'")
		v, err = root.CallMethod(ctx, "pair")
		check("pair", v, err, "(7, 'seven')")
		v, err = root.CallMethod(ctx, "get_service_name")
		check("service name", v, err, "'TEST'")
		_, err = root.CallMethod(ctx, "greet", "bob", Kwargs{"nope": 1})
		if !errors.Is(err, vinegar.ErrTypeError) || !strings.Contains(err.Error(), "unexpected keyword argument 'nope'") {
			t.Errorf("unknown kwarg: %v", err)
		}
		_, err = root.CallMethod(ctx, "greet")
		if !errors.Is(err, vinegar.ErrTypeError) || !strings.Contains(err.Error(), "missing required argument: 'name'") {
			t.Errorf("missing arg: %v", err)
		}
		_, err = root.CallMethod(ctx, "add", "x", 1)
		if !errors.Is(err, vinegar.ErrTypeError) {
			t.Errorf("bad arg type: %v", err)
		}
		_, err = root.CallMethod(ctx, "add", 1, 2, 3)
		if !errors.Is(err, vinegar.ErrTypeError) {
			t.Errorf("too many args: %v", err)
		}
		// Attribute access and the exposure rules.
		label, err := root.GetAttr(ctx, "label")
		check("label", label, err, "''")
		for _, name := range []string{"hidden", "Hidden", "_label", "__class__", "__dict__", "__globals__",
			"__array__", "_rpyc_getattr", "__init__", "__reduce__", "mu", "started", "no_such"} {
			if _, err := root.GetAttr(ctx, name); !errors.Is(err, vinegar.ErrAttributeError) {
				t.Errorf("getattr %q = %v, want AttributeError", name, err)
			}
			if _, err := root.CallMethod(ctx, name); !errors.Is(err, vinegar.ErrAttributeError) {
				t.Errorf("callattr %q = %v, want AttributeError", name, err)
			}
		}
		if err := root.SetAttr(ctx, "label", "x"); !errors.Is(err, vinegar.ErrAttributeError) {
			t.Errorf("setattr with default config = %v, want AttributeError", err)
		}
		// GETATTR then CALL: what a Python client does.
		m, err := root.GetAttr(ctx, "add")
		if err != nil {
			t.Fatal(err)
		}
		mref := m.(*Netref)
		if mref.TypeName() != "builtins.method" {
			t.Errorf("method type %q", mref.TypeName())
		}
		v, err = mref.Call(ctx, 4, 5)
		check("bound method", v, err, "9")
		mref.Release()
		names, err := root.Dir(ctx)
		// The service's names, and the object protocol's that Python's
		// default safe_attrs let through (no __class__, __sizeof__, __dir__).
		if err != nil || strings.Join(names, ",") != "__doc__,__eq__,__format__,__ge__,__gt__,__hash__,__le__,__lt__,__ne__,__repr__,__str__,add,block,bounce,count,echo,fail,get_service_aliases,get_service_name,go_error,greet,label,make_obj,opts,pair,panic,sleep,sum" {
			t.Errorf("dir = %v, %v", names, err)
		}
	})
}

func TestObjectsAndErrors(t *testing.T) {
	each(t, func(t *testing.T, cli, srv *Conn, root *Netref) {
		ctx := context.Background()
		obj, err := As[*Netref](root.CallMethod(ctx, "make_obj"))
		if err != nil {
			t.Fatal(err)
		}
		if n, err := As[int](obj.CallMethod(ctx, "inc")); err != nil || n != 2 {
			t.Errorf("inc = %v, %v", n, err)
		}
		if s, _ := obj.Str(ctx); s != "obj(2)" {
			t.Errorf("str = %q", s)
		}
		if r, _ := obj.Repr(ctx); r != "testObj(v=2)" { // a dataclass's repr, of its tagged fields
			t.Errorf("repr = %q", r)
		}
		if eq, err := obj.Equal(ctx, obj); !eq || err != nil {
			t.Errorf("obj == obj: %v %v", eq, err)
		}
		// A netref sent back arrives as the server's own object (LOCAL_REF).
		back, err := root.CallMethod(ctx, "echo", obj)
		if err != nil || back != obj {
			t.Errorf("echo(obj) = %v (%v), want the same netref", back, err)
		}
		// Errors.
		for _, kind := range []string{"ValueError", "KeyError", "IndexError", "ZeroDivisionError", "mymod.Custom"} {
			_, err := root.CallMethod(ctx, "fail", kind)
			var exc *vinegar.Exception
			if !errors.As(err, &exc) || exc.QualName() != qual(kind) {
				t.Errorf("fail(%s) = %v", kind, err)
			}
		}
		_, err = root.CallMethod(ctx, "go_error")
		if !errors.Is(err, vinegar.ErrEOFError) {
			t.Errorf("go error = %v, want EOFError", err)
		}
		_, err = root.CallMethod(ctx, "panic")
		if !errors.Is(err, vinegar.ErrRuntimeError) || !strings.Contains(err.Error(), "boom") {
			t.Errorf("panic = %v", err)
		}
		if v, err := As[int](root.CallMethod(ctx, "add", 1, 1)); v != 2 || err != nil {
			t.Errorf("after panic: %v %v", v, err)
		}
		// Iterators.
		it, err := As[*Netref](root.CallMethod(ctx, "count", 2500))
		if err != nil || it.TypeName() != "builtins.generator" {
			t.Fatalf("count: %v %v", it, err)
		}
		n := 0
		for v, err := range it.Iter(ctx) {
			if err != nil || v != int64(n) {
				t.Fatalf("item %d = %v, %v", n, v, err)
			}
			n++
		}
		if n != 2500 {
			t.Errorf("%d items", n)
		}
	})
}

func qual(kind string) string {
	if strings.Contains(kind, ".") {
		return kind
	}
	return "builtins." + kind
}

func TestCallbacksDeep(t *testing.T) {
	each(t, func(t *testing.T, cli, srv *Conn, root *Netref) {
		ctx := context.Background()
		var bounce func(ctx context.Context, n int) (int, error)
		bounce = func(ctx context.Context, n int) (int, error) {
			if n <= 0 {
				return 0, nil
			}
			v, err := As[int](root.CallMethod(ctx, "bounce", bounce, n-1))
			return v + 1, err
		}
		v, err := As[int](root.CallMethod(ctx, "bounce", bounce, 100))
		if err != nil || v != 100 {
			t.Errorf("bounce(100) = %v, %v", v, err)
		}
	})
}

func TestConcurrentAndPipelined(t *testing.T) {
	each(t, func(t *testing.T, cli, srv *Conn, root *Netref) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for g := 0; g < 50; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					if v, err := As[int](root.CallMethod(ctx, "add", g, i)); err != nil || v != g+i {
						t.Errorf("add(%d,%d) = %v %v", g, i, v, err)
						return
					}
				}
			}(g)
		}
		rs := make([]*AsyncResult, 2000)
		for i := range rs {
			rs[i] = root.CallMethodAsync("add", i, i)
		}
		for i, r := range rs {
			if v, err := As[int](r.Value(ctx)); err != nil || v != 2*i {
				t.Fatalf("async %d = %v, %v", i, v, err)
			}
		}
		wg.Wait()
	})
}

func TestDeadlinesAndClose(t *testing.T) {
	cli, srv := pair(t, &testService{}, message.LayoutV6, false)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	_, err := root.CallMethod(short, "sleep", 300)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	if v, err := As[int](root.CallMethod(ctx, "add", 1, 2)); v != 3 || err != nil {
		t.Fatalf("after deadline: %v %v", v, err)
	}
	// Config timeout applies when the context has none.
	cfg := DefaultConfig()
	cfg.SyncRequestTimeout = 30 * time.Millisecond
	c2, s2 := memPair(t, &testService{}, nil, cfg)
	r2, _ := c2.Root(ctx)
	if _, err := r2.CallMethod(ctx, "sleep", 300); !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("config timeout: %v", err)
	}
	c2.Close()
	s2.Close()

	// A call in progress when the peer goes away fails with ErrClosed and
	// the cause.
	svc := &testService{started: make(chan struct{})}
	c3, s3 := pair(t, svc, message.LayoutV6, true)
	r3, _ := c3.Root(ctx)
	res := r3.CallMethodAsync("block")
	<-svc.started
	s3.Close()
	if err := res.Wait(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("pending call after server close: %v", err)
	}
	if _, err := r3.CallMethod(ctx, "add", 1, 1); !errors.Is(err, ErrClosed) {
		t.Errorf("call after close: %v", err)
	}
	if err := c3.Close(); err != nil {
		t.Errorf("Close after peer close: %v", err)
	}
	if err := c3.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_ = srv
}

func TestReleaseAndGC(t *testing.T) {
	cli, srv := pair(t, &testService{}, message.LayoutV6, false)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	base := srv.LocalObjects()
	objs := make([]*Netref, 10)
	for i := range objs {
		objs[i], _ = As[*Netref](root.CallMethod(ctx, "make_obj"))
	}
	if got := srv.LocalObjects(); got != base+10 {
		t.Fatalf("server holds %d objects, want %d", got, base+10)
	}
	for _, o := range objs[:5] {
		o.Release()
	}
	waitFor(t, func() bool { return srv.LocalObjects() == base+5 }, "release")
	objs = nil
	waitFor(t, func() bool { runtime.GC(); return srv.LocalObjects() == base }, "GC")
	// The same object boxed twice keeps one entry with a count of two; the
	// client's proxy cache gives one netref for it.
	shared := &testObj{}
	v1, _ := root.CallMethod(ctx, "echo", shared) // our object goes to the server and back
	if v1 != shared {
		t.Errorf("echo of a local object = %v, want the object itself", v1)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestManualServing drives both ends by hand, as stdio tools do.
func TestManualServing(t *testing.T) {
	a, b := stream.MemPipe()
	srv, _ := NewServerConn(b, &testService{}, nil)
	cli, _ := NewConn(a, nil, nil)
	done := make(chan error, 1)
	go func() { done <- srv.ServeAll() }()
	ctx := context.Background()
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := As[int](root.CallMethod(ctx, "add", 40, 2)); v != 42 || err != nil {
		t.Fatalf("manual add = %v %v", v, err)
	}
	// A callback needs the client to serve while it waits: the waiting
	// call dispatches incoming requests itself.
	v, err := As[int](root.CallMethod(ctx, "bounce", func(ctx context.Context, n int) (int, error) { return 10, nil }, 1))
	if v != 11 || err != nil {
		t.Fatalf("manual callback = %v %v", v, err)
	}
	served, err := cli.PollAll(contextWithTimeout(t, 20*time.Millisecond))
	if served || err != nil {
		t.Errorf("PollAll on a quiet connection = %v, %v", served, err)
	}
	cli.Close()
	if err := <-done; err != nil {
		t.Errorf("ServeAll = %v", err)
	}
	srv.Close()
}

func contextWithTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestBackpressure: with MaxInFlight 2, a third request waits for a slot
// instead of queuing; nothing is lost.
func TestBackpressure(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxInFlight = 2
	cli, _ := memPair(t, &testService{}, cfg, nil)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	start := time.Now()
	rs := make([]*AsyncResult, 6)
	for i := range rs {
		rs[i] = root.CallMethodAsync("sleep", 50)
	}
	for _, r := range rs {
		if err := r.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 140*time.Millisecond {
		t.Errorf("6 sleeps of 50ms with 2 slots took %v; the limit was not applied", el)
	}
}

// TestPeerCloseMessage: HANDLE_CLOSE from the peer ends the connection
// without a reply, and pending calls learn why.
func TestPeerCloseMessage(t *testing.T) {
	cli, srv := pair(t, &testService{}, message.LayoutV6, false)
	if _, err := cli.Root(context.Background()); err != nil { // the server learns the layout
		t.Fatal(err)
	}
	srv.Close()
	select {
	case <-cli.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("client did not see the close")
	}
	if err := cli.Err(); !errors.Is(err, ErrClosed) || !errors.Is(err, ErrClosedByPeer) {
		t.Errorf("cause = %v", err)
	}
}

// closer closes its own connection from inside a handler.
type closer struct{}

func (closer) Quit(ctx context.Context) string {
	c, _ := ConnFromContext(ctx)
	_ = c.Close()
	return "bye"
}

// TestCloseFromHandler: a handler may close its own connection; Close
// does not wait forever for the handler that called it.
func TestCloseFromHandler(t *testing.T) {
	cli, srv := pair(t, closer{}, message.LayoutV6, false)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	_, err := root.CallMethod(ctx, "quit")
	if err != nil && !errors.Is(err, ErrClosed) {
		t.Errorf("quit = %v", err)
	}
	select {
	case <-srv.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("server connection still open")
	}
}

// TestDelCannotOvertakeCall: a call using an object and the DEL that
// releases it, sent back to back, arrive in order: the call still finds
// the object (Python's #137).
func TestDelCannotOvertakeCall(t *testing.T) {
	cli, srv := pair(t, &testService{}, message.LayoutV6, true)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	base := srv.LocalObjects()
	for i := 0; i < 200; i++ {
		obj, err := As[*Netref](root.CallMethod(ctx, "make_obj"))
		if err != nil {
			t.Fatal(err)
		}
		res := obj.CallMethodAsync("inc")
		obj.Release()
		if v, err := As[int](res.Value(ctx)); err != nil || v != 2 {
			t.Fatalf("call before DEL = %v, %v", v, err)
		}
	}
	waitFor(t, func() bool { return srv.LocalObjects() == base }, "all released")
}

// TestPrivateNamesWithPermissiveConfig: even with every allow_* flag on,
// names starting with "_" (other than the safe dunders) and unexported Go
// fields and methods stay out of reach.
func TestPrivateNamesWithPermissiveConfig(t *testing.T) {
	cfg := DefaultConfig()
	cfg.AllowAllAttrs, cfg.AllowPublicAttrs, cfg.AllowSetattr, cfg.AllowDelattr = true, true, true, true
	cli, _ := memPair(t, &testService{}, cfg, nil)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	for _, name := range []string{"__class__", "__dict__", "__globals__", "__array__", "_rpyc_getattr",
		"__init__", "__reduce__", "__reduce_ex__", "__subclasses__", "__builtins__", "_label", "mu", "started"} {
		if _, err := root.GetAttr(ctx, name); !errors.Is(err, vinegar.ErrAttributeError) {
			t.Errorf("getattr %q = %v, want AttributeError", name, err)
		}
		if err := root.SetAttr(ctx, name, 1); !errors.Is(err, vinegar.ErrAttributeError) {
			t.Errorf("setattr %q = %v, want AttributeError", name, err)
		}
	}
	// Public fields are reachable under AllowPublicAttrs, and settable.
	if v, err := root.GetAttr(ctx, "hidden"); err != nil || v != "" {
		t.Errorf("public field = %v, %v", v, err)
	}
	if err := root.SetAttr(ctx, "label", "set"); err != nil {
		t.Errorf("setattr label: %v", err)
	}
}

// TestCloseWithStalledPeer: Close returns even when the peer has stopped
// reading and the stream's buffers are full.
func TestCloseWithStalledPeer(t *testing.T) {
	a, b := stream.MemPipe() // b is never read
	defer b.Close()
	cfg := DefaultConfig()
	cfg.Channel.NoCompress = true
	c, err := Connect(a, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 256<<10) // more than the pipe holds
	go func() { _, _ = c.Request(context.Background(), message.HandlePing, big) }()
	time.Sleep(50 * time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- c.Close() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hung on a peer that does not read")
	}
}
