//go:build unix && !linux

package server

import (
	"os"
	"syscall"
)

// socketPair returns the two ends of a connected Unix socket pair, both
// closed on exec. Without SOCK_CLOEXEC (macOS, the BSDs) the flag is set
// under syscall.ForkLock, so no process started meanwhile inherits them.
func socketPair() (mine, theirs *os.File, err error) {
	syscall.ForkLock.RLock()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fds[0])
		syscall.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(fds[0]), "rpyc-child"), os.NewFile(uintptr(fds[1]), "rpyc-parent"), nil
}

// canFork reports whether Forking and StartChild work on this OS.
const canFork = true
