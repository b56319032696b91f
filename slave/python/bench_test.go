package python

import (
	"context"
	"testing"
)

// The interpreter alone, without a connection: the 1,000-iteration
// loops of the measurement.
//
//	go test -run '^$' -bench . ./slave/python/
func BenchmarkLoop1000(b *testing.B) {
	benchExec(b, "s = 0\nfor i in range(1000):\n    s += i * i\n")
}

func BenchmarkLoop1000Call(b *testing.B) {
	in := New(nil)
	if err := in.Exec(context.Background(), "def sq(x):\n    return x * x\n"); err != nil {
		b.Fatal(err)
	}
	benchExecIn(b, in, "s = 0\nfor i in range(1000):\n    s += sq(i)\n")
}

func BenchmarkLoop1000InFunction(b *testing.B) {
	benchExec(b, "def f():\n    s = 0\n    for i in range(1000):\n        s += i * i\n    return s\nf()\n")
}

func BenchmarkMethodCalls(b *testing.B) {
	benchExec(b, `
class Acc:
    def __init__(self):
        self.total = 0
    def add(self, x):
        self.total += x
a = Acc()
for i in range(1000):
    a.add(i)
`)
}

func BenchmarkStrings(b *testing.B) {
	benchExec(b, "parts = []\nfor i in range(1000):\n    parts.append(f'{i:04d}')\ns = ','.join(parts).split(',')\n")
}

func benchExec(b *testing.B, src string) { benchExecIn(b, New(nil), src) }

func benchExecIn(b *testing.B, in *Interp, src string) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := in.Exec(ctx, src); err != nil {
			b.Fatal(err)
		}
	}
}
