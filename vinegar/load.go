package vinegar

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// LoadOptions carries what Load needs to know about this side.
type LoadOptions struct {
	// LocalVersion is this side's rpyc version, e.g. "6.0.1". When the
	// peer's _remote_version has a different major number, Load appends
	// the same warning to the traceback that a Python client appends, so
	// a version mismatch shows up next to the failure it may explain.
	// Empty disables the check.
	LocalVersion string
}

// Load turns the payload of an rpyc exception message (already decoded by
// brine, not boxed) into a Go error. It never panics; the results are:
//
//   - a payload equal to 1 (what rpyc sends for StopIteration): an
//     *Exception named StopIteration with no args, matching
//     ErrStopIteration;
//   - the tuple ((module, name), args, attrs, traceback): an *Exception
//     with those fields; module, name and attribute names may be str or
//     bytes. The _remote_version attribute moves to RemoteVersion, the
//     others stay in Attrs in wire order. A traceback or version that is
//     not text is kept as its repr;
//   - a bare str or bytes (an obsolete "string exception"): an *Exception
//     of class builtins.Exception whose one arg is the text. Python's
//     loader returns the string itself, which its client then cannot
//     raise; keeping the text as a plain Exception lets Go callers see it;
//   - anything else: an error matching ErrMalformed that names what was
//     wrong.
func Load(payload any, opts LoadOptions) error {
	if equalsOne(payload) {
		return &Exception{Module: builtinsModule, Name: "StopIteration", Args: brine.Tuple{}}
	}
	switch p := payload.(type) {
	case string:
		return &Exception{Module: builtinsModule, Name: "Exception", Args: brine.Tuple{p}}
	case []byte:
		return &Exception{Module: builtinsModule, Name: "Exception", Args: brine.Tuple{string(p)}}
	}
	t, ok := asTuple(payload)
	if !ok || len(t) != 4 {
		return malformed("payload is %s, want a 4-tuple ((module, name), args, attrs, traceback)", describe(payload))
	}
	head, ok := asTuple(t[0])
	if !ok || len(head) != 2 {
		return malformed("class is %s, want a (module, name) pair", describe(t[0]))
	}
	mod, ok := asText(head[0])
	if !ok || mod == "" {
		return malformed("module is %s, want a non-empty str", describe(head[0]))
	}
	name, ok := asText(head[1])
	if !ok || name == "" {
		return malformed("class name is %s, want a non-empty str", describe(head[1]))
	}
	args, ok := asTuple(t[1])
	if !ok {
		return malformed("args of %s.%s is %s, want a tuple", mod, name, describe(t[1]))
	}
	rawAttrs, ok := asTuple(t[2])
	if !ok {
		return malformed("attrs of %s.%s is %s, want a tuple of pairs", mod, name, describe(t[2]))
	}
	e := &Exception{Module: mod, Name: name, Args: args}
	for i, item := range rawAttrs {
		pair, ok := asTuple(item)
		if !ok || len(pair) != 2 {
			return malformed("attr %d of %s.%s is %s, want a (name, value) pair", i, mod, name, describe(item))
		}
		key, ok := asText(pair[0])
		if !ok {
			return malformed("attr %d of %s.%s has a name that is %s, want a str", i, mod, name, describe(pair[0]))
		}
		if key == remoteVersionAttr {
			e.RemoteVersion = textOrRepr(pair[1])
			continue
		}
		e.Attrs = append(e.Attrs, Attr{Name: key, Value: pair[1]})
	}
	if t[3] != nil {
		e.Traceback = textOrRepr(t[3])
	}
	if w := versionWarning(e.RemoteVersion, opts.LocalVersion); w != "" {
		e.Traceback += w
	}
	return e
}

// versionWarning returns the line Python's loader adds when the peer runs
// another major version of rpyc, or "".
func versionWarning(remote, local string) string {
	if remote == "" || remote == versionDenied || local == "" {
		return ""
	}
	rMajor, _, _ := strings.Cut(remote, ".")
	lMajor, _, _ := strings.Cut(local, ".")
	if rMajor == lMajor {
		return ""
	}
	return "\nWARNING: Remote is on RPyC " + remote + " and local is on RPyC " + local + ".\n\n"
}

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
}

// equalsOne reports whether v == 1 in Python, which is the test rpyc's
// loader applies for StopIteration (so True and 1.0 count too).
func equalsOne(v any) bool {
	switch n := v.(type) {
	case int64:
		return n == 1
	case int:
		return n == 1
	case bool:
		return n
	case float64:
		return n == 1
	case complex128:
		return n == 1
	case *big.Int:
		return n != nil && n.IsInt64() && n.Int64() == 1
	}
	return false
}

func asTuple(v any) (brine.Tuple, bool) {
	switch t := v.(type) {
	case brine.Tuple:
		return t, true
	case []any:
		return brine.Tuple(t), true
	}
	return nil, false
}

// asText accepts str, and bytes as Python 2 peers sent names.
func asText(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case []byte:
		return string(s), true
	}
	return "", false
}

func textOrRepr(v any) string {
	if s, ok := asText(v); ok {
		return s
	}
	return brine.Repr(v)
}

// describe names a value's Python type for error messages.
func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "None"
	case bool:
		return "a bool"
	case int, int64, *big.Int:
		return "an int (" + brine.Repr(v) + ")"
	case float64:
		return "a float"
	case complex128:
		return "a complex"
	case string:
		return "a str"
	case []byte:
		return "bytes"
	case brine.Tuple:
		return "a tuple of " + strconv.Itoa(len(t))
	case []any:
		return "a tuple of " + strconv.Itoa(len(t))
	case brine.FrozenSet:
		return "a frozenset"
	case brine.Slice:
		return "a slice"
	}
	return fmt.Sprintf("%T", v)
}
