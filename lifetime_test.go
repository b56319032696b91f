package rpyc

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/rpyc-go/rpyc/message"
)

// resource is a Releaser that stands for a file: it must stay open while
// the peer holds anything that can still use it.
type resource struct{ closed atomic.Bool }

func (r *resource) Read() (string, error) {
	if r.closed.Load() {
		return "", ErrClosed
	}
	return "data", nil
}
func (r *resource) RPyCRelease(*Conn) { r.closed.Store(true) }

type resourceService struct{ last *resource }

func (s *resourceService) Open() *resource { s.last = &resource{}; return s.last }

// Python's client drops its netref to a file right after it fetched the
// bound method read (open(p).read()); the file must not close under the
// method, as in Python, where the method refers to its __self__.
func TestBoundMethodKeepsItsObjectAlive(t *testing.T) {
	svc := &resourceService{}
	cli, srv := pair(t, svc, message.LayoutV6, false)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	base := srv.LocalObjects()

	f, err := As[*Netref](root.CallMethod(ctx, "open"))
	if err != nil {
		t.Fatal(err)
	}
	read, err := As[*Netref](f.GetAttr(ctx, "read"))
	if err != nil {
		t.Fatal(err)
	}
	f.Release()
	// A ping is answered after the DEL is handled (frames run in order).
	if err := cli.Ping(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if svc.last.closed.Load() {
		t.Fatalf("the object was released while the peer still holds its bound method")
	}
	if got, err := As[string](read.Call(ctx)); err != nil || got != "data" {
		t.Fatalf("read() after the file's netref was dropped: got %q, %v; want \"data\"", got, err)
	}
	read.Release()
	waitFor(t, func() bool { return svc.last.closed.Load() }, "release of the object once its method is dropped")
	waitFor(t, func() bool { return srv.LocalObjects() == base }, "the table back to its size before")
}

// slowResource's Read waits for a signal, then reads.
type slowResource struct {
	resource
	started chan struct{}
	proceed chan struct{}
}

func (r *slowResource) Read() (string, error) {
	close(r.started)
	<-r.proceed
	return r.resource.Read()
}

type slowResourceService struct{ last *slowResource }

func (s *slowResourceService) Open() *slowResource {
	s.last = &slowResource{started: make(chan struct{}), proceed: make(chan struct{})}
	return s.last
}

// The peer's DEL of an object that a request still being served uses
// (it dropped its netref right after sending the call) does not release
// the object under the call: it is released when the call is done.
func TestObjectInUseByACallIsNotReleasedUnderIt(t *testing.T) {
	svc := &slowResourceService{}
	cli, srv := pair(t, svc, message.LayoutV6, false)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	base := srv.LocalObjects()
	f, err := As[*Netref](root.CallMethod(ctx, "open"))
	if err != nil {
		t.Fatal(err)
	}
	res := f.CallMethodAsync("read")
	<-svc.last.started
	f.Release()
	if err := cli.Ping(ctx, nil); err != nil { // the DEL is handled
		t.Fatal(err)
	}
	if svc.last.closed.Load() {
		t.Fatal("the object was released while a call on it was being served")
	}
	close(svc.last.proceed)
	if got, err := As[string](res.Value(ctx)); err != nil || got != "data" {
		t.Fatalf("read() whose object the peer dropped meanwhile: got %q, %v; want \"data\"", got, err)
	}
	waitFor(t, func() bool { return svc.last.closed.Load() }, "release once the call is done")
	waitFor(t, func() bool { return srv.LocalObjects() == base }, "the table back to its size before")
}
