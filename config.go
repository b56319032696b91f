package rpyc

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
)

// Config holds a connection's settings. It mirrors Python rpyc's
// DEFAULT_CONFIG key by key (the Python name is in each field's comment),
// with the same defaults, plus the Go-only limits. Use DefaultConfig and
// change what you need; a nil *Config anywhere means DefaultConfig().
// A Config is copied when a connection is made, so changing it later has
// no effect on that connection.
type Config struct {
	// AllowSafeAttrs (allow_safe_attrs, default true): names in SafeAttrs
	// are reachable.
	AllowSafeAttrs bool
	// AllowExposedAttrs (allow_exposed_attrs, default true): names the Go
	// type exposes (exported methods, marked fields) and the same names with
	// ExposedPrefix are reachable.
	AllowExposedAttrs bool
	// AllowPublicAttrs (allow_public_attrs, default false): every exported
	// Go method and field is reachable, marked or not.
	AllowPublicAttrs bool
	// AllowAllAttrs (allow_all_attrs, default false): as AllowPublicAttrs.
	// Go has no private attributes to open up: unexported names and names
	// starting with "_" are never reachable, whatever this says.
	AllowAllAttrs bool
	// SafeAttrs (safe_attrs): dunder names reachable when AllowSafeAttrs.
	// Default: Python's list.
	SafeAttrs map[string]bool
	// ExposedPrefix (exposed_prefix, default "exposed_"): a client may ask
	// for "exposed_add" where the Go method is Add.
	ExposedPrefix string
	// AllowGetattr (allow_getattr, default true), AllowSetattr
	// (allow_setattr, default false), AllowDelattr (allow_delattr, default
	// false): whether the peer may get, set or delete attributes at all.
	AllowGetattr, AllowSetattr, AllowDelattr bool
	// IncludeLocalTraceback (include_local_traceback, default true): send
	// the Go error chain (and panic stack) as the traceback text.
	IncludeLocalTraceback bool
	// IncludeLocalVersion (include_local_version, default true): send our
	// version as the exception's _remote_version.
	IncludeLocalVersion bool
	// InstantiateCustomExceptions, ImportCustomExceptions,
	// InstantiateOldstyleExceptions (instantiate_custom_exceptions,
	// import_custom_exceptions, instantiate_oldstyle_exceptions, all false):
	// not applicable in Go, where every remote exception is a
	// *vinegar.Exception that keeps its module and class name. Kept so a
	// Python configuration maps one to one.
	InstantiateCustomExceptions, ImportCustomExceptions, InstantiateOldstyleExceptions bool
	// PropagateSystemExitLocally (propagate_SystemExit_locally, false) and
	// PropagateKeyboardInterruptLocally (propagate_KeyboardInterrupt_locally,
	// true): not applicable; a Go handler has neither. A handler panic is
	// always recovered and sent to the peer as an exception.
	PropagateSystemExitLocally, PropagateKeyboardInterruptLocally bool
	// LogExceptions (log_exceptions, default true): log exceptions that
	// handlers return, at debug level, and panics at error level.
	LogExceptions bool
	// AllowPickle (allow_pickle, default false): HANDLE_PICKLE is always
	// refused with ValueError("pickling is disabled") when false. When true
	// the request is still refused: Go values have no pickle form.
	AllowPickle bool
	// ConnID (connid): a name for logs; default "connN".
	ConnID string
	// Credentials (credentials): what an authenticator returned; set by
	// servers, read by services through Conn.Config.
	Credentials any
	// Endpoints (endpoints): local and remote address, set on connect.
	Endpoints [2]string
	// Logger (logger): where the connection logs; nil discards.
	Logger *slog.Logger
	// SyncRequestTimeout (sync_request_timeout, default 30s): the deadline
	// of a blocking call whose context has none. Zero means no deadline.
	SyncRequestTimeout time.Duration
	// BeforeClosed (before_closed): called with the peer's root just before
	// Close sends HANDLE_CLOSE.
	BeforeClosed func(root *Netref)
	// CloseCatchall (close_catchall, default false): when true, Close
	// returns nil even if telling the peer failed.
	CloseCatchall bool
	// BindThreads (bind_threads): not applicable; every request runs on its
	// own goroutine, which is what bind_threads tries to approximate.
	BindThreads bool

	// Layout is the message layout a client speaks: message.LayoutV6
	// (rpyc 6.x) or message.LayoutV5 (rpyc 5.x, Debian's python3-rpyc).
	// Zero, the default, means 6.x, except that Dial, DialService and
	// DialUnix find out: a 5.x server hangs up on a 6.x message, and they
	// then connect again speaking 5.x. A server connection detects
	// its peer's layout from the first message and ignores this.
	Layout message.Layout
	// Channel configures framing: compression threshold (3000), zlib level
	// and the frame size limits. nil means channel.DefaultConfig().
	Channel *channel.Config
	// MaxInFlight bounds the peer's requests being served at once on this
	// connection (default 256). When reached the reader stops reading, so a
	// flooding peer is slowed down, not queued without limit. Because the
	// reader also delivers replies, a workload where every running handler
	// waits for a reply from a peer that first sends yet more requests
	// stalls at this limit: give such connections a higher one.
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

// DefaultConfig returns Python's DEFAULT_CONFIG in Go form.
func DefaultConfig() *Config {
	safe := make(map[string]bool, len(DefaultSafeAttrs))
	for _, n := range DefaultSafeAttrs {
		safe[n] = true
	}
	return &Config{
		AllowSafeAttrs:                    true,
		AllowExposedAttrs:                 true,
		SafeAttrs:                         safe,
		ExposedPrefix:                     "exposed_",
		AllowGetattr:                      true,
		IncludeLocalTraceback:             true,
		IncludeLocalVersion:               true,
		PropagateKeyboardInterruptLocally: true,
		LogExceptions:                     true,
		SyncRequestTimeout:                30 * time.Second,
		MaxInFlight:                       256,
		MaxDepth:                          1000,
		Channel:                           channel.DefaultConfig(),
	}
}

// clone copies cfg (nil means the defaults) and fills zero Go-only limits.
func (cfg *Config) clone() (*Config, error) {
	var c Config
	if cfg == nil {
		c = *DefaultConfig()
	} else {
		c = *cfg
	}
	if c.Layout == 0 {
		c.Layout = message.LayoutV6
	}
	if c.Layout != message.LayoutV5 && c.Layout != message.LayoutV6 {
		return nil, fmt.Errorf("rpyc: config: unknown layout %d", c.Layout)
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 256
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = 1000
	}
	if c.SyncRequestTimeout < 0 {
		return nil, fmt.Errorf("rpyc: config: negative SyncRequestTimeout %v", c.SyncRequestTimeout)
	}
	if c.Channel == nil {
		c.Channel = channel.DefaultConfig()
	} else {
		ch := *c.Channel // the connection keeps its own copy
		c.Channel = &ch
	}
	return &c, nil
}
