package slave

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Python's subprocess constants.
const (
	pipe    = -1
	stdout  = -2
	devnull = -3
)

// subprocessModule is Python's subprocess: run, check_output, call.
// Output a caller does not capture goes to the server's own stdout
// (Options.Stdout), as an inherited file descriptor would.
type subprocessModule struct {
	module
	s *SlaveService
	// PIPE, STDOUT and DEVNULL are the constants.
	PIPE    int `rpyc:"PIPE"`
	STDOUT  int `rpyc:"STDOUT"`
	DEVNULL int `rpyc:"DEVNULL"`
}

func newSubprocess(s *SlaveService) *subprocessModule {
	return &subprocessModule{module: "subprocess", s: s, PIPE: pipe, STDOUT: stdout, DEVNULL: devnull}
}

const runParams = "args, stdin=None, input=None, stdout=None, stderr=None, capture_output=False, " +
	"shell=False, cwd=None, timeout=None, check=False, encoding=None, errors=None, text=None, env=None, " +
	"universal_newlines=None"

// RPyCParams gives run and friends Python's keyword arguments.
func (m *subprocessModule) RPyCParams() map[string]string {
	return map[string]string{"Run": runParams, "CheckOutput": runParams, "Call": runParams}
}

// CompletedProcess is what run returns.
type CompletedProcess struct {
	// Args is what was run.
	Args any `rpyc:"args"`
	// Returncode is the exit status (negative: killed by that signal).
	Returncode int `rpyc:"returncode"`
	// Stdout is the captured output (bytes, or str with text=True), or None.
	Stdout any `rpyc:"stdout"`
	// Stderr is the captured error output, or None.
	Stderr any `rpyc:"stderr"`
}

// CheckReturncode raises CalledProcessError when Returncode is not 0.
func (p *CompletedProcess) CheckReturncode() error {
	if p.Returncode != 0 {
		return calledProcessError(p)
	}
	return nil
}

// GoString is the Python repr.
func (p *CompletedProcess) GoString() string {
	return fmt.Sprintf("CompletedProcess(args=%s, returncode=%d, stdout=%s, stderr=%s)",
		pyRepr(p.Args), p.Returncode, pyRepr(p.Stdout), pyRepr(p.Stderr))
}

func calledProcessError(p *CompletedProcess) error {
	return vinegar.New("subprocess.CalledProcessError",
		fmt.Sprintf("Command %s returned non-zero exit status %d.", pyRepr(p.Args), p.Returncode))
}

