//go:build unix && !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly

package slave

import (
	"io/fs"
	"syscall"
)

// sysStat leaves the FileInfo's values on the other Unix systems.
func sysStat(fs.FileInfo, *StatResult) {}

// loadavg is not read on the other Unix systems.
func loadavg() (a, b, c float64, err error) { return 0, 0, 0, syscall.ENOSYS }
