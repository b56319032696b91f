package slave

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Python's subprocess constants.
const (
	pipe    = -1
	stdout  = -2
	devnull = -3
)

// subprocessModule is Python's subprocess: Popen and the functions built
// on it (run, call, check_call, check_output, getoutput,
// getstatusoutput), with Python's exceptions and their attributes.
// Output a caller does not capture goes to the server's own stdout
// (Options.Stdout), as an inherited file descriptor would.
type subprocessModule struct {
	Module
	s *SlaveService
	// PIPE, STDOUT and DEVNULL are the constants.
	PIPE    int `rpyc:"PIPE"`
	STDOUT  int `rpyc:"STDOUT"`
	DEVNULL int `rpyc:"DEVNULL"`
	// The exception classes.
	SubprocessError    *vinegar.Class `rpyc:"SubprocessError"`
	CalledProcessError *vinegar.Class `rpyc:"CalledProcessError"`
	TimeoutExpired     *vinegar.Class `rpyc:"TimeoutExpired"`
}

func newSubprocess(s *SlaveService) *subprocessModule {
	return &subprocessModule{Module: newModule("subprocess"), s: s, PIPE: pipe, STDOUT: stdout, DEVNULL: devnull,
		SubprocessError: errSubprocessError, CalledProcessError: errCalledProcessError, TimeoutExpired: errTimeoutExpired}
}

// popenParams is Popen's signature (without the Windows-only and
// user/group switching parameters).
const popenParams = "args, bufsize=-1, executable=None, stdin=None, stdout=None, stderr=None, " +
	"preexec_fn=None, close_fds=True, shell=False, cwd=None, env=None, universal_newlines=None, " +
	"start_new_session=False, pass_fds=(), encoding=None, errors=None, text=None"

// runParams is run's: Popen's, with input, capture_output, timeout and
// check.
const runParams = "args, stdin=None, input=None, stdout=None, stderr=None, capture_output=False, " +
	"shell=False, cwd=None, timeout=None, check=False, encoding=None, errors=None, text=None, env=None, " +
	"universal_newlines=None, executable=None, start_new_session=False"

// RPyCParams gives Popen, run and friends Python's keyword arguments.
func (m *subprocessModule) RPyCParams() map[string]string {
	return map[string]string{
		"Popen": popenParams, "Run": runParams, "CheckOutput": runParams, "Call": runParams, "CheckCall": runParams,
		"Getoutput": "cmd, encoding=None, errors=None", "Getstatusoutput": "cmd, encoding=None, errors=None",
		"List2cmdline": "seq",
	}
}

// RPyCNames keeps Popen's Python spelling.
func (m *subprocessModule) RPyCNames() map[string]string {
	return map[string]string{"Popen": "Popen", "CompletedProcess": "CompletedProcess"}
}

// runOptions are run's arguments beyond Popen's.
type runOptions struct {
	input         any
	captureOutput bool
	timeout       any
	check         bool
}

// Run is subprocess.run: Popen, communicate (with input and timeout; the
// program is killed when the timeout expires and TimeoutExpired carries
// what it wrote so far), then a CompletedProcess, or CalledProcessError
// when check is set and the exit status is not 0.
func (m *subprocessModule) Run(ctx context.Context, args, stdin, input, stdoutArg, stderrArg any, captureOutput, shell bool,
	cwd, timeout any, check bool, encoding, errs, text, env, universalNewlines, executable any, startNewSession bool) (*CompletedProcess, error) {
	if input != nil {
		if stdin != nil {
			return nil, vinegar.New("ValueError", "stdin and input arguments may not both be used.")
		}
		stdin = int64(pipe)
	}
	if captureOutput {
		if stdoutArg != nil || stderrArg != nil {
			return nil, vinegar.New("ValueError", "stdout and stderr arguments may not be used with capture_output.")
		}
		stdoutArg, stderrArg = int64(pipe), int64(pipe)
	}
	p, err := m.start(ctx, popenArgs{args: args, executable: executable, stdin: stdin, stdout: stdoutArg, stderr: stderrArg,
		shell: shell, cwd: cwd, env: env, text: isText(text, universalNewlines, encoding, errs), newSession: startNewSession})
	if err != nil {
		return nil, err
	}
	out, errOut, err := p.communicate(ctx, input, timeout)
	if err != nil {
		var e *vinegar.Exception
		if errors.As(err, &e) && e.Name == "TimeoutExpired" {
			_ = p.kill()
			p.reap(context.Background(), -1)
			p.closePipes()
		}
		return nil, err
	}
	cp := &CompletedProcess{Args: p.Args, Returncode: p.status(), Stdout: out, Stderr: errOut, shown: p.shown}
	if check {
		if err := cp.CheckReturncode(); err != nil {
			return nil, err
		}
	}
	return cp, nil
}

