package channel

import "math"

// Wire layout constants. They are fixed by the RPyC protocol; changing any of
// them would break interoperability with Python peers.
const (
	// HeaderSize is the size of the frame header: a big-endian uint32 body
	// length followed by a one-byte compression flag.
	HeaderSize = 5

	// FrameOverhead is the number of bytes a frame adds around its body: the
	// header plus the one-byte trailer.
	FrameOverhead = HeaderSize + 1

	// Trailer is the byte written after every body. Python writes "\n" and
	// never checks it on receipt, so neither do we.
	Trailer byte = '\n'
)

// Defaults applied by [DefaultConfig] and to zero [Config] fields.
const (
	// DefaultCompressThreshold matches rpyc's Channel.COMPRESSION_THRESHOLD:
	// messages strictly longer than this many bytes are compressed.
	DefaultCompressThreshold = 3000

	// DefaultCompressLevel matches rpyc's Channel.COMPRESSION_LEVEL (zlib
	// level 1, fastest).
	DefaultCompressLevel = 1

	// DefaultMaxFrameSize bounds the declared body length of a received
	// frame: a 256 MiB blob plus 1 MiB for the message around it and for
	// zlib's worst-case expansion of incompressible data. A peer can make
	// us hold at most this much per connection.
	DefaultMaxFrameSize int64 = 257 << 20

	// DefaultMaxInflatedSize bounds the decompressed size of a received
	// compressed frame, so a 1 MiB zlib bomb costs at most this much
	// memory (and a second of inflating) before the connection is closed.
	DefaultMaxInflatedSize int64 = 257 << 20

	// DefaultMaxQueuedBytes bounds the frames waiting to be written.
	DefaultMaxQueuedBytes int64 = 32 << 20
)

// Implementation tuning; not part of the wire format.
const (
	// maxWireBody is the largest body the uint32 length field can describe.
	maxWireBody = math.MaxUint32

	// readBufferSize is the bufio size of a Channel's receive side: enough
	// for a burst of a few hundred small frames per read syscall, small
	// enough that connecting and idle connections stay cheap (larger
	// bodies are read straight into their own buffer, past bufio).
	readBufferSize = 8 << 10

	// firstReadChunk is the largest buffer allocated for a frame body before
	// its bytes have arrived (more when more is already buffered). Bigger
	// bodies are read in pooled chunks as data actually arrives (readBody),
	// so a peer that lies about the length cannot make us hold more than
	// what it sent and one chunk.
	firstReadChunk = 16 << 10

	// vectoredWriteMin is the uncompressed message size from which Send
	// writes header, message and trailer as separate buffers (writev on a
	// net.Conn) instead of copying the message into one frame buffer.
	vectoredWriteMin = 64 << 10

	// maxPooledBuffer caps the capacity of send buffers kept for reuse, so
	// one huge message does not pin a huge buffer.
	maxPooledBuffer = 4 << 20
)
