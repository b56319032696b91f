package filewatch

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestWatchRefusesBadIntervals: an interval that is not a positive
// number of nanoseconds or more (a client's 1e-10, inf or nan) is refused
// with an error; it must not reach time.NewTicker, whose panic on the
// watch goroutine would take the whole server down.
func TestWatchRefusesBadIntervals(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(name, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, iv := range []float64{0, -1, 1e-10, math.Inf(1), math.Inf(-1), math.NaN()} {
		m, err := Watch(context.Background(), name, nil, iv)
		if err == nil {
			m.Stop()
			t.Errorf("Watch(interval=%v) = nil error, want a refusal", iv)
		}
	}
}
