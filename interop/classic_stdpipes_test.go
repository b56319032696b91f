//go:build unix

package interop

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClassicStdPipes: Python's connect_subproc starts a Go program that
// drives its parent over stdin/stdout with classic.ConnectStdPipes.
func TestClassicStdPipes(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "child")
	build := exec.Command("go", "build", "-o", bin, "./testdata/classic_stdpipes_child")
	build.Dir = filepath.Dir(ScriptPath("classic_stdpipes_parent.py")) + "/.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out := Run(t, "classic_stdpipes_parent.py", false, bin)
	if !strings.Contains(out, "child says: 42") || !strings.Contains(out, "child exit: 0") {
		t.Errorf("parent printed %q", out)
	}
}
