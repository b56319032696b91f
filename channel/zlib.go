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
// limit bytes. The result is freshly allocated.
func inflate(body []byte, limit int64) ([]byte, error) {
	inf := inflaterPool.Get().(*inflater)
	defer func() {
		inf.src.Reset(nil)
		inflaterPool.Put(inf)
	}()
	inf.src.Reset(body)
	var err error
	if inf.zr == nil {
		inf.zr, err = zlib.NewReader(&inf.src)
	} else {
		err = inf.zr.(zlib.Resetter).Reset(&inf.src, nil)
	}
	if err != nil {
		return nil, badCompression(err)
	}

	// Read at most limit+1 bytes: reaching limit+1 proves the stream is
	// over the limit without inflating any further.
	probe := limit + 1
	if probe > math.MaxInt {
		probe = math.MaxInt
	}
	hardCap := int(probe)
	tooLarge := func() error {
		return fmt.Errorf("channel: frame inflates to more than %d bytes: %w", limit, ErrInflatedTooLarge)
	}
	// Inflate into chunks that double in size (up to 8 MiB each) and join
	// them once at the end: memory grows only with what was inflated, so
	// a bomb is refused at about limit bytes, not at the 2-3x a doubling
	// buffer would have reached.
	var chunks [][]byte
	total := 0
	cur := make([]byte, 0, min(hardCap, max(512, doubled(len(body)))))
	for {
		if len(cur) == cap(cur) {
			if total+len(cur) >= hardCap {
				return nil, tooLarge()
			}
			chunks = append(chunks, cur)
			total += len(cur)
			cur = make([]byte, 0, min(hardCap-total, min(8<<20, doubled(cap(cur)))))
		}
		n, rerr := inf.zr.Read(cur[len(cur):cap(cur)])
		cur = cur[:len(cur)+n]
		if rerr == io.EOF {
			if int64(total+len(cur)) > limit {
				return nil, tooLarge()
			}
			if len(chunks) == 0 {
				return cur, nil
			}
			out := make([]byte, 0, total+len(cur))
			for _, c := range chunks {
				out = append(out, c...)
			}
			return append(out, cur...), nil
		}
		if rerr != nil {
			return nil, badCompression(rerr)
		}
	}
}

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
