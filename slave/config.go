package slave

import "github.com/rpyc-go/rpyc"

// classicAttrs are the names beyond rpyc's safe_attrs that Python's
// classic clients reach on a classic server (which allows every
// attribute): a module's and class's __name__, a path's __fspath__,
// truth and calls, and the private function "name in conn.modules"
// calls on importlib.util.
var classicAttrs = []string{
	"__name__", "__qualname__", "__module__", "__class__", "__fspath__", "__bool__", "__call__",
	"__reversed__", "__round__", "__trunc__", "__floor__", "__ceil__", "__abs__",
	"_find_spec_from_path",
}

// withClassicAttrs returns safe (nil: rpyc's defaults) plus classicAttrs,
// as a new map.
func withClassicAttrs(safe map[string]bool) map[string]bool {
	if safe == nil {
		safe = rpyc.DefaultConfig().SafeAttrs
	}
	out := make(map[string]bool, len(safe)+len(classicAttrs))
	for k, v := range safe {
		out[k] = v
	}
	for _, n := range classicAttrs {
		out[n] = true
	}
	return out
}
