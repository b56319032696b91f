package channel

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// failingConn fails every write after the first ok writes.
type failingConn struct {
	mu sync.Mutex
	ok int
	discardConn
}

var errWriteFailed = errors.New("write failed")

func (f *failingConn) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ok == 0 {
		return 0, errWriteFailed
	}
	f.ok--
	return len(p), nil
}

// A Send whose frame was never written, because frames queued before it
// failed to go out, reports the failure; and OnWriteError hears of the
// queued frames that were lost.
func TestSendReportsAFrameThatNeverLeft(t *testing.T) {
	fc := &failingConn{}
	tx := New(fc, &Config{NoCompress: true})
	var notified []error
	tx.OnWriteError = func(err error) { notified = append(notified, err) }
	// Queue a frame with a leader in place, so that it waits in pending,
	// then Send: the Send leads, the queued frame fails first.
	tx.sendMu.Lock()
	tx.writing = true
	tx.sendMu.Unlock()
	if err := tx.Queue([]byte("queued")); err != nil {
		t.Fatal(err)
	}
	tx.sendMu.Lock()
	tx.writing = false
	tx.sendMu.Unlock()
	// A large message is written as it is (vectored), led by Send itself.
	if err := tx.Send(bytes.Repeat([]byte("m"), 100<<10)); !errors.Is(err, errWriteFailed) {
		t.Fatalf("Send after a failed queued frame: got %v, want the write error", err)
	}
	if len(notified) != 1 || !errors.Is(notified[0], errWriteFailed) {
		t.Fatalf("OnWriteError calls: got %v, want one with the write error", notified)
	}
}

// MaxQueuedBytes < 0 means no bound, as documented: a queue far past the
// default 32 MiB does not wait for the peer.
func TestNegativeMaxQueuedBytesMeansNoBound(t *testing.T) {
	s := resolve(&Config{MaxQueuedBytes: -1})
	if s.maxQueued < 1<<40 {
		t.Fatalf("MaxQueuedBytes -1 resolved to %d, want no bound", s.maxQueued)
	}
	if s := resolve(&Config{}); s.maxQueued != DefaultMaxQueuedBytes {
		t.Fatalf("MaxQueuedBytes 0 resolved to %d, want %d", s.maxQueued, DefaultMaxQueuedBytes)
	}
}

// An idle wait shorter than ReadTimeout/8 does not leave its deadline on
// the frame that ends it: a healthy peer whose frame takes longer than
// the idle timeout to arrive in full is not dropped as stalled.
func TestIdleDeadlineDoesNotCutTheNextFrame(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	rx := New(b, &Config{ReadTimeout: 30 * time.Second})
	msg := bytes.Repeat([]byte("x"), 100)
	frame, _ := AppendFrame(nil, msg, &Config{NoCompress: true})
	// A first frame that needs a read inside it sets the read deadline.
	go func() {
		a.Write(frame[:3])
		time.Sleep(10 * time.Millisecond)
		a.Write(frame[3:])
	}()
	if _, err := rx.Recv(); err != nil {
		t.Fatal(err)
	}
	go func() {
		a.Write(frame[:3]) // the frame starts within the idle wait...
		time.Sleep(300 * time.Millisecond)
		a.Write(frame[3:]) // ...and ends after the idle deadline
	}()
	if err := rx.AwaitFrame(100 * time.Millisecond); err != nil {
		t.Fatalf("AwaitFrame: %v", err)
	}
	got, err := rx.Recv()
	if err != nil {
		t.Fatalf("a frame that began within the idle wait failed: %v", err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("got %d bytes, want %d", len(got), len(msg))
	}
}

// A reader waiting for the shared budget is woken by Close at once, not
// after ReadTimeout.
func TestCloseWakesAReaderWaitingForTheBudget(t *testing.T) {
	b := NewBudget(64 << 10)
	if !b.TryAcquire(64 << 10) { // another connection holds it all
		t.Fatal("budget")
	}
	defer b.Release(64 << 10)
	a, z := net.Pipe()
	defer a.Close()
	rx := New(z, &Config{Budget: b, ReadTimeout: time.Minute})
	hdr := binary.BigEndian.AppendUint32(nil, 1<<20)
	go a.Write(append(hdr, 0, 'x'))
	errc := make(chan error, 1)
	go func() { _, err := rx.Recv(); errc <- err }()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	rx.Close()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("Recv succeeded after Close")
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Recv returned %v after Close", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake a reader waiting for the budget")
	}
}

// LimitWrites bounds every later write, even one that would be allowed
// WriteTimeout by the no-progress rule: Close's grace holds against a
// peer that stopped reading.
func TestLimitWritesBoundsAWriteToAStalledPeer(t *testing.T) {
	a, z := net.Pipe() // nobody reads z
	defer a.Close()
	defer z.Close()
	tx := New(a, &Config{WriteTimeout: time.Minute, NoCompress: true})
	tx.LimitWrites(time.Now().Add(200 * time.Millisecond))
	start := time.Now()
	err := tx.Send([]byte("never read"))
	if err == nil {
		t.Fatal("Send to a peer that reads nothing succeeded")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Send took %v, want about the 200 ms limit", d)
	}
}

