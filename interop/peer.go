package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// PythonPath is the interpreter every peer runs under: Debian's python3,
// whose dist-packages hold python3-rpyc 5.3.0.
const PythonPath = "/usr/bin/python3"

// Timeouts used by the helpers.
const (
	// ReadyTimeout bounds how long Start waits for the ready line.
	ReadyTimeout = 20 * time.Second
	// RunTimeout bounds a script started by Run.
	RunTimeout = 60 * time.Second
	// termGrace is how long a process group gets between SIGTERM and
	// SIGKILL.
	termGrace = 3 * time.Second
	// ioGrace bounds the wait for output pipes after the process exited
	// (a grandchild that left the process group could hold them open).
	ioGrace = 5 * time.Second
)

// layoutRunner is the script, under testdata, that runs another script
// with rpyc.core.protocol switched to the rpyc 6.x message layout.
const layoutRunner = "rpyc6_layout.py"

var pythonCheck struct {
	once sync.Once
	err  error
	out  string
}

// Python returns the path of the interpreter that runs the peers, after
// checking (once per process) that it can import rpyc. If it cannot, the
// test fails: interop tests are never skipped, because the README's test
// command installs python3-rpyc.
func Python(t testing.TB) string {
	t.Helper()
	pythonCheck.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), RunTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, PythonPath, "-c", "import rpyc, sys; sys.stdout.write(rpyc.__version__)")
		cmd.Env = pythonEnv(nil)
		out, err := cmd.CombinedOutput()
		pythonCheck.out = strings.TrimSpace(string(out))
		if err != nil {
			pythonCheck.err = err
		}
	})
	if pythonCheck.err != nil {
		t.Fatalf("interop: %s cannot import rpyc (%v): %s\n"+
			"Python rpyc is required: run the test command from the repository README, "+
			"which installs python3-rpyc (apt-get install -y python3-rpyc).",
			PythonPath, pythonCheck.err, pythonCheck.out)
	}
	return PythonPath
}

// ScriptPath resolves name to a file under interop/testdata. An absolute
// name is returned unchanged. The directory is found from this source
// file's location, or else by walking up from the working directory to the
// module root, so it works from any package's tests.
func ScriptPath(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	for _, dir := range testdataDirs() {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	// Not found: return the most likely path so the error names it.
	if dirs := testdataDirs(); len(dirs) > 0 {
		return filepath.Join(dirs[0], name)
	}
	return filepath.Join("testdata", name)
}

func testdataDirs() []string {
	var dirs []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dirs = append(dirs, filepath.Join(filepath.Dir(file), "testdata"))
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if isModuleRoot(dir) {
				dirs = append(dirs, filepath.Join(dir, "interop", "testdata"))
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return dirs
}

func isModuleRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return f[1] == "github.com/rpyc-go/rpyc"
		}
	}
	return false
}

// pythonEnv is the environment of every peer: the test's own, plus
// unbuffered output (the ready line must not sit in a buffer) and no
// bytecode caches (which would litter testdata with __pycache__), then
// extra.
func pythonEnv(extra []string) []string {
	env := append(os.Environ(), "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
	return append(env, extra...)
}

// command builds the argv for a script, through the 6.x layout runner if
// layout6 is set.
func command(t testing.TB, script string, layout6 bool, args []string) []string {
	t.Helper()
	py := Python(t)
	path := ScriptPath(script)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("interop: peer script: %v", err)
	}
	argv := []string{py}
	if layout6 {
		argv = append(argv, ScriptPath(layoutRunner))
	}
	argv = append(argv, path)
	return append(argv, args...)
}

// PeerOptions says which Python peer to start and how.
type PeerOptions struct {
	// Script is a file name under interop/testdata, or an absolute path.
	Script string
	// Args follow the script name on its command line.
	Args []string
	// Layout6 runs the script through testdata/rpyc6_layout.py, so its rpyc
	// speaks the rpyc 6.x message layout.
	Layout6 bool
	// Env holds extra KEY=VALUE entries added to the test's environment.
	Env []string
	// Stdin keeps a pipe to the peer's standard input in Peer.Stdin;
	// otherwise the peer reads from /dev/null.
	Stdin bool
}

