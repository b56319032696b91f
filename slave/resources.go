package slave

import (
	"io"
	"sync"

	"github.com/rpyc-go/rpyc"
)

// resources are what a connection opened that the client may never hold
// a reference to (the pipes of a Popen whose stdout it never read, a
// socket's file): the object table closes what the client holds when it
// lets go or the connection ends; these are closed when the connection
// ends, whoever holds them.
type resources struct {
	mu     sync.Mutex
	open   map[io.Closer]struct{}
	closed bool
}

// track registers c to be closed when the connection ends. A connection
// that already ended closes c at once.
func (s *SlaveService) track(c io.Closer) {
	r := &s.res
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		_ = c.Close()
		return
	}
	if r.open == nil {
		r.open = map[io.Closer]struct{}{}
	}
	r.open[c] = struct{}{}
	r.mu.Unlock()
}

// untrack forgets c (it was closed by its owner).
func (s *SlaveService) untrack(c io.Closer) {
	r := &s.res
	r.mu.Lock()
	delete(r.open, c)
	r.mu.Unlock()
}

// OnDisconnect ends what the connection's code left suspended
// (generators) and closes what the connection left open.
func (s *SlaveService) OnDisconnect(*rpyc.Conn) {
	s.code.Close()
	r := &s.res
	r.mu.Lock()
	open := r.open
	r.open, r.closed = nil, true
	r.mu.Unlock()
	for c := range open {
		_ = c.Close()
	}
}
