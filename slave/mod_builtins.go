package slave

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// builtinsModule is Python's builtins, as far as classic clients use
// them: open (files), and conversions that follow Python (int("foo")
// raises ValueError, repr quotes as Python does).
type builtinsModule struct {
	module
	s *SlaveService
	// True, False and None are the constants.
	True  bool `rpyc:"True"`
	False bool `rpyc:"False"`
	None  any  `rpyc:"None"`
}

func newBuiltins(s *SlaveService) *builtinsModule {
	return &builtinsModule{module: "builtins", s: s, True: true}
}

// RPyCParams gives the builtins Python's parameters.
func (b *builtinsModule) RPyCParams() map[string]string {
	return map[string]string{
		"Open":  "file, mode='r', buffering=-1, encoding=None, errors=None, newline=None",
		"Int":   "x=0, base=10",
		"Print": "*args, sep=' ', end='\n', file=None, flush=False",
		"Str":   "object=''",
		"Range": "*args",
	}
}

// RPyCNames hides the helpers that are not Python builtins.
func (b *builtinsModule) RPyCNames() map[string]string {
	return map[string]string{"Dict": "dict", "List": "list"}
}

// Open is builtins.open: a binary file object for modes with "b", a
// text file object (str in and out, UTF-8) otherwise.
func (b *builtinsModule) Open(file string, mode string, buffering int, encoding, errs, newline any) (any, error) {
	return openFile(file, mode)
}

// Len is builtins.len.
func (b *builtinsModule) Len(ctx context.Context, obj any) (int, error) {
	if n, ok := obj.(*rpyc.Netref); ok {
		return n.Len(ctx)
	}
	switch x := obj.(type) {
	case string:
		return len([]rune(x)), nil
	case []byte:
		return len(x), nil
	case brine.Tuple:
		return len(x), nil
	case brine.FrozenSet:
		return len(x), nil
	}
	rv := reflect.ValueOf(obj)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map, reflect.Array:
		return rv.Len(), nil
	}
	return 0, vinegar.New("TypeError", fmt.Sprintf("object of type '%s' has no len()", pyType(obj)))
}

// Str is builtins.str.
func (b *builtinsModule) Str(ctx context.Context, obj any) (string, error) {
	switch x := obj.(type) {
	case *rpyc.Netref:
		return x.Str(ctx)
	case string:
		return x, nil
	}
	return pyRepr(obj), nil
}

// Repr is builtins.repr, Python's quoting and all.
func (b *builtinsModule) Repr(ctx context.Context, obj any) (string, error) {
	if n, ok := obj.(*rpyc.Netref); ok {
		return n.Repr(ctx)
	}
	return pyRepr(obj), nil
}

// Int is builtins.int: numbers truncate, strings parse in base (with
// Python's underscores and surrounding space), anything else is a
// TypeError; a string that is not a number is Python's ValueError.
func (b *builtinsModule) Int(x any, base int) (any, error) {
	switch v := x.(type) {
	case bool:
		if v {
			return int64(1), nil
		}
		return int64(0), nil
	case int64, *big.Int:
		return v, nil
	case float64:
		return int64(v), nil
	case string, []byte:
		s := fmt.Sprint(v)
		if bs, ok := v.([]byte); ok {
			s = string(bs)
		}
		return parseInt(s, base)
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("int() argument must be a string, a bytes-like object or a real number, not '%s'", pyType(x)))
}

func parseInt(s string, base int) (any, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	if n, err := strconv.ParseInt(t, base, 64); err == nil {
		return n, nil
	}
	if n, ok := new(big.Int).SetString(t, base); ok && t != "" {
		return n, nil
	}
	return nil, vinegar.New("ValueError", fmt.Sprintf("invalid literal for int() with base %d: %s", base, brine.Repr(s)))
}

// Float is builtins.float.
func (b *builtinsModule) Float(x any) (float64, error) {
	switch v := x.(type) {
	case int64:
		return float64(v), nil
	case float64:
		return v, nil
	case bool:
		if v {
			return 1, nil
		}
		return 0, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return 0, vinegar.New("ValueError", "could not convert string to float: "+brine.Repr(v))
		}
		return f, nil
	}
	return 0, vinegar.New("TypeError", fmt.Sprintf("float() argument must be a string or a real number, not '%s'", pyType(x)))
}

// Print is builtins.print: to file, or to this connection's sys.stdout.
func (b *builtinsModule) Print(ctx context.Context, sep, end string, file any, flush bool, args ...any) error {
	parts := make([]string, len(args))
	for i, a := range args {
		s, err := b.Str(ctx, a)
		if err != nil {
			return err
		}
		parts[i] = s
	}
	if file == nil {
		file = b.s.sys.Stdout
	}
	if err := writeStream(ctx, file, strings.Join(parts, sep)+end); err != nil {
		return err
	}
	if flush {
		flushStream(ctx, file)
	}
	return nil
}

// Range is builtins.range, as a list.
func (b *builtinsModule) Range(args ...int64) ([]int64, error) {
	start, stop, step := int64(0), int64(0), int64(1)
	switch len(args) {
	case 1:
		stop = args[0]
	case 2:
		start, stop = args[0], args[1]
	case 3:
		start, stop, step = args[0], args[1], args[2]
	default:
		return nil, vinegar.New("TypeError", fmt.Sprintf("range expected at least 1 argument, got %d", len(args)))
	}
	if step == 0 {
		return nil, vinegar.New("ValueError", "range() arg 3 must not be zero")
	}
	const maxItems = 1 << 24
	var out []int64
	for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
		if len(out) == maxItems {
			return nil, vinegar.New("MemoryError", "range too large for this server (over 16M items)")
		}
		out = append(out, i)
	}
	return out, nil
}

// Dict is builtins.dict: a new dict of the keyword arguments.
func (b *builtinsModule) Dict(kw rpyc.Kwargs) map[any]any {
	out := map[any]any{}
	for k, v := range kw {
		out[k] = v
	}
	return out
}

// List is builtins.list: a new list of the items of a tuple, list or
// string.
func (b *builtinsModule) List(ctx context.Context, items ...any) ([]any, error) {
	if len(items) == 0 {
		return []any{}, nil
	}
	switch x := items[0].(type) {
	case brine.Tuple:
		return append([]any{}, x...), nil
	case string:
		out := []any{}
		for _, r := range x {
			out = append(out, string(r))
		}
		return out, nil
	case *rpyc.Netref:
		return rpyc.Obtain[[]any](ctx, x)
	}
	rv := reflect.ValueOf(items[0])
	if rv.Kind() == reflect.Slice {
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = rv.Index(i).Interface()
		}
		return out, nil
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("'%s' object is not iterable", pyType(items[0])))
}

// pyType is the Python type name of a value, for error messages.
func pyType(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case brine.Tuple:
		return "tuple"
	case *rpyc.Netref:
		return v.(*rpyc.Netref).TypeName()
	}
	return fmt.Sprintf("%T", v)
}

// pyRepr is Python's repr of a by-value argument.
func pyRepr(v any) string {
	if g, ok := v.(fmt.GoStringer); ok {
		return g.GoString()
	}
	return brine.Repr(v)
}
