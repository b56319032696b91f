package brine

import (
	"math/big"
	"testing"
)

// A typical CALLATTR request payload: (handler, (label, (obj_id_pack, name, args, kwargs))).
var requestPayload = Tuple{int64(8), Tuple{int64(1), Tuple{
	Tuple{"__main__.BenchService", big.NewInt(140234567891234), int64(140234567899999)},
	"add", Tuple{int64(1), int64(2)}, Tuple{},
}}}

var replyPayload = Tuple{int64(12), Tuple{int64(1), "hello, world"}}

func BenchmarkEncodeRequest(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 256)
	for b.Loop() {
		var err error
		if buf, err = Append(buf[:0], requestPayload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRequest(b *testing.B) {
	data, _ := Encode(requestPayload)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var d Decoder
	for b.Loop() {
		if _, err := d.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeReply(b *testing.B) {
	data, _ := Encode(replyPayload)
	b.ReportAllocs()
	var d Decoder
	for b.Loop() {
		if _, err := d.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeBytes1MiB(b *testing.B) {
	blob := make([]byte, 1<<20)
	buf := make([]byte, 0, 1<<20+16)
	b.SetBytes(int64(len(blob)))
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = Append(buf[:0], blob)
	}
}

func BenchmarkDecodeBytes1MiB(b *testing.B) {
	data, _ := Encode(make([]byte, 1<<20))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
