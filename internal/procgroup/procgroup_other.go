//go:build !unix

package procgroup

import "os/exec"

// Set does nothing where there are no process groups (Windows): Kill
// then reaches the program itself only.
func Set(cmd *exec.Cmd) {}

// Kill kills the program.
func Kill(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