// A peer that declares a large frame and sends one byte makes the
// receiver hold (and charge to the budget) a small buffer, not the
// declared length.
func TestDeclaredLengthIsNotReserved(t *testing.T) {
	b := NewBudget(1 << 30)
	a, z := net.Pipe()
	defer a.Close()
	rx := New(z, &Config{Budget: b})
	hdr := binary.BigEndian.AppendUint32(nil, 2<<20)
	go a.Write(append(hdr, 0, 'x'))
	go rx.Recv()
	deadline := time.Now().Add(5 * time.Second)
	for b.Used() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if used := b.Used(); used == 0 || used > 64<<10 {
		t.Fatalf("a 2 MiB frame with one byte sent holds %d bytes of the budget, want a few KiB", used)
	}
	rx.Close()
	deadline = time.Now().Add(5 * time.Second)
	for b.Used() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if used := b.Used(); used != 0 {
		t.Fatalf("budget still holds %d bytes after the frame failed", used)
	}
}

// RecvHeld hands the message's charge to the caller, who gives it back.
func TestRecvHeldKeepsTheChargeUntilReleased(t *testing.T) {
	b := NewBudget(1 << 30)
	var buf bytes.Buffer
	msg := bytes.Repeat([]byte("abc"), 100000) // compressed on the wire
	frame, _ := AppendFrame(nil, msg, nil)
	buf.Write(frame)
	rx := New(readerConn{&buf}, &Config{Budget: b})
	got, held, err := rx.RecvHeld()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatal("message differs")
	}
	if held != int64(len(msg)) || b.Used() != held {
		t.Fatalf("held %d, budget used %d; want both %d (the inflated message)", held, b.Used(), len(msg))
	}
	b.Release(held)
	if _, _, err := rx.RecvHeld(); err != io.EOF {
		t.Fatalf("after the frame: %v, want io.EOF", err)
	}
}

// Post never waits behind another sender's write: with a writer stuck on
// a peer that does not read, Post queues its frame and returns.
func TestPostDoesNotWaitBehindAWriter(t *testing.T) {
	a, z := net.Pipe()
	defer a.Close()
	defer z.Close()
	tx := New(a, &Config{NoCompress: true})
	go tx.Send(bytes.Repeat([]byte("y"), 1000)) // blocks: nobody reads z yet
	deadline := time.Now().Add(5 * time.Second)
	for {
		tx.sendMu.Lock()
		w := tx.writing
		tx.sendMu.Unlock()
		if w || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- tx.Post([]byte("reply")) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Post waited behind a blocked writer")
	}
	rx := New(z, nil)
	first, _ := rx.Recv()
	second, err := rx.Recv()
	if len(first) != 1000 || string(second) != "reply" || err != nil {
		t.Fatalf("frames: %d bytes then %q (%v), want 1000 bytes then \"reply\"", len(first), second, err)
	}
}

// SendContext returns at its context's deadline while its frame is
// written to a slow reader, and the frame still arrives whole, after:
// the stream is never cut in the middle of a frame.
func TestSendContextReturnsAtTheDeadlineAndFinishesTheFrame(t *testing.T) {
	a, z := net.Pipe()
	defer a.Close()
	defer z.Close()
	tx := New(a, &Config{NoCompress: true, WriteTimeout: time.Minute})
	msg := bytes.Repeat([]byte("m"), 1<<20)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// The reader reads nothing for a second, then everything.
	got := make(chan []byte, 2)
	go func() {
		time.Sleep(time.Second)
		rx := New(z, nil)
		for range 2 {
			m, err := rx.Recv()
			if err != nil {
				close(got)
				return
			}
			got <- m
		}
	}()
	start := time.Now()
	err := tx.SendContext(ctx, msg)
	if !errors.Is(err, ErrSentLater) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SendContext to a slow reader: %v, want ErrSentLater and the deadline", err)
	}
	if d := time.Since(start); d > 600*time.Millisecond {
		t.Fatalf("SendContext returned after %v, want about its 200 ms deadline", d)
	}
	// A frame sent after it goes out after it, and both arrive whole.
	if err := tx.Send([]byte("next")); err != nil {
		t.Fatal(err)
	}
	first, second := <-got, <-got
	if !bytes.Equal(first, msg) || string(second) != "next" {
		t.Fatalf("frames after the deadline: %d bytes then %q, want the whole 1 MiB then \"next\"", len(first), second)
	}
}

// SendContext waiting behind another sender's write returns at its
// deadline too, its frame queued to go out after.
func TestSendContextBehindAWriterReturnsAtTheDeadline(t *testing.T) {
	a, z := net.Pipe()
	defer a.Close()
	defer z.Close()
	tx := New(a, &Config{NoCompress: true, WriteTimeout: time.Minute})
	go tx.Send(bytes.Repeat([]byte("w"), 1<<20)) // blocks: nobody reads yet
	for {
		tx.sendMu.Lock()
		w := tx.writing
		tx.sendMu.Unlock()
		if w {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := tx.SendContext(ctx, []byte("mine")); !errors.Is(err, ErrSentLater) {
		t.Fatalf("behind a blocked writer: %v, want ErrSentLater", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("returned after %v", d)
	}
	rx := New(z, nil)
	if m, _ := rx.Recv(); len(m) != 1<<20 {
		t.Fatalf("first frame %d bytes", len(m))
	}
	if m, _ := rx.Recv(); string(m) != "mine" {
		t.Fatalf("second frame %q, want \"mine\"", m)
	}
}
