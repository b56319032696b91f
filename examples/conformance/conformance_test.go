package main

import (
	"context"
	"errors"
	"math/big"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startServer serves the conformance service on a loopback port.
func startServer(t *testing.T) (string, *ConformanceService) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	svc := NewConformanceService()
	srv := &server.Server{Service: svc}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		_ = srv.Close()
		if err := <-done; !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("Serve = %v", err)
		}
	})
	return l.Addr().String(), svc
}

func dial(t *testing.T, addr string, layout message.Layout) (*rpyc.Conn, *rpyc.Netref) {
	t.Helper()
	cfg := rpyc.DefaultConfig()
	cfg.Layout = layout
	ctx := context.Background()
	c, err := rpyc.Dial(ctx, addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c, root
}

// TestConformanceGo checks CONFORMANCE.md with the Go client, Go<->Go, in
// both message layouts.
func TestConformanceGo(t *testing.T) {
	for _, layout := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		t.Run(layout.String(), func(t *testing.T) {
			addr, _ := startServer(t)
			_, r := dial(t, addr, layout)
			conformanceChecks(t, r)
		})
	}
}

func conformanceChecks(t *testing.T, r *rpyc.Netref) {
	ctx := context.Background()
	call := func(name string, args ...any) any {
		t.Helper()
		v, err := r.CallMethod(ctx, name, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	want := func(name string, got any, repr string) {
		t.Helper()
		if s := brine.Repr(got); s != repr {
			t.Errorf("%s = %s, want %s", name, s, repr)
		}
	}
	// Values.
	want("add ints", call("add", 1, 2), "3")
	two70 := new(big.Int).Lsh(big.NewInt(1), 70)
	want("add big", call("add", two70, 1), new(big.Int).Add(two70, big.NewInt(1)).String())
	want("add mixed", call("add", 1, 0.5), "1.5")
	for _, v := range []any{nil, true, int64(-7), 2.5, complex(1, 2), "héllo", []byte{0, 1}, brine.Tuple{int64(1), "a"},
		brine.FrozenSet{int64(3)}, brine.Slice{Start: int64(1)}, brine.Ellipsis, brine.NotImplemented} {
		want("echo", call("echo", v), brine.Repr(v))
	}
	f := func() {}
	if call("echo", f) == nil {
		t.Error("echo(func) lost the func")
	}
	want("concat", call("concat", "a", "b", rpyc.Kwargs{"sep": "-"}), "'a-b'")
	want("concat default", call("concat", "a", "b"), "'ab'")
	if _, err := r.CallMethod(ctx, "concat", "a", rpyc.Kwargs{"bad": 1}); !errors.Is(err, vinegar.ErrTypeError) {
		t.Errorf("concat(bad=1) = %v", err)
	}
	for v, name := range map[any]string{int64(1): "int64", 1.5: "float64", "s": "string", true: "bool"} {
		want("kinds", call("kinds", v), "'"+name+"'")
	}
	want("kinds big", call("kinds", two70), "'*big.Int'")
	want("kinds nil", call("kinds", nil), "'<nil>'")
	want("kinds bytes", call("kinds", []byte("x")), "'[]uint8'")
	want("kinds tuple", call("kinds", brine.Tuple{int64(1)}), "'brine.Tuple'")
	want("kinds netref", call("kinds", f), "'*rpyc.Netref'")
	v, err := r.GetAttr(ctx, "version")
	want("version", v, "'1'")
	if err != nil {
		t.Error(err)
	}
	want("service name", call("get_service_name"), "'CONFORMANCE'")
	want("aliases", call("get_service_aliases"), "('CONFORMANCE', 'CONF')")
	blob := call("blob", 1000).([]byte)
	if len(blob) != 1000 || blob[300] != byte(300%251) {
		t.Errorf("blob wrong")
	}
	want("checksum", call("checksum", []byte("abc")), "'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'")

	// Errors.
	want("divide", call("divide", 1, 4), "0.25")
	if _, err := r.CallMethod(ctx, "divide", 1, 0); !errors.Is(err, vinegar.ErrZeroDivisionError) {
		t.Errorf("divide by zero = %v", err)
	}
	for _, kind := range []string{"ValueError", "KeyError", "TypeError", "RuntimeError", "IndexError", "AttributeError", "NotImplementedError", "PermissionError"} {
		_, err := r.CallMethod(ctx, "fail", kind, "msg")
		class, _ := vinegar.Builtin(kind)
		var exc *vinegar.Exception
		if !errors.Is(err, class) || !errors.As(err, &exc) || brine.Repr(exc.Args) != "('msg',)" {
			t.Errorf("fail(%s) = %v", kind, err)
		}
	}
	_, err = r.CallMethod(ctx, "fail_custom", "oops")
	var exc *vinegar.Exception
	if !errors.As(err, &exc) || exc.QualName() != "conformance.CustomError" || !strings.Contains(err.Error(), "oops") {
		t.Errorf("fail_custom = %v", err)
	} else if code, _ := exc.Attr("code"); code != int64(42) {
		t.Errorf("code = %v", code)
	}
	if _, err := r.CallMethod(ctx, "panic", "p"); err == nil || !strings.Contains(err.Error(), "p") {
		t.Errorf("panic = %v", err)
	}
	for _, name := range []string{"no_such_method", "secret"} {
		if _, err := r.CallMethod(ctx, name); !errors.Is(err, vinegar.ErrAttributeError) {
			t.Errorf("%s = %v", name, err)
		}
	}
	if err := r.SetAttr(ctx, "version", "2"); !errors.Is(err, vinegar.ErrAttributeError) {
		t.Errorf("setattr = %v", err)
	}

	// Objects by reference.
	before := call("live_counters").(int64)
	ctr := call("make_counter", 10).(*rpyc.Netref)
	want("value", must(ctr.GetAttr(ctx, "value")), "10")
	want("increment", must(ctr.CallMethod(ctx, "increment")), "11")
	want("increment by", must(ctr.CallMethod(ctx, "increment", rpyc.Kwargs{"by": 5})), "16")
	want("increment 5", must(ctr.CallMethod(ctx, "increment", 5)), "21")
	want("reset", must(ctr.CallMethod(ctx, "reset")), "None")
	want("value after reset", must(ctr.GetAttr(ctx, "value")), "10")
	if s, _ := ctr.Str(ctx); s != "Counter(10)" {
		t.Errorf("str = %q", s)
	}
	if s, _ := ctr.Repr(ctx); !strings.Contains(s, "Counter") {
		t.Errorf("repr = %q", s)
	}
	// dir(ctr) lists the counter's names (and, as Python's does, the
	// dunders every object has).
	if d, _ := ctr.Dir(ctx); strings.Join(slices.DeleteFunc(d, func(n string) bool { return strings.HasPrefix(n, "_") }), ",") != "increment,reset,value" {
		t.Errorf("dir = %v", d)
	}
	want("live", call("live_counters"), brine.Repr(before+1))
	ctr.Release()
	deadline := time.Now().Add(3 * time.Second)
	for call("live_counters").(int64) != before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	want("live after release", call("live_counters"), brine.Repr(before))

	l := call("get_list", 3).(*rpyc.Netref)
	if n, _ := l.Len(ctx); n != 3 {
		t.Errorf("len = %d", n)
	}
	want("l[-1]", must(l.GetItem(ctx, -1)), "2")
	if err := l.SetItem(ctx, 0, 9); err != nil {
		t.Error(err)
	}
	if ok, _ := l.Contains(ctx, 9); !ok {
		t.Error("9 not in l")
	}
	if _, err := l.CallMethod(ctx, "append", 7); err != nil {
		t.Error(err)
	}
	if s, _ := l.Str(ctx); s != "[9, 1, 2, 7]" {
		t.Errorf("str(l) = %q", s)
	}
	if eq, _ := l.Equal(ctx, l); !eq {
		t.Error("l != l")
	}
	if _, err := l.GetItem(ctx, 10); !errors.Is(err, vinegar.ErrIndexError) {
		t.Errorf("l[10] = %v", err)
	}
	d := call("get_dict").(*rpyc.Netref)
	want(`d["a"]`, must(d.GetItem(ctx, "a")), "1")
	if _, err := d.GetItem(ctx, "zz"); !errors.Is(err, vinegar.ErrKeyError) {
		t.Errorf(`d["zz"] = %v`, err)
	}
	want("keys", must(d.CallMethod(ctx, "keys")), "('a', 'b', 'c')")
	if err := d.SetItem(ctx, "n", 9); err != nil {
		t.Error(err)
	}
	want(`d["n"]`, must(d.GetItem(ctx, "n")), "9")

	g := call("gen", 10000).(*rpyc.Netref)
	n := 0
	for _, err := range g.Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 10000 {
		t.Errorf("gen gave %d", n)
	}
	want("call_me", call("call_me", func(a, b int) int { return a * b }, 6, 7), "42")
	want("call_me_n", call("call_me_n", func(i int) int { return i }, 100), "4950")

	res := r.CallMethodAsync("sleep", 0.2)
	if res.Ready() {
		t.Error("async sleep ready at once")
	}
	if v, err := res.Value(ctx); err != nil || v != 0.2 {
		t.Errorf("async sleep = %v, %v", v, err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err = r.CallMethod(short, "sleep", 1)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timed sleep = %v", err)
	}
	want("add after timeout", call("add", 1, 1), "2")
	if c := call("connections").(int64); c < 1 {
		t.Errorf("connections = %d", c)
	}
	file := call("open_file").(*rpyc.Netref)
	want("readline", must(file.CallMethod(ctx, "readline")), "b'line1\\n'")
	want("read", must(file.CallMethod(ctx, "read")), "b'line2\\n'")
	if _, err := file.CallMethod(ctx, "write", []byte("x")); !errors.Is(err, vinegar.ErrAttributeError) {
		t.Errorf("write = %v", err)
	}
	if _, err := file.CallMethod(ctx, "close"); err != nil {
		t.Error(err)
	}
}

func must(v any, err error) any {
	if err != nil {
		return err.Error()
	}
	return v
}

// TestConformanceGoRobust: many clients at once, and a client that goes
// away mid-call leaves nothing behind.
func TestConformanceGoRobust(t *testing.T) {
	addr, svc := startServer(t)
	_, watcher := dial(t, addr, message.LayoutV6)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := rpyc.Dial(ctx, addr, nil)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			root, err := c.Root(ctx)
			if err != nil {
				errs <- err
				return
			}
			v, err := rpyc.As[int](root.CallMethod(ctx, "add", i, 1))
			if err != nil || v != i+1 {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The 200 connections' on_disconnect hooks run as they close.
	settle := time.Now().Add(5 * time.Second)
	for svc.Connections() != 1 && time.Now().Before(settle) {
		time.Sleep(5 * time.Millisecond)
	}
	before := svc.LiveCounters()
	conns := svc.Connections()
	c, err := rpyc.Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := c.Root(ctx)
	for i := 0; i < 5; i++ {
		if _, err := root.CallMethod(ctx, "make_counter", i); err != nil {
			t.Fatal(err)
		}
	}
	res := root.CallMethodAsync("sleep", 5.0)
	time.Sleep(50 * time.Millisecond)
	_ = c.Close() // gone mid-call
	if err := res.Wait(ctx); !errors.Is(err, rpyc.ErrClosed) {
		t.Errorf("pending call = %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for (svc.LiveCounters() != before || svc.Connections() != conns) && time.Now().Before(deadline) {
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
	if svc.LiveCounters() != before || svc.Connections() != conns {
		t.Errorf("left behind: %d counters (want %d), %d connections (want %d)", svc.LiveCounters(), before, svc.Connections(), conns)
	}
	if v, err := rpyc.As[int](watcher.CallMethod(ctx, "live_counters")); err != nil || int64(v) != before {
		t.Errorf("live_counters seen by another client = %d, %v", v, err)
	}
}
