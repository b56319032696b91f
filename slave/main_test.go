package slave_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves a goroutine behind (every
// connection closed, every request of code done).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
