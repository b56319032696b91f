package slave

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Popen is subprocess.Popen: a running program. Its pipes are file
// objects of their own (binary, or text with text=True); the program is
// reaped in the background as soon as it exits, and returncode changes
// from None when poll, wait or communicate see it, as in Python.
//
// Dropping a Popen does not kill the program (Python does not either),
// and its pipes stay usable while the client holds them
// (Popen(...).stdout.read() reads the whole output). Pipes the client
// never took are closed when the connection ends.
type Popen struct {
	// Args is what was run, as given.
	Args any `rpyc:"args"`
	// Pid is the process id.
	Pid int `rpyc:"pid"`
	// Returncode is None until the program's exit was seen.
	Returncode any `rpyc:"returncode"`
	// Stdin, Stdout and Stderr are the pipes asked for with PIPE, else
	// None.
	Stdin  any `rpyc:"stdin"`
	Stdout any `rpyc:"stdout"`
	Stderr any `rpyc:"stderr"`
	// UniversalNewlines and TextMode say whether the pipes carry str.
	UniversalNewlines bool `rpyc:"universal_newlines"`
	TextMode          bool `rpyc:"text_mode"`

	s     *SlaveService
	cmd   *exec.Cmd
	shown any // args as errors show them
	text  bool
	done  chan struct{} // closed when the program was reaped
	code  int           // exit status, valid after done

	mu   sync.Mutex
	comm *communication // started by the first communicate
}

// communication collects the output of a communicate call, which may be
// repeated after a timeout and goes on where it was.
type communication struct {
	mu       sync.Mutex
	out, err bytes.Buffer
	pending  sync.WaitGroup // stdin writer and output readers
	drained  chan struct{}  // closed when pending is done
}

// popenArgs are the arguments that shape a program's start.
type popenArgs struct {
	args, executable, stdin, stdout, stderr, cwd, env any
	shell, text, newSession                           bool
}

// Popen is subprocess.Popen.
func (m *subprocessModule) Popen(ctx context.Context, args any, bufsize int, executable, stdin, stdoutArg, stderrArg, preexecFn any,
	closeFds, shell bool, cwd, env, universalNewlines any, startNewSession bool, passFds, encoding, errs, text any) (*Popen, error) {
	if preexecFn != nil {
		return nil, vinegar.New("ValueError", "preexec_fn is not supported by this server: the child runs no Python (use start_new_session or a shell command)")
	}
	return m.start(ctx, popenArgs{args: args, executable: executable, stdin: stdin, stdout: stdoutArg, stderr: stderrArg,
		shell: shell, cwd: cwd, env: env, text: isText(text, universalNewlines, encoding, errs), newSession: startNewSession})
}

// start starts a program as Popen does.
func (m *subprocessModule) start(ctx context.Context, a popenArgs) (*Popen, error) {
	argv, shown, err := commandLine(ctx, a.args, a.shell)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Args = argv
	if a.executable != nil {
		exe, err := fspath(ctx, a.executable)
		if err != nil {
			return nil, err
		}
		cmd.Path = exe
	} else if lp, err := exec.LookPath(argv[0]); err == nil {
		cmd.Path = lp
	} else {
		cmd.Path = argv[0]
		cmd.Err = nil
	}
	if a.cwd != nil {
		if cmd.Dir, err = fspath(ctx, a.cwd); err != nil {
			return nil, err
		}
	}
	if cmd.Env, err = m.environ(ctx, a.env); err != nil {
		return nil, err
	}
	if a.newSession {
		newSession(cmd)
	}
	p := &Popen{Args: a.args, s: m.s, cmd: cmd, shown: shown, text: a.text, done: make(chan struct{}),
		UniversalNewlines: a.text, TextMode: a.text}
	var childEnds []*os.File
	closeChild := func() {
		for _, f := range childEnds {
			f.Close()
		}
	}
	// stdin
	switch {
	case a.stdin == nil, isConst(a.stdin, devnull):
	case isConst(a.stdin, pipe):
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		cmd.Stdin, childEnds = r, append(childEnds, r)
		p.Stdin = m.pipeFile(p, w, "wb", a.text)
	default:
		f, err := fileArg(a.stdin)
		if err != nil {
			return nil, err
		}
		cmd.Stdin = f
	}
	// stdout and stderr
	for i, spec := range []any{a.stdout, a.stderr} {
		var dst io.Writer
		switch {
		case spec == nil:
			dst = m.s.opts.Stdout
			if i == 1 {
				dst = m.s.opts.Stderr
			}
		case isConst(spec, devnull):
		case isConst(spec, pipe):
			r, w, err := os.Pipe()
			if err != nil {
				closeChild()
				return nil, err
			}
			dst, childEnds = w, append(childEnds, w)
			f := m.pipeFile(p, r, "rb", a.text)
			if i == 0 {
				p.Stdout = f
			} else {
				p.Stderr = f
			}
		case isConst(spec, stdout) && i == 1:
			dst = cmd.Stdout
		default:
			f, err := fileArg(spec)
			if err != nil {
				closeChild()
				return nil, err
			}
			dst = f
		}
		if i == 0 {
			cmd.Stdout = dst
		} else {
			cmd.Stderr = dst
		}
	}
	if err := cmd.Start(); err != nil {
		closeChild()
		p.closePipes()
		return nil, startError(err, argv[0], cmd.Dir)
	}
	closeChild()
	p.Pid = cmd.Process.Pid
	go func() {
		err := cmd.Wait()
		p.code = exitCode(cmd.ProcessState, err)
		close(p.done)
	}()
	return p, nil
}

