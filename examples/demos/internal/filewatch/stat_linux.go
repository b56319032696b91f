package filewatch

import (
	"os"
	"syscall"
)

// sysStat is the full stat of fi (Linux names its times Atim, ...).
func sysStat(fi os.FileInfo) *Stat {
	return sysStatTimes(fi, func(st *syscall.Stat_t) (a, m, c syscall.Timespec) { return st.Atim, st.Mtim, st.Ctim })
}
