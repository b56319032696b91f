package rpyc

import (
	"context"
	"testing"

	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/stream"
)

// TestConnectChannel: a client over a channel with settings of its own.
func TestConnectChannel(t *testing.T) {
	a, b := stream.MemPipe()
	srv, err := NewServerConn(b, &testService{}, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer srv.Close()
	ch := channel.New(a, &channel.Config{NoCompress: true, MaxFrameSize: 1 << 20})
	cli, err := ConnectChannel(ch, nil, quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	root, err := cli.Root(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v, err := As[int](root.CallMethod(context.Background(), "add", 40, 2)); err != nil || v != 42 {
		t.Fatalf("add over ConnectChannel: %v %v", v, err)
	}
	if _, err := ConnectChannel(nil, nil, nil); err == nil {
		t.Fatal("ConnectChannel(nil) succeeded")
	}
}
