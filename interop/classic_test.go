//go:build unix

package interop

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// exerciseClassic drives a classic server through the classic API.
func exerciseClassic(t *testing.T, c *classic.Conn) {
	t.Helper()
	ctx := ctxT(t)
	pathmod, err := c.Modules(ctx, "os.path")
	if err != nil {
		t.Fatalf("Modules(os.path): %v", err)
	}
	j, err := rpyc.As[string](pathmod.CallMethod(ctx, "join", "a", "b"))
	if err != nil || j != "a/b" {
		t.Errorf("os.path.join = %q, %v", j, err)
	}
	if j, err := rpyc.As[string](c.Call(ctx, "os.path.join", "x", "y")); err != nil || j != "x/y" {
		t.Errorf("Call(os.path.join) = %q, %v", j, err)
	}
	if sep, err := rpyc.As[string](c.Get(ctx, "os.sep")); err != nil || sep != "/" {
		t.Errorf("Get(os.sep) = %q, %v", sep, err)
	}
	if n, err := rpyc.As[int](c.Call(ctx, "len", "hello")); err != nil || n != 5 {
		t.Errorf("Call(len) = %d, %v", n, err)
	}
	b, err := c.Builtins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := rpyc.As[int](b.CallMethod(ctx, "max", 3, 9, 4)); err != nil || m != 9 {
		t.Errorf("builtins.max = %d, %v", m, err)
	}
	big2, err := rpyc.As[*big.Int](c.Eval(ctx, "2**100"))
	want := new(big.Int).Lsh(big.NewInt(1), 100)
	if err != nil || big2.Cmp(want) != 0 {
		t.Errorf("Eval(2**100) = %v, %v", big2, err)
	}
	if err := c.Execute(ctx, "def twice(x):\n    return 2 * x\nanswer = twice(21)\n"); err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if v, err := rpyc.As[int](c.Eval(ctx, "answer")); err != nil || v != 42 {
		t.Errorf("Eval(answer) = %d, %v", v, err)
	}
	ns, err := c.Namespace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := ns.GetItem(ctx, "twice")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := rpyc.As[int](fn.(*rpyc.Netref).Call(ctx, 5)); err != nil || v != 10 {
		t.Errorf("namespace['twice'](5) = %d, %v", v, err)
	}
	_, err = c.Eval(ctx, "1/0")
	if !errors.Is(err, vinegar.ErrZeroDivisionError) {
		t.Errorf("Eval(1/0) = %v, want ZeroDivisionError", err)
	}
	if _, err := c.Modules(ctx, "no_such_module_xyz"); !errors.Is(err, vinegar.ErrImportError) {
		t.Errorf("Modules(no_such_module_xyz) = %v, want ImportError", err)
	}

	// Typed file helpers, in a fresh directory.
	dir := t.TempDir()
	if cwd, err := c.Getcwd(ctx); err != nil || cwd == "" {
		t.Errorf("Getcwd = %q, %v", cwd, err)
	}
	sub := filepath.Join(dir, "a", "b")
	if err := c.MkdirAll(ctx, sub); err != nil {
		t.Fatalf("MkdirAll: %v", err)
	}
	f := filepath.Join(sub, "f.txt")
	if err := c.WriteFile(ctx, f, []byte("hello\n")); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if data, err := c.ReadFile(ctx, f); err != nil || string(data) != "hello\n" {
		t.Errorf("ReadFile = %q, %v", data, err)
	}
	if st, err := c.Stat(ctx, f); err != nil || st.Size != 6 || st.IsDir || time.Since(st.ModTime) > time.Hour {
		t.Errorf("Stat = %+v, %v", st, err)
	}
	if st, err := c.Stat(ctx, sub); err != nil || !st.IsDir {
		t.Errorf("Stat(dir) = %+v, %v", st, err)
	}
	if names, err := c.ListDir(ctx, sub); err != nil || !reflect.DeepEqual(names, []string{"f.txt"}) {
		t.Errorf("ListDir = %v, %v", names, err)
	}
	g := filepath.Join(sub, "g.txt")
	if err := c.Rename(ctx, f, g); err != nil {
		t.Fatalf("Rename: %v", err)
	}
	if ok, err := c.Exists(ctx, f); err != nil || ok {
		t.Errorf("Exists(old name) = %v, %v", ok, err)
	}
	if err := c.Remove(ctx, g); err != nil {
		t.Errorf("Remove: %v", err)
	}
	if _, err := c.Stat(ctx, g); !errors.Is(err, vinegar.ErrFileNotFoundError) {
		t.Errorf("Stat(removed) = %v, want FileNotFoundError", err)
	}
	if err := c.RemoveAll(ctx, filepath.Join(dir, "a")); err != nil {
		t.Errorf("RemoveAll: %v", err)
	}
}

