//go:build unix

package interop

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// layouts runs f against Debian's rpyc 5.3.0 as is (5.x layout) and
// through rpyc6_layout.py (6.x layout).
func layouts(t *testing.T, f func(t *testing.T, layout message.Layout)) {
	for _, l := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		t.Run(l.String(), func(t *testing.T) { f(t, l) })
	}
}

// dialPython starts py_server.py in the given layout and connects to it.
func dialPython(t *testing.T, layout message.Layout, args ...string) (*rpyc.Conn, *rpyc.Netref) {
	t.Helper()
	p := Start(t, PeerOptions{Script: "py_server.py", Args: args, Layout6: layout == message.LayoutV6})
	cfg := rpyc.DefaultConfig()
	cfg.Layout = layout
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpyc.Dial(ctx, p.Addr, cfg)
	if err != nil {
		t.Fatalf("Dial %s: %v", p.Addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatalf("Root: %v", err)
	}
	return c, root
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestClientValues: every brine value type makes the round trip through
// Python unchanged, and arrives as the Python type it should.
func TestClientValues(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		_, root := dialPython(t, layout)
		ctx := ctxT(t)
		huge, _ := new(big.Int).SetString("-123456789012345678901234567890123456789", 10)
		values := []struct {
			v      any
			pyType string
		}{
			{nil, "NoneType"}, {true, "bool"}, {false, "bool"}, {int64(0), "int"}, {int64(-48), "int"},
			{int64(159), "int"}, {int64(160), "int"}, {int64(math.MaxInt64), "int"}, {int64(math.MinInt64), "int"},
			{huge, "int"}, {1.5, "float"}, {math.Inf(-1), "float"}, {complex(1, -2), "complex"},
			{"", "str"}, {"héllo wörld 日本 😀", "str"}, {[]byte{}, "bytes"}, {[]byte("\x00\xff"), "bytes"},
			{brine.Tuple{}, "tuple"}, {brine.Tuple{int64(1), "a", brine.Tuple{nil, 2.5}}, "tuple"},
			{brine.FrozenSet{int64(1), int64(2)}, "frozenset"}, {brine.Slice{Start: int64(1), Stop: nil, Step: int64(-1)}, "slice"},
			{brine.Ellipsis, "ellipsis"}, {brine.NotImplemented, "NotImplementedType"},
			{make([]byte, 100000), "bytes"}, {strings.Repeat("x", 5000), "str"},
		}
		for _, tc := range values {
			got, err := root.CallMethod(ctx, "echo", tc.v)
			if err != nil {
				t.Fatalf("echo(%s): %v", brine.Repr(tc.v), err)
			}
			want, _ := brine.Encode(tc.v)
			have, err := brine.Encode(got)
			if err != nil || string(want) != string(have) {
				t.Errorf("echo(%.60s) = %.60s", brine.Repr(tc.v), brine.Repr(got))
			}
			typ, err := rpyc.As[string](root.CallMethod(ctx, "type_name", tc.v))
			if err != nil || typ != tc.pyType {
				t.Errorf("type_name(%.40s) = %q, %v; want %q", brine.Repr(tc.v), typ, err, tc.pyType)
			}
		}
		// Go integer kinds and named types arrive as Python ints.
		type myInt int16
		for _, v := range []any{int8(-3), uint16(7), uint64(math.MaxUint64), myInt(5), uint(1 << 40)} {
			typ, err := rpyc.As[string](root.CallMethod(ctx, "type_name", v))
			if err != nil || typ != "int" {
				t.Errorf("type_name(%T) = %q, %v", v, typ, err)
			}
		}
	})
}

