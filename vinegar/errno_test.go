//go:build !plan9

package vinegar

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"syscall"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
)

func TestDumpErrno(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows reports file errors with its own codes")
	}
	_, err := os.Open("/nonexistent/vinegar-test")
	if !errors.Is(err, syscall.ENOENT) {
		t.Skipf("unexpected open error %v", err)
	}
	n := int64(syscall.ENOENT)
	qual, args, attrs, _ := dumped(t, fmt.Errorf("load: %w", err), DumpOptions{IncludeVersion: true, Version: "6.0.1"})
	msg := "N" + syscall.ENOENT.Error()[1:]
	if qual != "builtins.FileNotFoundError" || brine.Repr(args) != brine.Repr(brine.Tuple{n, msg}) {
		t.Errorf("got %s%s", qual, brine.Repr(args))
	}
	want := brine.Tuple{
		brine.Tuple{"errno", n}, brine.Tuple{"filename", "/nonexistent/vinegar-test"},
		brine.Tuple{"filename2", nil}, brine.Tuple{"strerror", msg},
		brine.Tuple{"_remote_version", "6.0.1"},
	}
	if brine.Repr(attrs) != brine.Repr(want) {
		t.Errorf("attrs %s, want %s", brine.Repr(attrs), brine.Repr(want))
	}

	for _, c := range []struct {
		err  error
		qual string
	}{
		{syscall.ECONNRESET, "builtins.ConnectionResetError"},
		{syscall.EPIPE, "builtins.BrokenPipeError"},
		{&os.SyscallError{Syscall: "write", Err: syscall.EAGAIN}, "builtins.BlockingIOError"},
		{&os.LinkError{Op: "rename", Old: "a", New: "b", Err: syscall.EXDEV}, "builtins.OSError"},
		{&fs.PathError{Op: "open", Path: "p", Err: syscall.EACCES}, "builtins.PermissionError"},
		{syscall.ETIMEDOUT, "builtins.TimeoutError"},
	} {
		if qual, _, _, _ := dumped(t, c.err, DumpOptions{}); qual != c.qual {
			t.Errorf("Dump(%v) = %s, want %s", c.err, qual, c.qual)
		}
	}
	_, _, attrs, _ = dumped(t, &os.LinkError{Op: "rename", Old: "a", New: "b", Err: syscall.EXDEV}, DumpOptions{})
	if got, _ := (&Exception{Attrs: attrsOf(attrs)}).Attr("filename2"); got != "b" {
		t.Errorf("LinkError filename2 %v", got)
	}
}

func attrsOf(t brine.Tuple) []Attr {
	var out []Attr
	for _, p := range t {
		pair := p.(brine.Tuple)
		out = append(out, Attr{pair[0].(string), pair[1]})
	}
	return out
}

// TestOSErrorByErrno checks that an OSError carrying an errno matches the
// subclass Python's constructor would have picked.
func TestOSErrorByErrno(t *testing.T) {
	e := New("OSError", int64(syscall.ENOENT), "No such file or directory")
	if !errors.Is(e, ErrFileNotFoundError) || !errors.Is(e, ErrOSError) || errors.Is(e, ErrPermissionError) {
		t.Error("OSError(ENOENT) does not act as FileNotFoundError")
	}
	e = New("OSError", "no errno").WithAttr("errno", int64(syscall.EACCES))
	if c, _ := e.Class(); c != ErrPermissionError {
		t.Errorf("class %v, want PermissionError", c)
	}
	if c, _ := New("OSError", "x").Class(); c != ErrOSError {
		t.Errorf("class %v, want OSError", c)
	}
}
