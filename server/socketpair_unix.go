//go:build unix

package server

import "syscall"

// socketPair is a connected pair of Unix stream sockets, not inherited
// by programs this one starts: each descriptor is marked close-on-exec
// (Darwin cannot ask for it in the socketpair call itself), under
// syscall.ForkLock so that no fork happens in between, as Go's net
// package does.
func socketPair() ([2]int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return fds, err
	}
	syscall.CloseOnExec(fds[0])
	syscall.CloseOnExec(fds[1])
	return fds, nil
}
