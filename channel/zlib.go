package channel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// Compressors and decompressors carry large internal tables, so they are
// pooled instead of being allocated per frame.

// sliceWriter appends everything written to it to b.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// deflater is a pooled zlib writer bound to its output slice.
type deflater struct {
	out sliceWriter
	zw  *zlib.Writer
}

// deflaterPools holds one pool per valid level (-2..9), since a zlib.Writer
// keeps its level across Reset.
var deflaterPools [12]sync.Pool

// deflate appends the zlib compression of msg at the given (already
// checked) level to dst.
func deflate(dst, msg []byte, level int) ([]byte, error) {
	pool := &deflaterPools[level+2]
	d, _ := pool.Get().(*deflater)
	if d == nil {
		d = new(deflater)
		zw, err := zlib.NewWriterLevel(&d.out, level)
		if err != nil {
			return dst, fmt.Errorf("channel: %w", err)
		}
		d.zw = zw
	} else {
		d.zw.Reset(&d.out)
	}
	// Random data grows slightly under zlib; reserve that much up front so
	// the common incompressible case never reallocates mid-stream.
	d.out.b = grow(dst, len(msg)+len(msg)/1000+64)
	_, err := d.zw.Write(msg)
	if err == nil {
		err = d.zw.Close()
	}
	out := d.out.b
	d.out.b = nil
	pool.Put(d)
	if err != nil {
		return dst, fmt.Errorf("channel: compress: %w", err)
	}
	return out, nil
}

// grow returns b with room for at least n more bytes, never reserving more
// than maxPooledBuffer ahead (compressed output is usually much smaller
// than the input, and append handles the rest).
func grow(b []byte, n int) []byte {
	n = min(n, maxPooledBuffer)
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), len(b)+n)
	copy(nb, b)
	return nb
}

// inflater is a pooled zlib reader with its source.
type inflater struct {
	src bytes.Reader
	zr  io.ReadCloser // nil until a stream header has parsed once
}

var inflaterPool = sync.Pool{New: func() any { return new(inflater) }}

// inflate decompresses a complete zlib body, refusing to produce more than
// limit bytes. The result is freshly allocated, at its exact size.
//
// A zlib stream does not say how long it inflates to. Up to
// firstInflateChunk the output goes straight into one buffer; past that,
// the stream is inflated once to count (into a small scratch buffer) and
// again into a buffer of the exact size, so a large frame costs its body
// plus its message, never a second copy of the message for joining, and a
// bomb is refused at limit without holding it.
//
// ch holds body's bytes on entry; on success it holds the message's
// instead (the body, garbage from then on, is given back).
func inflate(body []byte, limit int64, ch *Hold) ([]byte, error) {
	inf := inflaterPool.Get().(*inflater)
	defer func() {
		inf.src.Reset(nil)
		inflaterPool.Put(inf)
	}()
	if err := inf.reset(body); err != nil {
		return nil, err
	}
	probe := limit + 1 // reaching limit+1 bytes proves the stream too large
	if probe > math.MaxInt {
		probe = math.MaxInt
	}
	tooLarge := func() error {
		return fmt.Errorf("channel: frame inflates to more than %d bytes: %w", limit, ErrInflatedTooLarge)
	}
	first := int(min(probe, int64(max(512, min(firstInflateChunk, doubled(len(body)))))))
	if err := ch.take(int64(first)); err != nil {
		return nil, err
	}
	out := make([]byte, first)
	n := 0
	for n < len(out) {
		m, err := inf.zr.Read(out[n:])
		n += m
		if err == io.EOF {
			ch.drop(int64(len(body)))
			return out[:n], nil
		}
		if err != nil {
			return nil, badCompression(err)
		}
	}
	if int64(n) >= probe {
		return nil, tooLarge()
	}
	// Count the rest.
	out = nil
	ch.drop(int64(first))
	total := int64(n)
	scratch := make([]byte, 256<<10)
	for {
		m, rerr := inf.zr.Read(scratch)
		total += int64(m)
		if total >= probe {
			return nil, tooLarge()
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, badCompression(rerr)
		}
	}
	scratch = nil
	if err := ch.take(total); err != nil {
		return nil, err
	}
	if err := inf.reset(body); err != nil {
		return nil, err
	}
	out = make([]byte, total)
	if _, err := io.ReadFull(inf.zr, out); err != nil {
		return nil, badCompression(err)
	}
	ch.drop(int64(len(body)))
	return out, nil
}

// reset points the pooled inflater at body.
func (inf *inflater) reset(body []byte) error {
	inf.src.Reset(body)
	var err error
	if inf.zr == nil {
		inf.zr, err = zlib.NewReader(&inf.src)
	} else {
		err = inf.zr.(zlib.Resetter).Reset(&inf.src, nil)
	}
	if err != nil {
		return badCompression(err)
	}
	return nil
}

// firstInflateChunk is the output size inflated in one pass; larger
// messages are counted first (see inflate).
const firstInflateChunk = 8 << 20

// badCompression wraps a zlib error. A body that ends early is reported as
// truncation without wrapping io.ErrUnexpectedEOF, which callers reserve for
// a stream that ended mid-frame; the frame itself was fully received.
func badCompression(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("channel: truncated zlib stream: %w", ErrBadCompression)
	}
	return fmt.Errorf("channel: %w: %w", ErrBadCompression, err)
}

// doubled returns 2n, saturating instead of overflowing on 32-bit platforms.
func doubled(n int) int {
	if n > math.MaxInt/2 {
		return math.MaxInt
	}
	return 2 * n
}

// Sampling (see Config.CompressAll).
const (
	sampleMin    = 16 << 10 // messages this long or longer are sampled
	sampleWindow = 1 << 10  // bytes taken at the start, middle and end
)

var sampleBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4*sampleWindow); return &b }}

// compressible reports whether three windows of msg, compressed together
// at level 1, shrink by at least a tenth.
func compressible(msg []byte) bool {
	bp := sampleBufs.Get().(*[]byte)
	defer sampleBufs.Put(bp)
	in := (*bp)[:0]
	mid := len(msg)/2 - sampleWindow/2
	in = append(in, msg[:sampleWindow]...)
	in = append(in, msg[mid:mid+sampleWindow]...)
	in = append(in, msg[len(msg)-sampleWindow:]...)
	out, err := deflate(in[len(in):len(in)], in, 1)
	if err != nil {
		return true
	}
	n := len(out)
	if cap(out) <= 4*sampleWindow+len(in) {
		*bp = in[:0]
	}
	return n*10 < len(in)*9
}
