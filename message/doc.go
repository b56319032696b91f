// Package message is RPyC's message layer: what one channel frame carries.
//
// A message is (type, seq, payload). rpyc 5.x encodes it as the brine tuple
// (type, seq, payload), so its first byte is always 0x12 (a 3-tuple). rpyc
// 6.x writes the type as one raw byte followed by the brine pair
// (seq, payload), so its first byte is 1, 2 or 3. The layouts do not
// interoperate, but the first byte tells them apart, so a receiver can
// detect which one its peer speaks (Decode does).
//
// The package also names the wire numbers the protocol engine gives meaning
// to: message types, the 20 request handlers, the four boxing labels and
// the id_pack that names a remote object. It knows their shapes, not their
// semantics. See testdata/vectors/README.md §6 for the observed layouts.
package message
