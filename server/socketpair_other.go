//go:build !unix

package server

import "os"

// socketPair fails where a child process cannot inherit a socket
// (Windows): StartChild and Forking need Unix descriptor passing.
func socketPair() (mine, theirs *os.File, err error) {
	return nil, nil, ErrNoChildProcesses
}

// canFork reports whether Forking and StartChild work on this OS.
const canFork = false
