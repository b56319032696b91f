package rpyc

import (
	"time"

	"github.com/rpyc-go/rpyc/channel"
)

// Limits bounds what a peer can make this side hold: goroutines, memory,
// objects and time. Python's rpyc has none of these; each default is set
// well past what an honest peer reaches, so only a hostile or vanished peer
// ever meets one. The zero Limits means every default; a negative value
// switches that limit off.
type Limits struct {
	// ReadTimeout bounds a frame once its first byte has arrived: each read
	// inside a frame must make progress within it, or the connection is
	// closed (a peer stalled half-way through a frame). Default 30 s.
	ReadTimeout time.Duration
	// WriteTimeout closes the connection when a write makes no progress
	// for this long: a peer that stopped reading its replies. Default 30 s.
	WriteTimeout time.Duration
	// IdleTimeout closes a connection that has had nothing in flight, in
	// either direction, and no frame for this long. Default 0: off, as
	// RPyC connections are long-lived; set it to shed abandoned clients.
	IdleTimeout time.Duration
	// MaxParkedBytes bounds requests waiting for a handler slot (beyond
	// MaxInFlight), counted in frame bytes. While they fit, the reader
	// keeps reading, so a peer that vanishes is noticed at once; past it,
	// the reader stops (backpressure through TCP). Default 4 MiB.
	MaxParkedBytes int64
	// MaxQueuedBytes bounds encoded frames waiting to be written on this
	// connection. A handler whose reply does not fit waits, and no new
	// request starts, until the peer reads. Default 32 MiB; negative: no
	// bound.
	MaxQueuedBytes int64
	// MaxObjects bounds the local objects the peer holds references to
	// (Python's _local_objects). A request that would pass it fails with
	// a MemoryError naming the limit. Default 262,144.
	MaxObjects int
	// MaxBuildItems bounds the items one request may make the object model
	// build: list repetition, slices, joins, sorts, concatenations. Past
	// it the request fails with a MemoryError. Default 4,194,304.
	MaxBuildItems int
	// MaxCallbackDepth bounds handlers that wait for the peer's reply to a
	// callback (made with the context the handler was given); they do not
	// count against MaxInFlight, so nested callbacks go this deep in each
	// direction. Default 1,100 (Python's recursion limit of 1,000 stops a
	// Python peer first); negative: no bound.
	MaxCallbackDepth int
	// MaxPending bounds this side's requests awaiting the peer's replies.
	// A peer that never answers would otherwise make asynchronous calls
	// (a server's fire-and-forget callbacks, say) pile up for as long as
	// the connection lives. A request past it fails at once with
	// ErrTooManyPending. Default 65,536.
	MaxPending int
	// MinPingInterval drops a peer that pings (HANDLE_PING) more often
	// than this, three times in a row: gRPC's guard against keep-alive
	// pings that come too fast. Default 0: off, as RPyC's ping is also a
	// data echo applications use (Python's conn.ping(data)); set it, say
	// to 1 s, on a server whose clients only ping to stay alive.
	MinPingInterval time.Duration
	// Budget, when set, is shared by connections (a server sets one for
	// all of its connections), so the total a group of peers can make the
	// process hold is bounded. What peers send takes from its incoming
	// half (Budget.IncomingShare): frames as their bytes arrive, inflated
	// messages, the Go values they decode into, each request until its
	// reply is sent. Replies being encoded and frames queued to be
	// written take from the whole. nil means none.
	Budget *Budget
}

// Budget is a byte budget shared by connections; see Limits.Budget.
type Budget = channel.Budget

// NewBudget returns a budget of n bytes.
func NewBudget(n int64) *Budget { return channel.NewBudget(n) }

// Default limits.
const (
	DefaultReadTimeout      = 30 * time.Second
	DefaultWriteTimeout     = 30 * time.Second
	DefaultMaxParkedBytes   = 4 << 20
	DefaultMaxQueuedBytes   = 32 << 20
	DefaultMaxObjects       = 1 << 18
	DefaultMaxBuildItems    = 1 << 22
	DefaultMaxCallbackDepth = 1100
	DefaultMaxPending       = 1 << 16
)

// DefaultLimits returns the default limits written out.
func DefaultLimits() Limits { return Limits{}.withDefaults() }

// withDefaults fills zero fields with the defaults; negative ones stay
// negative, meaning off.
func (l Limits) withDefaults() Limits {
	orDefault(&l.ReadTimeout, DefaultReadTimeout)
	orDefault(&l.WriteTimeout, DefaultWriteTimeout)
	orDefault(&l.MaxParkedBytes, DefaultMaxParkedBytes)
	orDefault(&l.MaxQueuedBytes, DefaultMaxQueuedBytes)
	orDefault(&l.MaxObjects, DefaultMaxObjects)
	orDefault(&l.MaxBuildItems, DefaultMaxBuildItems)
	orDefault(&l.MaxCallbackDepth, DefaultMaxCallbackDepth)
	orDefault(&l.MaxPending, DefaultMaxPending)
	return l
}

// orDefault sets *v to def when it is the zero value: the one rule of
// every defaults pass here (a zero field means its default).
func orDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}