// pipeFile is the parent's end of a pipe as a file object of p,
// registered with the service so it is closed when the connection ends,
// whoever holds it.
func (m *subprocessModule) pipeFile(p *Popen, f *os.File, mode string, text bool) any {
	m.s.track(f)
	if text {
		t := newTextFile(f, int64(f.Fd()), mode[:1])
		t.owner = p
		return t
	}
	b := newFile(f, int64(f.Fd()), mode)
	b.owner = p
	return b
}

// fileArg reads a stdin/stdout/stderr argument that names a file: a file
// object of ours or a file descriptor.
func fileArg(v any) (*os.File, error) {
	switch x := v.(type) {
	case *File:
		return x.f, nil
	case *TextFile:
		if f, ok := x.f.(*os.File); ok {
			return f, nil
		}
	case int64:
		if x >= 0 {
			return os.NewFile(uintptr(x), fmt.Sprintf("fd %d", x)), nil
		}
	}
	return nil, vinegar.New("ValueError", fmt.Sprintf("stdin, stdout and stderr must be PIPE, DEVNULL, STDOUT, None, "+
		"a file descriptor or a file object of this server, not %s", pyType(v)))
}

// startError is the OSError Python raises when a program cannot start:
// FileNotFoundError naming the program (or the missing cwd),
// PermissionError, ...
func startError(err error, prog, dir string) error {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		if dir != "" {
			if _, serr := os.Stat(dir); serr != nil {
				return osError(syscall.ENOENT, dir)
			}
		}
		return osError(syscall.ENOENT, prog)
	}
	if en, ok := errnoOf(err); ok {
		return osError(en, prog)
	}
	return err
}

// exitCode is Python's returncode: the exit status, or minus the signal
// that killed the program.
func exitCode(ps *os.ProcessState, err error) int {
	if ps == nil {
		return -1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal())
	}
	return ps.ExitCode()
}

// commandLine reads args into an argv, and what CompletedProcess and the
// exceptions show as the command: the client's list as a Go list (its
// repr is the list's), a tuple or a str as given.
func commandLine(ctx context.Context, args any, shell bool) ([]string, any, error) {
	var argv []string
	var shown any
	switch x := args.(type) {
	case string:
		argv, shown = []string{x}, x
	case []byte:
		argv, shown = []string{string(x)}, x
	case *Path:
		argv, shown = []string{x.path}, x
	default:
		items, err := listOf(ctx, args)
		if err != nil {
			return nil, nil, vinegar.New("TypeError", fmt.Sprintf("expected str, bytes, os.PathLike object or a sequence of them, not %s", pyType(args)))
		}
		if argv, err = stringsOf(ctx, items); err != nil {
			return nil, nil, err
		}
		if t, ok := args.(brine.Tuple); ok {
			shown = t
		} else {
			shown = items
		}
	}
	if shell {
		argv = append(shellArgv(), argv...)
	}
	if len(argv) == 0 {
		return nil, nil, vinegar.New("IndexError", "list index out of range")
	}
	return argv, shown, nil
}

