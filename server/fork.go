package server

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
)

// fork hands one accepted connection to a child process (Forking) and
// waits for the child to exit. The caller has counted it in s.wg and
// taken its slot.
func (s *Server) fork(nc net.Conn) {
	defer s.wg.Done()
	defer s.releaseSlot()
	s.tune(nc)
	log := s.logger().With("remote", remoteAddr(nc))
	fc, ok := nc.(interface{ File() (*os.File, error) })
	if !ok {
		log.Error("rpyc/server: Forking needs a TCP or Unix listener (TLS belongs in the Authenticator); client dropped",
			"conn_type", fmt.Sprintf("%T", nc))
		_ = nc.Close()
		return
	}
	f, err := fc.File()
	_ = nc.Close() // the child has its own descriptor now
	if err != nil {
		log.Error("rpyc/server: cannot pass the connection to a child; client dropped", "err", err)
		return
	}
	p, err := childCommand(modeFork, f)
	_ = f.Close()
	if err != nil {
		log.Error("rpyc/server: cannot start a child for the client; client dropped", "err", err)
		return
	}
	s.mu.Lock()
	s.children[p] = struct{}{}
	closing := s.closing
	s.mu.Unlock()
	if closing {
		_ = p.Signal(syscall.SIGTERM)
	}
	log.Debug("rpyc/server: child serves the client", "pid", p.Pid)
	st, err := p.Wait()
	s.mu.Lock()
	delete(s.children, p)
	s.mu.Unlock()
	switch {
	case err != nil:
		log.Error("rpyc/server: waiting for a child", "pid", p.Pid, "err", err)
	case !st.Success():
		log.Warn("rpyc/server: child ended abnormally; only its client was affected", "pid", p.Pid, "status", st.String())
	default:
		log.Debug("rpyc/server: child done", "pid", p.Pid)
	}
}

// childStartTimeout bounds StartChild's first GETROOT when its context
// has no deadline.
const childStartTimeout = 30 * time.Second

// childExitGrace is how long StartChild's child gets to exit after its
// connection closed before it is killed.
const childExitGrace = 5 * time.Second

// StartChild starts a child process of this program that serves its
// Server's service over a private socket pair, and returns a client
// connection to it (Python's connect_multiprocess): the service runs in
// its own address space, so a crash there cannot take this process down.
// The program must call (*Server).ServeChild at the start of main; the
// Server it calls it on says what the child serves. ctx bounds the start
// and the first GETROOT, which checks that the child really serves (30 s
// when ctx has no deadline).
// cfg is this side's connection config (nil means the defaults). Closing
// the connection ends the child; one still alive childExitGrace (5 s)
// later is killed.
func StartChild(ctx context.Context, cfg *rpyc.Config) (*rpyc.Conn, error) {
	if !canFork {
		return nil, fmt.Errorf("%w (on %s)", ErrNoChildProcesses, runtime.GOOS)
	}
	if _, ok := ctx.Deadline(); !ok {
		// A child that does not serve never answers: do not wait forever.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, childStartTimeout)
		defer cancel()
	}
	mine, theirs, err := socketPair()
	if err != nil {
		return nil, fmt.Errorf("rpyc/server: socket pair for a child: %w", err)
	}
	nc, err := net.FileConn(mine)
	_ = mine.Close()
	if err != nil {
		_ = theirs.Close()
		return nil, fmt.Errorf("rpyc/server: socket pair for a child: %w", err)
	}
	p, err := childCommand(modeMultiprocess, theirs)
	_ = theirs.Close()
	if err != nil {
		_ = nc.Close()
		return nil, err
	}
	exited := make(chan struct{})
	go func() {
		_, _ = p.Wait()
		close(exited)
	}()
	c, err := rpyc.Connect(nc, nil, cfg)
	if err != nil {
		_ = p.Kill()
		<-exited
		return nil, err
	}
	go func() {
		select {
		case <-c.Done():
			t := time.NewTimer(childExitGrace)
			defer t.Stop()
			select {
			case <-exited:
			case <-t.C:
				_ = p.Kill()
				<-exited
			}
		case <-exited:
			_ = c.Close()
		}
	}()
	if _, err := c.Root(ctx); err != nil {
		_ = c.Close()
		_ = p.Kill()
		<-exited
		return nil, fmt.Errorf("%w (pid %d: %v)", ErrNotServingChild, p.Pid, err)
	}
	return c, nil
}