// TestClientArgsKwargs: positional and keyword arguments, big ints.
func TestClientArgsKwargs(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		_, root := dialPython(t, layout)
		ctx := ctxT(t)
		v, err := root.CallMethod(ctx, "kwargs", 1, "two", rpyc.Kwargs{"b": 2.5, "a": []byte("x")})
		if err != nil {
			t.Fatal(err)
		}
		if got := brine.Repr(v); got != "((1, 'two'), (('a', b'x'), ('b', 2.5)))" {
			t.Errorf("kwargs = %s", got)
		}
		two70 := new(big.Int).Lsh(big.NewInt(1), 70)
		sum, err := rpyc.As[*big.Int](root.CallMethod(ctx, "add", two70, 1))
		if err != nil || sum.Cmp(new(big.Int).Add(two70, big.NewInt(1))) != 0 {
			t.Errorf("add(2**70, 1) = %v, %v", sum, err)
		}
		f, err := rpyc.As[float64](root.CallMethod(ctx, "add", 1, 0.5))
		if err != nil || f != 1.5 {
			t.Errorf("add(1, 0.5) = %v, %v", f, err)
		}
		// A kwarg that is not plain data goes by reference (Python's
		// str() of it is a nested request back to us).
		s, err := rpyc.As[string](root.CallMethod(ctx, "call_kw", func(x int, k rpyc.Kwargs) string {
			return fmt.Sprintf("%d/%v", x, k["k"])
		}, 3, rpyc.Kwargs{"k": "v"}))
		if err != nil || s != "3/v" {
			t.Errorf("call_kw = %q, %v", s, err)
		}
		if _, err := rpyc.As[int8](root.CallMethod(ctx, "add", 100, 100)); err == nil {
			t.Error("As[int8](200) did not fail")
		}
	})
}

