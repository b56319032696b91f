package channel

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"testing"
)

// TestQueueOrderAndBatching: queued and sent frames arrive whole and in
// the order they were given, and a burst of queued frames goes out in far
// fewer writes than frames.
func TestQueueOrderAndBatching(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	cw := &countingWriter{Conn: a}
	tx := New(cw, nil)
	rx := New(b, nil)
	const n = 1000
	done := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			msg := []byte(fmt.Sprintf("m%04d", i))
			var err error
			switch {
			case i%100 == 99:
				err = tx.Send(msg)
			case i == 500:
				err = tx.Send(bytes.Repeat([]byte("x"), 70000)) // a vectored frame in between
			default:
				err = tx.Queue(msg)
			}
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < n; i++ {
		got, err := rx.Recv()
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("m%04d", i)
		if i == 500 {
			want = string(bytes.Repeat([]byte("x"), 70000))
		}
		if string(got) != want {
			t.Fatalf("frame %d = %.20q, want %.20q", i, got, want)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if w := cw.writes(); w >= n {
		t.Errorf("%d writes for %d frames: queued frames were not batched", w, n)
	} else {
		t.Logf("%d frames in %d writes", n, w)
	}
	_ = tx.Close()
	if err := tx.Queue([]byte("late")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Queue after Close = %v", err)
	}
}

type countingWriter struct {
	net.Conn
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n++
	return c.Conn.Write(p)
}

func (c *countingWriter) writes() int { return c.n }
