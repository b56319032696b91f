package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// childEnv marks a process started by a Forking server ("fork") or by
// StartChild ("multiprocess"); its connection is file descriptor 3.
const childEnv = "RPYC_GO_SERVER_CHILD"

// childFD is the descriptor of the inherited connection: the first of
// exec.Cmd.ExtraFiles.
const childFD = 3

// ErrNotServingChild is returned by StartChild when the child process did
// not serve: its program does not call ServeChild at the start of main.
var ErrNotServingChild = errors.New("rpyc/server: the child process did not serve its connection: call srv.ServeChild() at the start of main")

// ServeChild makes this process serve the one connection it was started
// for, when it is a child of a Forking server or of StartChild, and then
// returns true; in any other process it returns false at once and does
// nothing. Call it at the very start of main, before anything with side
// effects (flags, listening, printing), on a Server built the same way
// as the parent's:
//
//	srv := &server.Server{Service: MyService{}, Kind: server.Forking}
//	if srv.ServeChild() {
//		return // this process was one client's child, now done
//	}
//	// ... the normal program: flags, srv.ListenAndServe ...
//
// The child runs the Server's Authenticator (for Forking; a StartChild
// socket is private and needs none), then serves Service until the client
// goes, logging to Logger. On SIGTERM (the parent's Shutdown) it closes
// the connection as soon as no call is in flight.
func (s *Server) ServeChild() bool {
	mode, ok := os.LookupEnv(childEnv)
	if !ok {
		return false
	}
	_ = os.Unsetenv(childEnv) // not inherited by what the service starts
	s.init()
	log := s.logger().With("child", os.Getpid())
	f := os.NewFile(childFD, "rpyc-connection")
	if f == nil {
		log.Error("rpyc/server: child started without its connection (fd 3)", "mode", mode)
		return true
	}
	nc, err := net.FileConn(f)
	_ = f.Close()
	if err != nil {
		log.Error("rpyc/server: child cannot use its connection (fd 3)", "mode", mode, "err", err)
		return true
	}
	log = log.With("remote", remoteAddr(nc))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	stopped := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-sig:
			_ = s.Shutdown(context.Background())
		case <-stopped:
		}
	}()
	defer func() {
		signal.Stop(sig)
		close(stopped)
		wg.Wait()
	}()
	if mode == modeFork {
		rw, creds, err := s.authenticateTracked(nc, log)
		if err == nil {
			_ = s.serveStream(rw, creds, log)
		}
		return true
	}
	_ = s.serveStream(nc, nil, log)
	return true
}

// Child modes, the values of childEnv.
const (
	modeFork         = "fork"
	modeMultiprocess = "multiprocess"
)

var executable = sync.OnceValues(os.Executable)

// childCommand is how a child of this program is started: the same
// binary and arguments, the marker in its environment, conn as fd 3,
// and the parent's standard error for its logs.
func childCommand(mode string, conn *os.File) (*os.Process, error) {
	if _, inChild := os.LookupEnv(childEnv); inChild {
		// A child that did not call ServeChild would start children
		// of its own, and they more: refuse instead.
		return nil, ErrNotServingChild
	}
	exe, err := executable()
	if err != nil {
		return nil, fmt.Errorf("rpyc/server: find this program to start a child: %w", err)
	}
	env := append(os.Environ(), childEnv+"="+mode)
	attr := &os.ProcAttr{
		Env:   env,
		Files: []*os.File{nil, nil, os.Stderr, conn},
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	attr.Files[0], attr.Files[1] = devnull, devnull
	p, err := os.StartProcess(exe, os.Args, attr)
	if err != nil {
		return nil, fmt.Errorf("rpyc/server: start child %s: %w", exe, err)
	}
	return p, nil
}
