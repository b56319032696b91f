package brine

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// FuzzDecode: decoding never panics, never over-allocates (the -fuzz run's
// memory limit would catch it), and whatever decodes re-encodes to bytes
// that decode to the same value.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"00", "1251501153115102", "140e080b686557080c6c6c6f58021603393030000306",
		"0fffffffff41", "15ffffffff515253", "1a1316043130303016163131383035393136323037313734313133303334",
		"1b402a0000000000004032333333333333", "1912080a610a62183ff8000000000000", "080ceda080"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	d := Decoder{MaxDepth: 200}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := d.Decode(data)
		if err != nil {
			return
		}
		enc, err := Encode(v)
		if err != nil {
			t.Fatalf("decoded %s but cannot encode it: %v", Repr(v), err)
		}
		back, err := d.Decode(enc)
		if err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", enc, err)
		}
		enc2, _ := Encode(back)
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("value changed: %s vs %s", Repr(v), Repr(back))
		}
	})
}
