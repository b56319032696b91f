package channel

import (
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"testing"
)

// loopReader serves the same bytes forever, so Recv benchmarks measure
// decoding rather than I/O.
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.data[l.off:])
	l.off = (l.off + n) % len(l.data)
	return n, nil
}

type benchCase struct {
	name     string
	size     int
	compress bool
}

var benchCases = []benchCase{
	{"64B", 64, false},
	{"1MiB_raw", 1 << 20, false},
	{"1MiB_zlib", 1 << 20, true},
}

func benchMsg(c benchCase) []byte {
	// Text built from a small vocabulary: repetitive like real RPyC payloads
	// (pickles, reprs, lists of names); level 1 shrinks it about 3x.
	words := []string{"rpyc", "netref", "handle", "getattr", "callattr", "None",
		"True", "False", "0x7f3a", "__class__", "self", "args", "kwargs", ",", " ", "\n"}
	rng := rand.New(rand.NewPCG(9, 9))
	b := make([]byte, 0, c.size+16)
	for len(b) < c.size {
		b = append(b, words[rng.IntN(len(words))]...)
		if rng.IntN(4) == 0 {
			b = strconv.AppendUint(b, rng.Uint64N(1<<20), 10)
		}
	}
	return b[:c.size]
}

func benchConfig(c benchCase) *Config {
	cfg := DefaultConfig()
	cfg.NoCompress = !c.compress
	return cfg
}

func BenchmarkSend(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			msg, ch := benchMsg(c), New(discardConn{}, benchConfig(c))
			b.ReportAllocs()
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				if err := ch.Send(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRecv(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			msg := benchMsg(c)
			frame, err := AppendFrame(nil, msg, benchConfig(c))
			if err != nil {
				b.Fatal(err)
			}
			ch := New(readerConn{&loopReader{data: frame}}, nil)
			b.ReportAllocs()
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				if _, err := ch.Recv(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPipe measures Send and Recv together over net.Pipe, one
// goroutine each.
func BenchmarkPipe(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			msg := benchMsg(c)
			x, y := net.Pipe()
			tx, rx := New(x, benchConfig(c)), New(y, nil)
			defer rx.Close()
			go func() {
				defer tx.Close()
				for {
					if err := tx.Send(msg); err != nil {
						return
					}
				}
			}()
			b.ReportAllocs()
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				if _, err := rx.Recv(); err != nil && err != io.EOF {
					b.Fatal(err)
				}
			}
		})
	}
}
