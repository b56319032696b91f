package slave_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The modules from a Go client; interop/classic_sidebyside_test.go
// compares the same from Python's client with Python's own server.

func attr(t *testing.T, ctx context.Context, obj any, name string) any {
	t.Helper()
	v, err := obj.(*rpyc.Netref).GetAttr(ctx, name)
	if err != nil {
		t.Fatalf("getattr %s: %v", name, err)
	}
	return v
}

func pyErr(t *testing.T, err error) *vinegar.Exception {
	t.Helper()
	var e *vinegar.Exception
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want a Python exception", err, err)
	}
	return e
}

// TestCalledProcessErrorAttributes: check_call's exception is a
// subprocess.CalledProcessError (a SubprocessError) with returncode,
// cmd, output and stderr, as Python's server sends them.
func TestCalledProcessErrorAttributes(t *testing.T) {
	c, ctx := pair(t, nil)
	_, err := c.Call(ctx, "subprocess.check_output", brine.Tuple{"sh", "-c", "echo out; exit 3"})
	e := pyErr(t, err)
	if e.QualName() != "subprocess.CalledProcessError" {
		t.Fatalf("got %s, want subprocess.CalledProcessError", e.QualName())
	}
	cls, _ := vinegar.Lookup("subprocess.SubprocessError")
	if !errors.Is(err, cls) {
		t.Errorf("CalledProcessError does not match SubprocessError")
	}
	for name, want := range map[string]any{"returncode": int64(3), "output": []byte("out\n"), "stderr": nil} {
		got, ok := e.Attr(name)
		if !ok || brine.Repr(got) != brine.Repr(want) {
			t.Errorf("%s = %v (present %v), want %v", name, brine.Repr(got), ok, brine.Repr(want))
		}
	}
	if cmd, _ := e.Attr("cmd"); brine.Repr(cmd) != "('sh', '-c', 'echo out; exit 3')" {
		t.Errorf("cmd = %s, want the tuple given", brine.Repr(cmd))
	}
}

// TestPopenPipesOutliveThePopen: Popen(...).stdout.read() reads the
// whole output though the Popen is released first.
func TestPopenPipesOutliveThePopen(t *testing.T) {
	c, ctx := pair(t, nil)
	pipe := must(c.Get(ctx, "subprocess.PIPE"))
	p, err := c.Call(ctx, "subprocess.Popen", brine.Tuple{"sh", "-c", "echo a; echo b"}, rpyc.Kwargs{"stdout": pipe})
	if err != nil {
		t.Fatal(err)
	}
	out := attr(t, ctx, p, "stdout").(*rpyc.Netref)
	p.(*rpyc.Netref).Release()
	got, err := out.CallMethod(ctx, "read")
	if err != nil || string(got.([]byte)) != "a\nb\n" {
		t.Fatalf("stdout.read() after the Popen was dropped = %q, %v; want \"a\\nb\\n\"", got, err)
	}
}

// TestPopenTimeout: wait(timeout) raises TimeoutExpired with cmd and
// timeout; kill then wait gives -9.
func TestPopenTimeout(t *testing.T) {
	c, ctx := pair(t, nil)
	p := must(c.Call(ctx, "subprocess.Popen", brine.Tuple{"sleep", "10"})).(*rpyc.Netref)
	_, err := p.CallMethod(ctx, "wait", rpyc.Kwargs{"timeout": 0.1})
	e := pyErr(t, err)
	if e.QualName() != "subprocess.TimeoutExpired" {
		t.Fatalf("got %s, want subprocess.TimeoutExpired", e.QualName())
	}
	if to, _ := e.Attr("timeout"); to != 0.1 {
		t.Errorf("timeout = %v, want 0.1", to)
	}
	if _, err := p.CallMethod(ctx, "kill"); err != nil {
		t.Fatal(err)
	}
	if rc, err := p.CallMethod(ctx, "wait"); err != nil || rc != int64(-9) {
		t.Errorf("wait() after kill = %v, %v; want -9", rc, err)
	}
}

// TestJSONRoundTripKeepsOrder: loads keeps the document's key order and
// dumps writes Python's separators.
func TestJSONRoundTripKeepsOrder(t *testing.T) {
	c, ctx := pair(t, nil)
	const doc = `{"b": 1, "a": [1, 2.5, null, true], "c": {"z": {}, "y": []}}`
	v := must(c.Call(ctx, "json.loads", doc))
	if got := must(c.Call(ctx, "json.dumps", v)); got != doc {
		t.Errorf("dumps(loads(s)) = %s, want %s", got, doc)
	}
	_, err := c.Call(ctx, "json.loads", `{"a" 1}`)
	e := pyErr(t, err)
	if e.Error() != "json.decoder.JSONDecodeError: Expecting ':' delimiter: line 1 column 6 (char 5)" {
		t.Errorf("got %v", e)
	}
	if pos, _ := e.Attr("pos"); pos != int64(5) {
		t.Errorf("pos = %v, want 5", pos)
	}
}

