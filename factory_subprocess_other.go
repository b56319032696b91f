//go:build !unix

package rpyc

import "os/exec"

// setProcessGroup does nothing where there are no process groups
// (Windows): closing the connection kills the program itself only.
func setProcessGroup(cmd *exec.Cmd) {}

// killProcessGroup kills the program.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
