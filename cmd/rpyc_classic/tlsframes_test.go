package main

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
)

// recordConn records each Write as one "record".
type recordConn struct {
	net.Conn
	writes [][]byte
}

func (r *recordConn) Write(p []byte) (int, error) {
	r.writes = append(r.writes, append([]byte(nil), p...))
	return len(p), nil
}

func frame(body string) []byte {
	b := make([]byte, 5, 5+len(body)+1)
	binary.BigEndian.PutUint32(b, uint32(len(body)))
	b = append(b, body...)
	return append(b, '\n')
}

// TestFrameWriterSplitsAtFrames: whatever the write sizes, no write to
// the TLS connection holds bytes of two frames, and nothing is lost.
func TestFrameWriterSplitsAtFrames(t *testing.T) {
	stream := append(append(frame("hello"), frame("")...), frame("a longer body")...)
	bounds := []int{len(frame("hello")), len(frame("hello")) + len(frame(""))}
	for chunk := 1; chunk <= len(stream); chunk++ {
		rc := &recordConn{}
		w := &frameWriter{Conn: rc}
		for i := 0; i < len(stream); i += chunk {
			end := min(i+chunk, len(stream))
			if n, err := w.Write(stream[i:end]); err != nil || n != end-i {
				t.Fatalf("chunk %d: Write = %d, %v", chunk, n, err)
			}
		}
		if got := bytes.Join(rc.writes, nil); !bytes.Equal(got, stream) {
			t.Fatalf("chunk %d: bytes changed", chunk)
		}
		off := 0
		for _, rec := range rc.writes {
			for _, b := range bounds {
				if off < b && off+len(rec) > b {
					t.Fatalf("chunk %d: a write spans the frame boundary at %d", chunk, b)
				}
			}
			off += len(rec)
		}
	}
}
