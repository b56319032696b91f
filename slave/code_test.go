package slave_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/slave"
	"github.com/rpyc-go/rpyc/vinegar"
)

// TestEvalExecuteNamespace: one namespace per connection, shared by
// execute, eval and the namespace object; functions defined by code are
// callable from the client; values cross as Python values.
func TestEvalExecuteNamespace(t *testing.T) {
	c, ctx := pair(t, nil)
	if v, err := c.Eval(ctx, "1+2"); err != nil || v != int64(3) {
		t.Fatalf("eval 1+2 = %v, %v", v, err)
	}
	if err := c.Execute(ctx, "def f(x):\n  return x*2\nitems = [1, 'a', (2, 3)]\nd = {'k': [1]}\nbig = 1 << 70"); err != nil {
		t.Fatal(err)
	}
	ns, err := c.Namespace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ns.GetItem(ctx, "f")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.(*rpyc.Netref).Call(ctx, 21); err != nil || v != int64(42) {
		t.Errorf("namespace['f'](21) = %v, %v; want 42", v, err)
	}
	if err := ns.SetItem(ctx, "y", 5); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Eval(ctx, "f(y)"); err != nil || v != int64(10) {
		t.Errorf("f(y) = %v, %v; want 10", v, err)
	}
	// Globals stay mutable across calls.
	if err := c.Execute(ctx, "items.append(4)\nd['k'].append(2)"); err != nil {
		t.Fatal(err)
	}
	items, err := rpyc.Obtain[[]any](ctx, must(c.Eval(ctx, "items")))
	if err != nil || len(items) != 4 || items[1] != "a" {
		t.Errorf("items = %v, %v", items, err)
	}
	if tup, ok := items[2].(brine.Tuple); !ok || len(tup) != 2 {
		t.Errorf("items[2] = %#v, want a tuple", items[2])
	}
	if v, err := c.Eval(ctx, "big"); err != nil || fmt.Sprint(v) != "1180591620717411303424" {
		t.Errorf("big = %v, %v; want 1 << 70", v, err)
	}
	if n, err := ns.Len(ctx); err != nil || n != 6 {
		t.Errorf("len(namespace) = %d, %v; want 6 (__builtins__, f, items, d, big, y)", n, err)
	}
	if ok, err := ns.Contains(ctx, "__builtins__"); err != nil || !ok {
		t.Errorf("'__builtins__' in namespace = %v, %v; want True, as exec puts it there", ok, err)
	}
	if ok, err := ns.Contains(ctx, "f"); err != nil || !ok {
		t.Errorf("'f' in namespace = %v, %v", ok, err)
	}
}

func must(v any, err error) any {
	if err != nil {
		panic(err)
	}
	return v
}

// TestCodeErrors: a syntax error is SyntaxError with Python's attributes,
// runtime errors get the Python class a Python programmer expects, and
// the connection lives on after each.
func TestCodeErrors(t *testing.T) {
	c, ctx := pair(t, nil)
	cases := []struct{ code, class string }{
		{"def broken(:\n  pass", "SyntaxError"},
		{"x = = 1", "SyntaxError"},
		{"undefined_name + 1", "NameError"},
		{"x = 1 // 0", "ZeroDivisionError"},
		{"x = {}['missing']", "KeyError"},
		{"x = [1][5]", "IndexError"},
		{"x = 1 + 'a'", "TypeError"},
	}
	for _, tc := range cases {
		err := c.Execute(ctx, tc.code)
		wantPyErr(t, err, tc.class)
		if v, err := c.Eval(ctx, "40+2"); err != nil || v != int64(42) {
			t.Fatalf("after %q: eval = %v, %v; the connection should live on", tc.code, v, err)
		}
	}
	_, err := c.Eval(ctx, "1 +")
	wantPyErr(t, err, "SyntaxError")
}