// environ returns the child's environment: env when given, else this
// connection's os.environ.
func (m *subprocessModule) environ(ctx context.Context, env any) ([]string, error) {
	var vars map[string]string
	if env != nil {
		var err error
		if vars, err = mapOfStrings(ctx, env); err != nil {
			return nil, fmt.Errorf("subprocess: reading env: %w", err)
		}
	} else {
		osm, err := m.s.module("os")
		if err != nil {
			return nil, err
		}
		vars = osm.(*osModule).Environ.copyMap()
	}
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	return out, nil
}

// RPyCParams gives Popen's methods Python's keyword arguments.
func (p *Popen) RPyCParams() map[string]string {
	return map[string]string{"Communicate": "input=None, timeout=None", "Wait": "timeout=None", "SendSignal": "sig"}
}

// RPyCNames gives the with statement's dunders.
func (p *Popen) RPyCNames() map[string]string {
	return map[string]string{"Enter": "__enter__", "Exit": "__exit__"}
}

// RPyCTypeName is Python's class.
func (p *Popen) RPyCTypeName() string { return "subprocess.Popen" }

// GoString is Python's repr.
func (p *Popen) GoString() string {
	return fmt.Sprintf("<Popen: returncode: %s args: %s>", pyRepr(p.Returncode), pyRepr(p.shown))
}

// status is the exit status; call only after done.
func (p *Popen) status() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Returncode = int64(p.code)
	return p.code
}

// Poll is poll(): the exit status, or None while the program runs.
func (p *Popen) Poll() any {
	select {
	case <-p.done:
		return int64(p.status())
	default:
		return nil
	}
}

// reap waits for the program's exit up to secs (negative: no limit) or
// until ctx ends; false when it is still running.
func (p *Popen) reap(ctx context.Context, secs float64) bool {
	var timer <-chan time.Time
	if secs >= 0 {
		t := time.NewTimer(time.Duration(secs * float64(time.Second)))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-p.done:
		p.status()
		return true
	case <-timer:
	case <-ctx.Done():
	}
	return false
}

// Wait is wait(timeout=None): the exit status; TimeoutExpired when the
// program still runs after timeout seconds (it is not killed).
func (p *Popen) Wait(ctx context.Context, timeout any) (int, error) {
	secs, ok, err := timeoutArg(timeout)
	if err != nil {
		return 0, err
	}
	if !ok {
		secs = -1
	}
	if !p.reap(ctx, secs) {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, timeoutExpired(p.shown, timeout, nil, nil)
	}
	return p.code, nil
}

// Communicate is communicate(input=None, timeout=None): sends input to
// stdin (then closes it), reads stdout and stderr to their end, waits
// for the program and returns (stdout, stderr) (None for streams not
// piped). On timeout it raises TimeoutExpired and may be called again to
// go on.
func (p *Popen) Communicate(ctx context.Context, input, timeout any) (brine.Tuple, error) {
	out, errOut, err := p.communicate(ctx, input, timeout)
	if err != nil {
		return nil, err
	}
	return brine.Tuple{out, errOut}, nil
}

