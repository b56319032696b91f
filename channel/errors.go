package channel

import "errors"

// ErrFrameTooLarge reports a frame whose body exceeds a limit: on receipt,
// a declared length above Config.MaxFrameSize (checked before any body byte
// is read, so the lie costs nothing); on send, a body that does not fit the
// 32-bit length field. The stream is unusable afterwards because the body
// was not consumed.
var ErrFrameTooLarge = errors.New("frame too large")

// ErrInflatedTooLarge reports a compressed frame that would decompress to
// more than Config.MaxInflatedSize bytes. Decompression stops at the limit,
// which is what defeats zlib bombs.
var ErrInflatedTooLarge = errors.New("inflated frame too large")

// ErrBadCompression reports a frame flagged as compressed whose body is not
// a valid zlib stream (bad header, corrupt data, bad checksum, truncation).
// The underlying zlib error is wrapped alongside it when there is one.
var ErrBadCompression = errors.New("bad zlib body")
