package channel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// testPayload returns n bytes that compress well when compressible is true
// and hardly at all otherwise.
func testPayload(rng *rand.Rand, n int, compressible bool) []byte {
	b := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], rng.Uint64())
	}
	b = b[:n]
	if compressible {
		for i, c := range b {
			b[i] = "abcdefgh \n"[c%10]
		}
	}
	return b
}

func TestRoundTripBoundaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2999, 3000, 3001, 64000, 1 << 20} {
		for _, compress := range []bool{true, false} {
			for _, compressible := range []bool{true, false} {
				msg := testPayload(rng, n, compressible)
				cfg := DefaultConfig()
				cfg.NoCompress = !compress
				cfg.CompressAll = true // Python's rule: every message over the threshold
				frame, err := AppendFrame([]byte("prefix"), msg, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if string(frame[:6]) != "prefix" {
					t.Fatal("AppendFrame clobbered dst")
				}
				frame = frame[6:]
				wantFlag := byte(0)
				if compress && n > 3000 {
					wantFlag = 1
				}
				if frame[4] != wantFlag {
					t.Fatalf("n=%d compress=%v: flag %d, want %d", n, compress, frame[4], wantFlag)
				}
				if wantFlag == 0 && len(frame) != n+FrameOverhead {
					t.Fatalf("n=%d: uncompressed frame is %d bytes", n, len(frame))
				}
				// Through a reader that returns short reads.
				r := bytes.NewReader(frame)
				got, err := ReadFrame(iotest.HalfReader(r), nil)
				if err != nil || !bytes.Equal(got, msg) || r.Len() != 0 {
					t.Fatalf("n=%d compress=%v: round trip gave %d bytes, %v, %d left",
						n, compress, len(got), err, r.Len())
				}
			}
		}
	}
}

func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var stream []byte
	var msgs [][]byte
	for i := 0; i < 300; i++ {
		n := rng.IntN(9000)
		if rng.IntN(10) == 0 {
			n = rng.IntN(8)
		}
		msg := testPayload(rng, n, rng.IntN(2) == 0)
		cfg := &Config{
			NoCompress:        rng.IntN(3) == 0,
			CompressThreshold: rng.IntN(6000) - 100,
			CompressLevel:     []int{0, 1, 5, 9, -1, -2}[rng.IntN(6)],
		}
		var err error
		if stream, err = AppendFrame(stream, msg, cfg); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, msg)
	}
	r := bytes.NewReader(stream)
	for i, want := range msgs {
		got, err := ReadFrame(r, nil)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("message %d: %d bytes, %v; want %d bytes", i, len(got), err, len(want))
		}
	}
	if _, err := ReadFrame(r, nil); err != io.EOF {
		t.Fatalf("after the last frame: %v, want io.EOF", err)
	}
}

func TestThresholdConfig(t *testing.T) {
	msg := []byte(strings.Repeat("x", 100))
	for _, tc := range []struct {
		cfg  *Config
		n    int
		flag byte
	}{
		{nil, 3000, 0},
		{nil, 3001, 1},
		{&Config{NoCompress: true}, 5000, 0},
		{&Config{}, 3000, 0},
		{&Config{}, 3001, 1},
		{&Config{CompressThreshold: 50}, 50, 0},
		{&Config{CompressThreshold: 50}, 51, 1},
		{&Config{CompressThreshold: -1}, 0, 1},
	} {
		m := bytes.Repeat(msg, tc.n/100+1)[:tc.n]
		frame, err := AppendFrame(nil, m, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if frame[4] != tc.flag {
			t.Errorf("cfg %+v n=%d: flag %d, want %d", tc.cfg, tc.n, frame[4], tc.flag)
		}
		if got, err := ReadFrame(bytes.NewReader(frame), nil); err != nil || !bytes.Equal(got, m) {
			t.Errorf("cfg %+v n=%d: round trip %v", tc.cfg, tc.n, err)
		}
	}
}

func TestInvalidCompressLevel(t *testing.T) {
	for _, level := range []int{-3, 10, 100} {
		cfg := &Config{CompressThreshold: -1, CompressLevel: level}
		dst := []byte("keep")
		out, err := AppendFrame(dst, []byte("hi"), cfg)
		if err == nil || !strings.Contains(err.Error(), "CompressLevel") {
			t.Errorf("level %d: error %v", level, err)
		}
		if string(out) != "keep" {
			t.Errorf("level %d: dst changed to %q", level, out)
		}
		if err := New(discardConn{}, cfg).Send([]byte("hi")); err == nil {
			t.Errorf("level %d: Send succeeded", level)
		}
	}
	// The level is irrelevant when nothing is compressed.
	if _, err := AppendFrame(nil, []byte("hi"), &Config{CompressLevel: 42}); err != nil {
		t.Errorf("uncompressed send with odd level: %v", err)
	}
}

func TestReadFrameErrors(t *testing.T) {
	frame := func(flag byte, body []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
		return append(append(append(b, flag), body...), '\n')
	}
	good, _ := AppendFrame(nil, bytes.Repeat([]byte("abc"), 2000), nil)
	body := good[HeaderSize : len(good)-1]
	corrupt := append([]byte{}, body...)
	corrupt[len(corrupt)-1] ^= 0xff // breaks the adler32 checksum

	for _, tc := range []struct {
		name string
		in   []byte
		cfg  *Config
		want error
	}{
		{"empty input", nil, nil, io.EOF},
		{"partial header", []byte{0, 0}, nil, io.ErrUnexpectedEOF},
		{"missing trailer", frame(0, []byte("abc"))[:8], nil, io.ErrUnexpectedEOF},
		{"short body", frame(0, []byte("abcdef"))[:7], nil, io.ErrUnexpectedEOF},
		{"over frame limit", frame(0, []byte("abcdef")), &Config{MaxFrameSize: 5}, ErrFrameTooLarge},
		{"at frame limit", frame(0, []byte("abcdef")), &Config{MaxFrameSize: 6}, nil},
		{"compressed empty body", frame(1, nil), nil, ErrBadCompression},
		{"compressed garbage", frame(7, []byte("not zlib at all")), nil, ErrBadCompression},
		{"truncated zlib", frame(1, body[:len(body)/2]), nil, ErrBadCompression},
		{"bad checksum", frame(1, corrupt), nil, ErrBadCompression},
		{"preset dictionary", frame(1, []byte{0x78, 0xbb, 0, 0, 0, 1, 3, 0}), nil, ErrBadCompression},
		{"inflated over limit", good, &Config{MaxInflatedSize: 5999}, ErrInflatedTooLarge},
		{"inflated at limit", good, &Config{MaxInflatedSize: 6000}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadFrame(bytes.NewReader(tc.in), tc.cfg)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if tc.want == io.EOF {
				if err != io.EOF {
					t.Fatalf("clean EOF must be io.EOF itself, got %v", err)
				}
				return
			}
			if !strings.HasPrefix(err.Error(), "channel: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if tc.want == ErrBadCompression && errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("a corrupt body must not look like a truncated stream: %v", err)
			}
		})
	}
}

