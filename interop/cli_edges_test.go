//go:build unix

package interop

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCLILayoutCache: against Debian's rpyc 5.3 server, the first
// command learns the layout (the 6.x probe leaves its tracebacks in the
// server's log) and keeps it in the user's cache directory, so the next
// commands leave none; RPYC_LAYOUT=5 leaves none from the start; a
// forced wrong layout advises the flag that works; a cached layout the
// server no longer speaks is learnt again.
func TestCLILayoutCache(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	py5 := Start(t, PeerOptions{Script: "py_server.py"})
	tracebacks := func() int { return strings.Count(py5.Stderr(), "Traceback") }
	cache := t.TempDir()
	withCache := []string{"XDG_CACHE_HOME=" + cache}

	mustEnv := func(env []string, args ...string) string {
		t.Helper()
		r := runCLIEnv(t, bin, env, args...)
		if r.code != 0 {
			t.Fatalf("rpyc %s: %v", strings.Join(args, " "), r)
		}
		return r.stdout
	}
	wantLines(t, mustEnv(withCache, "ping", py5.Addr), "layout v5")
	probed := tracebacks()
	if probed == 0 {
		t.Fatalf("the first ping left no traceback in the 5.3 server's log; the probe this test is about did not happen:\n%s", py5.Stderr())
	}
	b, err := os.ReadFile(filepath.Join(cache, "rpyc", "layouts"))
	if err != nil || !strings.Contains(string(b), "5 tcp "+py5.Addr+"\n") {
		t.Errorf("layout cache: %v\n%s\nwant the line 5 tcp %s", err, b, py5.Addr)
	}
	for range 3 {
		mustEnv(withCache, "call", py5.Addr, "add", "1", "2")
	}
	if n := tracebacks(); n != probed {
		t.Errorf("with the layout cached, three more commands left %d more tracebacks in the server's log, want 0", n-probed)
	}

	// A fresh cache, but the lab says 5.x in the environment.
	wantLines(t, mustEnv([]string{"RPYC_LAYOUT=5"}, "ping", py5.Addr), "layout v5")
	if n := tracebacks(); n != probed {
		t.Errorf("RPYC_LAYOUT=5 left %d tracebacks in the server's log, want 0", n-probed)
	}

	// Forced to the wrong layout: the advice names the flag.
	for _, env := range [][]string{nil, {"RPYC_LAYOUT=6"}} {
		args := []string{"ping", py5.Addr}
		if env == nil {
			args = append(args, "--layout", "6")
		}
		r := runCLIEnv(t, bin, env, args...)
		if r.code != 3 || !strings.Contains(r.stderr, "use --layout 5") || strings.Contains(r.stderr, "Config.Layout") {
			t.Errorf("rpyc %s (env %q) against 5.3: got %v, want exit 3 advising --layout 5", strings.Join(args, " "), env, r)
		}
	}
	r := runCLIEnv(t, bin, []string{"RPYC_LAYOUT=7"}, "ping", py5.Addr)
	if r.code != 2 || !strings.Contains(r.stderr, "RPYC_LAYOUT=7: use auto, 5 or 6") {
		t.Errorf("RPYC_LAYOUT=7: got %v, want exit 2 naming the variable", r)
	}

	// A server that changed version: the cached 5 is wrong for a 6.x
	// server, which is learnt again and recorded.
	py6 := Start(t, PeerOptions{Script: "py_server.py", Layout6: true})
	stale := filepath.Join(t.TempDir())
	if err := os.MkdirAll(filepath.Join(stale, "rpyc"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "rpyc", "layouts"), []byte("5 tcp "+py6.Addr+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantLines(t, mustEnv([]string{"XDG_CACHE_HOME=" + stale}, "ping", py6.Addr), "layout v6")
	if b, _ := os.ReadFile(filepath.Join(stale, "rpyc", "layouts")); !strings.Contains(string(b), "6 tcp "+py6.Addr+"\n") {
		t.Errorf("after relearning, the cache holds %q, want 6 tcp %s", b, py6.Addr)
	}
}

// TestCLIGet: rpyc get reads an attribute (a dotted path) of a Python
// service's root, which call cannot.
func TestCLIGet(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	for _, layout6 := range []bool{false, true} {
		p := Start(t, PeerOptions{Script: "cli_service.py", Layout6: layout6})
		if got := strings.TrimSpace(mustCLI(t, bin, "get", p.Addr, "version")); got != "'1.2.3'" {
			t.Errorf("get version printed %s, want '1.2.3'", got)
		}
		if got := strings.TrimSpace(mustCLI(t, bin, "get", "-o", "json", p.Addr, "limits.max_rows")); got != "1000" {
			t.Errorf("get -o json limits.max_rows printed %s, want 1000", got)
		}
		r := runCLI(t, bin, "get", p.Addr, "no_such_attr")
		if r.code != 1 || !strings.Contains(r.stderr, "no_such_attr: ") || !strings.Contains(r.stderr, "AttributeError") {
			t.Errorf("get no_such_attr: got %v, want exit 1 with the AttributeError", r)
		}
		if r := runCLI(t, bin, "get", p.Addr); r.code != 2 || !strings.Contains(r.stderr, "expects ATTR") {
			t.Errorf("get without ATTR: got %v, want exit 2", r)
		}
	}
}

// TestCLICallLiterals: what Python's ast.literal_eval reads, call sends:
// the server echoes each back and the repr is Python's.
func TestCLICallLiterals(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	literals := []struct{ arg, repr string }{
		{"0x40", "64"},
		{"-0x10", "-16"},
		{"0o17", "15"},
		{"0b101", "5"},
		{"1_000", "1000"},
		{"0xffffffffffffffffff", "4722366482869645213695"},
		{"1e400", "inf"},
		{"-1e400", "-inf"},
		{".5", "0.5"},
		{"1+2j", "(1+2j)"},
		{"-2j", "(-0-2j)"},
		{"u'x'", "'x'"},
		{`r'\d'`, `'\\d'`},
		{`'''it's'''`, `"it's"`},
		{"'a' 'b'", "'ab'"},
		{`b'\x00' b'\x01'`, `b'\x00\x01'`},
		{"{1, 2}", "frozenset({1, 2})"},
		{"set()", "frozenset()"},
		{"(1, [2, {'k': (3,)}])", "(1, [2, {'k': (3,)}])"},
		{"...", "Ellipsis"},
		{"1, 2", "(1, 2)"},
	}
	for _, s := range cliServers(t) {
		t.Run(s.name, func(t *testing.T) {
			for _, l := range literals {
				if got := strings.TrimSpace(mustCLI(t, bin, "call", s.addr, "echo", l.arg)); got != l.repr {
					t.Errorf("call echo %s printed %s, want %s", l.arg, got, l.repr)
				}
			}
		})
	}
	conf := startConformance(t)
	for arg, says := range map[string]string{
		"hello": `a string needs quotes, which the shell removes unless quoted: "'hello'"`,
		"0777":  "leading zeros in decimal integer literals are not permitted",
		"2**8":  "unexpected '*' after the value (column 2)",
	} {
		r := runCLI(t, bin, "call", conf.Addr, "echo", arg)
		if r.code != 2 || !strings.Contains(r.stderr, says) || strings.Contains(r.stderr, "rpyc: ") {
			t.Errorf("call echo %s: got %v, want exit 2 saying %q (no doubled prefix)", arg, r, says)
		}
	}
}

// TestCLIEdges: the messages of a silent port, a slow call and a missing
// argument, each said once.
func TestCLIEdges(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	// A port that accepts and never answers.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	silent := l.Addr().String()
	for _, cmd := range [][]string{{"ping"}, {"call", "--layout", "5"}, {"shell"}} {
		args := append(append([]string{}, cmd...), "--timeout", "1s", silent)
		if cmd[0] == "call" {
			args = append(args, "f")
		}
		r := runCLI(t, bin, args...)
		if want := "no RPyC answer from " + silent + " within 1 s (is it an RPyC server?)"; r.code != 3 || !strings.Contains(r.stderr, want) {
			t.Errorf("rpyc %s: got %v, want exit 3 saying %q", strings.Join(args, " "), r, want)
		}
	}
	if out := mustCLI(t, bin, "ping", "--help"); !strings.Contains(out, "(default 10s)") {
		t.Errorf("ping --help does not give --timeout's default of 10s:\n%s", out)
	}

	conf := startConformance(t)
	r := runCLI(t, bin, "call", "--timeout", "300ms", conf.Addr, "sleep", "1.5")
	if want := "rpyc call: sleep(): no reply within 300ms (--timeout"; r.code != 3 || !strings.Contains(r.stderr, want) {
		t.Errorf("a slow call: got %v, want exit 3 saying %q", r, want)
	}
	for _, args := range [][]string{{"ping"}, {"ping", "a", "b"}, {"call", conf.Addr}} {
		r := runCLI(t, bin, args...)
		prefix := "rpyc " + args[0] + ": "
		if r.code != 2 || !strings.HasPrefix(r.stderr, prefix) || strings.Count(r.stderr, "rpyc "+args[0]+":") != 1 ||
			strings.Count(r.stderr, prefix+"rpyc") != 0 {
			t.Errorf("rpyc %s: got %v, want exit 2 with one %q prefix", strings.Join(args, " "), r, prefix)
		}
	}
	free := freePort(t)
	for _, args := range [][]string{{"list", "--registry-type", "tcp"}, {"discover", "--registry-type", "tcp", "X"}} {
		args = append(args, "--registry-port", strconv.Itoa(free), "--timeout", "1s")
		r := runCLI(t, bin, args...)
		if r.code != 3 || strings.Count(r.stderr, "is a registry running there?") != 1 || strings.Contains(r.stderr, args[0]+": "+args[0]) {
			t.Errorf("rpyc %s: got %v, want exit 3 giving the hint once", strings.Join(args, " "), r)
		}
	}
}

// knownLayout names the layout of a cliClassicLayouts subtest's server,
// so the command skips its 6.x probe: against Python's 5.3 rpyc_classic
// the probe's traceback, printed by a server thread into the process-wide
// sys.stderr that the shell's redirected stdio points at the shell, would
// land in the middle of the shell's own output.
func knownLayout(t *testing.T) string {
	if strings.HasSuffix(t.Name(), "-v5") {
		return "RPYC_LAYOUT=5"
	}
	return "RPYC_LAYOUT="
}

// TestCLIShellScript: piped lines run as a script, which the first
// remote exception ends with exit status 1; a server that is not a
// classic one is refused before the prompt; the README's example runs
// against Python's rpyc_classic and ours.
func TestCLIShellScript(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	cliClassicLayouts(t, func(t *testing.T, addr string) {
		cmd := exec.Command(bin, "shell", addr)
		cmd.Env = cliEnv(t, knownLayout(t))
		cmd.Stdin = strings.NewReader("x = 2\nprint('before', x)\nundefined_name\nprint('not reached')\n")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("shell with a failing line: %v, want exit status 1\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
		}
		if !strings.Contains(stdout.String(), "before 2") || strings.Contains(stdout.String(), "not reached") {
			t.Errorf("the lines before the failure ran, and none after it? stdout:\n%s", stdout.String())
		}
		if !strings.Contains(stderr.String(), "rpyc shell: line 3: NameError") {
			t.Errorf("stderr %q, want the failing line and its NameError", stderr.String())
		}

		// The README's example.
		cmd = exec.Command("sh", "-c", `echo 'print(__import__("os").getcwd())' | "$0" shell "$1"`, bin, addr)
		cmd.Env = cliEnv(t, knownLayout(t))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "/") {
			t.Errorf("the README's piped shell example: %v\n%s", err, out)
		}
	})
	conf := startConformance(t)
	for _, c := range [][]string{{"shell", conf.Addr}, {"upload", conf.Addr, "/etc/hostname", filepath.Join(t.TempDir(), "x")}} {
		start := time.Now()
		r := runCLI(t, bin, c...)
		if r.code != 2 || !strings.Contains(r.stderr, "serves service CONFORMANCE, not a classic server") || strings.Contains(r.stdout, ">>>") {
			t.Errorf("rpyc %s against a plain service: got %v, want exit 2 and no prompt", c[0], r)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("refusing took %v", d)
		}
	}
}

// TestCLIVersion: --version on every command: the module version and
// the protocol versions spoken.
func TestCLIVersion(t *testing.T) {
	for _, c := range []struct{ pkg, name string }{
		{"./cmd/rpyc", "rpyc"}, {"./cmd/rpyc_classic", "rpyc_classic"}, {"./cmd/rpyc_registry", "rpyc_registry"},
	} {
		bin := buildGo(t, c.pkg)
		for _, flag := range []string{"--version", "-version"} {
			r := runCLI(t, bin, flag)
			if r.code != 0 || !strings.HasPrefix(r.stdout, c.name+" ") || !strings.Contains(r.stdout, "github.com/rpyc-go/rpyc") ||
				!strings.Contains(r.stdout, "5.3.0-go") || !strings.Contains(r.stdout, "6.0.1-go") {
				t.Errorf("%s %s: got %v, want the version and the protocol versions", c.name, flag, r)
			}
		}
	}
}
