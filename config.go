package rpyc

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
)

// Config holds a connection's settings. It mirrors Python rpyc's
// DEFAULT_CONFIG key by key (the Python name is in each field's comment)
// and adds the Go-only limits.
//
// The zero Config is the default configuration: every field's zero value
// means its documented default, so a literal that sets a few fields
// (&rpyc.Config{SyncRequestTimeout: 5 * time.Second}) behaves as the
// defaults for everything else. Settings that are on by default in Python
// are therefore spelled as their opposite here (allow_getattr=True is
// DenyGetattr=false). A nil *Config anywhere means the zero Config.
// A Config is copied when a connection is made, so changing it later has
// no effect on that connection.
type Config struct {
	// DenySafeAttrs (allow_safe_attrs=False): names in SafeAttrs are not
	// reachable. By default they are.
	DenySafeAttrs bool
	// DenyExposedAttrs (allow_exposed_attrs=False): names the Go type
	// exposes (exported methods, marked fields), and the same names with
	// ExposedPrefix, are not reachable. By default they are.
	DenyExposedAttrs bool
	// AllowPublicAttrs (allow_public_attrs, default false): every exported
	// Go method and field is reachable, marked or not.
	AllowPublicAttrs bool
	// AllowAllAttrs (allow_all_attrs, default false): as AllowPublicAttrs.
	// Go has no private attributes to open up: unexported names and names
	// starting with "_" are never reachable, whatever this says.
	AllowAllAttrs bool
	// SafeAttrs (safe_attrs): dunder names reachable unless DenySafeAttrs.
	// nil means Python's list, DefaultSafeAttrs.
	SafeAttrs map[string]bool
	// ExposedPrefix (exposed_prefix): a client may ask for "exposed_add"
	// where the Go method is Add. Empty means "exposed_".
	ExposedPrefix string
	// DenyGetattr (allow_getattr=False): the peer may not read attributes
	// at all. AllowSetattr (allow_setattr, default false) and AllowDelattr
	// (allow_delattr, default false) let it set or delete them.
	DenyGetattr, AllowSetattr, AllowDelattr bool
	// OmitLocalTraceback (include_local_traceback=False): do not send the
	// Go error chain (and panic stack) as the traceback text.
	OmitLocalTraceback bool
	// OmitLocalVersion (include_local_version=False): do not send our
	// version as the exception's _remote_version.
	OmitLocalVersion bool
	// InstantiateCustomExceptions, ImportCustomExceptions,
	// InstantiateOldstyleExceptions (instantiate_custom_exceptions,
	// import_custom_exceptions, instantiate_oldstyle_exceptions, all false):
	// not applicable in Go, where every remote exception is a
	// *vinegar.Exception that keeps its module and class name. Kept so a
	// Python configuration maps one to one.
	InstantiateCustomExceptions, ImportCustomExceptions, InstantiateOldstyleExceptions bool
	// PropagateSystemExitLocally and PropagateKeyboardInterruptLocally
	// (propagate_SystemExit_locally, propagate_KeyboardInterrupt_locally):
	// not applicable; a Go handler has neither. A handler panic is always
	// recovered and sent to the peer as an exception.
	PropagateSystemExitLocally, PropagateKeyboardInterruptLocally bool
	// QuietExceptions (log_exceptions=False): do not log the exceptions
	// handlers return (at debug level). Panics are logged at error level
	// whatever this says.
	QuietExceptions bool
	// AllowPickle (allow_pickle, default false): serve HANDLE_PICKLE.
	AllowPickle bool
	// ConnID (connid): a name for logs; default "connN".
	ConnID string
	// Credentials (credentials): what the server's authenticator returned
	// for this connection (for TLS, the verified client certificate chain);
	// read by services through Conn.Credentials.
	Credentials any
	// Endpoints (endpoints): local and remote address, set on connect.
	Endpoints [2]string
	// Logger (logger): where the connection logs. nil means
	// slog.Default(), so a panic or a dropped hostile peer is visible;
	// pass slog.New(slog.DiscardHandler) to silence it.
	Logger *slog.Logger
	// SyncRequestTimeout (sync_request_timeout): the deadline of a
	// blocking call whose context has none. Zero means 30 s, Python's
	// default; a negative value means no deadline (Python's None).
	SyncRequestTimeout time.Duration
	// BeforeClosed (before_closed): called with the peer's root just before
	// Close sends HANDLE_CLOSE.
	BeforeClosed func(root *Netref)
	// CloseCatchall (close_catchall, default false): when true, Close
	// returns nil even if telling the peer failed.
	CloseCatchall bool
	// BindThreads (bind_threads, rpyc 6 only, default false): prefix every
	// message with thread ids, as a Python peer with bind_threads on (or
	// RPYC_BIND_THREADS=true) expects; nothing negotiates it, so a client
	// must set it to match such a server. A server connection detects it
	// from the peer's first message and ignores this. It needs the 6.x
	// Layout. Go has no threads to bind: a request of the peer's is served
	// by an id of ours made for it, its reply and the callbacks its handler
	// makes (with the context it was given) go to the peer's thread that
	// sent it; calls made outside a handler go to no thread in particular.
	BindThreads bool

	// Layout is the message layout a client speaks: message.LayoutV6
	// (rpyc 6.x) or message.LayoutV5 (rpyc 5.x, Debian's python3-rpyc).
	// Zero, the default, means 6.x, except that the dialing functions
	// find out: a 5.x server hangs up on a 6.x message, and they then
	// connect again speaking 5.x. A server connection detects its peer's
	// layout from the first message and ignores this.
	Layout message.Layout
	// Channel configures framing: compression threshold (3000), zlib level
	// and the frame size limits. nil means the zero channel.Config, which
	// is rpyc's behaviour.
	Channel *channel.Config
	// Heartbeat, when its Interval is set, pings a silent peer and ends
	// the connection when it stays silent (see Heartbeat). Off by default.
	Heartbeat Heartbeat
	// Interceptor, when set, wraps the serving of every request the peer
	// makes: enough to plug in metrics, tracing or a concurrency limit.
	Interceptor Interceptor
	// Outgoing, when set, observes every request this side sends and
	// waits for a reply to: the client half of metrics and tracing, as
	// Interceptor is the server half (see Outgoing). nil means none.
	Outgoing Outgoing
	// Limits bounds what a peer can make this side hold: requests served
	// at once, parked requests, queued replies, objects, the size of what
	// one request builds, and time limits on reads and writes. Its zero
	// value means the documented defaults.
	Limits Limits

	// MaxInFlight bounds the peer's requests being served at once on this
	// connection (default 32); more are parked (see Limits.MaxParkedBytes).
	// It also bounds what one peer can make a service hold in results
	// waiting to be read: MaxInFlight times the largest result a method
	// returns (Python serves one request at a time per connection).
	// A handler that is waiting for a reply from the peer (a callback
	// made with the context the handler was given) does not count, so
	// nested callbacks go as deep as the peer's.
	MaxInFlight int
	// MaxDepth bounds nesting in decoded values (default 1000).
	MaxDepth int
	// Version is the version string sent as _remote_version in exceptions.
	// Empty (the default) means one that matches the peer's layout:
	// "5.3.0-go" to a 5.x peer, "6.0.1-go" to a 6.x peer, so Python sees
	// the same major version as its own and prints no version warning.
	Version string
}

