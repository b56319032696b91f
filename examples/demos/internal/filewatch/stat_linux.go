package filewatch

import (
	"os"
	"syscall"
)

// sysStat is the full stat of fi, from Linux's stat_t.
func sysStat(fi os.FileInfo) *Stat {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return &Stat{
		Mode: int64(st.Mode), Ino: int64(st.Ino), Dev: int64(st.Dev), Nlink: int64(st.Nlink),
		UID: int64(st.Uid), GID: int64(st.Gid), Size: st.Size,
		Atime: seconds(st.Atim), Mtime: seconds(st.Mtim), Ctime: seconds(st.Ctim),
	}
}

func seconds(t syscall.Timespec) float64 { return float64(t.Sec) + float64(t.Nsec)/1e9 }
