package stream

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

const transferSize = 1 << 20

// waitTimeout bounds every wait in the conformance checks, so a broken
// stream fails the test instead of hanging it.
const waitTimeout = 10 * time.Second

// testData returns n deterministic pseudo-random bytes.
func testData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// writeChunks writes data in irregular chunk sizes, so frame boundaries of
// the transports do not line up with the writes.
func writeChunks(w io.Writer, data []byte, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 1))
	for len(data) > 0 {
		n := min(1+r.IntN(48<<10), len(data))
		if _, err := w.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// waitErr waits for one error from ch, failing the test on timeout.
func waitErr(t *testing.T, ch <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(waitTimeout):
		t.Fatalf("%s: still blocked after %v", what, waitTimeout)
		return nil
	}
}

// mustBeClosedErr checks err reports a locally closed stream.
func mustBeClosedErr(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("%s: got %v (%T), want an error matching net.ErrClosed", what, err, err)
	}
	if !IsClosed(err) {
		t.Errorf("%s: IsClosed(%v) = false", what, err)
	}
}

// mustBeTimeout checks err reports an expired deadline in every way the
// package promises.
func mustBeTimeout(t *testing.T, what string, err error) {
	t.Helper()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%s: got %v (%T), want a net.Error with Timeout() true", what, err, err)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("%s: got %v, want an error wrapping os.ErrDeadlineExceeded", what, err)
	}
	if !IsTimeout(err) {
		t.Errorf("%s: IsTimeout(%v) = false", what, err)
	}
}

// TestConnEcho sends 1 MiB from a to b, which echoes it back while a is
// still sending, so both directions carry data at once.
func TestConnEcho(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		data := testData(transferSize, 1)
		echoDone := make(chan error, 1)
		go func() {
			buf := make([]byte, 32<<10)
			for {
				n, err := b.Read(buf)
				if n > 0 {
					if _, werr := b.Write(buf[:n]); werr != nil {
						echoDone <- werr
						return
					}
				}
				if err == io.EOF {
					echoDone <- nil
					return
				}
				if err != nil {
					echoDone <- err
					return
				}
			}
		}()
		writeDone := make(chan error, 1)
		go func() { writeDone <- writeChunks(a, data, 2) }()

		a.SetReadDeadline(time.Now().Add(waitTimeout))
		got := make([]byte, len(data))
		if _, err := io.ReadFull(a, got); err != nil {
			t.Fatalf("read echo: %v", err)
		}
		if err := waitErr(t, writeDone, "write"); err != nil {
			t.Fatalf("write: %v", err)
		}
		if !bytes.Equal(got, data) {
			t.Fatal("echoed data differs from what was sent")
		}
		if err := a.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		if err := waitErr(t, echoDone, "echo"); err != nil {
			t.Fatalf("echo: %v", err)
		}
	})
}

// TestConnFullDuplex has both ends send 1 MiB to each other at the same
// time, each with its own reader, which would deadlock a half-duplex or
// unbuffered design that needs the writes to alternate.
func TestConnFullDuplex(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		dataA, dataB := testData(transferSize, 3), testData(transferSize, 4)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		var gotA, gotB []byte
		read := func(c net.Conn, dst *[]byte) {
			defer wg.Done()
			buf := make([]byte, transferSize)
			_, err := io.ReadFull(c, buf)
			*dst = buf
			errs <- err
		}
		write := func(c net.Conn, data []byte, seed uint64) {
			defer wg.Done()
			errs <- writeChunks(c, data, seed)
		}
		a.SetDeadline(time.Now().Add(waitTimeout))
		b.SetDeadline(time.Now().Add(waitTimeout))
		wg.Add(4)
		go read(a, &gotA)
		go read(b, &gotB)
		go write(a, dataA, 5)
		go write(b, dataB, 6)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(gotB, dataA) || !bytes.Equal(gotA, dataB) {
			t.Fatal("received data differs from what was sent")
		}
	})
}

// TestConnConcurrentWriters checks that Writes from several goroutines are
// never interleaved with each other, which the channel layer relies on.
func TestConnConcurrentWriters(t *testing.T) {
	const writers, frames, frameSize = 4, 32, 3000
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		a.SetWriteDeadline(time.Now().Add(waitTimeout))
		b.SetReadDeadline(time.Now().Add(waitTimeout))
		errs := make(chan error, writers)
		for w := range writers {
			go func() {
				frame := bytes.Repeat([]byte{byte('A' + w)}, frameSize)
				for range frames {
					if _, err := a.Write(frame); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		counts := make(map[byte]int)
		buf := make([]byte, frameSize)
		for range writers * frames {
			if _, err := io.ReadFull(b, buf); err != nil {
				t.Fatalf("read: %v", err)
			}
			if !bytes.Equal(buf, bytes.Repeat(buf[:1], frameSize)) {
				t.Fatal("frames from different writers are interleaved")
			}
			counts[buf[0]]++
		}
		for range writers {
			if err := waitErr(t, errs, "writer"); err != nil {
				t.Fatal(err)
			}
		}
		for w := range writers {
			if counts[byte('A'+w)] != frames {
				t.Fatalf("writer %d: got %d frames, want %d", w, counts[byte('A'+w)], frames)
			}
		}
	})
}

// TestConnCloseIdempotent checks that only the first Close does anything
// and later ones report net.ErrClosed.
func TestConnCloseIdempotent(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		if err := a.Close(); err != nil {
			t.Fatalf("first close: %v", err)
		}
		for range 2 {
			mustBeClosedErr(t, "second close", a.Close())
		}
	})
}