// TestClassicRPyCClassic drives Debian's rpyc_classic command, both
// message layouts.
func TestClassicRPyCClassic(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startRPyCClassic(t, layout)
		// Layout zero: Connect learns it.
		ctx := ctxT(t)
		c, err := classic.Connect(ctx, p.Addr, nil)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer c.Close()
		if c.Layout() != layout {
			t.Errorf("layout %v, want %v", c.Layout(), layout)
		}
		exerciseClassic(t, c)
	})
}

// TestClassicThreadedSlave drives a ThreadedServer(SlaveService) over TCP
// and over a Unix socket.
func TestClassicThreadedSlave(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startClassicServer(t, "slave", layout)
		exerciseClassic(t, connectClassic(t, p.Addr, layout))
	})
	t.Run("unix", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "classic.sock")
		startClassicServer(t, "slave", message.LayoutV5, sock)
		ctx := ctxT(t)
		c, err := classic.ConnectUnix(ctx, sock, nil)
		if err != nil {
			t.Fatalf("ConnectUnix: %v", err)
		}
		defer c.Close()
		exerciseClassic(t, c)
	})
}

// TestClassicSubproc: rpyc_classic started as a child speaking over its
// stdin/stdout, in both layouts, and with the layout learnt.
func TestClassicSubproc(t *testing.T) {
	py := Python(t)
	cases := []struct {
		name string
		opts *classic.SubprocOptions
		cfg  *rpyc.Config
		want message.Layout
	}{
		{"default-command", &classic.SubprocOptions{Python: py}, nil, message.LayoutV5},
		{"v5", &classic.SubprocOptions{Command: []string{py, ScriptPath("classic_stdio.py")}}, layoutConfig(message.LayoutV5), message.LayoutV5},
		{"v6", &classic.SubprocOptions{Command: []string{py, ScriptPath(layoutRunner), ScriptPath("classic_stdio.py")}}, layoutConfig(message.LayoutV6), message.LayoutV6},
		{"v6-learnt", &classic.SubprocOptions{Command: []string{py, ScriptPath(layoutRunner), ScriptPath("classic_stdio.py")}}, nil, message.LayoutV6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxT(t)
			c, err := classic.ConnectSubproc(ctx, tc.opts, tc.cfg)
			if err != nil {
				t.Fatalf("ConnectSubproc: %v", err)
			}
			if c.Layout() != tc.want {
				t.Errorf("layout %v, want %v", c.Layout(), tc.want)
			}
			pid, err := rpyc.As[int](c.Call(ctx, "os.getpid"))
			if err != nil || pid == os.Getpid() || pid <= 0 {
				t.Errorf("remote pid %d, %v", pid, err)
			}
			exerciseClassic(t, c)
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	t.Run("bad-python", func(t *testing.T) {
		ctx := ctxT(t)
		_, err := classic.ConnectSubproc(ctx, &classic.SubprocOptions{Command: []string{py, "-c", "import sys; sys.stderr.write('no rpyc here'); sys.exit(3)"}}, nil)
		if err == nil || !strings.Contains(err.Error(), "no rpyc here") {
			t.Errorf("err = %v, want the child's stderr in it", err)
		}
	})
}

// TestClassicPickle: Obtain and Deliver of nested plain data through
// pickle, both layouts.
func TestClassicPickle(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startRPyCClassic(t, layout)
		c := connectClassic(t, p.Addr, layout)
		ctx := ctxT(t)
		v, err := c.Eval(ctx, "{'list': [1, 2, [3, 4]], 'tuple': (1, 'two', b'three'), 'set': {5}, "+
			"'frozen': frozenset([6]), 'big': 2**80, 'neg': -7, 'float': 2.5, 'none': None, 'bool': True, "+
			"'bytes': b'\\x00\\xff', 'nested': {'a': {'b': [None]}}, 'c': 1+2j, 'ba': bytearray(b'xy'), 1: 'int key'}")
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Obtain(ctx, v)
		if err != nil {
			t.Fatalf("Obtain: %v", err)
		}
		big80 := new(big.Int).Lsh(big.NewInt(1), 80)
		want := map[any]any{
			"list": []any{int64(1), int64(2), []any{int64(3), int64(4)}}, "tuple": brine.Tuple{int64(1), "two", []byte("three")},
			"set": classic.Set{int64(5)}, "frozen": brine.FrozenSet{int64(6)}, "big": big80, "neg": int64(-7),
			"float": 2.5, "none": nil, "bool": true, "bytes": []byte{0, 0xff}, "nested": map[any]any{"a": map[any]any{"b": []any{nil}}},
			"c": complex(1, 2), "ba": []byte("xy"), int64(1): "int key",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Obtain:\n got %#v\nwant %#v", got, want)
		}
		// Deliver the same back: Python compares with the original.
		if err := c.Execute(ctx, "import pickle"); err != nil {
			t.Fatal(err)
		}
		remote, err := c.Deliver(ctx, want)
		if err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		eq, err := v.(*rpyc.Netref).Equal(ctx, remote)
		if err != nil || !eq {
			r, _ := remote.(*rpyc.Netref).Repr(ctx)
			t.Errorf("delivered value differs (%v): %s", err, r)
		}
		type point struct {
			X    int    `rpyc:"x"`
			Name string `rpyc:"name"`
			skip int
		}
		pt, err := c.Deliver(ctx, &point{X: 3, Name: "p", skip: 1})
		if err != nil {
			t.Fatalf("Deliver struct: %v", err)
		}
		// A Go struct pickles as a dict of its tagged fields; compare as
		// dicts, since Go gives its fields to the pickle in no fixed order.
		wantPt, err := c.Eval(ctx, "{'x': 3, 'name': 'p'}")
		if err != nil {
			t.Fatal(err)
		}
		if eq, err := pt.(*rpyc.Netref).Equal(ctx, wantPt); err != nil || !eq {
			r, _ := pt.(*rpyc.Netref).Repr(ctx)
			t.Errorf("struct delivered as %s, %v", r, err)
		}
		// What cannot map: clear errors both ways.
		dt, err := c.Eval(ctx, "__import__('datetime').date(2020, 1, 2)")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Obtain(ctx, dt); !errors.Is(err, classic.ErrNotPlainData) || !strings.Contains(err.Error(), "datetime.date") {
			t.Errorf("Obtain(date) = %v", err)
		}
		if _, err := c.Deliver(ctx, map[string]any{"f": func() {}}); !errors.Is(err, rpyc.ErrNotPicklable) {
			t.Errorf("Deliver(func) = %v", err)
		}
		typed, err := classic.ObtainAs[map[string][]int](ctx, c, must(c.Eval(ctx, "{'a': [1, 2]}")))
		if err != nil || !reflect.DeepEqual(typed, map[string][]int{"a": {1, 2}}) {
			t.Errorf("ObtainAs = %v, %v", typed, err)
		}
	})
}

