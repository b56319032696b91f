//go:build unix

package rpyc

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the program in a process group of its own, so
// that killProcessGroup also reaches what it started.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killProcessGroup kills the program's process group.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
