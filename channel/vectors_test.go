package channel

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

const vectorsPath = "../testdata/vectors/channel.jsonl"

// vector is one line of channel.jsonl; fields absent from a line stay zero.
type vector struct {
	Kind            string  `json:"kind"`
	Name            string  `json:"name"`
	ChannelCompress bool    `json:"channel_compress"`
	Recipe          *recipe `json:"payload_recipe"`
	PayloadLen      int     `json:"payload_len"`
	PayloadSHA256   string  `json:"payload_sha256"`
	PayloadHex      *string `json:"payload_hex"`
	PayloadHeadHex  string  `json:"payload_head_hex"`
	PayloadTailHex  string  `json:"payload_tail_hex"`
	FrameHex        *string `json:"frame_hex"`
	FrameHeadHex    string  `json:"frame_head_hex"`
	FrameTailHex    string  `json:"frame_tail_hex"`
	FrameLen        int     `json:"frame_len"`
	FrameSHA256     string  `json:"frame_sha256"`
	HeaderLength    uint32  `json:"header_length_field"`
	HeaderFlag      byte    `json:"header_compressed_field"`
	LastByteHex     string  `json:"last_byte_hex"`
	ZlibLen         int     `json:"zlib_len"`

	InputHex       string  `json:"input_hex"`
	Error          *string `json:"error"`
	ReturnedHex    *string `json:"returned_hex"`
	ReturnedLen    int     `json:"returned_len"`
	ReturnedSHA256 string  `json:"returned_sha256"`
}

type recipe struct {
	Kind   string `json:"kind"`
	Hex    string `json:"hex"`
	N      int    `json:"n"`
	Unit   string `json:"unit"`
	Count  int    `json:"count"`
	Suffix string `json:"suffix"`
	Seed   string `json:"seed"`
}

func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	f, err := os.Open(vectorsPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var v vector
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			tb.Fatalf("line %d: %v", len(out)+1, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func (r *recipe) build(tb testing.TB) []byte {
	tb.Helper()
	switch r.Kind {
	case "literal":
		return mustHex(tb, r.Hex)
	case "pat":
		b := make([]byte, r.N)
		for i := range b {
			b[i] = byte(i)
		}
		return b
	case "repeat":
		return []byte(strings.Repeat(r.Unit, r.Count) + r.Suffix)
	case "sha256ctr":
		var b []byte
		var ctr [4]byte
		for i := uint32(0); len(b) < r.N; i++ {
			binary.BigEndian.PutUint32(ctr[:], i)
			sum := sha256.Sum256(append([]byte(r.Seed), ctr[:]...))
			b = append(b, sum[:]...)
		}
		return b[:r.N]
	}
	tb.Fatalf("unknown recipe kind %q", r.Kind)
	return nil
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestVectorsLoaded(t *testing.T) {
	vs := loadVectors(t)
	kinds := map[string]int{}
	for _, v := range vs {
		kinds[v.Kind]++
	}
	if len(vs) != 22 || kinds["send"] != 14 || kinds["recv"] != 8 {
		t.Fatalf("got %d vectors %v, want 22 (14 send, 8 recv)", len(vs), kinds)
	}
}

func TestVectorsSend(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Kind != "send" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) { checkSendVector(t, v) })
	}
}

