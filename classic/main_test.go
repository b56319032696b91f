package classic_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if an example leaves a goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