// TestConnCloseUnblocksRead checks that Close wakes a Read blocked on the
// same end with net.ErrClosed, and that the peer then sees io.EOF.
func TestConnCloseUnblocksRead(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		done := make(chan error, 1)
		go func() {
			_, err := a.Read(make([]byte, 10))
			done <- err
		}()
		time.Sleep(20 * time.Millisecond)
		if err := a.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		mustBeClosedErr(t, "blocked read", waitErr(t, done, "read after close"))

		b.SetReadDeadline(time.Now().Add(waitTimeout))
		if n, err := b.Read(make([]byte, 10)); err != io.EOF {
			t.Fatalf("peer read: got %d, %v; want io.EOF", n, err)
		}
	})
}

// TestConnCloseUnblocksWrite checks that Close wakes a Write that is
// blocked because the peer does not read.
func TestConnCloseUnblocksWrite(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		done := make(chan error, 1)
		go func() {
			chunk := make([]byte, 256<<10)
			for {
				if _, err := a.Write(chunk); err != nil {
					done <- err
					return
				}
			}
		}()
		time.Sleep(50 * time.Millisecond)
		if err := a.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		mustBeClosedErr(t, "blocked write", waitErr(t, done, "write after close"))
	})
}

// TestConnPeerClose checks that what was written before Close reaches the
// peer, followed by io.EOF.
func TestConnPeerClose(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		done := make(chan error, 1)
		go func() {
			_, err := a.Write([]byte("last words"))
			if cerr := a.Close(); err == nil {
				err = cerr
			}
			done <- err
		}()
		b.SetReadDeadline(time.Now().Add(waitTimeout))
		got, err := io.ReadAll(b)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if string(got) != "last words" {
			t.Fatalf("got %q", got)
		}
		if err := waitErr(t, done, "write and close"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestConnUseAfterClose checks every operation on a closed end fails with
// net.ErrClosed.
func TestConnUseAfterClose(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		a.Close()
		_, err := a.Write([]byte("x"))
		mustBeClosedErr(t, "write after close", err)
		_, err = a.Read(make([]byte, 1))
		mustBeClosedErr(t, "read after close", err)
		if err := a.SetReadDeadline(time.Now()); err == nil {
			t.Error("SetReadDeadline after close succeeded")
		}
	})
}

// TestConnReadDeadline checks read deadlines: expiry while blocked, an
// already-past deadline, a deadline moved while a Read waits, and that the
// stream keeps working after a read timeout.
func TestConnReadDeadline(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		buf := make([]byte, 10)

		start := time.Now()
		a.SetReadDeadline(start.Add(30 * time.Millisecond))
		_, err := a.Read(buf)
		mustBeTimeout(t, "read", err)
		if d := time.Since(start); d < 20*time.Millisecond {
			t.Errorf("read timed out after %v, before its deadline", d)
		}

		a.SetReadDeadline(time.Now().Add(-time.Second))
		_, err = a.Read(buf)
		mustBeTimeout(t, "read with past deadline", err)

		a.SetReadDeadline(time.Now().Add(time.Hour))
		done := make(chan error, 1)
		go func() {
			_, err := a.Read(buf)
			done <- err
		}()
		time.Sleep(20 * time.Millisecond)
		a.SetReadDeadline(time.Now())
		mustBeTimeout(t, "read with shortened deadline", waitErr(t, done, "read"))

		a.SetReadDeadline(time.Time{})
		go func() {
			_, err := b.Write([]byte("ok"))
			done <- err
		}()
		a.SetReadDeadline(time.Now().Add(waitTimeout))
		if _, err := io.ReadFull(a, buf[:2]); err != nil || string(buf[:2]) != "ok" {
			t.Fatalf("read after timeout: %q, %v", buf[:2], err)
		}
		if err := waitErr(t, done, "write"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestConnWriteDeadline checks that a Write blocked because the peer does
// not read fails with a timeout once its deadline passes.
func TestConnWriteDeadline(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		a.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
		chunk := make([]byte, 64<<10)
		for total := 0; ; total += len(chunk) {
			if total > 256<<20 {
				t.Fatal("write never blocked")
			}
			if _, err := a.Write(chunk); err != nil {
				mustBeTimeout(t, "write", err)
				break
			}
		}
	})
}

// TestConnAddrs checks both addresses are present, since callers log them.
func TestConnAddrs(t *testing.T) {
	testConnTypes(t, func(t *testing.T, a, b net.Conn) {
		for _, c := range []net.Conn{a, b} {
			if c.LocalAddr() == nil || c.RemoteAddr() == nil {
				t.Fatalf("%T: nil address", c)
			}
			if c.LocalAddr().Network() == "" {
				t.Fatalf("%T: empty network name", c)
			}
		}
	})
}