func checkSendVector(t *testing.T, v vector) {
	payload := v.Recipe.build(t)
	if len(payload) != v.PayloadLen || sha256Hex(payload) != v.PayloadSHA256 {
		t.Fatalf("payload recipe gives %d bytes sha256 %s, want %d %s",
			len(payload), sha256Hex(payload), v.PayloadLen, v.PayloadSHA256)
	}
	if v.PayloadHex != nil && hex.EncodeToString(payload) != *v.PayloadHex {
		t.Fatal("payload differs from payload_hex")
	}
	if v.PayloadHeadHex != "" && !bytes.HasPrefix(payload, mustHex(t, v.PayloadHeadHex)) ||
		v.PayloadTailHex != "" && !bytes.HasSuffix(payload, mustHex(t, v.PayloadTailHex)) {
		t.Fatal("payload differs from payload_head_hex/payload_tail_hex")
	}

	cfg := DefaultConfig()
	cfg.NoCompress = !v.ChannelCompress
	cfg.CompressAll = true // the vectors record Python's rule
	frame, err := AppendFrame(nil, payload, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if frame[4] != v.HeaderFlag {
		t.Fatalf("flag %d, want %d", frame[4], v.HeaderFlag)
	}
	if got := hex.EncodeToString(frame[len(frame)-1:]); got != v.LastByteHex {
		t.Fatalf("last byte %s, want %s", got, v.LastByteHex)
	}
	if got := binary.BigEndian.Uint32(frame); int(got) != len(frame)-FrameOverhead {
		t.Fatalf("length field %d for a %d-byte frame", got, len(frame))
	}

	if v.HeaderFlag == 0 {
		// Uncompressed frames must match Python byte for byte.
		if binary.BigEndian.Uint32(frame) != v.HeaderLength {
			t.Fatalf("length field %d, want %d", binary.BigEndian.Uint32(frame), v.HeaderLength)
		}
		if v.FrameHex != nil && hex.EncodeToString(frame) != *v.FrameHex {
			t.Fatalf("frame\n got %x\nwant %s", frame, *v.FrameHex)
		}
		if len(frame) != v.FrameLen || sha256Hex(frame) != v.FrameSHA256 {
			t.Fatalf("frame len %d sha256 %s, want %d %s", len(frame), sha256Hex(frame), v.FrameLen, v.FrameSHA256)
		}
		if v.FrameHeadHex != "" && !bytes.HasPrefix(frame, mustHex(t, v.FrameHeadHex)) ||
			v.FrameTailHex != "" && !bytes.HasSuffix(frame, mustHex(t, v.FrameTailHex)) {
			t.Fatal("frame differs from frame_head_hex/frame_tail_hex")
		}
	} else {
		// Compressed: Go's deflate output differs from CPython's, so compare
		// what the bodies decode to. Both must be level-1 zlib streams.
		if !bytes.HasPrefix(frame[HeaderSize:], []byte{0x78, 0x01}) {
			t.Fatalf("zlib header %x, want 7801", frame[HeaderSize:HeaderSize+2])
		}
		if v.FrameHeadHex != "" && !bytes.HasPrefix(mustHex(t, v.FrameHeadHex)[HeaderSize:], []byte{0x78, 0x01}) {
			t.Fatal("python frame is not level-1 zlib")
		}
		if v.ZlibLen != v.FrameLen-FrameOverhead || int(v.HeaderLength) != v.ZlibLen {
			t.Fatalf("vector inconsistent: zlib_len %d frame_len %d", v.ZlibLen, v.FrameLen)
		}
	}

	// Our frame decodes back to the payload, consuming it exactly.
	r := bytes.NewReader(frame)
	got, err := ReadFrame(r, nil)
	if err != nil || !bytes.Equal(got, payload) || r.Len() != 0 {
		t.Fatalf("ReadFrame(our frame) = %d bytes, %v, %d left", len(got), err, r.Len())
	}

	// Python's frame decodes to the payload too, where it is given whole.
	if v.FrameHex != nil {
		py := mustHex(t, *v.FrameHex)
		if len(py) != v.FrameLen || sha256Hex(py) != v.FrameSHA256 {
			t.Fatal("frame_hex inconsistent with frame_len/frame_sha256")
		}
		got, err := ReadFrame(bytes.NewReader(py), nil)
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("ReadFrame(python frame) = %d bytes, %v", len(got), err)
		}
	}

	// And a Channel carries it (the socketpair_recv_equal analogue). Recv
	// skips empty messages, so a marker frame follows.
	conn := new(memConn)
	ch := New(conn, cfg)
	if err := ch.Send(payload); err != nil {
		t.Fatal(err)
	}
	if err := ch.Send([]byte("end")); err != nil {
		t.Fatal(err)
	}
	if len(payload) > 0 {
		if !bytes.HasPrefix(conn.buf.Bytes(), frame) {
			t.Fatal("Channel.Send wrote different bytes from AppendFrame")
		}
		if got, err := ch.Recv(); err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("Channel.Recv = %d bytes, %v", len(got), err)
		}
	}
	if got, err := ch.Recv(); err != nil || string(got) != "end" {
		t.Fatalf("Channel.Recv marker = %q, %v", got, err)
	}
}