func (p *Popen) communicate(ctx context.Context, input, timeout any) (any, any, error) {
	secs, limited, err := timeoutArg(timeout)
	if err != nil {
		return nil, nil, err
	}
	data, err := inputBytes(input)
	if err != nil {
		return nil, nil, err
	}
	p.mu.Lock()
	c := p.comm
	if c != nil && input != nil {
		p.mu.Unlock()
		return nil, nil, vinegar.New("ValueError", "Cannot send input after starting communication")
	}
	if c == nil {
		c = &communication{drained: make(chan struct{})}
		p.comm = c
		p.startCommunication(c, data)
	}
	p.mu.Unlock()
	var timer <-chan time.Time
	if limited {
		t := time.NewTimer(time.Duration(secs * float64(time.Second)))
		defer t.Stop()
		timer = t.C
	}
	for _, ch := range []chan struct{}{c.drained, p.done} {
		select {
		case <-ch:
		case <-timer:
			c.mu.Lock()
			var partial any
			if c.out.Len() > 0 {
				partial = decodeOutput(c.out.Bytes(), p.text)
			}
			c.mu.Unlock()
			return nil, nil, timeoutExpired(p.shown, timeout, partial, nil)
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	p.status()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out, errOut any
	if p.Stdout != nil {
		out = decodeOutput(c.out.Bytes(), p.text)
	}
	if p.Stderr != nil {
		errOut = decodeOutput(c.err.Bytes(), p.text)
	}
	p.closePipes()
	return out, errOut, nil
}

// startCommunication starts the goroutines that feed stdin and drain
// stdout and stderr. Called with p.mu held.
func (p *Popen) startCommunication(c *communication, input []byte) {
	if p.Stdin != nil {
		c.pending.Add(1)
		go func() {
			defer c.pending.Done()
			if len(input) > 0 {
				_, _ = writeAll(p.Stdin, input)
			}
			closeAny(p.Stdin)
		}()
	}
	for _, pair := range []struct {
		f   any
		buf *bytes.Buffer
	}{{p.Stdout, &c.out}, {p.Stderr, &c.err}} {
		if pair.f == nil {
			continue
		}
		c.pending.Add(1)
		go func() {
			defer c.pending.Done()
			r := readerOf(pair.f)
			buf := make([]byte, 32<<10)
			for {
				n, err := r.Read(buf)
				if n > 0 {
					c.mu.Lock()
					pair.buf.Write(buf[:n])
					c.mu.Unlock()
				}
				if err != nil {
					return
				}
			}
		}()
	}
	go func() {
		c.pending.Wait()
		close(c.drained)
	}()
}

// inputBytes reads communicate's input: bytes or str.
func inputBytes(input any) ([]byte, error) {
	switch x := input.(type) {
	case nil:
		return nil, nil
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("memoryview: a bytes-like object is required, not '%s'", pyType(input)))
}

// readerOf reads a pipe file object, through a text file's read-ahead
// so nothing the client left unread is lost.
func readerOf(f any) io.Reader {
	switch x := f.(type) {
	case *TextFile:
		return x.r
	case *File:
		return x.f
	}
	return bytes.NewReader(nil)
}

func writeAll(f any, data []byte) (int, error) {
	switch x := f.(type) {
	case *TextFile:
		return x.f.Write(data)
	case *File:
		return x.f.Write(data)
	}
	return 0, nil
}

func closeAny(f any) {
	switch x := f.(type) {
	case *TextFile:
		_ = x.Close()
	case *File:
		_ = x.Close()
	}
}

// closePipes closes the parent's pipe ends (after communicate, as
// Python does).
func (p *Popen) closePipes() {
	for _, f := range []any{p.Stdin, p.Stdout, p.Stderr} {
		closeAny(f)
	}
}

// RPyCRelease closes the pipes when the client dropped the Popen and
// every pipe it held (they keep the Popen in the table). The program is
// not killed, as in Python; it is reaped when it exits.
func (p *Popen) RPyCRelease(*rpyc.Conn) { p.closePipes() }

// SendSignal is send_signal(sig); nothing happens once the program was
// reaped, as in Python.
func (p *Popen) SendSignal(sig int) error {
	if p.Poll() != nil {
		return nil
	}
	return signalProcess(p.cmd.Process, sig)
}

// Terminate is terminate(): SIGTERM (on Windows, TerminateProcess).
func (p *Popen) Terminate() error { return p.SendSignal(int(sigTerm)) }

// Kill is kill(): SIGKILL (on Windows, TerminateProcess).
func (p *Popen) Kill() error { return p.kill() }

func (p *Popen) kill() error {
	if p.Poll() != nil {
		return nil
	}
	err := p.cmd.Process.Kill()
	if errors.Is(err, os.ErrProcessDone) {
		return nil
	}
	return err
}

// Enter is __enter__: the Popen itself.
func (p *Popen) Enter() *Popen { return p }

// Exit is __exit__: closes the pipes and waits for the program.
func (p *Popen) Exit(ctx context.Context, args ...any) (bool, error) {
	if f, ok := p.Stdout.(interface{ Close() error }); ok {
		_ = f.Close()
	}
	if f, ok := p.Stderr.(interface{ Close() error }); ok {
		_ = f.Close()
	}
	if f, ok := p.Stdin.(interface{ Close() error }); ok {
		_ = f.Close()
	}
	_, err := p.Wait(ctx, nil)
	return false, err
}

var _ rpyc.ParamNamer = (*Popen)(nil)
