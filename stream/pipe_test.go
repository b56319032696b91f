package stream

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"
)

// stdioChildEnv makes the test binary run stdioChild instead of the tests.
const stdioChildEnv = "RPYC_STREAM_TEST_STDIO_CHILD"

// stdioChild echoes its standard input to its standard output through
// Stdio, the way an RPyC server launched by a parent process would use it.
func stdioChild() int {
	c := Stdio()
	if _, err := io.Copy(c, c); err != nil {
		os.Stderr.WriteString("child: " + err.Error() + "\n")
		return 1
	}
	if err := c.Close(); err != nil {
		os.Stderr.WriteString("child close: " + err.Error() + "\n")
		return 1
	}
	return 0
}

// TestStdioSubprocess runs the test binary as a child that echoes through
// Stdio, and talks to it with Pipe over exec.Cmd's pipes, which have
// native deadlines in the parent; the child's inherited stdio normally is in
// blocking mode and so is pumped.
func TestStdioSubprocess(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), stdioChildEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := Pipe(stdout, stdin)
	if c.(*pipeConn).rdl == nil {
		t.Error("the read side of exec.Cmd's StdoutPipe should have native deadlines")
	}

	data := testData(256<<10, 7)
	done := make(chan error, 1)
	go func() { done <- writeChunks(c, data, 8) }()
	c.SetReadDeadline(time.Now().Add(waitTimeout))
	got := make([]byte, len(data))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read: %v", err)
	}
	if err := waitErr(t, done, "write"); err != nil {
		t.Fatalf("write: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("echo differs")
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.Bytes())
	}
}

// countingCloser records how often Close is called.
type countingCloser struct {
	net.Conn
	closes atomic.Int32
}

func (c *countingCloser) Close() error {
	c.closes.Add(1)
	return c.Conn.Close()
}

// TestPipeSameObject checks that Pipe closes a reader that is also the
// writer only once, so Close does not report a spurious error.
func TestPipeSameObject(t *testing.T) {
	x, y := MemPipe()
	defer y.Close()
	cc := &countingCloser{Conn: x}
	c := Pipe(cc, cc)
	if err := c.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if n := cc.closes.Load(); n != 1 {
		t.Fatalf("underlying Close called %d times, want 1", n)
	}
}

// failingCloser is a reader and writer whose Close fails.
type failingCloser struct{ io.Reader }

var errCloseFailed = errors.New("close failed")

func (failingCloser) Write(p []byte) (int, error) { return len(p), nil }
func (failingCloser) Close() error                { return errCloseFailed }

// TestPipeCloseError checks that an error from the underlying Close is
// reported by the first Close only.
func TestPipeCloseError(t *testing.T) {
	c := Pipe(failingCloser{bytes.NewReader(nil)}, failingCloser{})
	if err := c.Close(); !errors.Is(err, errCloseFailed) {
		t.Fatalf("first close: %v", err)
	}
	mustBeClosedErr(t, "second close", c.Close())
}

// TestPipeReaderEOF checks that a finite reader ends in a plain io.EOF
// after its data, as io.ReadAll and the framing layer expect.
func TestPipeReaderEOF(t *testing.T) {
	c := Pipe(io.NopCloser(bytes.NewReader([]byte("abc"))), failingCloser{})
	defer c.Close()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "abc" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read after EOF: %v", err)
	}
}

// TestPipeWriteTimeoutInFlight checks the pumped writer after a timeout:
// the chunk that was in flight is still delivered before the next Write's
// data, and the next Write waits for it.
func TestPipeWriteTimeoutInFlight(t *testing.T) {
	a, b := ioPipePair(t)
	defer a.Close()
	defer b.Close()

	a.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := a.Write([]byte("first"))
	mustBeTimeout(t, "write", err)
	a.SetWriteDeadline(time.Time{})

	done := make(chan error, 1)
	go func() {
		_, err := a.Write([]byte("second"))
		done <- err
	}()
	buf := make([]byte, len("firstsecond"))
	b.SetReadDeadline(time.Now().Add(waitTimeout))
	if _, err := io.ReadFull(b, buf); err != nil {
		t.Fatal(err)
	}
	if string(buf) != "firstsecond" {
		t.Fatalf("got %q", buf)
	}
	if err := waitErr(t, done, "second write"); err != nil {
		t.Fatal(err)
	}
}

// TestPipeWriteErrorSticky checks that once the underlying writer fails,
// every later Write fails too instead of writing after a gap.
func TestPipeWriteErrorSticky(t *testing.T) {
	r, w := io.Pipe()
	c := Pipe(io.NopCloser(bytes.NewReader(nil)), w)
	defer c.Close()
	r.CloseWithError(errCloseFailed)
	for range 2 {
		if _, err := c.Write([]byte("x")); !errors.Is(err, errCloseFailed) {
			t.Fatalf("write: %v", err)
		}
	}
}
