//go:build !unix

package server

import (
	"errors"
	"runtime"
)

// socketPair is not available here: StartChild and the forking server
// need Unix socket pairs.
func socketPair() ([2]int, error) {
	return [2]int{}, errors.New("rpyc/server: a child process over a socket pair needs a Unix system, not " + runtime.GOOS)
}