// DefaultSafeAttrs is Python rpyc's default safe_attrs.
var DefaultSafeAttrs = []string{
	"__abs__", "__add__", "__and__", "__bool__", "__cmp__", "__contains__",
	"__delitem__", "__delslice__", "__div__", "__divmod__", "__doc__",
	"__eq__", "__float__", "__floordiv__", "__ge__", "__getitem__",
	"__getslice__", "__gt__", "__hash__", "__hex__", "__iadd__", "__iand__",
	"__idiv__", "__ifloordiv__", "__ilshift__", "__imod__", "__imul__",
	"__index__", "__int__", "__invert__", "__ior__", "__ipow__", "__irshift__",
	"__isub__", "__iter__", "__itruediv__", "__ixor__", "__le__", "__len__",
	"__long__", "__lshift__", "__lt__", "__mod__", "__mul__", "__ne__",
	"__neg__", "__new__", "__nonzero__", "__oct__", "__or__", "__pos__",
	"__pow__", "__radd__", "__rand__", "__rdiv__", "__rdivmod__", "__repr__",
	"__rfloordiv__", "__rlshift__", "__rmod__", "__rmul__", "__ror__",
	"__rpow__", "__rrshift__", "__rshift__", "__rsub__", "__rtruediv__",
	"__rxor__", "__setitem__", "__setslice__", "__str__", "__sub__",
	"__truediv__", "__xor__", "next", "__length_hint__", "__enter__",
	"__exit__", "__next__", "__format__",
}