// TestClientNetrefs: a Python list, dict, custom object, iterator and
// generator, driven through netrefs.
func TestClientNetrefs(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		_, root := dialPython(t, layout)
		ctx := ctxT(t)
		l, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "get_list", 10000))
		if err != nil {
			t.Fatal(err)
		}
		if l.TypeName() != "builtins.list" {
			t.Errorf("TypeName = %q", l.TypeName())
		}
		if n, err := l.Len(ctx); err != nil || n != 10000 {
			t.Errorf("len = %d, %v", n, err)
		}
		if v, err := rpyc.As[int](l.GetItem(ctx, -1)); err != nil || v != 9999 {
			t.Errorf("l[-1] = %v, %v", v, err)
		}
		sl, err := rpyc.As[*rpyc.Netref](l.GetItem(ctx, brine.Slice{Start: int64(1), Stop: int64(4)}))
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := sl.Str(ctx); s != "[1, 2, 3]" {
			t.Errorf("str(l[1:4]) = %q", s)
		}
		count, sum := 0, 0
		for v, err := range l.Iter(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			count++
			sum += int(v.(int64))
		}
		if count != 10000 || sum != 9999*10000/2 {
			t.Errorf("iterated %d items, sum %d", count, sum)
		}
		if ok, err := l.Contains(ctx, 5000); err != nil || !ok {
			t.Errorf("5000 in l = %v, %v", ok, err)
		}
		if err := l.SetItem(ctx, 0, "zero"); err != nil {
			t.Fatal(err)
		}
		if v, _ := l.GetItem(ctx, 0); v != "zero" {
			t.Errorf("l[0] = %v after setitem", v)
		}
		if _, err := l.CallMethod(ctx, "append", 1); err != nil {
			t.Fatal(err)
		}
		if _, err := l.GetItem(ctx, 20000); !errors.Is(err, vinegar.ErrIndexError) {
			t.Errorf("l[20000] error = %v, want IndexError", err)
		}
		if _, err := l.Hash(ctx); !errors.Is(err, vinegar.ErrTypeError) {
			t.Errorf("hash(list) error = %v, want TypeError", err)
		}
		if eq, err := l.Equal(ctx, l); err != nil || !eq {
			t.Errorf("l == l = %v, %v", eq, err)
		}
		if r, _ := sl.Repr(ctx); r != "[1, 2, 3]" {
			t.Errorf("repr = %q", r)
		}
		if names, err := l.Dir(ctx); err != nil || !contains(names, "append") {
			t.Errorf("dir(list) = %v, %v", names, err)
		}

		d, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "get_dict"))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := rpyc.As[string](d.GetItem(ctx, "c")); err != nil || v != "three" {
			t.Errorf(`d["c"] = %v, %v`, v, err)
		}
		if _, err := d.GetItem(ctx, "zz"); !errors.Is(err, vinegar.ErrKeyError) {
			t.Errorf(`d["zz"] error = %v`, err)
		}
		items, err := d.CallMethod(ctx, "items")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range items.(*rpyc.Netref).Iter(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 3 {
			t.Errorf("%d items", n)
		}
		if err := d.SetItem(ctx, "n", 9); err != nil {
			t.Fatal(err)
		}
		if ok, _ := d.Contains(ctx, "n"); !ok {
			t.Error(`"n" not in d after setitem`)
		}

		th, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "make_thing", 5))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := rpyc.As[int](th.CallMethod(ctx, "incr", rpyc.Kwargs{"by": 3})); err != nil || v != 8 {
			t.Errorf("incr(by=3) = %v, %v", v, err)
		}
		if v, err := rpyc.As[int](th.GetAttr(ctx, "value")); err != nil || v != 8 {
			t.Errorf("value = %v, %v", v, err)
		}
		if r, _ := th.Repr(ctx); r != "Thing(8)" {
			t.Errorf("repr = %q", r)
		}
		if h, err := th.Hash(ctx); err != nil || h == 0 {
			t.Errorf("hash(thing) = %v, %v", h, err)
		}

		it, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "get_iter", 3))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if v, err := it.Next(ctx); err != nil || v != int64(i) {
				t.Errorf("next = %v, %v", v, err)
			}
		}
		if _, err := it.Next(ctx); !errors.Is(err, vinegar.ErrStopIteration) {
			t.Errorf("next at end = %v, want StopIteration", err)
		}
		g, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "gen", 10000))
		if err != nil {
			t.Fatal(err)
		}
		count = 0
		for _, err := range g.Iter(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			count++
		}
		if count != 10000 {
			t.Errorf("generator gave %d items", count)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestClientExceptions: every common builtin arrives matchable as itself,
// a custom exception keeps its name and attributes.
func TestClientExceptions(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		_, root := dialPython(t, layout)
		ctx := ctxT(t)
		for _, kind := range []string{"ValueError", "KeyError", "TypeError", "IndexError", "AttributeError",
			"ZeroDivisionError", "RuntimeError", "NotImplementedError", "PermissionError", "OSError", "StopIteration",
			"AssertionError", "NameError", "OverflowError", "TimeoutError", "ImportError"} {
			_, err := root.CallMethod(ctx, "fail", kind, "msg-"+kind)
			class, ok := vinegar.Builtin(kind)
			if !ok {
				t.Fatalf("no builtin %s", kind)
			}
			if kind == "OSError" {
				// The server raises FileNotFoundError(2, ...).
				class, _ = vinegar.Builtin("FileNotFoundError")
			}
			if !errors.Is(err, class) {
				t.Errorf("fail(%s) = %v; not matched", kind, err)
				continue
			}
			var exc *vinegar.Exception
			if kind != "StopIteration" && (!errors.As(err, &exc) || !strings.Contains(exc.Traceback, "exposed_fail")) {
				t.Errorf("fail(%s): traceback missing: %v", kind, err)
			}
		}
		_, err := root.CallMethod(ctx, "fail", "OSError", "gone")
		var exc *vinegar.Exception
		if !errors.As(err, &exc) {
			t.Fatal(err)
		}
		if errno, _ := exc.Attr("errno"); errno != int64(2) || !errors.Is(err, vinegar.ErrOSError) {
			t.Errorf("OSError errno = %v (%v)", errno, err)
		}
		_, err = root.CallMethod(ctx, "fail_custom", "custom!")
		if !errors.As(err, &exc) || exc.QualName() != "__main__.CustomError" {
			t.Fatalf("fail_custom = %v", err)
		}
		if code, _ := exc.Attr("code"); code != int64(42) || !errors.Is(err, vinegar.ErrException) || errors.Is(err, vinegar.ErrValueError) {
			t.Errorf("custom exception: code=%v err=%v", code, err)
		}
		_, err = root.GetAttr(ctx, "no_such_attr")
		if !errors.Is(err, vinegar.ErrAttributeError) {
			t.Errorf("getattr missing = %v", err)
		}
	})
}