// Peer is a running Python peer. Start registers its shutdown with
// t.Cleanup, so tests never stop it themselves.
type Peer struct {
	// Addr is HOST:PORT from the peer's "listening on HOST:PORT" line, or
	// empty if it announced itself with "ready".
	Addr string
	// Stdout yields the peer's standard output after the ready line. It is
	// buffered without limit, so a peer never blocks on a test that does
	// not read; reads block until more output arrives, and return io.EOF
	// once the peer has exited and everything was read.
	Stdout io.Reader
	// Stdin is a pipe to the peer's standard input if PeerOptions.Stdin was
	// set, else nil. Closing it sends EOF.
	Stdin io.WriteCloser

	name     string // script name, for messages
	cmd      *exec.Cmd
	out      *outputBuffer
	errBuf   *outputBuffer
	done     chan struct{} // closed when Wait returned
	werr     error         // Wait's result, valid after done
	reported bool          // output already in the log
}

// Start starts a Python peer and waits up to ReadyTimeout for it to print
// a line "listening on HOST:PORT" or "ready". The peer gets its own process
// group; at cleanup the whole group gets SIGTERM, then SIGKILL after three
// seconds, and the test log gets the peer's output if the test failed.
func Start(t testing.TB, opts PeerOptions) *Peer {
	t.Helper()
	argv := command(t, opts.Script, opts.Layout6, opts.Args)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = pythonEnv(opts.Env)
	newProcessGroup(cmd)
	cmd.WaitDelay = ioGrace
	p := &Peer{
		name:   filepath.Base(opts.Script),
		cmd:    cmd,
		out:    newOutputBuffer(),
		errBuf: newOutputBuffer(),
		done:   make(chan struct{}),
	}
	cmd.Stdout = p.out
	cmd.Stderr = p.errBuf
	if opts.Stdin {
		w, err := cmd.StdinPipe()
		if err != nil {
			t.Fatalf("interop: stdin pipe: %v", err)
		}
		p.Stdin = w
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("interop: start %s: %v", strings.Join(argv, " "), err)
	}
	go func() {
		p.werr = cmd.Wait()
		p.out.close()
		p.errBuf.close()
		close(p.done)
	}()
	t.Cleanup(func() { p.stop(t) })

	line, off, err := p.out.waitLine(isReadyLine, ReadyTimeout)
	if err != nil {
		if errors.Is(err, io.EOF) {
			<-p.done
			err = fmt.Errorf("exited before it was ready: %v", p.werr)
		}
		p.reported = true
		t.Fatalf("interop: peer %s: %v\nstdout:\n%s\nstderr:\n%s", p.name, err, p.out.String(), p.errBuf.String())
	}
	if addr, ok := strings.CutPrefix(line, "listening on "); ok {
		p.Addr = strings.TrimSpace(addr)
	}
	p.Stdout = p.out.readerAt(off)
	return p
}

func isReadyLine(line string) bool {
	line = strings.TrimSpace(line)
	return line == "ready" || strings.HasPrefix(line, "listening on ")
}

// Stderr returns everything the peer wrote to standard error so far.
func (p *Peer) Stderr() string { return p.errBuf.String() }

// Output returns everything the peer wrote to standard output so far,
// including the ready line.
func (p *Peer) Output() string { return p.out.String() }

// Done is closed once the peer process has exited.
func (p *Peer) Done() <-chan struct{} { return p.done }

// Wait waits up to timeout for the peer to exit by itself and returns its
// exit error (nil for status 0).
func (p *Peer) Wait(timeout time.Duration) error {
	select {
	case <-p.done:
		return p.werr
	case <-time.After(timeout):
		return fmt.Errorf("interop: peer still running after %v", timeout)
	}
}

