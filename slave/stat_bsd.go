//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package slave

import (
	"encoding/binary"
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// sysStat fills what the BSD stat structure has beyond a FileInfo.
func sysStat(fi fs.FileInfo, r *StatResult) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	r.Mode = int64(st.Mode)
	r.Ino, r.Dev, r.Nlink = int64(st.Ino), int64(st.Dev), int64(st.Nlink)
	r.UID, r.GID, r.Rdev = int64(st.Uid), int64(st.Gid), int64(st.Rdev)
	r.Blocks, r.Blksize = int64(st.Blocks), int64(st.Blksize)
	r.AtimeNs = int64(st.Atimespec.Sec)*1e9 + int64(st.Atimespec.Nsec)
	r.MtimeNs = int64(st.Mtimespec.Sec)*1e9 + int64(st.Mtimespec.Nsec)
	r.CtimeNs = int64(st.Ctimespec.Sec)*1e9 + int64(st.Ctimespec.Nsec)
}

// loadavg reads the vm.loadavg sysctl: three fixed-point numbers and
// their scale.
func loadavg() (a, b, c float64, err error) {
	raw, err := unix.SysctlRaw("vm.loadavg")
	if err != nil || len(raw) < 16 {
		return 0, 0, 0, syscall.EINVAL
	}
	scale := float64(binary.LittleEndian.Uint32(raw[12:16]))
	if len(raw) >= 24 {
		scale = float64(binary.LittleEndian.Uint64(raw[16:24]))
	}
	if scale == 0 {
		return 0, 0, 0, syscall.EINVAL
	}
	get := func(i int) float64 { return float64(binary.LittleEndian.Uint32(raw[4*i:])) / scale }
	return get(0), get(1), get(2), nil
}
