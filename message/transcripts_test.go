package message

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
)

type frameLine struct {
	I          *int   `json:"i"`
	Dir        string `json:"dir"`
	FrameHex   string `json:"frame_hex"`
	Compressed int    `json:"compressed"`
	MessageHex string `json:"message_hex"`
	Format     string `json:"format"`
	Decoded    string `json:"decoded"`
}

// TestTranscripts: every frame Python 5.3.0 and 6.0.1 exchanged decodes in
// the layout detected from its first byte, reads as Python's repr says, and
// re-encodes to the same bytes.
func TestTranscripts(t *testing.T) {
	total := 0
	for _, ver := range []string{"rpyc-5.3.0", "rpyc-6.0.1"} {
		files, err := filepath.Glob(filepath.Join("../testdata/vectors/transcripts", ver, "*.jsonl"))
		if err != nil || len(files) != 12 {
			t.Fatalf("%s: %d files, %v", ver, len(files), err)
		}
		wantLayout := map[string]Layout{"rpyc-5.3.0": LayoutV5, "rpyc-6.0.1": LayoutV6}[ver]
		for _, file := range files {
			t.Run(ver+"/"+filepath.Base(file), func(t *testing.T) {
				total += checkTranscript(t, file, wantLayout)
			})
		}
	}
	if total < 500 {
		t.Errorf("only %d frames checked", total)
	}
}

func checkTranscript(t *testing.T, file string, want Layout) int {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	n := 0
	for sc.Scan() {
		var l frameLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.I == nil {
			continue // a note or log line
		}
		frame, _ := hex.DecodeString(l.FrameHex)
		size := binary.BigEndian.Uint32(frame)
		body := frame[5 : 5+size]
		if l.Compressed != 0 {
			body, _ = hex.DecodeString(l.MessageHex)
		}
		m, layout, err := Decode(body, nil)
		if err != nil {
			t.Fatalf("frame %d: %v", *l.I, err)
		}
		if layout != want || layout.String() != l.Format {
			t.Errorf("frame %d: layout %v, want %v", *l.I, layout, want)
		}
		if got := brine.Repr(brine.Tuple{int64(m.Type), m.Seq, m.Payload}); got != l.Decoded {
			t.Errorf("frame %d: decoded %s\nwant %s", *l.I, got, l.Decoded)
		}
		again, err := Encode(layout, m)
		if err != nil {
			t.Fatalf("frame %d: re-encode: %v", *l.I, err)
		}
		if !bytes.Equal(again, body) {
			t.Errorf("frame %d: re-encoded %x\nwant %x", *l.I, again, body)
		}
		n++
	}
	return n
}