// TestReLikePython: Python's syntax, character positions, and re.error
// naming what RE2 cannot do.
func TestReLikePython(t *testing.T) {
	c, ctx := pair(t, nil)
	m := must(c.Call(ctx, "re.search", `(?P<w>\w+)$`, "héllo wörld\n"))
	if g := must(m.(*rpyc.Netref).CallMethod(ctx, "group", "w")); g != "wörld" {
		t.Errorf("group('w') = %v, want wörld", g)
	}
	if s := must(m.(*rpyc.Netref).CallMethod(ctx, "span")); brine.Repr(s) != "(6, 11)" {
		t.Errorf("span() = %s, want (6, 11) in characters", brine.Repr(s))
	}
	if r := must(c.Call(ctx, "re.sub", "x*", "-", "abxd")); r != "-a-b--d-" {
		t.Errorf("sub('x*', '-', 'abxd') = %v, want -a-b--d- (Python 3.7+ empty matches)", r)
	}
	_, err := c.Call(ctx, "re.compile", `(a)\1`)
	e := pyErr(t, err)
	if e.QualName() != "re.error" {
		t.Fatalf("got %s, want re.error", e.QualName())
	}
	if msg, _ := e.Attr("msg"); msg == nil {
		t.Errorf("re.error without msg")
	}
}

// TestPathlibAndOS: Path objects join, read and write, and are accepted
// wherever a path is.
func TestPathlibAndOS(t *testing.T) {
	c, ctx := pair(t, nil)
	dir := t.TempDir()
	p := must(c.Call(ctx, "pathlib.Path", dir)).(*rpyc.Netref)
	f := must(p.CallMethod(ctx, "__truediv__", "x.txt")).(*rpyc.Netref)
	if n := must(f.CallMethod(ctx, "write_text", "hi")); n != int64(2) {
		t.Errorf("write_text = %v, want 2", n)
	}
	if ok := must(c.Call(ctx, "os.path.isfile", f)); ok != true {
		t.Errorf("os.path.isfile(Path) = %v", ok)
	}
	if s := attr(t, ctx, f, "suffix"); s != ".txt" {
		t.Errorf("suffix = %v", s)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "x.txt")); string(b) != "hi" {
		t.Errorf("file holds %q", b)
	}
	if eq, err := f.Equal(ctx, must(c.Call(ctx, "pathlib.Path", dir, "x.txt"))); err != nil || !eq {
		t.Errorf("Path == Path: %v, %v", eq, err)
	}
}

// TestVersionInfoComparesWithTuples: sys.version_info >= (3, 6), and
// sys.version starts with the version and says what runs.
func TestVersionInfoComparesWithTuples(t *testing.T) {
	c, ctx := pair(t, nil)
	vi := must(c.Get(ctx, "sys.version_info")).(*rpyc.Netref)
	ge, err := vi.Compare(ctx, brine.Tuple{int64(3), int64(6)}, "__ge__")
	if err != nil || ge != true {
		t.Errorf("version_info >= (3, 6) = %v, %v", ge, err)
	}
	if major := attr(t, ctx, vi, "major"); major != int64(3) {
		t.Errorf("major = %v", major)
	}
	v := must(c.Get(ctx, "sys.version")).(string)
	if v[:5] != "3.11." || !containsAll(v, "rpyc-go", "no CPython") {
		t.Errorf("sys.version = %q", v)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !contains(s, x) {
			return false
		}
	}
	return true
}

// TestStructAndHashlib: packed bytes and digests are Python's.
func TestStructAndHashlib(t *testing.T) {
	c, ctx := pair(t, nil)
	if b := must(c.Call(ctx, "struct.pack", "<IhB", 1, -2, 3)); brine.Repr(b) != `b'\x01\x00\x00\x00\xfe\xff\x03'` {
		t.Errorf("pack = %s", brine.Repr(b))
	}
	h := must(c.Call(ctx, "hashlib.sha256", []byte("abc"))).(*rpyc.Netref)
	if d := must(h.CallMethod(ctx, "hexdigest")); d != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("sha256 = %v", d)
	}
}

// TestDatetimeArithmetic: datetime - datetime is a timedelta with
// Python's normalised fields and str.
func TestDatetimeArithmetic(t *testing.T) {
	c, ctx := pair(t, nil)
	a := must(c.Call(ctx, "datetime.datetime", 2020, 1, 2, 3, 4, 5)).(*rpyc.Netref)
	b := must(c.Call(ctx, "datetime.datetime", 2020, 1, 1)).(*rpyc.Netref)
	d := must(a.CallMethod(ctx, "__sub__", b)).(*rpyc.Netref)
	if s, _ := d.Str(ctx); s != "1 day, 3:04:05" {
		t.Errorf("str(delta) = %q, want '1 day, 3:04:05'", s)
	}
	if days := attr(t, ctx, d, "days"); days != int64(1) {
		t.Errorf("days = %v", days)
	}
}

// TestTemporaryDirectoryRemovedOnRelease: a TemporaryDirectory the
// client drops is removed, as Python's finalizer removes it.
func TestTemporaryDirectoryRemovedOnRelease(t *testing.T) {
	c, ctx := pair(t, nil)
	td := must(c.Call(ctx, "tempfile.TemporaryDirectory", rpyc.Kwargs{"dir": t.TempDir()})).(*rpyc.Netref)
	name := attr(t, ctx, td, "name").(string)
	if _, err := os.Stat(name); err != nil {
		t.Fatal(err)
	}
	td.Release()
	waitGone(t, c, ctx, name)
}

func waitGone(t *testing.T, c *classic.Conn, ctx context.Context, path string) {
	t.Helper()
	// The release runs on the server after the client's DEL arrives:
	// ping to push the DEL along, and give a loaded machine time.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if err := c.ServiceRoot().Conn().Ping(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); os.IsNotExist(err) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("%s still exists after the client dropped its TemporaryDirectory", path)
}
