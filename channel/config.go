package channel

import (
	"fmt"
	"math"
	"time"

	"github.com/klauspost/compress/zlib"
)

// Config tunes compression on send and the safety limits on receipt. The
// zero Config is the default configuration, which behaves like Python's
// rpyc: every zero field means its documented default, so a literal that
// sets one field (say MaxFrameSize) keeps the defaults for the rest. A nil
// *Config everywhere means the same.
type Config struct {
	// NoCompress turns zlib compression on send off. By default (false),
	// messages longer than CompressThreshold are compressed, as rpyc does.
	// Receipt always accepts compressed frames.
	NoCompress bool

	// CompressAll compresses every message longer than CompressThreshold,
	// as Python's rpyc does. By default a message of 16 KiB or more is
	// first sampled (three 1 KiB windows, compressed at level 1) and sent
	// as it is when the sample does not shrink by at least a tenth:
	// random or already-compressed data costs zlib's time on both sides
	// and saves nothing. Receivers, Python's included, accept uncompressed
	// frames of any size.
	CompressAll bool

	// CompressThreshold is the length a message must exceed to be
	// compressed (exactly the threshold is sent as is). Zero means
	// DefaultCompressThreshold; a negative value compresses every message.
	CompressThreshold int

	// CompressLevel is the zlib level used on send. Zero means
	// DefaultCompressLevel. Valid values are 1..9, -1 (zlib's default) and
	// -2 (Huffman only); anything else makes compressed sends fail.
	CompressLevel int

	// MaxFrameSize is the largest declared body length accepted on receipt.
	// Zero or negative means DefaultMaxFrameSize. Values of 1<<32-1 or more
	// accept every length the header can express; memory is still only
	// committed as bytes arrive.
	MaxFrameSize int64

	// MaxInflatedSize is the largest decompressed size accepted for a
	// compressed frame. Zero or negative means DefaultMaxInflatedSize.
	MaxInflatedSize int64

	// ReadTimeout bounds a frame once its first byte has arrived: every
	// read inside a frame must make progress within it, else Recv fails
	// with a timeout and the stream is unusable. Zero or negative: none.
	// It needs a stream with SetReadDeadline (net.Conn).
	ReadTimeout time.Duration

	// WriteTimeout fails a write that makes no progress for this long (a
	// peer that stopped reading). Zero or negative: none. It needs a
	// stream with SetWriteDeadline (net.Conn).
	WriteTimeout time.Duration

	// MaxQueuedBytes bounds the frames waiting to be written (by Queue, or
	// by senders waiting for a write in progress). A sender that does not
	// fit waits, so a peer that stops reading stops its senders instead of
	// growing the queue. Zero means DefaultMaxQueuedBytes; negative means
	// no bound.
	MaxQueuedBytes int64

	// FrameWrites writes every frame with its own Write call, never two
	// frames' bytes in one. Over TLS this keeps each TLS record within one
	// frame, which Python's rpyc needs: it waits for the next frame with
	// select() on the socket, which does not see bytes already decrypted
	// into its SSL buffer, so a record holding the end of one frame and
	// the start of the next would leave the second unseen. rpyc.NewConn
	// sets it for streams that are TLS connections.
	FrameWrites bool

	// Budget, when set, is charged for every frame being received (its
	// buffer as the bytes arrive, then its inflated message) until Recv
	// returns it (RecvHeld hands the charge to its caller), and for
	// frames queued to be written: a process-wide bound on what peers'
	// frames can make it hold.
	Budget *Budget
}

// DefaultConfig returns a new Config with every default written out:
// compression on, threshold 3000, level 1, and the default receive limits.
// It behaves exactly as the zero Config; callers may modify it freely.
func DefaultConfig() *Config {
	return &Config{
		CompressThreshold: DefaultCompressThreshold,
		CompressLevel:     DefaultCompressLevel,
		MaxFrameSize:      DefaultMaxFrameSize,
		MaxInflatedSize:   DefaultMaxInflatedSize,
	}
}

// settings is a Config with every default applied, so the hot paths never
// re-interpret zero values.
type settings struct {
	compress     bool
	compressAll  bool
	threshold    int
	level        int
	maxFrame     int64
	maxInflated  int64
	maxQueued    int64
	readTimeout  time.Duration
	writeTimeout time.Duration
	budget       *Budget
	frameWrites  bool
}

func resolve(cfg *Config) settings {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	s := settings{
		compress:     !cfg.NoCompress,
		compressAll:  cfg.CompressAll,
		threshold:    cfg.CompressThreshold,
		level:        cfg.CompressLevel,
		maxFrame:     cfg.MaxFrameSize,
		maxInflated:  cfg.MaxInflatedSize,
		maxQueued:    cfg.MaxQueuedBytes,
		readTimeout:  cfg.ReadTimeout,
		writeTimeout: cfg.WriteTimeout,
		budget:       cfg.Budget,
		frameWrites:  cfg.FrameWrites,
	}
	switch {
	case s.maxQueued == 0:
		s.maxQueued = DefaultMaxQueuedBytes
	case s.maxQueued < 0:
		s.maxQueued = math.MaxInt64
	}
	if s.threshold == 0 {
		s.threshold = DefaultCompressThreshold
	}
	if s.level == 0 {
		s.level = DefaultCompressLevel
	}
	if s.maxFrame <= 0 {
		s.maxFrame = DefaultMaxFrameSize
	}
	if s.maxFrame > maxWireBody {
		s.maxFrame = maxWireBody
	}
	if s.maxFrame > math.MaxInt {
		s.maxFrame = math.MaxInt // 32-bit platforms
	}
	if s.maxInflated <= 0 {
		s.maxInflated = DefaultMaxInflatedSize
	}
	if s.maxInflated >= math.MaxInt {
		s.maxInflated = math.MaxInt - 1 // room for the +1 overflow probe
	}
	return s
}

// shouldCompress reports whether msg is sent compressed: it is longer
// than the threshold and, unless CompressAll, a sample of it shrinks.
func (s *settings) shouldCompress(msg []byte) bool {
	if !s.compress || len(msg) <= s.threshold {
		return false
	}
	return s.compressAll || len(msg) < sampleMin || compressible(msg)
}

// checkLevel rejects levels zlib would refuse, with a message naming the
// Config field rather than zlib's internals.
func checkLevel(level int) error {
	if level == zlib.HuffmanOnly || level == zlib.DefaultCompression ||
		(level >= zlib.BestSpeed && level <= zlib.BestCompression) {
		return nil
	}
	return fmt.Errorf("channel: invalid CompressLevel %d", level)
}
