//go:build unix

package interop

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// goClassicBinary builds ./cmd/rpyc_classic statically (CGO_ENABLED=0,
// as zero-deploy copies it), once per test binary.
func goClassicBinary(t testing.TB) string {
	t.Helper()
	bin, err := buildOnce("rpyc_classic", "./cmd/rpyc_classic", []string{"CGO_ENABLED=0"})
	if err != nil {
		t.Fatalf("building rpyc_classic: %v", err)
	}
	return bin
}

// goClassic is one running process of the Go rpyc_classic.
type goClassic struct {
	Addr   string // HOST:PORT it listens on
	Dir    string // its working directory
	cmd    *exec.Cmd
	stdout *outputBuffer
	stderr *outputBuffer
	done   chan struct{}
	werr   error
}

var startedLine = regexp.MustCompile(`server started on \[([^\]]*)\]:(\d+)`)

// startGoClassic starts the Go rpyc_classic with args (plus --port 0
// unless args name a port) in a fresh working directory, and waits for
// its "server started on [HOST]:PORT" log line (or, in oneshot mode, its
// "rpyc-oneshot" lines). At cleanup it gets SIGTERM (SIGKILL after 5 s);
// its log is printed if the test failed.
func startGoClassic(t testing.TB, bin string, args ...string) *goClassic {
	t.Helper()
	if !hasArg(args, "-p", "--port") {
		args = append([]string{"--port", "0"}, args...)
	}
	s := &goClassic{Dir: t.TempDir(), stdout: newOutputBuffer(), stderr: newOutputBuffer(), done: make(chan struct{})}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Dir = s.Dir
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.cmd.WaitDelay = ioGrace
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start rpyc_classic: %v", err)
	}
	go func() {
		s.werr = s.cmd.Wait()
		s.stdout.close()
		s.stderr.close()
		close(s.done)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
		if t.Failed() {
			t.Logf("rpyc_classic %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), s.stdout.String(), s.stderr.String())
		}
	})
	line, _, err := s.stderr.waitLine(func(l string) bool { return startedLine.MatchString(l) }, ReadyTimeout)
	if err != nil {
		t.Fatalf("rpyc_classic did not start: %v\nstderr:\n%s", err, s.stderr.String())
	}
	m := startedLine.FindStringSubmatch(line)
	s.Addr = net.JoinHostPort(m[1], m[2])
	return s
}

// wait waits for the process to exit by itself and returns its error
// (nil: exit status 0).
func (s *goClassic) wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case <-s.done:
		return s.werr
	case <-time.After(timeout):
		return errors.New("still running after " + timeout.String())
	}
}

func (s *goClassic) hostPort() (string, string) {
	h, p, _ := net.SplitHostPort(s.Addr)
	return h, p
}

func hasArg(args []string, names ...string) bool {
	for _, a := range args {
		for _, n := range names {
			if a == n || strings.HasPrefix(a, n+"=") {
				return true
			}
		}
	}
	return false
}

// runPyClient runs classic_server_client.py in the layout given, with a
// fresh work directory, and checks that every check passed.
func runPyClient(t *testing.T, layout6 bool, args ...string) string {
	t.Helper()
	work := t.TempDir()
	out := Run(t, "classic_server_client.py", layout6, append([]string{work}, args...)...)
	for _, want := range []string{"ok getcwd", "ok eval", "ok execute+namespace", "ok syntaxerror",
		"ok upload+download file", "ok upload+download tree", "ok redirected_stdio", "ok subprocess.run",
		"ok errors", "ok values", "all ok"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("Python client output lacks %q:\n%s", want, out)
		}
	}
	return out
}

// cwdOf reads the "cwd: PATH" line of the Python client's output.
func cwdOf(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if c, ok := strings.CutPrefix(l, "cwd: "); ok {
			return c
		}
	}
	return fmt.Sprintf("(no cwd line in %q)", out)
}
