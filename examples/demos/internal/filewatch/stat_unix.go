//go:build linux || darwin

package filewatch

import (
	"os"
	"syscall"
)

// sysStatTimes is the full stat of fi, from the system's stat_t; times
// picks its access, modification and change times, named differently by
// each system.
func sysStatTimes(fi os.FileInfo, times func(*syscall.Stat_t) (a, m, c syscall.Timespec)) *Stat {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	a, m, c := times(st)
	return &Stat{
		Mode: int64(st.Mode), Ino: int64(st.Ino), Dev: int64(st.Dev), Nlink: int64(st.Nlink),
		UID: int64(st.Uid), GID: int64(st.Gid), Size: st.Size,
		Atime: seconds(a), Mtime: seconds(m), Ctime: seconds(c),
	}
}

func seconds(t syscall.Timespec) float64 { return float64(t.Sec) + float64(t.Nsec)/1e9 }
