package channel

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"testing"
)

// fuzzLimit keeps every decode small so the fuzzer explores structure, not
// memory.
const fuzzLimit = 1 << 16

// FuzzReadFrame feeds arbitrary bytes to the decoder. It must never panic
// or return more than the limits allow, and whatever decodes must survive
// re-encoding (compressed or not) and decoding unchanged.
func FuzzReadFrame(f *testing.F) {
	for _, v := range loadVectors(f) {
		switch {
		case v.InputHex != "":
			in, _ := hex.DecodeString(v.InputHex)
			f.Add(in)
		case v.FrameHex != nil:
			in, _ := hex.DecodeString(*v.FrameHex)
			f.Add(in)
		}
	}
	f.Add([]byte{0, 0, 0, 0, 1, '\n'})
	two, _ := AppendFrame(nil, bytes.Repeat([]byte("fuzz"), 1000), nil)
	two, _ = AppendFrame(two, []byte("tail"), nil)
	f.Add(two)

	limits := &Config{MaxFrameSize: fuzzLimit, MaxInflatedSize: fuzzLimit}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for {
			before := r.Len()
			msg, err := ReadFrame(r, limits)
			if err != nil {
				if err == io.EOF && before != 0 {
					t.Fatalf("io.EOF with %d bytes unread", before)
				}
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) &&
					!errors.Is(err, ErrFrameTooLarge) && !errors.Is(err, ErrInflatedTooLarge) &&
					!errors.Is(err, ErrBadCompression) {
					t.Fatalf("unexpected error kind: %v", err)
				}
				return
			}
			if consumed := before - r.Len(); consumed > fuzzLimit+FrameOverhead {
				t.Fatalf("consumed %d bytes for one frame", consumed)
			}
			if len(msg) > fuzzLimit {
				t.Fatalf("message of %d bytes beyond the limit", len(msg))
			}
			for _, cfg := range []*Config{{NoCompress: true}, {CompressThreshold: -1}} {
				frame, err := AppendFrame(nil, msg, cfg)
				if err != nil {
					t.Fatal(err)
				}
				again, err := ReadFrame(bytes.NewReader(frame), limits)
				if err != nil || !bytes.Equal(again, msg) {
					t.Fatalf("re-decode: %v (%d vs %d bytes)", err, len(again), len(msg))
				}
			}
		}
	})
}
