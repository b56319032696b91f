//go:build !unix

package interop

import (
	"os"
	"os/exec"
)

// newProcessGroup does nothing where there are no process groups.
func newProcessGroup(cmd *exec.Cmd) {}

// signalGroup kills the process pid (there is no gentler signal here).
func signalGroup(pid int, kill bool) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}
