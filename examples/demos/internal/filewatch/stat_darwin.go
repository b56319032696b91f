package filewatch

import (
	"os"
	"syscall"
)

// sysStat is the full stat of fi (macOS names its times Atimespec, ...).
func sysStat(fi os.FileInfo) *Stat {
	return sysStatTimes(fi, func(st *syscall.Stat_t) (a, m, c syscall.Timespec) {
		return st.Atimespec, st.Mtimespec, st.Ctimespec
	})
}
