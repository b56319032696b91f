//go:build unix

package interop

import (
	"os/exec"
	"syscall"
)

// newProcessGroup makes the peer the leader of a process group of its
// own, so that signalGroup reaches whatever it starts.
func newProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// signalGroup sends SIGTERM (or SIGKILL, when kill is set) to the
// process group whose leader is pid.
func signalGroup(pid int, kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-pid, sig)
}
