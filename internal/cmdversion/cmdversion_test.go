package cmdversion

import (
	"strings"
	"testing"
)

// TestFprint: the text names the command, a version, and the protocol
// versions spoken.
func TestFprint(t *testing.T) {
	var b strings.Builder
	Fprint(&b, "rpyc")
	got := b.String()
	for _, want := range []string{"rpyc ", "github.com/rpyc-go/rpyc", "go1.", "5.3.0-go", "6.0.1-go", "5.x and 6.x"} {
		if !strings.Contains(got, want) {
			t.Errorf("version text %q lacks %q", got, want)
		}
	}
	if Version() == "" {
		t.Errorf("Version() is empty, want a version or (devel)")
	}
}
