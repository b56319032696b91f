package slave_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/slave"
)

// TestOSPathLikePython: os.path answers as Python's posixpath does
// (expected values are what CPython 3.11 prints).
func TestOSPathLikePython(t *testing.T) {
	c, ctx := pair(t, nil)
	cases := []struct {
		fn   string
		args []any
		want any
	}{
		{"join", []any{"a", "b"}, "a/b"},
		{"join", []any{"a/", "b"}, "a/b"},
		{"join", []any{"a", "/b", "c"}, "/b/c"},
		{"join", []any{"a", ""}, "a/"},
		{"join", []any{"a", "../b"}, "a/../b"},
		{"basename", []any{"/a/b"}, "b"},
		{"basename", []any{"/a/b/"}, ""},
		{"dirname", []any{"/a/b/"}, "/a/b"},
		{"dirname", []any{"/a"}, "/"},
		{"dirname", []any{"a"}, ""},
		{"splitext", []any{"a/b.tar.gz"}, brine.Tuple{"a/b.tar", ".gz"}},
		{"splitext", []any{".bashrc"}, brine.Tuple{".bashrc", ""}},
		{"split", []any{"/usr/lib"}, brine.Tuple{"/usr", "lib"}},
		{"isabs", []any{"/x"}, true},
		{"normpath", []any{"a//b/../c/."}, "a/c"},
	}
	for _, tc := range cases {
		got := call(t, c, ctx, "os.path."+tc.fn, tc.args...)
		if brine.Repr(got) != brine.Repr(tc.want) {
			t.Errorf("os.path.%s%v = %s, want %s", tc.fn, tc.args, brine.Repr(got), brine.Repr(tc.want))
		}
	}
}

// TestOSFiles: the os functions classic utilities use, with Python's
// exception classes and POSIX st_mode.
func TestOSFiles(t *testing.T) {
	c, ctx := pair(t, nil)
	dir := t.TempDir()
	sub := filepath.Join(dir, "x", "y")
	call(t, c, ctx, "os.makedirs", sub)
	_, err := c.Call(ctx, "os.makedirs", sub)
	wantPyErr(t, err, "FileExistsError")
	call(t, c, ctx, "os.makedirs", sub, rpyc.Kwargs{"exist_ok": true})
	if !call(t, c, ctx, "os.path.isdir", sub).(bool) {
		t.Error("isdir after makedirs = false")
	}
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte("hello"), 0o640); err != nil {
		t.Fatal(err)
	}
	st, err := c.Call(ctx, "os.stat", file)
	if err != nil {
		t.Fatal(err)
	}
	mode, err := rpyc.As[int64](st.(*rpyc.Netref).GetAttr(ctx, "st_mode"))
	if err != nil || mode != 0o100640 {
		t.Errorf("st_mode = %o, %v; want 100640 (S_IFREG|0640)", mode, err)
	}
	if size, _ := rpyc.As[int64](st.(*rpyc.Netref).GetAttr(ctx, "st_size")); size != 5 {
		t.Errorf("st_size = %d, want 5", size)
	}
	names, err := rpyc.As[[]string](c.Call(ctx, "os.listdir", dir))
	if err != nil || len(names) != 2 {
		t.Errorf("listdir = %v, %v", names, err)
	}
	call(t, c, ctx, "os.rename", file, file+".2")
	_, err = c.Call(ctx, "os.remove", file)
	wantPyErr(t, err, "FileNotFoundError")
	_, err = c.Call(ctx, "os.remove", sub)
	wantPyErr(t, err, "IsADirectoryError")
	call(t, c, ctx, "os.remove", file+".2")
	call(t, c, ctx, "os.rmdir", sub)
	if call(t, c, ctx, "os.path.exists", sub).(bool) {
		t.Error("exists after rmdir = true")
	}
	if err := os.WriteFile(filepath.Join(dir, "x", "leaf"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var walked []string
	for v, err := range must(c.Call(ctx, "os.walk", dir)).(*rpyc.Netref).Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		// (dirpath, dirnames, filenames): the name lists are lists, by
		// reference, as Python's.
		t := v.(brine.Tuple)
		dirs := must(rpyc.Obtain[[]string](ctx, t[1]))
		files := must(rpyc.Obtain[[]string](ctx, t[2]))
		walked = append(walked, fmt.Sprint(t[0], dirs, files))
	}
	want := []string{
		fmt.Sprint(dir, []string{"x"}, []string{}),
		fmt.Sprint(filepath.Join(dir, "x"), []string{}, []string{"leaf"}),
	}
	if fmt.Sprint(walked) != fmt.Sprint(want) {
		t.Errorf("os.walk = %v, want %v", walked, want)
	}
}

