package slave

import (
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// sysStat fills what Linux's stat structure has beyond a FileInfo.
func sysStat(fi fs.FileInfo, r *StatResult) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	r.Mode = int64(st.Mode)
	r.Ino, r.Dev, r.Nlink = int64(st.Ino), int64(st.Dev), int64(st.Nlink)
	r.UID, r.GID, r.Rdev = int64(st.Uid), int64(st.Gid), int64(st.Rdev)
	r.Blocks, r.Blksize = int64(st.Blocks), int64(st.Blksize)
	r.AtimeNs = st.Atim.Sec*1e9 + st.Atim.Nsec
	r.MtimeNs = st.Mtim.Sec*1e9 + st.Mtim.Nsec
	r.CtimeNs = st.Ctim.Sec*1e9 + st.Ctim.Nsec
}

// loadavg reads /proc/loadavg.
func loadavg() (a, b, c float64, err error) {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, 0, 0, err
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return 0, 0, 0, syscall.EINVAL
	}
	a, _ = strconv.ParseFloat(f[0], 64)
	b, _ = strconv.ParseFloat(f[1], 64)
	c, _ = strconv.ParseFloat(f[2], 64)
	return a, b, c, nil
}
