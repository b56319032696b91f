//go:build !unix

package main

// raiseFileLimit does nothing where there is no RLIMIT_NOFILE (Windows).
func raiseFileLimit() {}

// fileLimit is unknown (0) here.
func fileLimit() int { return 0 }
