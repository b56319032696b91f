package rpyc

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind: every
// connection's reader, handlers and pump must be gone after Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
