//go:build unix

package procgroup

import (
	"os/exec"
	"syscall"
)

// Set puts the program in a process group of its own, so that Kill also
// reaches what it started.
func Set(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// Kill kills the program's process group.
func Kill(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
