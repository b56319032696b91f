package channel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// TestDefaultLimitsAdmit256MiB: the default limits let a 256 MiB blob
// through with room for the message around it. A frame that declares that
// size is accepted by the header check (the stream then ends, so the read
// fails with ErrUnexpectedEOF, not ErrFrameTooLarge), while one byte over
// the limit is refused at once. Moving a real 256 MiB frame costs half a
// minute under the race detector, so the size itself is not sent.
func TestDefaultLimitsAdmit256MiB(t *testing.T) {
	const blob = 256<<20 + 64 // the blob plus its brine and message framing
	if DefaultMaxInflatedSize < blob || DefaultMaxFrameSize < blob {
		t.Fatalf("defaults %d/%d do not admit a 256 MiB blob", DefaultMaxFrameSize, DefaultMaxInflatedSize)
	}
	header := func(n uint32) []byte {
		h := binary.BigEndian.AppendUint32(nil, n)
		return append(h, 0, 1, 2, 3)
	}
	_, err := ReadFrame(bytes.NewReader(header(blob)), DefaultConfig())
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("declared %d bytes: %v, want ErrUnexpectedEOF", blob, err)
	}
	_, err = ReadFrame(bytes.NewReader(header(uint32(DefaultMaxFrameSize+1))), DefaultConfig())
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("declared limit+1: %v, want ErrFrameTooLarge", err)
	}
}
