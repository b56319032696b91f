package server

import (
	"math"
	"runtime/debug"
	"testing"
)

// A server with a memory budget tells the Go runtime a soft memory limit
// above it when the process has none, and puts the old one back at
// Shutdown; a limit the process chose is left alone.
func TestServerSetsTheRuntimeMemoryLimitFromItsBudget(t *testing.T) {
	if old := debug.SetMemoryLimit(-1); old != math.MaxInt64 {
		t.Skipf("the process already has a memory limit (%d)", old)
	}
	t.Setenv("GOMEMLIMIT", "")
	s := &Server{MemoryBudget: 256 << 20}
	s.init()
	want := int64(256<<20)*5/4 + 64<<20
	if got := debug.SetMemoryLimit(-1); got != want {
		t.Fatalf("runtime memory limit %d, want %d (budget x 5/4 + 64 MiB)", got, want)
	}
	s.Close()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("after Close the limit is %d, want none again", got)
	}
	debug.SetMemoryLimit(3 << 30)
	defer debug.SetMemoryLimit(math.MaxInt64)
	s2 := &Server{}
	s2.init()
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Fatalf("a limit the process set became %d", got)
	}
	s2.Close()
	s3 := &Server{RuntimeMemoryLimit: -1}
	debug.SetMemoryLimit(math.MaxInt64)
	s3.init()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("RuntimeMemoryLimit -1 set a limit of %d", got)
	}
	s3.Close()
}
