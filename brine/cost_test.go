package brine

import (
	"errors"
	"runtime"
	"testing"
)

// allocated returns the bytes the heap allocated while f ran.
func allocated(f func()) int64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return int64(b.TotalAlloc - a.TotalAlloc)
}

// The decoder's estimate of what it allocates follows what the heap
// really gives it, for the shapes that amplify most and for plain data,
// so a budget charged with it bounds the heap.
func TestDecodeCostFollowsTheHeap(t *testing.T) {
	ones := make(Tuple, 200000)
	for i := range ones {
		ones[i] = Tuple{nil}
	}
	ints := make(Tuple, 200000)
	for i := range ints {
		ints[i] = int64(1000 + i)
	}
	strs := make(Tuple, 50000)
	for i := range strs {
		strs[i] = "a string of some length, not interned because it is long enough"
	}
	for _, tc := range []struct {
		name string
		v    any
	}{{"one-tuples of None", ones}, {"ints", ints}, {"strs", strs}, {"blob", make([]byte, 1<<20)}} {
		data, err := Encode(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		d := Decoder{AliasBytes: true, InternStrings: true}
		var out any
		heap := allocated(func() { out, err = d.Decode(data) })
		if err != nil {
			t.Fatal(err)
		}
		runtime.KeepAlive(out)
		est := d.LastCost()
		t.Logf("%s: %d wire bytes, heap %d, estimate %d (%.1fx wire)", tc.name, len(data), heap, est, float64(heap)/float64(len(data)))
		if est < heap/2 || est > 2*heap+4096 {
			t.Errorf("%s: estimate %d, heap %d: want within a factor of two", tc.name, est, heap)
		}
	}
}

// A Charge that refuses stops the decode at once, with its error.
func TestChargeRefusalStopsTheDecode(t *testing.T) {
	ones := make(Tuple, 1<<20)
	for i := range ones {
		ones[i] = Tuple{nil}
	}
	data, _ := Encode(ones)
	stop := errors.New("over budget")
	var charged int64
	d := Decoder{Charge: func(n int64) error {
		charged += n
		if charged > 4<<20 {
			return stop
		}
		return nil
	}}
	var err error
	heap := allocated(func() { _, err = d.Decode(data) })
	if !errors.Is(err, stop) {
		t.Fatalf("decode past the charge: got %v, want the Charge error", err)
	}
	if heap > 8<<20 {
		t.Fatalf("decoding allocated %d bytes though the charge refused at 4 MiB", heap)
	}
}
