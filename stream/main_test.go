package stream

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves goroutines behind, and lets the test
// binary act as the child process of TestStdioSubprocess.
func TestMain(m *testing.M) {
	if os.Getenv(stdioChildEnv) == "1" {
		os.Exit(stdioChild())
	}
	goleak.VerifyTestMain(m)
}