// TestClientCallbacks: a Go func called 1000 times by the server, and
// Go <-> Python mutual recursion 50 deep, with no serving loop.
func TestClientCallbacks(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		_, root := dialPython(t, layout)
		ctx := ctxT(t)
		calls := 0
		sum, err := rpyc.As[int](root.CallMethod(ctx, "call_back", func(i int) int { calls++; return i }, 1000))
		if err != nil || sum != 999*1000/2 || calls != 1000 {
			t.Errorf("call_back = %d, %v (%d calls)", sum, err, calls)
		}
		var bounce func(ctx context.Context, n int) (int, error)
		bounce = func(ctx context.Context, n int) (int, error) {
			if n <= 0 {
				return 0, nil
			}
			v, err := rpyc.As[int](root.CallMethod(ctx, "bounce", bounce, n-1))
			return v + 1, err
		}
		depth, err := rpyc.As[int](root.CallMethod(ctx, "bounce", bounce, 100))
		if err != nil || depth != 100 {
			t.Errorf("bounce 100 (50 each way) = %d, %v", depth, err)
		}
		// An error in the Go callback reaches Python and comes back.
		_, err = root.CallMethod(ctx, "call_back", func(i int) (int, error) {
			return 0, vinegar.New("KeyError", "from go")
		}, 1)
		if !errors.Is(err, vinegar.ErrKeyError) {
			t.Errorf("callback error = %v, want KeyError", err)
		}
	})
}

// TestClientPipelined: 10,000 async calls in flight, all answered right.
func TestClientPipelined(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		_, root := dialPython(t, layout)
		ctx := ctxT(t)
		const n = 10000
		results := make([]*rpyc.AsyncResult, n)
		for i := range results {
			results[i] = root.CallMethodAsync("add", i, 1)
		}
		for i, r := range results {
			v, err := rpyc.As[int](r.Value(ctx))
			if err != nil || v != i+1 {
				t.Fatalf("call %d = %v, %v", i, v, err)
			}
		}
	})
}

// TestClientConcurrent: 50 goroutines share one connection.
func TestClientConcurrent(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		_, root := dialPython(t, layout)
		ctx := ctxT(t)
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for g := 0; g < 50; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 40; i++ {
					v, err := rpyc.As[int](root.CallMethod(ctx, "add", g, i))
					if err != nil || v != g+i {
						errs <- fmt.Errorf("g%d i%d: %v %v", g, i, v, err)
						return
					}
					if i%10 == 0 {
						if _, err := root.CallMethod(ctx, "call_back", func(x int) int { return x }, 3); err != nil {
							errs <- err
							return
						}
					}
				}
			}(g)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// TestClientPingCloseDeadline: ping; a deadline that expires leaves the
// connection usable; after Close every call fails with ErrClosed.
func TestClientPingCloseDeadline(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		c, root := dialPython(t, layout)
		ctx := ctxT(t)
		if err := c.Ping(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := c.Ping(ctx, []byte("bytes too")); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		_, err := root.CallMethod(short, "sleep", 1.0)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("sleep past deadline = %v", err)
		}
		if v, err := rpyc.As[int](root.CallMethod(ctx, "add", 2, 2)); err != nil || v != 4 {
			t.Fatalf("after the deadline: %v, %v", v, err)
		}
		r := root.CallMethodAsync("sleep", 0.2)
		r.SetExpiry(20 * time.Millisecond)
		if err := r.Wait(ctx); !errors.Is(err, rpyc.ErrTimeout) || !r.Expired() {
			t.Errorf("expired result: %v, expired=%v", err, r.Expired())
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := root.CallMethod(ctx, "add", 1, 1); !errors.Is(err, rpyc.ErrClosed) {
			t.Errorf("call after Close = %v, want ErrClosed", err)
		}
		if err := c.Ping(ctx, nil); !errors.Is(err, rpyc.ErrClosed) {
			t.Errorf("ping after Close = %v", err)
		}
	})
}

