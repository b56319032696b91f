//go:build unix

package interop

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClassicStdPipes: a Python parent starts a Go program that
// drives its parent over stdin/stdout with classic.ConnectStdPipes. The
// layout is the 6.x one unless set: a 6.x parent needs nothing, a 5.x
// parent needs Layout = LayoutV5, and without it the Go side's error says
// to set exactly that.
func TestClassicStdPipes(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "child")
	build := exec.Command("go", "build", "-o", bin, "./testdata/classic_stdpipes_child")
	build.Dir = filepath.Dir(ScriptPath("classic_stdpipes_parent.py")) + "/.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	works := func(t *testing.T, out string) {
		t.Helper()
		if !strings.Contains(out, "child says: 42") || !strings.Contains(out, "child exit: 0") {
			t.Errorf("parent printed %q, want the child's 42 and exit 0", out)
		}
	}
	t.Run("v6 parent, default layout", func(t *testing.T) {
		works(t, Run(t, "classic_stdpipes_parent.py", true, bin))
	})
	t.Run("v5 parent, LayoutV5", func(t *testing.T) {
		works(t, Run(t, "classic_stdpipes_parent.py", false, bin, "-layout", "5"))
	})
	t.Run("v5 parent, default layout", func(t *testing.T) {
		errFile := filepath.Join(t.TempDir(), "err")
		out := Run(t, "classic_stdpipes_parent.py", false, bin, "-err", errFile)
		if strings.Contains(out, "child says: 42") || !strings.Contains(out, "child exit: 1") {
			t.Errorf("parent printed %q, want the child to fail", out)
		}
		msg, err := os.ReadFile(errFile)
		if err != nil {
			t.Fatalf("the child left no error: %v (parent printed %q)", err, out)
		}
		if !strings.Contains(string(msg), "set Config.Layout = message.LayoutV5") {
			t.Errorf("child's error %q does not say which layout to set", msg)
		}
	})
}