// TestBuiltinsLikePython: int, repr, len, open follow Python.
func TestBuiltinsLikePython(t *testing.T) {
	c, ctx := pair(t, nil)
	for _, tc := range []struct {
		args []any
		want any
	}{
		{[]any{" 12_3 "}, int64(123)},
		{[]any{"ff", 16}, int64(255)},
		{[]any{3.9}, int64(3)},
		{[]any{"123456789012345678901234567890"}, "123456789012345678901234567890"},
	} {
		got := call(t, c, ctx, "builtins.int", tc.args...)
		if brine.Repr(got) != brine.Repr(tc.want) && brine.Repr(got) != tc.want {
			t.Errorf("int%v = %s, want %v", tc.args, brine.Repr(got), tc.want)
		}
	}
	_, err := c.Call(ctx, "builtins.int", "foo")
	wantPyErr(t, err, "ValueError")
	if e := err.Error(); !contains(e, "invalid literal for int() with base 10: 'foo'") {
		t.Errorf("int('foo') error %q lacks Python's message", e)
	}
	if got := call(t, c, ctx, "builtins.repr", "it's"); got != `"it's"` {
		t.Errorf("repr(\"it's\") = %v", got)
	}
	if got := call(t, c, ctx, "builtins.repr", []byte("a\x00")); got != `b'a\x00'` {
		t.Errorf("repr(b'a\\x00') = %v", got)
	}
	if got := call(t, c, ctx, "builtins.len", "héllo"); got != int64(5) {
		t.Errorf("len('héllo') = %v, want 5", got)
	}
	_, err = c.Call(ctx, "builtins.len", 3)
	wantPyErr(t, err, "TypeError")
	_, err = c.Modules(ctx, "no_such_module")
	wantPyErr(t, err, "ModuleNotFoundError")
}

func contains(s, sub string) bool { return len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0) }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestTextAndBinaryFiles: open in text mode reads and writes str, with
// readline, seek and tell; binary mode gives bytes; missing files and
// "x" on an existing one raise Python's classes.
func TestTextAndBinaryFiles(t *testing.T) {
	c, ctx := pair(t, nil)
	p := filepath.Join(t.TempDir(), "t.txt")
	f := must(c.Call(ctx, "builtins.open", p, "w")).(*rpyc.Netref)
	if n, err := rpyc.As[int](f.CallMethod(ctx, "write", "line1\nlíne2\n")); err != nil || n != 12 {
		t.Errorf("write = %d, %v; want 12 characters", n, err)
	}
	if _, err := f.CallMethod(ctx, "close"); err != nil {
		t.Fatal(err)
	}
	f = must(c.Call(ctx, "builtins.open", p)).(*rpyc.Netref)
	if l, _ := f.CallMethod(ctx, "readline"); l != "line1\n" {
		t.Errorf("readline = %q", l)
	}
	if pos, _ := f.CallMethod(ctx, "tell"); pos != int64(6) {
		t.Errorf("tell = %v, want 6", pos)
	}
	if rest, _ := f.CallMethod(ctx, "read"); rest != "líne2\n" {
		t.Errorf("read = %q", rest)
	}
	if _, err := f.CallMethod(ctx, "seek", 0); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.CallMethod(ctx, "read", 3); s != "lin" {
		t.Errorf("read(3) = %q", s)
	}
	if _, err := f.Exit(ctx, nil); err != nil {
		t.Errorf("__exit__: %v", err)
	}
	_, err := f.CallMethod(ctx, "read")
	wantPyErr(t, err, "ValueError")

	b := must(c.Call(ctx, "builtins.open", p, "rb")).(*rpyc.Netref)
	if data, _ := b.CallMethod(ctx, "read"); string(data.([]byte)) != "line1\nlíne2\n" {
		t.Errorf("binary read = %q", data)
	}
	_, _ = b.CallMethod(ctx, "close")
	_, err = c.Call(ctx, "builtins.open", p+".missing")
	wantPyErr(t, err, "FileNotFoundError")
	_, err = c.Call(ctx, "builtins.open", p, "x")
	wantPyErr(t, err, "FileExistsError")
	_, err = c.Call(ctx, "builtins.open", p, "rw")
	wantPyErr(t, err, "ValueError")
}

