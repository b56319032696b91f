package channel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"
)

// TestConcurrentSend: many goroutines share one Channel; every frame must
// arrive intact and each sender's frames in order.
func TestConcurrentSend(t *testing.T) {
	a, b := net.Pipe()
	tx, rx := New(a, nil), New(b, nil)
	defer tx.Close()
	defer rx.Close()

	const senders, perSender = 8, 25
	sizes := []int{1, 100, 2999, 3001, 20000, 70000} // raw, compressed, vectored
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for seq := range perSender {
				n := max(sizes[rng.IntN(len(sizes))], 8)
				msg := testPayload(rng, n, rng.IntN(2) == 0)
				binary.BigEndian.PutUint32(msg, uint32(g))
				binary.BigEndian.PutUint32(msg[4:], uint32(seq))
				// Append a checksum-ish tail: the length again.
				msg = binary.BigEndian.AppendUint32(msg, uint32(n))
				if err := tx.Send(msg); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}

	next := make([]uint32, senders)
	for range senders * perSender {
		msg, err := rx.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if len(msg) < 12 {
			t.Fatalf("short message %d", len(msg))
		}
		g, seq := binary.BigEndian.Uint32(msg), binary.BigEndian.Uint32(msg[4:])
		if n := binary.BigEndian.Uint32(msg[len(msg)-4:]); int(n) != len(msg)-4 {
			t.Fatalf("sender %d seq %d: length tag %d for %d bytes", g, seq, n, len(msg)-4)
		}
		if g >= senders || seq != next[g] {
			t.Fatalf("sender %d: got seq %d, want %d", g, seq, next[g])
		}
		next[g]++
	}
	wg.Wait()
}

func TestCloseIdempotent(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	ch := New(a, nil)
	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ch.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := ch.Recv(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Recv after Close: %v", err)
	}
	if err := ch.Send([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Send after Close: %v", err)
	}
}

func TestCloseUnblocksRecv(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	ch := New(a, nil)
	done := make(chan error, 1)
	go func() {
		_, err := ch.Recv()
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	ch.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("blocked Recv returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Recv still blocked after Close")
	}
}

func TestPeerCloseGivesEOF(t *testing.T) {
	a, b := net.Pipe()
	tx, rx := New(a, nil), New(b, nil)
	go func() {
		tx.Send([]byte("last"))
		tx.Close()
	}()
	if got, err := rx.Recv(); err != nil || string(got) != "last" {
		t.Fatalf("Recv = %q, %v", got, err)
	}
	if _, err := rx.Recv(); err != io.EOF {
		t.Fatalf("after peer close: %v, want io.EOF", err)
	}
	if _, err := rx.Recv(); err != io.EOF {
		t.Fatalf("io.EOF is sticky, got %v", err)
	}
}

func TestRecvErrorsSticky(t *testing.T) {
	ok, _ := AppendFrame(nil, []byte("ok"), nil)
	// A truncated frame desynchronises the stream: sticky.
	in := append(append([]byte{}, ok...), 0, 0, 0, 9, 0, 'a')
	ch := New(readerConn{bytes.NewReader(in)}, nil)
	if got, err := ch.Recv(); err != nil || string(got) != "ok" {
		t.Fatalf("first Recv = %q, %v", got, err)
	}
	_, err1 := ch.Recv()
	_, err2 := ch.Recv()
	if !errors.Is(err1, io.ErrUnexpectedEOF) || err2 != err1 {
		t.Fatalf("errors %v then %v", err1, err2)
	}

	// A frame over the size limit leaves its body unread: sticky too.
	big, _ := AppendFrame(nil, make([]byte, 100), nil)
	ch = New(readerConn{bytes.NewReader(append(big, ok...))}, &Config{MaxFrameSize: 10})
	_, err1 = ch.Recv()
	_, err2 = ch.Recv()
	if !errors.Is(err1, ErrFrameTooLarge) || err2 != err1 {
		t.Fatalf("errors %v then %v", err1, err2)
	}

	// A bad zlib body was fully consumed: the next frame is fine.
	bad := []byte{0, 0, 0, 3, 1, 'A', 'B', 'C', '\n'}
	ch = New(readerConn{bytes.NewReader(append(bad, ok...))}, nil)
	if _, err := ch.Recv(); !errors.Is(err, ErrBadCompression) {
		t.Fatalf("bad zlib: %v", err)
	}
	if got, err := ch.Recv(); err != nil || string(got) != "ok" {
		t.Fatalf("after bad zlib: %q, %v", got, err)
	}
}

// timeoutConn fails its first read with a timeout before delivering data.
type timeoutConn struct {
	readerConn
	failed bool
}

type timeoutErr struct{}

func (timeoutErr) Error() string { return "i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

func (c *timeoutConn) Read(p []byte) (int, error) {
	if !c.failed {
		c.failed = true
		return 0, timeoutErr{}
	}
	return c.readerConn.Read(p)
}

func TestRecvErrorBeforeFrameNotSticky(t *testing.T) {
	ok, _ := AppendFrame(nil, []byte("ok"), nil)
	ch := New(&timeoutConn{readerConn: readerConn{bytes.NewReader(ok)}}, nil)
	if _, err := ch.Recv(); !errors.As(err, new(timeoutErr)) {
		t.Fatalf("first Recv: %v", err)
	}
	if got, err := ch.Recv(); err != nil || string(got) != "ok" {
		t.Fatalf("retry: %q, %v", got, err)
	}
}

// failWriter writes part of its input, then fails.
type failWriter struct {
	discardConn
	writes int
}

func (w *failWriter) Write(p []byte) (int, error) {
	w.writes++
	return len(p) / 2, errors.New("boom")
}

func TestSendErrorSticky(t *testing.T) {
	w := new(failWriter)
	ch := New(w, nil)
	err1 := ch.Send([]byte("hello"))
	err2 := ch.Send([]byte("again"))
	if err1 == nil || err2 != err1 || w.writes != 1 {
		t.Fatalf("errors %v, %v after %d writes", err1, err2, w.writes)
	}
}

func TestSendWriteCalls(t *testing.T) {
	// Small and compressed frames: one Write. Large raw frames: header,
	// body and trailer, the body passed through without a copy.
	for _, tc := range []struct {
		n, compress, writes int
	}{
		{10, 1, 1}, {70000, 1, 1}, {63000, 0, 1}, {70000, 0, 3},
	} {
		rec := &recordConn{}
		cfg := DefaultConfig()
		cfg.NoCompress = tc.compress != 1
		msg := bytes.Repeat([]byte{'z'}, tc.n)
		if err := New(rec, cfg).Send(msg); err != nil {
			t.Fatal(err)
		}
		if len(rec.writes) != tc.writes {
			t.Errorf("%+v: %d writes", tc, len(rec.writes))
		}
		want, _ := AppendFrame(nil, msg, cfg)
		if !bytes.Equal(bytes.Join(rec.writes, nil), want) {
			t.Errorf("%+v: bytes differ from AppendFrame", tc)
		}
	}
}

type recordConn struct {
	discardConn
	writes [][]byte
}

func (r *recordConn) Write(p []byte) (int, error) {
	r.writes = append(r.writes, bytes.Clone(p))
	return len(p), nil
}

func TestRecvOwnsResult(t *testing.T) {
	conn := new(memConn)
	ch := New(conn, nil)
	for i := range 3 {
		ch.Send(fmt.Appendf(nil, "msg%d", i))
	}
	a, _ := ch.Recv()
	b, _ := ch.Recv()
	copy(a, "XXXX")
	if string(b) != "msg1" {
		t.Fatalf("second message is %q", b)
	}
}
