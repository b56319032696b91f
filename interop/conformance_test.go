//go:build unix

package interop

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"go.uber.org/goleak"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// The Go conformance server (examples/conformance, CONFORMANCE.md) is built
// once per test binary into a temporary directory that TestMain removes,
// and every test that needs it starts its own process of it, so counters
// such as connections() and live_counters() are not disturbed by other
// tests.

// confRaceEnv, set to 1, builds the conformance server with -race, so the
// engine's data races surface in its log (slower).
const confRaceEnv = "RPYC_CONFORMANCE_RACE"

// goBuilds are the programs of this module built for the tests, once
// per test binary each (see buildOnce).
var goBuilds struct {
	mu   sync.Mutex
	dir  string // temporary directory, removed by TestMain
	bins map[string]*goBuild
}

type goBuild struct {
	once sync.Once
	bin  string
	err  error
}

// TestMain removes the conformance server build and fails the run if a
// test left goroutines behind (every Go client connection closed, every
// peer's output reader done).
func TestMain(m *testing.M) {
	code := m.Run()
	if goBuilds.dir != "" {
		_ = os.RemoveAll(goBuilds.dir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// confModuleRoot finds the directory holding this module's go.mod.
func confModuleRoot() (string, error) {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, dir := range starts {
		for {
			if isModuleRoot(dir) {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("module root (go.mod of github.com/rpyc-go/rpyc) not found")
}

func goToolPath() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// conformanceBinary builds ./examples/conformance once and returns the
// path of the binary.
func conformanceBinary(t testing.TB) string {
	t.Helper()
	var flags []string
	if os.Getenv(confRaceEnv) == "1" {
		flags = append(flags, "-race")
	}
	bin, err := buildOnce("conformance", "./examples/conformance", nil, flags...)
	if err != nil {
		t.Fatalf("building the conformance server: %v", err)
	}
	return bin
}

// buildOnce builds the main package pkg of this module as name, with the
// go build flags and the environment additions env, the first time it
// is asked for name, into a temporary directory TestMain removes; later
// calls return the same binary (or error).
func buildOnce(name, pkg string, env []string, flags ...string) (string, error) {
	goBuilds.mu.Lock()
	if goBuilds.bins == nil {
		goBuilds.bins = map[string]*goBuild{}
	}
	b := goBuilds.bins[name]
	if b == nil {
		b = &goBuild{}
		goBuilds.bins[name] = b
	}
	goBuilds.mu.Unlock()
	b.once.Do(func() { b.bin, b.err = build(name, pkg, env, flags) })
	return b.bin, b.err
}

func build(name, pkg string, env, flags []string) (string, error) {
	root, err := confModuleRoot()
	if err != nil {
		return "", err
	}
	goBuilds.mu.Lock()
	if goBuilds.dir == "" {
		goBuilds.dir, err = os.MkdirTemp("", "rpyc-interop-bin-")
	}
	dir := goBuilds.dir
	goBuilds.mu.Unlock()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, name)
	args := append(append([]string{"build", "-o", bin}, flags...), pkg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goToolPath(), args...)
	cmd.Dir = root
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin, nil
}

// confServer is one running process of the Go conformance server.
type confServer struct {
	// Addr is HOST:PORT from its "listening on" line.
	Addr string

	cmd    *exec.Cmd
	stdout *outputBuffer
	stderr *outputBuffer
	done   chan struct{}
	werr   error
	// mayExit is set by tests in which the server is meant to exit
	// (oneshot mode, a signal).
	mayExit bool
}

// startConformance starts the conformance server on a free loopback port
// with -v (connections and protocol errors logged to stderr) and extra
// flags, and waits for its "listening on" line. At cleanup it gets SIGTERM
// (SIGKILL after 5 s); the test fails if the server exited before that,
// or if its log shows an unrecovered panic or a data race. The log is
// printed when the test failed.
func startConformance(t testing.TB, extra ...string) *confServer {
	t.Helper()
	bin := conformanceBinary(t)
	args := append([]string{"-host", "127.0.0.1", "-port", "0", "-v"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = ioGrace
	s := &confServer{cmd: cmd, stdout: newOutputBuffer(), stderr: newOutputBuffer(), done: make(chan struct{})}
	cmd.Stdout = s.stdout
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start conformance server: %v", err)
	}
	go func() {
		s.werr = cmd.Wait()
		s.stdout.close()
		s.stderr.close()
		close(s.done)
	}()
	t.Cleanup(func() { s.stop(t) })
	line, _, err := s.stdout.waitLine(func(l string) bool { return strings.HasPrefix(l, "listening on ") }, ReadyTimeout)
	if err != nil {
		t.Fatalf("conformance server did not start: %v\nstdout:\n%s\nstderr:\n%s", err, s.stdout.String(), s.stderr.String())
	}
	s.Addr = strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	return s
}

// Pid is the server's process id.
func (s *confServer) Pid() int { return s.cmd.Process.Pid }

// Logs is everything the server wrote to stderr so far.
func (s *confServer) Logs() string { return s.stderr.String() }

// Alive reports an error if the server process has exited.
func (s *confServer) Alive() error {
	select {
	case <-s.done:
		return fmt.Errorf("conformance server exited: %v", s.werr)
	default:
		return nil
	}
}

// RSS is the server's resident set size in bytes (VmRSS of
// /proc/PID/status).
func (s *confServer) RSS() (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.Pid()))
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("VmRSS line %q", sc.Text())
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// crashMarks are log lines that only an unrecovered panic, a runtime
// failure or the race detector print (slog lines start with "time=").
var crashMarks = regexp.MustCompile(`(?m)^(panic: |fatal error: |WARNING: DATA RACE)`)

func (s *confServer) stop(t testing.TB) {
	exitedAlone := false
	select {
	case <-s.done:
		exitedAlone = true
	default:
	}
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		t.Errorf("conformance server ignored SIGTERM for 5 s; killing it")
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.done
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	logs := s.stderr.String()
	if exitedAlone && !s.mayExit {
		t.Errorf("conformance server exited during the test: %v", s.werr)
	}
	if m := crashMarks.FindString(logs); m != "" {
		t.Errorf("conformance server log shows %q", strings.TrimSpace(m))
	}
	if t.Failed() {
		t.Logf("conformance server (%s) stderr:\n%s", s.Addr, logTail(logs, 150))
	}
}

// logTail returns the last n lines of s.
func logTail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	return fmt.Sprintf("[... %d lines left out ...]\n%s", len(lines)-n, strings.Join(lines[len(lines)-n:], "\n"))
}

// dialGo connects the Go client to the server in the given layout and
// returns the connection and its root.
func (s *confServer) dialGo(t testing.TB, layout message.Layout) (*rpyc.Conn, *rpyc.Netref) {
	t.Helper()
	cfg := rpyc.DefaultConfig()
	cfg.Layout = layout
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpyc.Dial(ctx, s.Addr, cfg)
	if err != nil {
		t.Fatalf("dial conformance server %s: %v", s.Addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatalf("root of conformance server: %v", err)
	}
	return c, root
}

// runScript runs a Python script to completion like Run, but returns a
// non-zero exit as an error instead of failing the test, so the caller can
// report the script's own findings first.
func runScript(t testing.TB, timeout time.Duration, script string, layout6 bool, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	argv := command(t, script, layout6, args)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = pythonEnv(nil)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = ioGrace
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	err = cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v (%v)", timeout, err)
	}
	return out.String(), errOut.String(), err
}

// checkReport is what conf_client.py printed.
type checkReport struct {
	passed   []string
	failed   []checkFailure
	summary  string // "N passed, M failed", empty if missing
	nPassed  int
	nFailed  int
	comments []string
	other    []string // lines that fit no pattern
}

type checkFailure struct{ name, detail string }

var summaryLine = regexp.MustCompile(`^(\d+) passed, (\d+) failed$`)

// parseChecks reads the "ok NAME" / "FAIL NAME: DETAIL" lines of a
// check script.
func parseChecks(out string) checkReport {
	var r checkReport
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case line == "":
		case strings.HasPrefix(line, "ok "):
			r.passed = append(r.passed, strings.TrimPrefix(line, "ok "))
		case strings.HasPrefix(line, "FAIL "):
			name, detail, _ := strings.Cut(strings.TrimPrefix(line, "FAIL "), ": ")
			r.failed = append(r.failed, checkFailure{name, unescapeLine(detail)})
		case strings.HasPrefix(line, "#"):
			r.comments = append(r.comments, line)
		case summaryLine.MatchString(line):
			m := summaryLine.FindStringSubmatch(line)
			r.summary = line
			r.nPassed, _ = strconv.Atoi(m[1])
			r.nFailed, _ = strconv.Atoi(m[2])
		default:
			r.other = append(r.other, line)
		}
	}
	return r
}

// unescapeLine undoes conf_client.py's one_line: "\\n" is a newline and
// "\\\\" a backslash.
func unescapeLine(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestConformancePython runs testdata/conf_client.py, Python's rpyc 5.3.0
// checking every line of CONFORMANCE.md, against the Go conformance server:
// once as is (5.x message layout) and once through rpyc6_layout.py (6.x);
// the server detects the layout. Each failed check is its own error.
func TestConformancePython(t *testing.T) {
	Python(t)
	conformanceBinary(t)
	layouts(t, func(t *testing.T, layout message.Layout) {
		t.Parallel()
		srv := startConformance(t)
		host, port, _ := strings.Cut(srv.Addr, ":")
		stdout, stderr, err := runScript(t, RunTimeout, "conf_client.py", layout == message.LayoutV6, host, port)
		rep := parseChecks(stdout)
		for _, f := range rep.failed {
			t.Errorf("check %s failed: %s", f.name, f.detail)
		}
		for _, line := range rep.other {
			t.Logf("conf_client.py: %s", line)
		}
		switch {
		case rep.summary == "":
			t.Errorf("conf_client.py ended without its summary line (exit: %v)\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
		case rep.nPassed != len(rep.passed) || rep.nFailed != len(rep.failed):
			t.Errorf("summary %q disagrees with the %d ok and %d FAIL lines", rep.summary, len(rep.passed), len(rep.failed))
		case (err != nil) != (rep.nFailed > 0):
			t.Errorf("conf_client.py exit status %v with %d failures\nstderr:\n%s", err, rep.nFailed, stderr)
		case len(rep.passed) == 0:
			t.Errorf("conf_client.py ran no checks")
		}
		if stderr != "" && t.Failed() {
			t.Logf("conf_client.py stderr:\n%s", stderr)
		}
		if err := srv.Alive(); err != nil {
			t.Error(err)
		}
		t.Logf("%s layout: %d checks, %d passed, %d failed %s", layout, len(rep.passed)+len(rep.failed),
			len(rep.passed), len(rep.failed), strings.Join(rep.comments, " "))
	})
}
