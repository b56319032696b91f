// Package rpyc is RPyC — Python's transparent, symmetric remote procedure
// call protocol — in Go, wire-compatible with Python's rpyc 5.3 and 6.0.
//
// A Go program can call any Python RPyC server (custom services or
// classic mode), serve Go values to Python clients as if they were Python
// objects, and talk to other Go programs the same way.
//
// # Calling a server
//
// Dial connects and starts the connection; Root returns the server's
// service as a *Netref, a reference to a remote object. Every operation on
// a Netref is one request and takes a context.Context whose deadline
// bounds it (Config.SyncRequestTimeout, 30 s, applies when it has none):
//
//	conn, err := rpyc.Dial(ctx, "127.0.0.1:18861", nil)
//	root, err := conn.Root(ctx)
//	sum, err := rpyc.As[int](root.CallMethod(ctx, "add", 1, 2))
//
// CallMethod sends HANDLE_CALLATTR: one frame for root.add(1, 2), where a
// Python client sends three (GETATTR, CALL, DEL). Keyword arguments go in
// a trailing Kwargs. Results come back as Go values (see "Values" below);
// As converts them to the type you want, with a *TypeError when it cannot.
// Objects that are not plain data come back as further *Netref values:
// GetAttr, SetAttr, Call, Len, GetItem, Contains, Iter (a Go iterator
// that fetches items in chunks), Str, Repr, Dir, Hash, Enter/Exit for with
// blocks. Release tells the server it may forget an object; a Netref that
// is simply dropped is released when the garbage collector finds it.
//
// Python 5.x servers (Debian's python3-rpyc) speak an older message
// layout than 6.x. Dial finds out which one a server speaks when
// Config.Layout is zero (the default); set it to message.LayoutV5 or
// LayoutV6 to skip the probe, and with Connect over a stream of your own
// (which cannot be redialed). Servers built with this package detect the
// layout by themselves.
//
// # Concurrency
//
// A *Conn is safe for any number of goroutines, and needs no serving loop:
// one reader goroutine delivers replies and runs each incoming request
// (a callback from the peer) on its own goroutine, bounded by
// Config.MaxInFlight. Nested callbacks to any depth, in both directions,
// just work. A cancelled call leaves the connection usable. Async calls
// (CallMethodAsync) return an *AsyncResult at once.
//
// # Serving Go values
//
// A service is any Go value, passed to NewServerConn, ServeConn or the
// server package. What the peer sees:
//
//   - Exported methods are callable under their snake_case names
//     (GetHistory as get_history) and with the "exposed_" prefix.
//     Arguments are converted to the parameter types, with Python's
//     TypeError on mismatch; a leading context.Context receives the
//     request's context (ConnFromContext gives the connection); a final
//     variadic parameter takes extra positional arguments, a Kwargs
//     parameter extra keywords. Results: (), (T), (error), (T, error), or
//     several values as a tuple.
//   - Keyword arguments and defaults come from an RPyCParams method giving
//     Python signatures: {"Greet": "name, greeting='hello'"}.
//   - Struct fields are attributes only when tagged `rpyc:"name"`
//     (`rpyc:"name,rw"` lets a peer set them when Config.AllowSetattr).
//   - RPyCNames renames or hides methods and fields; Restrict limits an
//     object to listed names. Names starting with "_" are never reachable,
//     except the safe dunders of Config.SafeAttrs that a value implements.
//   - Slices are Python lists, maps dicts, funcs callables, iter.Seq and
//     iter.Seq2 and receive channels iterators, io.Reader/io.Writer values
//     file objects, struct pointers objects with methods, arrays tuples;
//     fmt.Stringer gives str(), fmt.GoStringer repr() (a struct with
//     tagged fields prints as a dataclass does). A *[]T (pointer to a
//     slice) lets list.append and friends change the Go owner's slice.
//   - Every value has what Python code assumes of an object: __format__
//     (Formatter for format specs), __doc__ (Documenter), comparisons as
//     Python's builtins answer them, __class__ (its type as a Class).
//     ClassOf serves a Go type as a Python class, for isinstance and for
//     building instances. AttrGetter, AttrSetter, AttrDeleter and
//     AttrLister answer names a value does not declare (Python's
//     _rpyc_getattr and friends), under the same attribute policy.
//   - A struct comes back to a T or *T parameter as itself, and a dict
//     fills one by field name (its tagged fields, or every exported one
//     of a struct that tags none); an argument that does not fit is a
//     TypeError in Python's words ("expected a list of int, got float at
//     item 0").
//   - A returned error becomes a Python exception: vinegar.New("KeyError",
//     k) raises that builtin, vinegar.New("mymod.MyError", msg) a custom
//     class; other errors map to the builtin Python would raise
//     (FileNotFoundError for fs.ErrNotExist, ...) or RuntimeError. A panic
//     becomes a RuntimeError for the caller; the server lives on.
//   - Service names follow Python (type name without "Service",
//     upper-cased; RPyCServiceName overrides), OnConnect/OnDisconnect
//     methods are the on_connect/on_disconnect hooks, and a
//     ServiceFactory makes one value per connection.
//
// # Values
//
// Plain data travels by value as brine, decoded into: nil, bool, int64 (or
// *big.Int when it does not fit), float64, complex128, string, []byte,
// brine.Tuple, brine.FrozenSet, brine.Slice, brine.Ellipsis and
// brine.NotImplemented. Every Go integer and float kind, and named types
// over them, are sent as Python ints and floats. Everything else travels
// by reference.
//
// # Errors
//
// Remote exceptions are *vinegar.Exception values matchable with
// errors.Is against the builtin classes (vinegar.ErrValueError, and the
// class hierarchy: a KeyError is a LookupError). A connection that ends
// fails every pending call with an error matching ErrClosed and wrapping
// its cause (io.EOF when the peer vanished).
package rpyc