// TestSubprocess: run with a list passed by reference, captured bytes or
// text, os.environ changes reaching the child, check=True and
// check_output raising CalledProcessError.
func TestSubprocess(t *testing.T) {
	var uncaptured, uncapturedErr bytes.Buffer
	c, ctx := pair(t, &slave.Options{Stdout: &uncaptured, Stderr: &uncapturedErr})
	argv := []string{"sh", "-c", "echo $RPYC_GO_TEST; echo oops >&2; exit 3"}
	env, err := c.Get(ctx, "os.environ")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.(*rpyc.Netref).SetItem(ctx, "RPYC_GO_TEST", "from-environ"); err != nil {
		t.Fatal(err)
	}
	p := must(c.Call(ctx, "subprocess.run", argv, rpyc.Kwargs{"capture_output": true})).(*rpyc.Netref)
	rc, _ := p.GetAttr(ctx, "returncode")
	out, _ := p.GetAttr(ctx, "stdout")
	errOut, _ := p.GetAttr(ctx, "stderr")
	if rc != int64(3) || string(out.([]byte)) != "from-environ\n" || string(errOut.([]byte)) != "oops\n" {
		t.Errorf("run = (%v, %q, %q), want (3, b'from-environ\\n', b'oops\\n')", rc, out, errOut)
	}
	p = must(c.Call(ctx, "subprocess.run", []string{"echo", "hi"}, rpyc.Kwargs{"capture_output": true, "text": true})).(*rpyc.Netref)
	if out, _ := p.GetAttr(ctx, "stdout"); out != "hi\n" {
		t.Errorf("text=True stdout = %#v, want 'hi\\n'", out)
	}
	_, err = c.Call(ctx, "subprocess.run", argv, rpyc.Kwargs{"check": true})
	wantPyErr(t, err, "subprocess.CalledProcessError")
	if uncaptured.String() != "from-environ\n" || uncapturedErr.String() != "oops\n" {
		t.Errorf("uncaptured output went to %q and %q, want the server's stdout and stderr", uncaptured.String(), uncapturedErr.String())
	}
	if v, err := c.Call(ctx, "subprocess.check_output", []string{"echo", "x"}); err != nil || string(v.([]byte)) != "x\n" {
		t.Errorf("check_output = %q, %v", v, err)
	}
	_, err = c.Call(ctx, "subprocess.run", []string{"/no/such/program"})
	wantPyErr(t, err, "FileNotFoundError")
}

// TestSysMutable: sys.path is a list the client can change; sys.stdout
// is settable; sys.platform is Go's GOOS.
func TestSysMutable(t *testing.T) {
	c, ctx := pair(t, nil)
	path := must(c.Get(ctx, "sys.path")).(*rpyc.Netref)
	n0, _ := path.Len(ctx)
	if _, err := path.CallMethod(ctx, "append", "/extra"); err != nil {
		t.Fatal(err)
	}
	again := must(c.Get(ctx, "sys.path")).(*rpyc.Netref)
	if n, _ := again.Len(ctx); n != n0+1 {
		t.Errorf("len(sys.path) after append = %d, want %d", n, n0+1)
	}
	if p := must(c.Get(ctx, "sys.platform")); p != "linux" {
		t.Errorf("sys.platform = %v", p)
	}
	sys, _ := c.Modules(ctx, "sys")
	if err := sys.SetAttr(ctx, "stdout", nil); err != nil {
		t.Errorf("sys.stdout = None: %v", err)
	}
	if err := c.Execute(ctx, "print('nowhere')"); err != nil {
		t.Errorf("print with sys.stdout None: %v", err)
	}
}