// Run is subprocess.run. args is a list (a client's list arrives by
// reference and is read in one round trip), a tuple, or a string (a
// command line with shell=True, else a program name).
func (m *subprocessModule) Run(ctx context.Context, args, stdin, input, stdoutArg, stderrArg any, captureOutput, shell bool,
	cwd, timeout any, check bool, encoding, errs, text, env, universalNewlines any) (*CompletedProcess, error) {
	argv, shown, err := commandLine(ctx, args, shell)
	if err != nil {
		return nil, err
	}
	if timeout != nil {
		secs, ok := number(timeout)
		if !ok {
			return nil, vinegar.New("TypeError", "timeout must be a number")
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(secs*float64(time.Second)))
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if dir, ok := cwd.(string); ok {
		cmd.Dir = dir
	}
	if cmd.Env, err = m.environ(ctx, env); err != nil {
		return nil, err
	}
	asText := truthy(text) || truthy(universalNewlines) || encoding != nil
	switch {
	case input != nil:
		data, ok := input.([]byte)
		if s, isStr := input.(string); isStr {
			data, ok = []byte(s), true
		}
		if !ok {
			return nil, vinegar.New("TypeError", "input must be bytes or str")
		}
		cmd.Stdin = bytes.NewReader(data)
	case isConst(stdin, devnull), stdin == nil:
		// nil is the server's stdin, which is never the client's to use.
	}
	var outBuf, errBuf bytes.Buffer
	if captureOutput {
		stdoutArg, stderrArg = int64(pipe), int64(pipe)
	}
	cmd.Stdout = m.sink(stdoutArg, &outBuf)
	cmd.Stderr = m.sink(stderrArg, &errBuf)
	if isConst(stderrArg, stdout) {
		cmd.Stderr = cmd.Stdout
	}
	err = cmd.Run()
	p := &CompletedProcess{Args: shown, Returncode: 0}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() == context.DeadlineExceeded && timeout != nil:
		return nil, vinegar.New("subprocess.TimeoutExpired",
			fmt.Sprintf("Command %s timed out after %s seconds", pyRepr(shown), pyRepr(timeout)))
	case errors.As(err, &exitErr):
		p.Returncode = exitErr.ExitCode()
		if p.Returncode == -1 {
			p.Returncode = -int(signalOf(exitErr))
		}
	case err != nil:
		return nil, vinegar.New("FileNotFoundError", fmt.Sprintf("[Errno 2] No such file or directory: %s (%v)", brine.Repr(argv[0]), err))
	}
	if isConst(stdoutArg, pipe) {
		p.Stdout = output(outBuf.Bytes(), asText)
	}
	if isConst(stderrArg, pipe) {
		p.Stderr = output(errBuf.Bytes(), asText)
	}
	if check {
		if err := p.CheckReturncode(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// CheckOutput is subprocess.check_output: the captured output;
// CalledProcessError on a non-zero exit.
func (m *subprocessModule) CheckOutput(ctx context.Context, args, stdin, input, stdoutArg, stderrArg any, captureOutput, shell bool,
	cwd, timeout any, check bool, encoding, errs, text, env, universalNewlines any) (any, error) {
	p, err := m.Run(ctx, args, stdin, input, int64(pipe), stderrArg, false, shell, cwd, timeout, true, encoding, errs, text, env, universalNewlines)
	if err != nil {
		return nil, err
	}
	return p.Stdout, nil
}

// Call is subprocess.call: the exit status.
func (m *subprocessModule) Call(ctx context.Context, args, stdin, input, stdoutArg, stderrArg any, captureOutput, shell bool,
	cwd, timeout any, check bool, encoding, errs, text, env, universalNewlines any) (int, error) {
	p, err := m.Run(ctx, args, stdin, input, stdoutArg, stderrArg, false, shell, cwd, timeout, false, encoding, errs, text, env, universalNewlines)
	if err != nil {
		return 0, err
	}
	return p.Returncode, nil
}

// commandLine reads args into an argv, and what CompletedProcess.args
// shows.
func commandLine(ctx context.Context, args any, shell bool) ([]string, any, error) {
	var argv []string
	switch x := args.(type) {
	case string:
		if shell {
			return []string{"/bin/sh", "-c", x}, x, nil
		}
		argv = []string{x}
	case *rpyc.Netref:
		items, err := rpyc.Obtain[[]any](ctx, x)
		if err != nil {
			return nil, nil, fmt.Errorf("subprocess: reading args: %w", err)
		}
		if argv, err = strings_(items); err != nil {
			return nil, nil, err
		}
	case brine.Tuple:
		var err error
		if argv, err = strings_(x); err != nil {
			return nil, nil, err
		}
	case []any: // a list from Starlark code
		var err error
		if argv, err = strings_(x); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, vinegar.New("TypeError", fmt.Sprintf("args must be a list, tuple or str, not %s", pyType(args)))
	}
	if len(argv) == 0 {
		return nil, nil, vinegar.New("IndexError", "list index out of range (empty args)")
	}
	shown := make(brine.Tuple, len(argv))
	for i, a := range argv {
		shown[i] = a
	}
	if shell {
		return []string{"/bin/sh", "-c", strings.Join(argv, " ")}, shown, nil
	}
	return argv, shown, nil
}

func strings_(items []any) ([]string, error) {
	out := make([]string, len(items))
	for i, it := range items {
		switch v := it.(type) {
		case string:
			out[i] = v
		case []byte:
			out[i] = string(v)
		default:
			return nil, vinegar.New("TypeError", fmt.Sprintf("expected str, bytes or os.PathLike object, not %s", pyType(it)))
		}
	}
	return out, nil
}

// environ returns the child's environment: env when given, else this
// connection's os.environ.
func (m *subprocessModule) environ(ctx context.Context, env any) ([]string, error) {
	var vars map[string]string
	if env != nil {
		var err error
		if n, ok := env.(*rpyc.Netref); ok {
			vars, err = rpyc.Obtain[map[string]string](ctx, n)
		} else {
			vars, err = rpyc.As[map[string]string](env, nil)
		}
		if err != nil {
			return nil, fmt.Errorf("subprocess: reading env: %w", err)
		}
	} else {
		osm, err := m.s.module("os")
		if err != nil {
			return nil, err
		}
		vars = osm.(*osModule).Environ
	}
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	return out, nil
}

// sink is where one output stream goes.
func (m *subprocessModule) sink(arg any, buf *bytes.Buffer) io.Writer {
	switch {
	case isConst(arg, pipe):
		return buf
	case isConst(arg, devnull):
		return nil
	}
	return m.s.opts.Stdout
}

func isConst(v any, c int) bool {
	n, ok := v.(int64)
	return ok && n == int64(c)
}

func output(b []byte, text bool) any {
	if text {
		return string(b)
	}
	return append([]byte{}, b...)
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	}
	return true
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// signalOf is the signal that killed the process, or 0.
func signalOf(e *exec.ExitError) int {
	if ws, ok := e.Sys().(interface{ Signal() syscall.Signal }); ok {
		return int(ws.Signal())
	}
	return 0
}
