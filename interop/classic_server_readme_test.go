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
	root, err := confModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const connect = `rpyc.classic.connect("127.0.0.1")`
	var block string
	for _, part := range strings.Split(string(readme), "```python\n")[1:] {
		code, _, _ := strings.Cut(part, "```")
		if strings.Contains(code, connect) {
			block = code
			break
		}
	}
	if block == "" {
		t.Fatalf("README.md has no python block with %s", connect)
	}
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
