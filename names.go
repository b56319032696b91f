package rpyc

import (
	"math/big"
	"reflect"
	"sort"
	"strings"
	"unicode"

	"github.com/rpyc-go/rpyc/brine"
)

// SnakeCase turns a Go identifier into the Python name it is exposed
// under: GetHistory → get_history, HTTPServer → http_server, ID → id,
// Add2 → add2.
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

// pyTypeName is the name_pack of the id_pack a local value is exported
// under. Builtin-like kinds use the names Python's client has netref
// classes for (no INSPECT round trip); other types use "<package>.<Type>",
// or what their RPyCTypeName method says.
func pyTypeName(v any) string {
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
	case *rootObject:
		return goTypeName(reflect.TypeOf(x.value))
	case error:
		if _, ok := x.(interface{ QualName() string }); ok {
			return "builtins.BaseException"
		}
	}
	if k := fileKindFor(v); k != nil {
		return k.pyName
	}
	t := reflect.TypeOf(v)
	switch t.Kind() {
	case reflect.Func:
		return "builtins.function"
	case reflect.Slice, reflect.Array:
		return "builtins.list"
	case reflect.Map:
		return "builtins.dict"
	case reflect.Pointer:
		switch t.Elem().Kind() {
		case reflect.Slice:
			return "builtins.list"
		case reflect.Map:
			return "builtins.dict"
		}
	}
	return goTypeName(t)
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

// TypeNamer lets a type choose the Python type name its references carry
// (the id_pack's name_pack), e.g. "mylib.Counter".
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
