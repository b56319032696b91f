package channel

import (
	"fmt"
	"math"

	"github.com/klauspost/compress/zlib"
)

// Config tunes compression on send and the safety limits on receipt. The
// zero Config is valid: it disables compression on send (receipt always
// accepts compressed frames) and uses the default limits. A nil *Config
// everywhere means [DefaultConfig], which behaves like Python's rpyc.
type Config struct {
	// Compress enables zlib compression on send for messages longer than
	// CompressThreshold. rpyc enables it by default.
	Compress bool

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
}

// DefaultConfig returns a new Config matching rpyc's defaults: compression
// on, threshold 3000, level 1, and the default receive limits. Callers may
// modify the result freely.
func DefaultConfig() *Config {
	return &Config{
		Compress:          true,
		CompressThreshold: DefaultCompressThreshold,
		CompressLevel:     DefaultCompressLevel,
		MaxFrameSize:      DefaultMaxFrameSize,
		MaxInflatedSize:   DefaultMaxInflatedSize,
	}
}

// settings is a Config with every default applied, so the hot paths never
// re-interpret zero values.
type settings struct {
	compress    bool
	threshold   int
	level       int
	maxFrame    int64
	maxInflated int64
}

func resolve(cfg *Config) settings {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	s := settings{
		compress:    cfg.Compress,
		threshold:   cfg.CompressThreshold,
		level:       cfg.CompressLevel,
		maxFrame:    cfg.MaxFrameSize,
		maxInflated: cfg.MaxInflatedSize,
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

// shouldCompress reports whether a message of n bytes is sent compressed.
func (s *settings) shouldCompress(n int) bool {
	return s.compress && n > s.threshold
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
