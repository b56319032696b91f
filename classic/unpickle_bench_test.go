package classic

import (
	"bytes"
	"encoding/hex"
	"testing"

	ogorek "github.com/kisielk/og-rek"
)

// benchPickle is one pickle of the CPython table, protocol 4 (Python's
// default): a 300-key dict, or the small config dict.
func benchPickle(b *testing.B, name string) []byte {
	for _, c := range pickleCases(b) {
		if c.Name == name && c.Protocol == 4 {
			data, err := hex.DecodeString(c.Pickle)
			if err != nil {
				b.Fatal(err)
			}
			return data
		}
	}
	b.Fatalf("no %s case in the table", name)
	return nil
}

// BenchmarkUnpickle decodes with this package's decoder (Go maps), and
// with og-rek's for comparison.
func BenchmarkUnpickle(b *testing.B) {
	for _, name := range []string{"config", "dict_many", "set_big"} {
		data := benchPickle(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Unpickle(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/ogrek", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				d := ogorek.NewDecoderWithConfig(bytes.NewReader(data), &ogorek.DecoderConfig{PyDict: true, StrictUnicode: true})
				_, _ = d.Decode() // og-rek refuses protocol 4's set opcodes: the time to its error
			}
		})
	}
}