// TestPrintGoesToSysStdout: print in executed code writes to sys.stdout
// as it is when it runs: the server's writer, or a writer the client set.
func TestPrintGoesToSysStdout(t *testing.T) {
	var server bytes.Buffer
	c, ctx := pair(t, &slave.Options{Stdout: &server})
	if err := c.Execute(ctx, "print('to server', 1)"); err != nil {
		t.Fatal(err)
	}
	if server.String() != "to server 1\n" {
		t.Errorf("server stdout = %q", server.String())
	}
	var mine bytes.Buffer
	err := c.WithRedirectedStdio(ctx, &mine, nil, func() error {
		return c.Execute(ctx, "print('to client')")
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mine.String(), "to client\n") || strings.Contains(server.String(), "to client") {
		t.Errorf("redirected print: client got %q, server got %q", mine.String(), server.String())
	}
}

// TestCodeReachesModules: code reaches the Go modules through import
// and __import__, with Python's attribute names, defaults and keyword
// arguments, and getattr/hasattr work on them.
func TestCodeReachesModules(t *testing.T) {
	c, ctx := pair(t, nil)
	dir := t.TempDir()
	code := fmt.Sprintf(`import os
d = os.path.join(%q, "made", "here")
os.makedirs(d, exist_ok=True)
exists = os.path.isdir(d)
flags = (lambda os: (os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, 'O_BINARY', 0), hasattr(os, 'pwrite')))(__import__('os'))
from subprocess import run
r = run(["echo", "hi"], capture_output=True, text=True)
out = (r.returncode, r.stdout)
`, dir)
	if err := c.Execute(ctx, code); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Eval(ctx, "exists"); err != nil || v != true {
		t.Errorf("exists = %v, %v", v, err)
	}
	if v, err := c.Eval(ctx, "flags"); err != nil || brine.Repr(v) != fmt.Sprintf("(%d, True)", os.O_WRONLY|os.O_CREATE|os.O_TRUNC) {
		t.Errorf("flags = %s, %v", brine.Repr(v), err)
	}
	if v, err := c.Eval(ctx, "out"); err != nil || brine.Repr(v) != "(0, 'hi\\n')" {
		t.Errorf("out = %s, %v", brine.Repr(v), err)
	}
	_, err := c.Eval(ctx, "__import__('nosuch')")
	wantPyErr(t, err, "ModuleNotFoundError")
	if ns, err := c.Namespace(ctx); err == nil {
		if ok, _ := ns.Contains(ctx, "__import__"); ok {
			t.Error("__import__ shows in the namespace; it should be a builtin only code sees")
		}
	}
}

// TestGoClientTransfers: the Go classic client's Upload and Download,
// which read os flags through eval, work against the Go server too.
func TestGoClientTransfers(t *testing.T) {
	c, ctx := pair(t, nil)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	data := bytes.Repeat([]byte("0123456789abcdef"), 50000)
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Upload(ctx, src, filepath.Join(dir, "up"), nil); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if err := c.Download(ctx, filepath.Join(dir, "up"), filepath.Join(dir, "down"), nil); err != nil {
		t.Fatalf("Download: %v", err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "down")); err != nil || !bytes.Equal(got, data) {
		t.Errorf("round trip: %d bytes, %v; want %d equal bytes", len(got), err, len(data))
	}
}

// TestCodeStopsWithConnection: a loop that never ends stops when its
// client goes (the connection's context ends, the interpreter raises
// KeyboardInterrupt at the next loop iteration), so the server's handler
// returns and nothing is left running (TestMain checks for leaks).
func TestCodeStopsWithConnection(t *testing.T) {
	c, srv, ctx := serve(t, nil)
	done := make(chan error, 1)
	go func() {
		done <- c.Execute(ctx, "n = 0\nwhile True:\n    try:\n        n += 1\n    except:\n        pass")
	}()
	time.Sleep(200 * time.Millisecond)
	_ = c.Close()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("execute did not return after the client closed")
	}
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the server connection did not close: the loop is still running")
	}
}

