// Package channel implements RPyC's framing layer: it turns a byte stream
// into a sequence of messages, compressing large ones with zlib.
//
// Every message travels as one frame:
//
//	+----------------+------------+-----------+---------+
//	| length: uint32 | flag: byte | body      | trailer |
//	| big-endian     | 0 or 1     | length B  | '\n'    |
//	+----------------+------------+-----------+---------+
//
// The length counts the body only. With compression enabled (rpyc's
// default) a message longer than 3000 bytes is sent as the zlib stream of
// the message at level 1 with flag 1, even when that is larger than the
// message; anything else is sent verbatim with flag 0. An empty message is
// the 6-byte frame 00000000 00 0a.
//
// Receipt mirrors Python where that is harmless: any non-zero flag means
// compressed, the trailer byte is not checked, and Channel.Recv skips empty
// frames as rpyc's Connection does. It is stricter where that protects the
// process: a declared length above Config.MaxFrameSize is refused before
// reading the body, memory for a body is committed only as its bytes arrive,
// and inflation stops at Config.MaxInflatedSize.
//
// The Go zlib encoder does not produce the same bytes as CPython's zlib, so
// compressed frames differ from Python's on the wire while decoding to the
// same message; both sides accept either. The behaviour is pinned by
// testdata/vectors/channel.jsonl (section 3 of its README); this package's
// tests replay every line of it.
package channel