func must(v any, err error) any {
	if err != nil {
		panic(err)
	}
	return v
}

// TestClassicRedirectedStdio: a remote print lands in a local writer;
// afterwards the server's own streams are back.
func TestClassicRedirectedStdio(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startRPyCClassic(t, layout)
		c := connectClassic(t, p.Addr, layout)
		ctx := ctxT(t)
		var out, errOut bytes.Buffer
		err := c.WithRedirectedStdio(ctx, &out, &errOut, func() error {
			if err := c.Execute(ctx, "print('hello from python', 42)"); err != nil {
				return err
			}
			return c.Execute(ctx, "import sys; sys.stderr.write('to stderr\\n')")
		})
		if err != nil {
			t.Fatalf("WithRedirectedStdio: %v", err)
		}
		if out.String() != "hello from python 42\n" {
			t.Errorf("stdout = %q", out.String())
		}
		if errOut.String() != "to stderr\n" {
			t.Errorf("stderr = %q", errOut.String())
		}
		if r, err := rpyc.As[string](c.Eval(ctx, "type(__import__('sys').stdout).__name__")); err != nil || r != "TextIOWrapper" {
			t.Errorf("after restore sys.stdout is %q, %v", r, err)
		}
	})
}

// TestClassicInteract: a REPL session fed from a reader.
func TestClassicInteract(t *testing.T) {
	p := startRPyCClassic(t, message.LayoutV5)
	c := connectClassic(t, p.Addr, message.LayoutV5)
	ctx := ctxT(t)
	in := strings.NewReader("x = 6 * 7\nprint('x is', x)\nfor i in range(2):\n    print(i)\n\n1/0\n")
	var out, errOut bytes.Buffer
	if err := c.Interact(ctx, in, &out, &errOut); err != nil {
		t.Fatalf("Interact: %v", err)
	}
	if !strings.Contains(out.String(), "x is 42\n") || !strings.Contains(out.String(), "0\n1\n") {
		t.Errorf("stdout = %q", out.String())
	}
	if !strings.Contains(out.String(), ">>> ") && !strings.Contains(errOut.String(), ">>> ") {
		t.Errorf("no prompt: stdout %q stderr %q", out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "ZeroDivisionError") {
		t.Errorf("stderr = %q, want the traceback", errOut.String())
	}
	if r, err := rpyc.As[string](c.Eval(ctx, "type(__import__('sys').stdin).__name__")); err != nil || r != "TextIOWrapper" {
		t.Errorf("after Interact sys.stdin is %q, %v", r, err)
	}
	_ = context.Background
}