// Call is subprocess.call: run and return the exit status. With a
// timeout, the program is killed when it expires.
func (m *subprocessModule) Call(ctx context.Context, args, stdin, input, stdoutArg, stderrArg any, captureOutput, shell bool,
	cwd, timeout any, check bool, encoding, errs, text, env, universalNewlines, executable any, startNewSession bool) (int, error) {
	p, err := m.Run(ctx, args, stdin, input, stdoutArg, stderrArg, false, shell, cwd, timeout, false, encoding, errs, text, env, universalNewlines, executable, startNewSession)
	if err != nil {
		return 0, err
	}
	return p.Returncode, nil
}

// CheckCall is subprocess.check_call: 0, or CalledProcessError.
func (m *subprocessModule) CheckCall(ctx context.Context, args, stdin, input, stdoutArg, stderrArg any, captureOutput, shell bool,
	cwd, timeout any, check bool, encoding, errs, text, env, universalNewlines, executable any, startNewSession bool) (int, error) {
	p, err := m.Run(ctx, args, stdin, input, stdoutArg, stderrArg, false, shell, cwd, timeout, true, encoding, errs, text, env, universalNewlines, executable, startNewSession)
	if err != nil {
		return 0, err
	}
	return p.Returncode, nil
}

// CheckOutput is subprocess.check_output: the captured output;
// CalledProcessError (with output and stderr) on a non-zero exit.
func (m *subprocessModule) CheckOutput(ctx context.Context, args, stdin, input, stdoutArg, stderrArg any, captureOutput, shell bool,
	cwd, timeout any, check bool, encoding, errs, text, env, universalNewlines, executable any, startNewSession bool) (any, error) {
	if stdoutArg != nil {
		return nil, vinegar.New("ValueError", "stdout argument not allowed, it will be overridden.")
	}
	p, err := m.Run(ctx, args, stdin, input, int64(pipe), stderrArg, false, shell, cwd, timeout, true, encoding, errs, text, env, universalNewlines, executable, startNewSession)
	if err != nil {
		return nil, err
	}
	return p.Stdout, nil
}

// Getoutput is subprocess.getoutput: the shell command's output and
// error output, as text, without the last newline.
func (m *subprocessModule) Getoutput(ctx context.Context, cmd any, encoding, errs any) (string, error) {
	_, out, err := m.Getstatusoutput(ctx, cmd, encoding, errs)
	return out, err
}

// Getstatusoutput is subprocess.getstatusoutput: (exit status, output).
func (m *subprocessModule) Getstatusoutput(ctx context.Context, cmd any, encoding, errs any) (int, string, error) {
	p, err := m.Run(ctx, cmd, nil, nil, int64(pipe), int64(stdout), false, true, nil, nil, false, encoding, errs, true, nil, nil, nil, false)
	if err != nil {
		return 0, "", err
	}
	out, _ := p.Stdout.(string)
	return p.Returncode, strings.TrimSuffix(out, "\n"), nil
}

