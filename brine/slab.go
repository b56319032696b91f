package brine

import "unsafe"

// Decoding a message makes many small tuples: an envelope, a box per
// argument, the arguments themselves. Allocating each one's items and the
// interface header that holds it separately was most of what decoding a
// call cost, so a decodeState carves small tuples out of shared slabs:
// one allocation serves dozens of tuples. Each carved slice has its
// capacity clipped to its length, so appending to it cannot reach its
// neighbours; a tuple kept after decoding keeps its slab (at most a few
// hundred bytes) alive.
const (
	slabItems  = 64 // []any items per slab
	slabMaxLen = 16 // larger tuples get their own allocation
	slabHdrs   = 16 // Tuple headers per slab
)

// itemsFor returns room for n decoded items.
func (s *decodeState) itemsFor(n int) []any {
	if n > slabMaxLen {
		if s.spend(int64(16 * n)); s.chargeErr != nil {
			return nil // refused: do not allocate it
		}
		return make([]any, n)
	}
	if len(s.slab) < n {
		// Every item takes at least a byte, and most take two or more:
		// half of what is left bounds what the message can still need.
		s.slab = make([]any, max(n, min(slabItems, (len(s.data)-s.pos)/2)))
		s.spend(int64(16 * len(s.slab)))
	}
	out := s.slab[:n:n]
	s.slab = s.slab[n:]
	return out
}

// eface is the layout of an empty interface.
type eface struct {
	typ, data unsafe.Pointer
}

var tupleType = func() unsafe.Pointer {
	var x any = Tuple(nil)
	return (*eface)(unsafe.Pointer(&x)).typ
}()

// emptyTuple is the interface value of Tuple{}, made once.
var emptyTuple any = Tuple{}

// boxTuple returns t as an interface value whose header lives in a slab,
// instead of the allocation Go makes to put a slice in an interface. The
// interface's data word points at the slab element, exactly as it would
// point at a heap copy of the header; nothing ever writes the element
// again.
func (s *decodeState) boxTuple(t Tuple) any {
	if len(s.hdrs) == 0 {
		// Headers are taken as tuples end, so size the slab by the whole
		// message: about one tuple per five bytes in RPyC's messages.
		s.hdrs = make([]Tuple, max(1, min(slabHdrs, len(s.data)/5+1)))
		s.spend(int64(24 * len(s.hdrs)))
	}
	h := &s.hdrs[0]
	s.hdrs = s.hdrs[1:]
	*h = t
	e := eface{typ: tupleType, data: unsafe.Pointer(h)}
	return *(*any)(unsafe.Pointer(&e))
}
