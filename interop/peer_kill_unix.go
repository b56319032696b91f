//go:build unix

package interop

import "syscall"

// Kill ends the peer's process group with SIGKILL and waits for it: a
// crash, with no goodbye at the RPyC level (the kernel still closes its
// sockets). The cleanup Start registered then has nothing left to stop.
func (p *Peer) Kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
	p.reported = true // killed on purpose: its exit is no news
}
