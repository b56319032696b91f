//go:build unix

package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildGo builds a main package of this module ("./cmd/rpyc") into the
// test's temp dir and returns the binary's path, with -race when the
// conformance server is built so (confRaceEnv). The build cache makes
// every build after the first a link.
func buildGo(t *testing.T, pkg string) string {
	t.Helper()
	return buildGoTags(t, pkg, "")
}

// buildGoTags is buildGo with build tags ("etcd" for the rpyc command
// that speaks to etcd).
func buildGoTags(t *testing.T, pkg, tags string) string {
	t.Helper()
	root, err := confModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := []string{"build", "-o", bin}
	if os.Getenv(confRaceEnv) == "1" {
		args = append(args, "-race")
	}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	cmd := exec.CommandContext(ctx, goToolPath(), append(args, pkg)...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// goProc is a Go server program started by startGoProc.
type goProc struct {
	Addr   string // from its "listening on" line
	cmd    *exec.Cmd
	stdout *outputBuffer
	stderr *outputBuffer
	done   chan struct{}
	werr   error
}

// startGoProc starts bin with args in its own process group, waits for
// its "listening on HOST:PORT" line, and stops it at cleanup (SIGTERM,
// SIGKILL after 5 s). The test fails if its log shows a panic or a race.
func startGoProc(t *testing.T, bin string, args ...string) *goProc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = ioGrace
	p := &goProc{cmd: cmd, stdout: newOutputBuffer(), stderr: newOutputBuffer(), done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		p.werr = cmd.Wait()
		p.stdout.close()
		p.stderr.close()
		close(p.done)
	}()
	t.Cleanup(func() { p.stop(t) })
	line, _, err := p.stdout.waitLine(func(l string) bool { return strings.HasPrefix(l, "listening on ") }, ReadyTimeout)
	if err != nil {
		t.Fatalf("%s did not start: %v\nstderr:\n%s", filepath.Base(bin), err, p.stderr.String())
	}
	p.Addr = strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	return p
}

// exited reports whether the process ended, waiting up to d.
func (p *goProc) exited(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

func (p *goProc) stop(t *testing.T) {
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Errorf("%s ignored SIGTERM for 5 s; killing it", p.cmd.Path)
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	if m := crashMarks.FindString(p.stderr.String()); m != "" {
		t.Errorf("%s log shows %q", filepath.Base(p.cmd.Path), strings.TrimSpace(m))
	}
	if t.Failed() {
		t.Logf("%s stderr:\n%s", filepath.Base(p.cmd.Path), logTail(p.stderr.String(), 60))
	}
}

// cliResult is one run of the rpyc command.
type cliResult struct {
	stdout, stderr string
	code           int
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// runCLI runs the rpyc binary to completion (60 s at most), with a
// layout cache of its own (so every run learns the layout afresh, and
// nothing is left in the user's cache directory).
func runCLI(t *testing.T, bin string, args ...string) cliResult {
	t.Helper()
	return runCLIEnv(t, bin, nil, args...)
}

// cliEnv is the environment the rpyc binary runs in: a layout cache of
// its own in a temporary directory, no RPYC_LAYOUT, and env on top.
func cliEnv(t *testing.T, env ...string) []string {
	return append(append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir(), "RPYC_LAYOUT="), env...)
}

// runCLIEnv is runCLI with env added to the environment.
func runCLIEnv(t *testing.T, bin string, env []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), RunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = cliEnv(t, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := cliResult{stdout: out.String(), stderr: errOut.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("rpyc %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("rpyc %s: no exit within %v", strings.Join(args, " "), RunTimeout)
	}
	return r
}

// mustCLI runs rpyc and fails the test unless it exits 0.
func mustCLI(t *testing.T, bin string, args ...string) string {
	t.Helper()
	r := runCLI(t, bin, args...)
	if r.code != 0 {
		t.Fatalf("rpyc %s: %v", strings.Join(args, " "), r)
	}
	return r.stdout
}
