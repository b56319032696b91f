//go:build unix

package main

import "syscall"

// raiseFileLimit lifts the open-file limit to 65,536 where it is lower:
// 10,000 connections need 20,000 descriptors (both ends are here).
func raiseFileLimit() {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil && lim.Cur < 65536 {
		want := lim
		want.Cur, want.Max = 65536, max(lim.Max, 65536) // raising Max needs root
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) != nil {
			lim.Cur = lim.Max
			_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		}
	}
}

// fileLimit is the open-file limit now in force (0: unknown).
func fileLimit() int {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return 0
	}
	return int(lim.Cur)
}
