package server

import (
	"os"
	"syscall"
)

// socketPair returns the two ends of a connected Unix socket pair, both
// closed on exec (the child gets its end through ProcAttr.Files).
func socketPair() (mine, theirs *os.File, err error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(fds[0]), "rpyc-child"), os.NewFile(uintptr(fds[1]), "rpyc-parent"), nil
}

// canFork reports whether Forking and StartChild work on this OS.
const canFork = true
