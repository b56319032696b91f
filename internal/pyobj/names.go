package pyobj

import (
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strings"
	"unicode"

	"github.com/rpyc-go/rpyc/brine"
)

// SnakeCase is rpyc.SnakeCase: the Python name a Go identifier is
// exposed under (GetHistory → get_history, HTTPServer → http_server).
func SnakeCase(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 {
				prev := rs[i-1]
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					b.WriteByte('_')
				}
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TypeName is the name_pack of the id_pack a local value is exported
// under. Builtin-like classes use the names Python's client has netref
// classes for (no INSPECT round trip); other types use "<package>.<Type>",
// or what their RPyCTypeName method says.
func TypeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "builtins.NoneType"
	case bool:
		return "builtins.bool"
	case int64, *big.Int:
		return "builtins.int"
	case float64:
		return "builtins.float"
	case complex128:
		return "builtins.complex"
	case string:
		return "builtins.str"
	case []byte:
		return "builtins.bytes"
	case brine.Tuple:
		return "builtins.tuple"
	case brine.FrozenSet:
		return "builtins.frozenset"
	case brine.Slice:
		return "builtins.slice"
	case TypeNamer:
		return x.RPyCTypeName()
	case *boundMethod:
		return "builtins.method"
	case *goIterator:
		return x.pyName
	case *Root:
		return goTypeName(reflect.TypeOf(x.value))
	case error:
		if _, ok := x.(interface{ QualName() string }); ok {
			return "builtins.BaseException"
		}
	}
	if k := fileClassOf(v); k != nil {
		return k.pyName
	}
	t := reflect.TypeOf(v)
	switch t.Kind() {
	case reflect.Func:
		return "builtins.function"
	case reflect.Slice:
		return "builtins.list"
	case reflect.Array:
		return "builtins.tuple" // by value: Normalize makes it one
	case reflect.Map:
		return "builtins.dict"
	case reflect.Pointer:
		switch t.Elem().Kind() {
		case reflect.Slice, reflect.Array:
			return "builtins.list"
		case reflect.Map:
			return "builtins.dict"
		}
	}
	return goTypeName(t)
}

// ShortTypeName is the Python type's name without its module, as
// Python's messages write it ("'int' object is not iterable"): for the
// peer's objects, the type the peer reported.
func ShortTypeName(v any) string {
	n := TypeName(v)
	if r, ok := AsRemote(v); ok {
		n = r.TypeName()
	}
	if i := strings.LastIndexByte(n, '.'); i >= 0 {
		return n[i+1:]
	}
	return n
}

// goTypeName is "<last element of the package path>.<Type>".
func goTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer && t.Name() == "" {
		t = t.Elem()
	}
	name := t.Name()
	if name == "" {
		name = t.Kind().String()
	}
	pkg := t.PkgPath()
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		pkg = pkg[i+1:]
	}
	if pkg == "" {
		return "builtins." + name
	}
	return pkg + "." + name
}

// TypeNamer is rpyc.TypeNamer (the same method set): the name_pack of
// the type's id_packs.
type TypeNamer interface {
	RPyCTypeName() string
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Describe names a value's kind for Go error messages: "None", "netref"
// and the peer's type for the peer's objects, the Go type otherwise.
func Describe(v any) string {
	if v == nil {
		return "None"
	}
	if r, ok := AsRemote(v); ok {
		return "netref " + r.TypeName()
	}
	return fmt.Sprintf("%T", v)
}