// TestHugeDeclarationCostsNothing: a peer declaring 2^32-1 bytes and then
// sending 10 must not make us allocate anywhere near that.
func TestHugeDeclarationCostsNothing(t *testing.T) {
	in := append([]byte{0xff, 0xff, 0xff, 0xff, 0}, "0123456789"...)
	cfg := &Config{MaxFrameSize: 1 << 40}
	measure := func(fn func() error) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		err := fn()
		runtime.ReadMemStats(&after)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("error %v, want io.ErrUnexpectedEOF", err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	got := measure(func() error { _, err := ReadFrame(bytes.NewReader(in), cfg); return err })
	if got > 2<<20 {
		t.Errorf("ReadFrame allocated %d bytes", got)
	}
	got = measure(func() error {
		_, err := New(readerConn{bytes.NewReader(in)}, cfg).Recv()
		return err
	})
	if got > 2<<20 {
		t.Errorf("Channel.Recv allocated %d bytes", got)
	}
	// Under the default limit the header alone is refused.
	if _, err := ReadFrame(bytes.NewReader(in), nil); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("default limit: %v, want ErrFrameTooLarge", err)
	}
}

// TestLargeBodyInChunks reads bodies that end on, before and after the
// edges of the chunks a large body is read in, through a reader that
// returns short reads.
func TestLargeBodyInChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{firstReadChunk + 1, firstReadChunk + bodyChunk - 1, firstReadChunk + bodyChunk,
		firstReadChunk + bodyChunk + 1, firstReadChunk + 3*bodyChunk, 5<<20 + 7} {
		msg := testPayload(rng, n, false)
		frame, err := AppendFrame(nil, msg, &Config{NoCompress: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadFrame(iotest.HalfReader(bytes.NewReader(frame)), nil)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("%d bytes: got %d bytes, %v", n, len(got), err)
		}
	}
	msg := testPayload(rng, 5<<20+7, false)
	frame, err := AppendFrame(nil, msg, &Config{NoCompress: true})
	if err != nil {
		t.Fatal(err)
	}
	// Cut short after a few MiB: an unexpected EOF, not a partial message.
	_, err = ReadFrame(bytes.NewReader(frame[:3<<20]), nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated: %v", err)
	}
}

func TestReadFrameResultIsOwned(t *testing.T) {
	frames, _ := AppendFrame(nil, []byte("one"), nil)
	frames, _ = AppendFrame(frames, []byte("two"), nil)
	r := bytes.NewReader(frames)
	a, _ := ReadFrame(r, nil)
	b, _ := ReadFrame(r, nil)
	a[0] = 'X'
	if string(b) != "two" {
		t.Fatal("messages share memory")
	}
}

// TestCompressionPaysForItself: by default, large random data goes raw,
// compressible data is still compressed, and CompressAll restores
// Python's rule.
func TestCompressionPaysForItself(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	random := testPayload(rng, 1<<20, false)
	text := bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog; "), 1000)
	zeros := make([]byte, 16<<20)
	small := testPayload(rng, 5000, false) // under the sampling size: Python's rule
	for _, tc := range []struct {
		name string
		msg  []byte
		cfg  *Config
		flag byte
	}{
		{"random 1 MiB", random, nil, 0},
		{"text 45 KB", text, nil, 1},
		{"zeros 16 MiB", zeros, nil, 1},
		{"random 5000 B", small, nil, 1},
		{"random 1 MiB, CompressAll", random, &Config{CompressAll: true}, 1},
	} {
		frame, err := AppendFrame(nil, tc.msg, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if frame[4] != tc.flag {
			t.Errorf("%s: compressed flag %d, want %d", tc.name, frame[4], tc.flag)
		}
		got, err := ReadFrame(bytes.NewReader(frame), nil)
		if err != nil || !bytes.Equal(got, tc.msg) {
			t.Errorf("%s: round trip failed: %v", tc.name, err)
		}
	}
}