// List2cmdline is subprocess.list2cmdline: a command line quoted as the
// Microsoft C runtime reads it.
func (m *subprocessModule) List2cmdline(ctx context.Context, seq any) (string, error) {
	items, err := listOf(ctx, seq)
	if err != nil {
		return "", err
	}
	args, err := stringsOf(ctx, items)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		quote := a == "" || strings.ContainsAny(a, " \t")
		if quote {
			b.WriteByte('"')
		}
		slashes := 0
		for _, c := range a {
			switch c {
			case '\\':
				slashes++
				continue
			case '"':
				b.WriteString(strings.Repeat(`\`, slashes*2+1))
				b.WriteByte('"')
			default:
				b.WriteString(strings.Repeat(`\`, slashes))
				b.WriteRune(c)
			}
			slashes = 0
		}
		b.WriteString(strings.Repeat(`\`, slashes))
		if quote {
			b.WriteString(strings.Repeat(`\`, slashes))
			b.WriteByte('"')
		}
	}
	return b.String(), nil
}

// CompletedProcess is what run returns.
type CompletedProcess struct {
	// Args is what was run, as given (the client's own list comes back).
	Args any `rpyc:"args"`
	// Returncode is the exit status (negative: killed by that signal).
	Returncode int `rpyc:"returncode"`
	// Stdout is the captured output (bytes, or str with text=True), or None.
	Stdout any `rpyc:"stdout"`
	// Stderr is the captured error output, or None.
	Stderr any `rpyc:"stderr"`
	shown  any // args as errors and the repr show them
}

// CheckReturncode raises CalledProcessError when Returncode is not 0.
func (p *CompletedProcess) CheckReturncode() error {
	if p.Returncode != 0 {
		return calledProcessError(p.Returncode, p.shown, p.Stdout, p.Stderr)
	}
	return nil
}

// GoString is the Python repr.
func (p *CompletedProcess) GoString() string {
	s := fmt.Sprintf("CompletedProcess(args=%s, returncode=%d", pyRepr(p.shown), p.Returncode)
	if p.Stdout != nil {
		s += ", stdout=" + pyRepr(p.Stdout)
	}
	if p.Stderr != nil {
		s += ", stderr=" + pyRepr(p.Stderr)
	}
	return s + ")"
}

// RPyCTypeName is Python's class.
func (p *CompletedProcess) RPyCTypeName() string { return "subprocess.CompletedProcess" }

// calledProcessError is subprocess.CalledProcessError(returncode, cmd,
// output, stderr), with the args and attributes Python's server sends
// (cmd as Python's repr when it is a list, which brine cannot carry).
func calledProcessError(code int, cmd, output, stderr any) error {
	return errCalledProcessError.New(int64(code), cmd).
		WithAttr("cmd", cmd).WithAttr("output", output).WithAttr("returncode", int64(code)).
		WithAttr("stderr", stderr).WithAttr("stdout", output)
}

// timeoutExpired is subprocess.TimeoutExpired(cmd, timeout, output,
// stderr).
func timeoutExpired(cmd, timeout, output, stderr any) error {
	return errTimeoutExpired.New(cmd, timeout).
		WithAttr("cmd", cmd).WithAttr("output", output).WithAttr("stderr", stderr).
		WithAttr("stdout", output).WithAttr("timeout", timeout)
}

func isText(text, universalNewlines, encoding, errs any) bool {
	return truthy(text) || truthy(universalNewlines) || encoding != nil || errs != nil
}

func isConst(v any, c int) bool {
	n, ok := v.(int64)
	return ok && n == int64(c)
}

// decodeOutput is captured output as Python gives it: bytes, or text
// with universal newlines (\r\n and \r read as \n). Bytes that are not
// UTF-8 become U+FFFD (Python would raise UnicodeDecodeError).
func decodeOutput(b []byte, text bool) any {
	if !text {
		return append([]byte{}, b...)
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	return s
}

var _ = brine.Tuple{}
