package rpyc

import (
	"bytes"
	"context"
	"iter"
	"sync/atomic"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
)

// lines is a Releaser whose iterator reads from it: it must stay open
// while the peer iterates, though the peer dropped the object itself.
type lines struct {
	closed atomic.Bool
	items  []string
}

func (l *lines) Iter() iter.Seq[any] {
	return func(yield func(any) bool) {
		for _, s := range l.items {
			if l.closed.Load() || !yield(s) {
				return
			}
		}
	}
}
func (l *lines) RPyCRelease(*Conn) { l.closed.Store(true) }
func (l *lines) RPyCNames() map[string]string {
	return map[string]string{"Iter": "__iter__"}
}

// readCloser is a binary file of the engine's file kind that knows when
// it was closed.
type readCloser struct {
	*bytes.Reader
	closed atomic.Bool
}

func (r *readCloser) Close() error      { r.closed.Store(true); return nil }
func (r *readCloser) RPyCRelease(*Conn) { _ = r.Close() }

type iterService struct {
	last *lines
	file *readCloser
}

func (s *iterService) Open() *lines {
	s.last = &lines{items: []string{"a", "b", "c"}}
	return s.last
}

func (s *iterService) OpenFile() *readCloser {
	s.file = &readCloser{Reader: bytes.NewReader([]byte("a\nb\nc\n"))}
	return s.file
}

// Python's "for line in conn.builtins.open(p)" calls __iter__ and then
// drops its netref to the file: the iterator must keep the object
// alive, as a Python iterator refers to what it iterates (a file's
// __iter__ is the file itself).
func TestIteratorKeepsItsObjectAlive(t *testing.T) {
	for _, open := range []string{"open", "open_file"} {
		t.Run(open, func(t *testing.T) {
			svc := &iterService{}
			cli, srv := pair(t, svc, message.LayoutV6, false)
			ctx := context.Background()
			root, _ := cli.Root(ctx)
			base := srv.LocalObjects()
			obj, err := As[*Netref](root.CallMethod(ctx, open))
			if err != nil {
				t.Fatal(err)
			}
			it, err := As[*Netref](obj.CallMethod(ctx, "__iter__"))
			if err != nil {
				t.Fatal(err)
			}
			obj.Release()
			if err := cli.Ping(ctx, nil); err != nil {
				t.Fatal(err)
			}
			closed := func() bool {
				if svc.file != nil {
					return svc.file.closed.Load()
				}
				return svc.last.closed.Load()
			}
			if closed() {
				t.Fatalf("the object was released while the peer still holds its iterator")
			}
			var got []any
			for {
				v, err := it.CallMethod(ctx, "__next__")
				if err != nil {
					break
				}
				got = append(got, v)
			}
			if len(got) != 3 {
				t.Fatalf("iterating after the object's netref was dropped: got %v, want 3 items", got)
			}
			it.Release()
			waitFor(t, closed, "release of the object once its iterator is dropped")
			waitFor(t, func() bool { return srv.LocalObjects() == base }, "the table back to its size before")
		})
	}
}

// proc owns pipes: a pipe the peer holds keeps its proc unreleased.
type proc struct {
	released atomic.Bool
	Out      *pipeEnd `rpyc:"stdout"`
}

func (p *proc) RPyCRelease(*Conn) { p.released.Store(true) }

type pipeEnd struct{ p *proc }

func (e *pipeEnd) Read() string   { return "x" }
func (e *pipeEnd) RPyCOwner() any { return e.p }

type procService struct{ last *proc }

func (s *procService) Start() *proc {
	s.last = &proc{}
	s.last.Out = &pipeEnd{p: s.last}
	return s.last
}

// Popen(...).stdout.read() from Python's client: the process object is
// dropped while its pipe is still held; an Owner keeps it unreleased
// until the pipe goes too.
func TestOwnerStaysWhilePeerHoldsValue(t *testing.T) {
	svc := &procService{}
	cli, srv := pair(t, svc, message.LayoutV6, false)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	base := srv.LocalObjects()
	p, err := As[*Netref](root.CallMethod(ctx, "start"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := As[*Netref](p.GetAttr(ctx, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	p.Release()
	if err := cli.Ping(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if svc.last.released.Load() {
		t.Fatalf("the owner was released while the peer holds a value it owns")
	}
	if got, err := As[string](out.CallMethod(ctx, "read")); err != nil || got != "x" {
		t.Fatalf("read() = %q, %v; want \"x\"", got, err)
	}
	out.Release()
	waitFor(t, func() bool { return svc.last.released.Load() }, "release of the owner once its pipe is dropped")
	waitFor(t, func() bool { return srv.LocalObjects() == base }, "the table back to its size before")
}

// Python's client calls __length_hint__ on iterators whose name is one
// of Python's (list(it), dict(mapping) through keys()): NotImplemented,
// not an AttributeError that fails the call.
func TestIteratorLengthHint(t *testing.T) {
	cli, _ := pair(t, &iterService{}, message.LayoutV6, false)
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	obj, err := As[*Netref](root.CallMethod(ctx, "open"))
	if err != nil {
		t.Fatal(err)
	}
	it, err := As[*Netref](obj.CallMethod(ctx, "__iter__"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := it.CallMethod(ctx, "__length_hint__")
	if err != nil || got != brine.NotImplemented {
		t.Fatalf("__length_hint__() = %v, %v; want NotImplemented", got, err)
	}
}
