package channel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// AppendFrame appends the frame carrying msg to dst and returns the extended
// slice, compressing msg as cfg dictates (nil cfg means [DefaultConfig]). It
// is the pure encoder behind [Channel.Send], usable without a stream. On
// error dst is returned unchanged.
func AppendFrame(dst, msg []byte, cfg *Config) ([]byte, error) {
	s := resolve(cfg)
	return appendFrame(dst, msg, &s, s.shouldCompress(msg))
}

// appendFrame appends msg's frame, compressed when compressed says.
func appendFrame(dst, msg []byte, s *settings, compressed bool) ([]byte, error) {
	if !compressed && uint64(len(msg)) > maxWireBody {
		return dst, frameTooLargeToSend(uint64(len(msg)))
	}
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, 0)
	if compressed {
		if err := checkLevel(s.level); err != nil {
			return dst[:start], err
		}
		var err error
		if dst, err = deflate(dst, msg, s.level); err != nil {
			return dst[:start], err
		}
		dst[start+4] = 1
	} else {
		dst = append(dst, msg...)
	}
	body := uint64(len(dst) - start - HeaderSize)
	if body > maxWireBody {
		return dst[:start], frameTooLargeToSend(body)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(body))
	return append(dst, Trailer), nil
}

func frameTooLargeToSend(n uint64) error {
	return fmt.Errorf("channel: body of %d bytes does not fit the 32-bit length field: %w",
		n, ErrFrameTooLarge)
}

// ReadFrame reads exactly one frame from r and returns its message,
// decompressed when the flag byte is non-zero, as a freshly allocated slice.
// nil cfg means [DefaultConfig]. It is the pure decoder behind
// [Channel.Recv], usable without a Channel; unlike Recv it returns empty
// messages instead of skipping them, as Python's Channel.recv does.
//
// ReadFrame consumes no byte beyond the frame, so it can be called
// repeatedly on the same reader; wrap unbuffered readers in a bufio.Reader
// for speed. A clean end of stream before the first header byte returns
// io.EOF itself; an end inside a frame returns an error wrapping
// io.ErrUnexpectedEOF.
func ReadFrame(r io.Reader, cfg *Config) ([]byte, error) {
	s := resolve(cfg)
	var scratch [HeaderSize]byte
	ch := Hold{b: s.budget, wait: s.readTimeout, incoming: true}
	defer ch.release()
	msg, _, err := readFrame(r, &s, &scratch, &ch)
	return msg, err
}

// readFrame decodes one frame using scratch for the header, charging ch
// for the memory it takes as it takes it: on success ch holds the
// message's bytes (the caller gives them back), on failure nothing.
// started reports whether any byte of the frame was consumed, i.e.
// whether a failure has left r in the middle of a frame.
func readFrame(r io.Reader, s *settings, scratch *[HeaderSize]byte, ch *Hold) (msg []byte, started bool, err error) {
	defer func() {
		if err != nil {
			ch.release()
		}
	}()
	n, err := io.ReadFull(r, scratch[:])
	if err != nil {
		if err == io.EOF {
			return nil, false, io.EOF
		}
		return nil, n > 0, readError("header", err)
	}
	length := int64(binary.BigEndian.Uint32(scratch[:4]))
	compressed := scratch[4] != 0
	if length > s.maxFrame {
		return nil, true, fmt.Errorf("channel: declared body length %d exceeds limit %d: %w",
			length, s.maxFrame, ErrFrameTooLarge)
	}
	body, err := readBody(r, int(length), ch)
	if err != nil {
		if errors.Is(err, ErrBudget) {
			return nil, true, err
		}
		return nil, true, readError("body", err)
	}
	// The trailer is read but, like Python, never checked.
	if br, ok := r.(io.ByteReader); ok {
		_, err = br.ReadByte()
	} else {
		_, err = io.ReadFull(r, scratch[:1])
	}
	if err != nil {
		return nil, true, readError("trailer", err)
	}
	if !compressed {
		return body, true, nil
	}
	msg, err = inflate(body, s.maxInflated, ch)
	return msg, true, err
}

// readBody reads an n-byte body into memory charged to ch as bytes
// arrive. A body no larger than what is already buffered, or than
// firstReadChunk, is read straight into its own buffer. A larger one is
// read into pooled chunks of bodyChunk bytes, each charged as it is
// taken, and assembled once all of it is in: memory (and the budget)
// tracks what the peer actually sent, not what it declared, so thousands
// of peers that declare large frames and send a byte each hold a few KiB
// apiece, and a body that does arrive costs one copy, not a series of
// ever larger buffers.
func readBody(r io.Reader, n int, ch *Hold) ([]byte, error) {
	size := n
	if n > firstReadChunk {
		size = firstReadChunk
		if b, ok := r.(interface{ Buffered() int }); ok {
			size = min(n, max(size, b.Buffered()))
		}
	}
	if size == n {
		if err := ch.take(int64(n)); err != nil {
			return nil, err
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	// The first chunk is small (a peer that sends a byte and stalls holds
	// no more than that); the rest are bodyChunk.
	var first *[firstReadChunk]byte
	var chunks []*[bodyChunk]byte
	defer func() {
		if first != nil {
			smallChunks.Put(first)
		}
		for _, c := range chunks {
			bodyChunks.Put(c)
		}
	}()
	if err := ch.take(firstReadChunk); err != nil {
		return nil, err
	}
	charged := int64(firstReadChunk)
	first = smallChunks.Get().(*[firstReadChunk]byte)
	if _, err := io.ReadFull(r, first[:]); err != nil {
		return nil, err
	}
	for got := firstReadChunk; got < n; {
		if err := ch.take(bodyChunk); err != nil {
			return nil, err
		}
		charged += bodyChunk
		c := bodyChunks.Get().(*[bodyChunk]byte)
		chunks = append(chunks, c)
		m, err := io.ReadFull(r, c[:min(bodyChunk, n-got)])
		got += m
		if err != nil {
			return nil, err
		}
	}
	// The chunks' charge moves to the body (their brief overlap is not
	// charged: a frame near the whole budget must not be refused for it).
	ch.drop(charged)
	if err := ch.take(int64(n)); err != nil {
		return nil, err
	}
	buf := make([]byte, n)
	copy(buf, first[:])
	for i, c := range chunks {
		copy(buf[firstReadChunk+i*bodyChunk:], c[:])
	}
	return buf, nil
}

// bodyChunk is the piece a large frame body is read in after its first
// firstReadChunk bytes (readBody).
const bodyChunk = 64 << 10

// smallChunks and bodyChunks hold the pieces large bodies are read in.
var (
	smallChunks = sync.Pool{New: func() any { return new([firstReadChunk]byte) }}
	bodyChunks  = sync.Pool{New: func() any { return new([bodyChunk]byte) }}
)

// readError wraps a read failure, turning an end of stream inside a frame
// into io.ErrUnexpectedEOF.
func readError(part string, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("channel: reading frame %s: %w", part, err)
}
