//go:build !linux && !darwin

package filewatch

import "os"

// sysStat has no more than os.FileInfo offers on this system: the
// caller fills mode, size and mtime from fi.
func sysStat(fi os.FileInfo) *Stat { return nil }