// TestGeneratorsEndWithConnection: a generator left suspended is ended
// when the connection ends, running its finally blocks.
func TestGeneratorsEndWithConnection(t *testing.T) {
	var out syncBuffer
	c, srv, ctx := serve(t, &slave.Options{Stdout: &out})
	code := "def g():\n    try:\n        yield 1\n        yield 2\n    finally:\n        print('generator closed')\nit = g()\nfirst = next(it)"
	if err := c.Execute(ctx, code); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	_ = srv.Close()
	// The service's disconnect hook runs once the handlers are done.
	for deadline := time.Now().Add(10 * time.Second); out.String() == "" && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if got := out.String(); got != "generator closed\n" {
		t.Errorf("server stdout = %q, want the generator's finally to have printed", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestUnsupportedSyntax: what the interpreter does not run is a
// SyntaxError naming the construct.
func TestUnsupportedSyntax(t *testing.T) {
	c, ctx := pair(t, nil)
	for code, want := range map[string]string{
		"async def f():\n    pass":                          "async def is not supported by this server",
		"match x:\n    case 1:\n        pass":               "the match statement is not supported by this server",
		"try:\n    pass\nexcept* ValueError:\n    pass":     "except* (exception groups) is not supported by this server",
		"type Alias = int":                                  "the type statement is not supported by this server",
		"def f():\n    await g()":                           "await is not supported by this server",
		"Meta = object\nclass A(metaclass=Meta):\n    pass": "metaclasses are not supported by this server",
	} {
		err := c.Execute(ctx, code)
		if strings.Contains(code, "metaclass") {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("execute %q: %v, want an error naming %q", code, err, want)
			}
			continue
		}
		wantPyErr(t, err, "SyntaxError")
		if !strings.Contains(err.Error(), want) {
			t.Errorf("execute %q: %v, want %q", code, err, want)
		}
	}
}

// TestCodeValuesByReference: eval gives lists, dicts and objects by
// reference, as Python's server does: the client's changes are the
// code's.
func TestCodeValuesByReference(t *testing.T) {
	c, ctx := pair(t, nil)
	if err := c.Execute(ctx, "items = [1, 2]\nconf = {'a': 1}\nclass P:\n    def __init__(self):\n        self.x = 3\n    def twice(self):\n        return self.x * 2\np = P()"); err != nil {
		t.Fatal(err)
	}
	items := must(c.Eval(ctx, "items")).(*rpyc.Netref)
	if _, err := items.CallMethod(ctx, "append", 3); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Eval(ctx, "len(items)"); err != nil || n != int64(3) {
		t.Errorf("len(items) after the client's append = %v, %v; want 3", n, err)
	}
	conf := must(c.Eval(ctx, "conf")).(*rpyc.Netref)
	if err := conf.SetItem(ctx, "b", 2); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Eval(ctx, "conf['b']"); err != nil || v != int64(2) {
		t.Errorf("conf['b'] = %v, %v; want 2", v, err)
	}
	p := must(c.Eval(ctx, "p")).(*rpyc.Netref)
	if v, err := p.CallMethod(ctx, "twice"); err != nil || v != int64(6) {
		t.Errorf("p.twice() = %v, %v; want 6", v, err)
	}
	if err := p.SetAttr(ctx, "x", 10); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Eval(ctx, "p.x"); err != nil || v != int64(10) {
		t.Errorf("p.x = %v, %v; want 10", v, err)
	}
	if r, err := items.Repr(ctx); err != nil || r != "[1, 2, 3]" {
		t.Errorf("repr(items) = %q, %v", r, err)
	}
	if same, err := c.Eval(ctx, "items is items"); err != nil || same != true {
		t.Errorf("items is items = %v, %v", same, err)
	}
}

// TestTracebackOfCode: an exception escaping execute carries Python's
// traceback, with the lines of the code.
func TestTracebackOfCode(t *testing.T) {
	c, ctx := pair(t, nil)
	err := c.Execute(ctx, "def inner():\n    raise ValueError('deep')\n\ndef outer():\n    inner()\n\nouter()")
	wantPyErr(t, err, "ValueError")
	var e *vinegar.Exception
	errors.As(err, &e)
	want := "Traceback (most recent call last):\n" +
		"  File \"<string>\", line 7, in <module>\n" +
		"  File \"<string>\", line 5, in outer\n" +
		"  File \"<string>\", line 2, in inner\n" +
		"ValueError: deep\n"
	if e.Traceback != want {
		t.Errorf("traceback:\n%s\nwant:\n%s", e.Traceback, want)
	}
	err = c.Execute(ctx, "x = (1,\n     2 +)")
	wantPyErr(t, err, "SyntaxError")
	errors.As(err, &e)
	if line, _ := e.Attr("lineno"); line != int64(2) {
		t.Errorf("SyntaxError lineno = %v, want 2", line)
	}
}