// TestClientRelease: Release, and the GC of forgotten netrefs, shrink the
// Python server's object table.
func TestClientRelease(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		_, root := dialPython(t, layout)
		ctx := ctxT(t)
		size := func() int {
			n, err := rpyc.As[int](root.CallMethod(ctx, "table_size"))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		base := size()
		things := make([]*rpyc.Netref, 20)
		for i := range things {
			th, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "make_thing", i))
			if err != nil {
				t.Fatal(err)
			}
			things[i] = th
		}
		if got := size(); got != base+20 {
			t.Fatalf("table size %d, want %d", got, base+20)
		}
		for _, th := range things[:10] {
			th.Release()
		}
		if got := size(); got != base+10 {
			t.Errorf("after Release: %d, want %d", got, base+10)
		}
		if _, err := things[0].GetAttr(ctx, "value"); !errors.Is(err, rpyc.ErrReleased) {
			t.Errorf("use after Release = %v", err)
		}
		things = nil
		deadline := time.Now().Add(10 * time.Second)
		for size() != base && time.Now().Before(deadline) {
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
		}
		if got := size(); got != base {
			t.Errorf("after GC: %d, want %d", got, base)
		}
	})
}

// TestClientClassic drives Python's SlaveService (rpyc_classic).
func TestClientClassic(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		_, root := dialPython(t, layout, "--classic")
		ctx := ctxT(t)
		osmod, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "getmodule", "os"))
		if err != nil {
			t.Fatal(err)
		}
		cwd, err := rpyc.As[string](osmod.CallMethod(ctx, "getcwd"))
		if err != nil || cwd == "" {
			t.Fatalf("os.getcwd() = %q, %v", cwd, err)
		}
		if v, err := rpyc.As[int](root.CallMethod(ctx, "eval", "1+2")); err != nil || v != 3 {
			t.Errorf("eval = %v, %v", v, err)
		}
		if _, err := root.CallMethod(ctx, "execute", "x = 5"); err != nil {
			t.Fatal(err)
		}
		if v, err := rpyc.As[int](root.CallMethod(ctx, "eval", "x")); err != nil || v != 5 {
			t.Errorf("eval x = %v, %v", v, err)
		}
		builtins, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "getmodule", "builtins"))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "classic.txt")
		f, err := rpyc.As[*rpyc.Netref](builtins.CallMethod(ctx, "open", path, "w"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.CallMethod(ctx, "write", "written by Go\n"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.CallMethod(ctx, "close"); err != nil {
			t.Fatal(err)
		}
		f, err = rpyc.As[*rpyc.Netref](builtins.CallMethod(ctx, "open", path))
		if err != nil {
			t.Fatal(err)
		}
		text, err := rpyc.As[string](f.CallMethod(ctx, "read"))
		if err != nil || text != "written by Go\n" {
			t.Errorf("read back %q, %v", text, err)
		}
		if _, err := f.Exit(ctx, nil); err != nil {
			t.Errorf("__exit__: %v", err)
		}
		if b, _ := os.ReadFile(path); string(b) != "written by Go\n" {
			t.Errorf("file holds %q", b)
		}
	})
}

// TestClientLayoutAuto: with a zero Config.Layout, Dial finds out which
// layout the Python server speaks (6.x first, 5.x after the server hangs
// up), so a Go program needs no version setting.
func TestClientLayoutAuto(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := Start(t, PeerOptions{Script: "py_server.py", Layout6: layout == message.LayoutV6})
		ctx := ctxT(t)
		for _, cfg := range []*rpyc.Config{nil, rpyc.DefaultConfig()} {
			c, err := rpyc.Dial(ctx, p.Addr, cfg)
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			if c.Layout() != layout {
				t.Errorf("speaking %v to a %v server", c.Layout(), layout)
			}
			root, err := c.Root(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v, err := rpyc.As[int](root.CallMethod(ctx, "add", 1, 2)); err != nil || v != 3 {
				t.Errorf("add = %v, %v", v, err)
			}
			_ = c.Close()
		}
	})
}
