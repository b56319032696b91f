//go:build unix

package interop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClassicServerReadmeQuickStart runs the README quick start's Python
// block, unchanged except for the port, against the Go rpyc_classic, so
// the five lines a newcomer copies keep working.
func TestClassicServerReadmeQuickStart(t *testing.T) {
	const connect = `rpyc.classic.connect("127.0.0.1")`
	block := readmePythonBlock(t, connect)
	srv := startGoClassic(t, goClassicBinary(t))
	_, port := srv.hostPort()
	script := filepath.Join(t.TempDir(), "quickstart.py")
	code := strings.Replace(block, connect, `rpyc.classic.connect("127.0.0.1", `+port+`)`, 1)
	if err := os.WriteFile(script, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	out := Run(t, script, false)
	want := srv.Dir + " 3\n42\n"
	if real, err := filepath.EvalSymlinks(srv.Dir); err == nil {
		want = real + " 3\n42\n"
	}
	if out != want {
		t.Errorf("quick start printed %q, want %q", out, want)
	}
}

// TestClassicServerReadmeCode runs the README's "Code" example against
// the Go rpyc_classic and against Python's rpyc_classic: both must print
// the same.
func TestClassicServerReadmeCode(t *testing.T) {
	block := readmePythonBlock(t, `conn.namespace["Probe"]`)
	run := func(host, port string) string {
		script := filepath.Join(t.TempDir(), "code.py")
		code := "import rpyc\nconn = rpyc.classic.connect(" + `"` + host + `", ` + port + ")\n" + block
		if err := os.WriteFile(script, []byte(code), 0o600); err != nil {
			t.Fatal(err)
		}
		return Run(t, script, false)
	}
	goOut := run(startGoClassic(t, goClassicBinary(t)).hostPort())
	p := Start(t, PeerOptions{Script: "classic_rpyc_classic.py"})
	i := strings.LastIndexByte(p.Addr, ':')
	pyOut := run(p.Addr[:i], p.Addr[i+1:])
	if goOut != pyOut || !strings.Contains(goOut, "[0, 1, 4, 9, 16]") {
		t.Errorf("README code example printed %q on the Go server and %q on Python's; want the same, with [0, 1, 4, 9, 16]", goOut, pyOut)
	}
}

// readmePythonBlock is the README's first python block containing marker.
func readmePythonBlock(t *testing.T, marker string) string {
	t.Helper()
	root, err := confModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(string(readme), "```python\n")[1:] {
		code, _, _ := strings.Cut(part, "```")
		if strings.Contains(code, marker) {
			return code
		}
	}
	t.Fatalf("README.md has no python block with %s", marker)
	return ""
}
