package server

import (
	"math"
	"os"
	"runtime/debug"
	"sync"

	"github.com/rpyc-go/rpyc"
)

// memLimit is the Go runtime's soft memory limit as a server set it (see
// Server.RuntimeMemoryLimit).
type memLimit struct {
	applied bool
	value   int64 // what we set
	prev    int64 // what was there before
}

// memLimitMu serialises servers of one process touching the runtime's
// limit, a process-wide setting.
var memLimitMu sync.Mutex

// set applies the limit asked for: want > 0 as it is, 0 derived from the
// budget when the process has none, < 0 nothing.
func (m *memLimit) set(want int64, budget *rpyc.Budget) {
	if want < 0 {
		return
	}
	memLimitMu.Lock()
	defer memLimitMu.Unlock()
	cur := debug.SetMemoryLimit(-1) // reads it
	if want == 0 {
		if budget == nil || os.Getenv("GOMEMLIMIT") != "" || cur != math.MaxInt64 {
			return // no budget to derive from, or the process chose
		}
		want = budget.Limit()*5/4 + 64<<20
	}
	m.applied, m.value, m.prev = true, want, cur
	debug.SetMemoryLimit(want)
}

// restore puts back the limit there was, unless someone changed it since.
func (m *memLimit) restore() {
	memLimitMu.Lock()
	defer memLimitMu.Unlock()
	if !m.applied {
		return
	}
	m.applied = false
	if debug.SetMemoryLimit(-1) == m.value {
		debug.SetMemoryLimit(m.prev)
	}
}
