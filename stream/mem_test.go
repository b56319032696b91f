package stream

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// TestMemPipeBuffered checks that a Write that fits in the buffer returns
// without a reader, unlike net.Pipe, and that both ends can do so at once.
func TestMemPipeBuffered(t *testing.T) {
	a, b := MemPipe()
	defer a.Close()
	defer b.Close()
	a.SetWriteDeadline(time.Now().Add(waitTimeout))
	b.SetWriteDeadline(time.Now().Add(waitTimeout))
	msg := bytes.Repeat([]byte("x"), MemPipeBufferSize)
	if _, err := a.Write(msg); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Write(msg); err != nil {
		t.Fatal(err)
	}
	// The buffer is full now: one more byte must block until read.
	a.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := a.Write([]byte("y"))
	mustBeTimeout(t, "write to full buffer", err)
}

// TestMemPipeWrapAround moves data through the ring buffer in sizes that
// do not divide its capacity, so reads and writes wrap at every offset.
func TestMemPipeWrapAround(t *testing.T) {
	a, b := MemPipe()
	defer a.Close()
	defer b.Close()
	data := testData(5*MemPipeBufferSize+123, 9)
	done := make(chan error, 1)
	go func() {
		for p := data; len(p) > 0; {
			n := min(len(p), 7777)
			if _, err := a.Write(p[:n]); err != nil {
				done <- err
				return
			}
			p = p[n:]
		}
		done <- a.Close()
	}()
	var got bytes.Buffer
	buf := make([]byte, 5003)
	for {
		n, err := b.Read(buf)
		got.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := waitErr(t, done, "writer"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatal("data corrupted")
	}
}

// TestMemPipeWriteToClosedPeer checks that writing to an end that was
// closed fails with io.ErrClosedPipe, also for a Write already blocked.
func TestMemPipeWriteToClosedPeer(t *testing.T) {
	a, b := MemPipe()
	defer a.Close()
	done := make(chan error, 1)
	go func() {
		_, err := a.Write(make([]byte, 2*MemPipeBufferSize))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	b.Close()
	err := waitErr(t, done, "blocked write")
	if !errors.Is(err, io.ErrClosedPipe) || !IsClosed(err) {
		t.Fatalf("blocked write: %v", err)
	}
	if _, err := a.Write([]byte("x")); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("write: %v", err)
	}
	// Reading still works and reports the peer's close.
	if _, err := a.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read: %v", err)
	}
}

// TestMemPipeZeroLength checks zero-length calls neither block nor fail.
func TestMemPipeZeroLength(t *testing.T) {
	a, b := MemPipe()
	defer a.Close()
	defer b.Close()
	if n, err := a.Write(nil); n != 0 || err != nil {
		t.Fatalf("write: %d, %v", n, err)
	}
	if n, err := b.Read(nil); n != 0 || err != nil {
		t.Fatalf("read: %d, %v", n, err)
	}
}

// TestMemPipeDeadlineReuse flips deadlines repeatedly while reads are
// waiting, to shake out races between timers and waiters.
func TestMemPipeDeadlineReuse(t *testing.T) {
	a, b := MemPipe()
	defer a.Close()
	defer b.Close()
	for i := range 50 {
		a.SetReadDeadline(time.Now().Add(time.Duration(i%3) * time.Millisecond))
		a.SetReadDeadline(time.Now().Add(time.Millisecond))
		_, err := a.Read(make([]byte, 1))
		mustBeTimeout(t, "read", err)
	}
	a.SetDeadline(time.Time{})
	go b.Write([]byte("z"))
	a.SetReadDeadline(time.Now().Add(waitTimeout))
	buf := make([]byte, 1)
	if _, err := a.Read(buf); err != nil || buf[0] != 'z' {
		t.Fatalf("read: %q, %v", buf, err)
	}
}

// TestMemPipeAddrs checks the placeholder addresses.
func TestMemPipeAddrs(t *testing.T) {
	a, b := MemPipe()
	defer a.Close()
	defer b.Close()
	var addr net.Addr = a.LocalAddr()
	if addr.Network() != "mem" || addr.String() != "mem" {
		t.Fatalf("addr %q/%q", addr.Network(), addr.String())
	}
}
