package slave_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/slave"
)

// TestEvalExecuteNamespace: one namespace per connection, shared by
// execute, eval and the namespace object; Starlark functions are
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
	// Globals stay mutable across calls (not frozen as Starlark modules are).
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
	if n, err := ns.Len(ctx); err != nil || n != 5 {
		t.Errorf("len(namespace) = %d, %v; want 5 (f, items, d, big, y)", n, err)
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

// TestStarlarkReachesModules: code reaches the Go modules through
// __import__ and getmodule, with Python's attribute names, defaults and
// keyword arguments, and getattr/hasattr work on them.
func TestStarlarkReachesModules(t *testing.T) {
	c, ctx := pair(t, nil)
	dir := t.TempDir()
	code := fmt.Sprintf(`os = __import__("os")
d = os.path.join(%q, "made", "here")
os.makedirs(d, exist_ok=True)
exists = os.path.isdir(d)
flags = (lambda os: (os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, 'O_BINARY', 0), hasattr(os, 'pwrite')))(__import__('os'))
r = __import__("subprocess").run(["echo", "hi"], capture_output=True, text=True)
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