func TestVectorsRecv(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Kind != "recv" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			in := mustHex(t, v.InputHex)
			r := bytes.NewReader(in)
			got, err := ReadFrame(r, nil)
			if v.Error == nil {
				if err != nil {
					t.Fatalf("ReadFrame: %v", err)
				}
				if r.Len() != 0 {
					t.Fatalf("%d input bytes left unread", r.Len())
				}
				if v.ReturnedHex != nil && hex.EncodeToString(got) != *v.ReturnedHex {
					t.Fatalf("got %x, want %s", got, *v.ReturnedHex)
				}
				if v.ReturnedSHA256 != "" && (len(got) != v.ReturnedLen || sha256Hex(got) != v.ReturnedSHA256) {
					t.Fatalf("got %d bytes sha256 %s, want %d %s", len(got), sha256Hex(got), v.ReturnedLen, v.ReturnedSHA256)
				}
				return
			}
			if err == nil {
				t.Fatalf("ReadFrame succeeded with %x; Python raised %s", got, *v.Error)
			}
			if !strings.HasPrefix(err.Error(), "channel: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			switch *v.Error {
			case "EOFError":
				want := io.ErrUnexpectedEOF
				if binary.BigEndian.Uint32(append(in, 0, 0, 0, 0)) > uint32(DefaultMaxFrameSize) {
					// Refused from the header alone under the default limit.
					want = ErrFrameTooLarge
				}
				if !errors.Is(err, want) {
					t.Fatalf("error %v, want %v", err, want)
				}
			case "zlib.error":
				if !errors.Is(err, ErrBadCompression) {
					t.Fatalf("error %v, want ErrBadCompression", err)
				}
			default:
				t.Fatalf("unexpected Python error %q", *v.Error)
			}
		})
	}
}

func findVector(tb testing.TB, name string) vector {
	tb.Helper()
	for _, v := range loadVectors(tb) {
		if v.Name == name {
			return v
		}
	}
	tb.Fatalf("no vector %q", name)
	return vector{}
}

func TestVectorHugeLengthWithoutLimit(t *testing.T) {
	// With the limit above the header's range, the 2^32-1 declaration
	// behaves like Python: EOFError, i.e. io.ErrUnexpectedEOF.
	in := mustHex(t, findVector(t, "recv_huge_len_then_eof").InputHex)
	_, err := ReadFrame(bytes.NewReader(in), &Config{MaxFrameSize: 1 << 40})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("error %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestVectorZlibBombLimit(t *testing.T) {
	in := mustHex(t, findVector(t, "recv_zlib_bomb_small").InputHex)
	// Exactly at the limit is fine.
	got, err := ReadFrame(bytes.NewReader(in), &Config{MaxInflatedSize: 1 << 20})
	if err != nil || len(got) != 1<<20 {
		t.Fatalf("at limit: %d bytes, %v", len(got), err)
	}
	// One byte under is refused.
	_, err = ReadFrame(bytes.NewReader(in), &Config{MaxInflatedSize: 1<<20 - 1})
	if !errors.Is(err, ErrInflatedTooLarge) {
		t.Fatalf("under limit: error %v, want ErrInflatedTooLarge", err)
	}
	// A much smaller limit also stops it, and the Channel survives: the
	// frame was consumed, so the next one is read normally.
	next, _ := AppendFrame(nil, []byte("after"), nil)
	ch := New(readerConn{bytes.NewReader(append(in, next...))}, &Config{MaxInflatedSize: 64 << 10})
	if _, err := ch.Recv(); !errors.Is(err, ErrInflatedTooLarge) {
		t.Fatalf("Recv error %v, want ErrInflatedTooLarge", err)
	}
	if got, err := ch.Recv(); err != nil || string(got) != "after" {
		t.Fatalf("Recv after bomb = %q, %v", got, err)
	}
}

func TestVectorEmptyFrameSkippedByRecv(t *testing.T) {
	empty := mustHex(t, findVector(t, "recv_empty_frame").InputHex)
	// Alone: skipped, then a clean EOF.
	ch := New(readerConn{bytes.NewReader(empty)}, nil)
	if got, err := ch.Recv(); err != io.EOF {
		t.Fatalf("Recv = %x, %v; want io.EOF", got, err)
	}
	// Before a real frame: the real frame is returned.
	real := mustHex(t, *findVector(t, "real_message_getroot_v6").FrameHex)
	in := append(append(append([]byte{}, empty...), empty...), real...)
	ch = New(readerConn{bytes.NewReader(in)}, nil)
	got, err := ch.Recv()
	if err != nil || hex.EncodeToString(got) != "0111501153115102" {
		t.Fatalf("Recv = %x, %v", got, err)
	}
}