// Versions this library reports to peers by default, by message layout.
const (
	// VersionV5 is reported to peers speaking the 5.x layout.
	VersionV5 = "5.3.0-go"
	// VersionV6 is reported to peers speaking the 6.x layout.
	VersionV6 = "6.0.1-go"
)

// DefaultConfig returns the default configuration with its defaults
// written out (the Python values, for reading and for changing). It
// behaves exactly as a nil or zero Config.
func DefaultConfig() *Config {
	safe := make(map[string]bool, len(DefaultSafeAttrs))
	for _, n := range DefaultSafeAttrs {
		safe[n] = true
	}
	return &Config{
		SafeAttrs:          safe,
		ExposedPrefix:      "exposed_",
		SyncRequestTimeout: defaultSyncTimeout,
		MaxInFlight:        defaultMaxInFlight,
		MaxDepth:           defaultMaxDepth,
		Channel:            channel.DefaultConfig(),
		Limits:             DefaultLimits(),
	}
}

const (
	defaultSyncTimeout = 30 * time.Second
	defaultMaxInFlight = 32
	defaultMaxDepth    = 1000
)

// defaultSafe is DefaultSafeAttrs as a set, shared read-only by every
// connection whose Config leaves SafeAttrs nil.
var defaultSafe = func() map[string]bool {
	m := make(map[string]bool, len(DefaultSafeAttrs))
	for _, n := range DefaultSafeAttrs {
		m[n] = true
	}
	return m
}()

// clone copies cfg (nil means the zero Config) and fills every zero field
// with its default.
func (cfg *Config) clone() (*Config, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	orDefault(&c.Layout, message.LayoutV6)
	if c.Layout != message.LayoutV5 && c.Layout != message.LayoutV6 {
		return nil, fmt.Errorf("rpyc: config: unknown Layout %d: use message.LayoutV5 or message.LayoutV6", c.Layout)
	}
	if c.BindThreads && c.Layout != message.LayoutV6 {
		return nil, fmt.Errorf("rpyc: config: BindThreads needs Layout message.LayoutV6 (bind_threads exists only in rpyc 6)")
	}
	if c.SafeAttrs == nil {
		c.SafeAttrs = defaultSafe
	}
	orDefault(&c.ExposedPrefix, "exposed_")
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = defaultMaxInFlight
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = defaultMaxDepth
	}
	switch {
	case c.SyncRequestTimeout == 0:
		c.SyncRequestTimeout = defaultSyncTimeout
	case c.SyncRequestTimeout < 0:
		c.SyncRequestTimeout = 0 // no deadline
	}
	orDefault(&c.Logger, slog.Default())
	c.Limits = c.Limits.withDefaults()
	if c.Heartbeat.Interval > 0 {
		orDefault(&c.Heartbeat.Timeout, DefaultHeartbeatTimeout)
	}
	if c.Channel == nil {
		c.Channel = &channel.Config{}
	} else {
		ch := *c.Channel // the connection keeps its own copy
		c.Channel = &ch
	}
	// The channel's own settings win; what it leaves zero comes from
	// Limits.
	orDefault(&c.Channel.MaxQueuedBytes, c.Limits.MaxQueuedBytes)
	orDefault(&c.Channel.Budget, c.Limits.Budget)
	orDefault(&c.Channel.WriteTimeout, c.Limits.WriteTimeout)
	orDefault(&c.Channel.ReadTimeout, c.Limits.ReadTimeout)
	return &c, nil
}
