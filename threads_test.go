package rpyc

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
)

// A server learns bind_threads from the first message: it answers a
// request from thread T addressed to T, and a callback its handler makes
// while serving T's request goes to T too, from the same thread of ours
// as the reply.
func TestBoundThreadsAddressThePeersThread(t *testing.T) {
	svc := &hardService{}
	addr, _ := tcpServe(t, svc, quietConfig())
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	send := func(th message.Threads, m message.Message) {
		t.Helper()
		body, err := message.Encode(message.LayoutV6, m)
		if err != nil {
			t.Fatal(err)
		}
		frame, _ := channel.AppendFrame(nil, append(message.AppendThreads(nil, th), body...), nil)
		if _, err := nc.Write(frame); err != nil {
			t.Fatal(err)
		}
	}
	recv := func() (message.Threads, message.Message) {
		t.Helper()
		nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		data, err := channel.ReadFrame(nc, nil)
		if err != nil {
			t.Fatal(err)
		}
		th, rest, err := message.SplitThreads(data)
		if err != nil {
			t.Fatalf("a message without the thread prefix: % x", data)
		}
		m, err := message.DecodeLayout(rest, message.LayoutV6, nil)
		if err != nil {
			t.Fatal(err)
		}
		return th, m
	}
	const pyThread = 140245110773312
	send(message.Threads{Sender: pyThread}, message.Message{Type: message.Request, Seq: int64(1),
		Payload: brine.Tuple{int64(message.HandleGetRoot), brine.Tuple{int64(message.LabelValue), brine.Tuple{}}}})
	th, m := recv()
	if m.Type != message.Reply || th.Receiver != pyThread || th.Sender == 0 {
		t.Fatalf("GETROOT answered with %v %+v, want a reply addressed to %d", m.Type, th, pyThread)
	}
	rootID := m.Payload.(brine.Tuple)[1]
	// recurse(1, cb): the server calls cb(0) back, addressed to us.
	cbID := brine.Tuple{"builtins.function", int64(7), int64(8)}
	send(message.Threads{Sender: pyThread + 1}, message.Message{Type: message.Request, Seq: int64(2),
		Payload: brine.Tuple{int64(message.HandleCallAttr), brine.Tuple{int64(message.LabelTuple), brine.Tuple{
			brine.Tuple{int64(message.LabelLocalRef), rootID},
			brine.Tuple{int64(message.LabelValue), "recurse"},
			brine.Tuple{int64(message.LabelTuple), brine.Tuple{
				brine.Tuple{int64(message.LabelValue), int64(1)},
				brine.Tuple{int64(message.LabelRemoteRef), cbID},
			}},
			brine.Tuple{int64(message.LabelValue), brine.Tuple{}},
		}}}})
	cbTh, cb := recv()
	if cb.Type != message.Request || cbTh.Receiver != pyThread+1 {
		t.Fatalf("the callback went out as %v %+v, want a request addressed to thread %d", cb.Type, cbTh, pyThread+1)
	}
	// Answer the callback (0) from the thread it went to.
	send(message.Threads{Sender: pyThread + 1, Receiver: cbTh.Sender}, message.Message{Type: message.Reply, Seq: cb.Seq,
		Payload: brine.Tuple{int64(message.LabelValue), int64(0)}})
	for {
		th, m := recv()
		if m.Type == message.Request {
			continue // the DEL of our callback netref
		}
		if m.Type != message.Reply || th.Receiver != pyThread+1 || th.Sender != cbTh.Sender {
			t.Fatalf("recurse answered as %v %+v, want a reply from thread %d to %d", m.Type, th, cbTh.Sender, pyThread+1)
		}
		break
	}
}

// A client with BindThreads and a server that learns it call each other
// back in both directions, as with a Python peer.
func TestBoundThreadsGoToGo(t *testing.T) {
	cli, _ := memPair(t, &hardService{}, quietConfig(), &Config{Logger: discardLogger(), BindThreads: true})
	ctx := contextWithTimeout(t, 20*time.Second)
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cb func(ctx context.Context, n int) (int, error)
	cb = func(ctx context.Context, n int) (int, error) {
		v, err := As[int](root.CallMethod(ctx, "recurse", n, cb))
		return v + 1, err
	}
	if got, err := As[int](root.CallMethod(ctx, "recurse", 100, cb)); err != nil || got != 100 {
		t.Fatalf("recursion 100 deep with bound threads: %v, %v", got, err)
	}
	if _, err := NewConn(nil, nil, &Config{BindThreads: true, Layout: message.LayoutV5}); err == nil {
		t.Fatal("BindThreads with the 5.x layout: no error")
	}
}
