package rpyc

import (
	"fmt"
	"net"
	"runtime"
	"testing"
)

// TestSniffKeepsQuickAck: wrapping a dialed TCP connection to watch its
// first bytes must not lose the quick-ACK tuning NewConn gives TCP
// streams (Python peers stall 40 ms per pipelined request without it).
func TestSniffKeepsQuickAck(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	sc := sniff(nc, "x", nil)
	defer sc.Close()
	<-done
	want := "*net.TCPConn"
	if runtime.GOOS == "linux" {
		want = "*stream.quickAckConn"
	}
	if got := fmt.Sprintf("%T", sc.Conn); got != want {
		t.Errorf("sniffed TCP stream is %s, want %s", got, want)
	}
}