// stop ends the process group and reaps the peer.
func (p *Peer) stop(t testing.TB) {
	pgid := p.cmd.Process.Pid // Setpgid: the group id is the leader's pid
	exitedAlone := false
	select {
	case <-p.done:
		exitedAlone = true
	default:
	}
	if p.Stdin != nil {
		p.Stdin.Close()
	}
	// Signal the group even if the leader is gone: children may remain.
	signalGroup(pgid, false)
	select {
	case <-p.done:
	case <-time.After(termGrace):
		signalGroup(pgid, true)
		<-p.done
	}
	signalGroup(pgid, true) // stragglers that ignored SIGTERM
	if !p.reported && (t.Failed() || (exitedAlone && p.werr != nil)) {
		how := "stopped"
		if exitedAlone {
			how = fmt.Sprintf("exited by itself (%v)", p.werr)
		}
		t.Logf("interop: peer %s %s\nstdout:\n%s\nstderr:\n%s", p.name, how, p.out.String(), p.errBuf.String())
	}
}

// Run runs a Python client script to completion (at most RunTimeout),
// through the 6.x layout runner if layout6 is set, and returns its
// standard output. A non-zero exit or a timeout fails the test with the
// script's stdout and stderr.
func Run(t testing.TB, script string, layout6 bool, args ...string) (stdout string) {
	t.Helper()
	argv := command(t, script, layout6, args)
	ctx, cancel := context.WithTimeout(context.Background(), RunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = pythonEnv(nil)
	newProcessGroup(cmd)
	cmd.Cancel = func() error {
		signalGroup(cmd.Process.Pid, true)
		return nil
	}
	cmd.WaitDelay = ioGrace
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	err := cmd.Run()
	if cmd.Process != nil {
		signalGroup(cmd.Process.Pid, true) // anything it left behind
	}
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %v (%v)", RunTimeout, err)
		}
		t.Fatalf("interop: %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(script), err, out.String(), errOut.String())
	}
	return out.String()
}

// outputBuffer collects a process's output without ever blocking the
// writer, and lets readers wait for more.
type outputBuffer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	data   []byte
	closed bool
}

func newOutputBuffer() *outputBuffer {
	b := new(outputBuffer)
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *outputBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.data = append(b.data, p...)
	b.mu.Unlock()
	b.cond.Broadcast()
	return len(p), nil
}

func (b *outputBuffer) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cond.Broadcast()
}

func (b *outputBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.data)
}

// waitLine waits for a complete line accepted by match and returns it with
// the offset just past it. It returns io.EOF if the output ended first.
func (b *outputBuffer) waitLine(match func(string) bool, timeout time.Duration) (string, int, error) {
	timedOut := false
	timer := time.AfterFunc(timeout, func() {
		b.mu.Lock()
		timedOut = true
		b.mu.Unlock()
		b.cond.Broadcast()
	})
	defer timer.Stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	off := 0
	for {
		for {
			i := bytes.IndexByte(b.data[off:], '\n')
			if i < 0 {
				break
			}
			line := string(b.data[off : off+i])
			off += i + 1
			if match(line) {
				return line, off, nil
			}
		}
		switch {
		case b.closed:
			return "", off, io.EOF
		case timedOut:
			return "", off, fmt.Errorf("no ready line within %v", timeout)
		}
		b.cond.Wait()
	}
}

// readerAt returns a blocking reader of the output from offset off on.
func (b *outputBuffer) readerAt(off int) io.Reader {
	return &outputReader{b: b, off: off}
}

type outputReader struct {
	b   *outputBuffer
	off int
}

func (r *outputReader) Read(p []byte) (int, error) {
	b := r.b
	b.mu.Lock()
	defer b.mu.Unlock()
	for r.off >= len(b.data) && !b.closed {
		b.cond.Wait()
	}
	if r.off >= len(b.data) {
		return 0, io.EOF
	}
	n := copy(p, b.data[r.off:])
	r.off += n
	return n, nil
}
