//go:build unix

package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/message"
)

// The side-by-side harness (issue 18's "Measured"): the same Python
// client script, testdata/sidebyside/runner.py with the checks of
// testdata/sidebyside/checks_*.py, runs against Python's own
// rpyc_classic (Debian's rpyc 5.3) and against ours, in one test. A
// check passes when it returns without raising; what it returns must be
// equal on both servers. The test fails on any check that passes on
// Python's and fails (or gives another value) on ours, except the named
// lists below. Set SIDEBYSIDE_REPORT=path to write every result as JSON
// lines.

// cpythonOnly are checks that need CPython itself (or its regular
// expression engine) on the server, each with the reason.
var cpythonOnly = map[string]string{
	"re_cpython.backreference":       "needs a backtracking regex engine; Go's RE2 has none (ours raises re.error naming the construct)",
	"re_cpython.named_backreference": "needs a backtracking regex engine (as above)",
	"re_cpython.lookahead":           "needs a backtracking regex engine (as above)",
	"re_cpython.negative_lookahead":  "needs a backtracking regex engine (as above)",
	"re_cpython.lookbehind":          "needs a backtracking regex engine (as above)",
	"re_cpython.negative_lookbehind": "needs a backtracking regex engine (as above)",
	"re_cpython.conditional":         "needs a backtracking regex engine (as above)",
	"re_cpython.atomic_group":        "needs a backtracking regex engine (as above)",
	"re_cpython.possessive":          "needs a backtracking regex engine (as above)",
	"stmt.teleport_function_error":   "teleport_function sends CPython bytecode; the server has no CPython (execute a def instead)",
}

// sbsResult is one line of runner.py's output.
type sbsResult struct {
	Name  string  `json:"name"`
	OK    bool    `json:"ok"`
	Value *string `json:"value"`
	Error *string `json:"error"`
	Done  *int    `json:"done"`
}

func str(p *string) string {
	if p == nil {
		return "None"
	}
	return *p
}

// sideBySideTimeout bounds one run of every check against one server.
const sideBySideTimeout = 8 * time.Minute

// runSideBySide runs the checks (argv from command) against one server
// and returns the results by name, in order. It may run on any
// goroutine: errors are returned, not reported.
func runSideBySide(argv []string) ([]string, map[string]sbsResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), sideBySideTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = pythonEnv(nil)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = ioGrace
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("runner.py: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	var names []string
	res := map[string]sbsResult{}
	done := false
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var r sbsResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, nil, fmt.Errorf("runner.py printed %q: %w", line, err)
		}
		if r.Done != nil {
			done = true
			continue
		}
		names = append(names, r.Name)
		res[r.Name] = r
	}
	if !done {
		return nil, nil, fmt.Errorf("runner.py did not finish:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
	return names, res, nil
}

// TestClassicSideBySide runs the checks on Python's rpyc_classic and on
// ours, and compares.
func TestClassicSideBySide(t *testing.T) {
	if testing.Short() {
		t.Skip("the side-by-side run takes a minute; not in -short")
	}
	bin := goClassicBinary(t)
	py := startRPyCClassic(t, message.LayoutV5)
	pyHost, pyPort := splitAddr(t, py.Addr)
	ours := startGoClassic(t, bin)
	goHost, goPort := ours.hostPort()
	pyArgv := command(t, "sidebyside/runner.py", false, []string{pyHost, pyPort, t.TempDir()})
	goArgv := command(t, "sidebyside/runner.py", false, []string{goHost, goPort, t.TempDir()})

	type outcome struct {
		names    []string
		pyRes    map[string]sbsResult
		goRes    map[string]sbsResult
		pyPasses int
		goPasses int
	}
	var o outcome
	var pyErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, o.pyRes, pyErr = runSideBySide(pyArgv)
	}()
	var goErr error
	o.names, o.goRes, goErr = runSideBySide(goArgv)
	<-done
	if pyErr != nil {
		t.Fatalf("against Python's rpyc_classic: %v", pyErr)
	}
	if goErr != nil {
		t.Fatalf("against ours: %v", goErr)
	}
	for _, n := range o.names {
		if o.pyRes[n].OK {
			o.pyPasses++
		}
		if o.goRes[n].OK {
			o.goPasses++
		}
	}
	t.Logf("side by side: %d checks; Python's rpyc_classic passes %d, ours %d", len(o.names), o.pyPasses, o.goPasses)

	var failures, cpython, oursOnly, pyFails []string
	for _, n := range o.names {
		p, g := o.pyRes[n], o.goRes[n]
		switch {
		case p.OK && !g.OK:
			line := fmt.Sprintf("%s: ours fails: %s", n, str(g.Error))
			switch {
			case cpythonOnly[n] != "":
				cpython = append(cpython, fmt.Sprintf("%s (%s)", n, cpythonOnly[n]))
			default:
				failures = append(failures, line)
			}
		case p.OK && g.OK && str(p.Value) != str(g.Value):
			line := fmt.Sprintf("%s: values differ:\n    Python's: %s\n    ours:     %s", n, str(p.Value), str(g.Value))
			switch {
			case cpythonOnly[n] != "":
				cpython = append(cpython, fmt.Sprintf("%s (%s)", n, cpythonOnly[n]))
			default:
				failures = append(failures, line)
			}
		case !p.OK && g.OK:
			oursOnly = append(oursOnly, fmt.Sprintf("%s (Python's: %s)", n, str(p.Error)))
		case !p.OK && !g.OK:
			pyFails = append(pyFails, fmt.Sprintf("%s (Python's: %s; ours: %s)", n, str(p.Error), str(g.Error)))
		}
	}
	report := func(title string, lines []string) {
		if len(lines) > 0 {
			sort.Strings(lines)
			t.Logf("%s (%d):\n  %s", title, len(lines), strings.Join(lines, "\n  "))
		}
	}
	report("CPython-only checks (named, with their reasons)", cpython)
	report("pass on ours only", oursOnly)
	report("fail on both", pyFails)
	if len(failures) > 0 {
		sort.Strings(failures)
		t.Errorf("%d checks pass on Python's rpyc_classic and not on ours:\n  %s", len(failures), strings.Join(failures, "\n  "))
	}
	if path := os.Getenv("SIDEBYSIDE_REPORT"); path != "" {
		writeSideBySideReport(t, path, o.names, o.pyRes, o.goRes)
	}
}

func writeSideBySideReport(t *testing.T, path string, names []string, py, ours map[string]sbsResult) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range names {
		line, _ := json.Marshal(map[string]any{"name": n, "python": py[n], "ours": ours[n]})
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
