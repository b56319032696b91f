package slave

import (
	"context"
	"fmt"
	"iter"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/vinegar"
)

// builtinsModule is Python's builtins, as far as classic clients use
// them: open (files), the types (int, str, list, dict, ... are classes:
// callable, and what isinstance checks against), and the functions
// scripts call on the server's values (len, sorted, sum, map, min, max,
// dir, ...), with Python's results and exceptions.
type builtinsModule struct {
	Module
	s *SlaveService
	// True, False and None are the constants.
	True  bool `rpyc:"True"`
	False bool `rpyc:"False"`
	None  any  `rpyc:"None"`
	// The classes.
	Int       *builtinType `rpyc:"int"`
	Float     *builtinType `rpyc:"float"`
	Str       *builtinType `rpyc:"str"`
	Bytes     *builtinType `rpyc:"bytes"`
	Bool      *builtinType `rpyc:"bool"`
	List      *builtinType `rpyc:"list"`
	Dict      *builtinType `rpyc:"dict"`
	Tuple     *builtinType `rpyc:"tuple"`
	Set       *builtinType `rpyc:"set"`
	Frozenset *builtinType `rpyc:"frozenset"`
	Type      *builtinType `rpyc:"type"`
	Object    *builtinType `rpyc:"object"`
	// The exception classes scripts name most.
	Exception         *vinegar.Class `rpyc:"Exception"`
	BaseException     *vinegar.Class `rpyc:"BaseException"`
	ValueError        *vinegar.Class `rpyc:"ValueError"`
	TypeError         *vinegar.Class `rpyc:"TypeError"`
	KeyError          *vinegar.Class `rpyc:"KeyError"`
	IndexError        *vinegar.Class `rpyc:"IndexError"`
	AttributeError    *vinegar.Class `rpyc:"AttributeError"`
	OSError           *vinegar.Class `rpyc:"OSError"`
	FileNotFoundError *vinegar.Class `rpyc:"FileNotFoundError"`
	FileExistsError   *vinegar.Class `rpyc:"FileExistsError"`
	PermissionError   *vinegar.Class `rpyc:"PermissionError"`
	RuntimeError      *vinegar.Class `rpyc:"RuntimeError"`
	StopIteration     *vinegar.Class `rpyc:"StopIteration"`
	TimeoutError      *vinegar.Class `rpyc:"TimeoutError"`
	NotImplementedErr *vinegar.Class `rpyc:"NotImplementedError"`
	ZeroDivisionError *vinegar.Class `rpyc:"ZeroDivisionError"`
}

func newBuiltins(s *SlaveService) *builtinsModule {
	b := &builtinsModule{Module: newModule("builtins"), s: s, True: true}
	b.Int = builtinTypeOf("int", isInt, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		if len(args) == 0 {
			return int64(0), nil
		}
		base := int64(10)
		if len(args) > 1 {
			base, _ = args[1].(int64)
		}
		if v, ok := kw["base"]; ok {
			base, _ = v.(int64)
		}
		return toInt(args[0], int(base), len(args) > 1 || kw["base"] != nil)
	})
	b.Float = builtinTypeOf("float", func(v any) bool { _, ok := v.(float64); return ok }, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		x, ok, err := oneArg("float", args)
		if err != nil || !ok {
			return 0.0, err
		}
		return toFloat(x)
	})
	b.Str = builtinTypeOf("str", func(v any) bool { _, ok := v.(string); return ok }, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		x, ok, err := oneArg("str", args)
		if err != nil || !ok {
			return "", err
		}
		if bs, isBytes := x.([]byte); isBytes && (kw["encoding"] != nil || len(args) > 1) {
			return strings.ToValidUTF8(string(bs), "\uFFFD"), nil
		}
		return strOf(ctx, x)
	})
	b.Bytes = builtinTypeOf("bytes", func(v any) bool { _, ok := v.([]byte); return ok }, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		if len(args) == 0 {
			return []byte{}, nil
		}
		switch x := args[0].(type) {
		case string:
			return []byte(x), nil
		case []byte:
			return append([]byte{}, x...), nil
		case int64:
			if x < 0 {
				return nil, vinegar.New("ValueError", "negative count")
			}
			return make([]byte, x), nil
		}
		items, err := listOf(ctx, args[0])
		if err != nil {
			return nil, err
		}
		out := make([]byte, len(items))
		for i, it := range items {
			n, ok := it.(int64)
			if !ok || n < 0 || n > 255 {
				return nil, vinegar.New("ValueError", "bytes must be in range(0, 256)")
			}
			out[i] = byte(n)
		}
		return out, nil
	})
	b.Bool = builtinTypeOf("bool", func(v any) bool { _, ok := v.(bool); return ok }, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		x, ok, err := oneArg("bool", args)
		if err != nil || !ok {
			return false, err
		}
		return truthOf(ctx, x)
	})
	b.List = builtinTypeOf("list", isList, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		x, ok, err := oneArg("list", args)
		if err != nil || !ok {
			out := []any{}
			return &out, err
		}
		items, err := iterate(ctx, x)
		if err != nil {
			return nil, err
		}
		out := append([]any{}, items...)
		return &out, nil
	})
	b.Dict = builtinTypeOf("dict", isDict, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		x, ok, err := oneArg("dict", args)
		if err != nil {
			return nil, err
		}
		out := newPyDict()
		if ok {
			if err := out.updateFrom(ctx, x); err != nil {
				return nil, err
			}
		}
		for _, k := range sortedKeys(kw) {
			_ = out.set(k, kw[k])
		}
		return s.fresh(out)
	})
	b.Set = builtinTypeOf("set", isSet, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		x, ok, err := oneArg("set", args)
		if err != nil {
			return nil, err
		}
		var items []any
		if ok {
			if items, err = iterate(ctx, x); err != nil {
				return nil, err
			}
		}
		return s.fresh(classic.Set(items))
	})
	b.Tuple = builtinTypeOf("tuple", func(v any) bool { _, ok := v.(brine.Tuple); return ok }, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		x, ok, err := oneArg("tuple", args)
		if err != nil || !ok {
			return brine.Tuple{}, err
		}
		items, err := iterate(ctx, x)
		return brine.Tuple(items), err
	})
	b.Frozenset = builtinTypeOf("frozenset", func(v any) bool { _, ok := v.(brine.FrozenSet); return ok }, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		x, ok, err := oneArg("frozenset", args)
		if err != nil || !ok {
			return brine.FrozenSet{}, err
		}
		items, err := iterate(ctx, x)
		if err != nil {
			return nil, err
		}
		var out brine.FrozenSet
		seen := map[string]bool{}
		for _, it := range items {
			if k := brine.Repr(it); !seen[k] {
				seen[k] = true
				out = append(out, it)
			}
		}
		return out, nil
	})
	b.Object = builtinTypeOf("object", func(any) bool { return true }, nil)
	b.Type = builtinTypeOf("type", func(v any) bool { _, ok := v.(class); return ok }, func(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
		if len(args) != 1 {
			return nil, vinegar.New("TypeError", "type() takes 1 argument here (making classes needs execute)")
		}
		return b.typeOf(args[0]), nil
	})
	b.Exception, b.BaseException = vinegar.ErrException, vinegar.ErrBaseException
	b.ValueError, b.TypeError, b.KeyError = vinegar.ErrValueError, vinegar.ErrTypeError, vinegar.ErrKeyError
	b.IndexError, b.AttributeError, b.OSError = vinegar.ErrIndexError, vinegar.ErrAttributeError, vinegar.ErrOSError
	b.FileNotFoundError, b.FileExistsError = vinegar.ErrFileNotFoundError, vinegar.ErrFileExistsError
	b.PermissionError, b.RuntimeError = vinegar.ErrPermissionError, vinegar.ErrRuntimeError
	b.StopIteration, b.TimeoutError = vinegar.ErrStopIteration, vinegar.ErrTimeoutError
	b.NotImplementedErr, b.ZeroDivisionError = vinegar.ErrNotImplementedError, vinegar.ErrZeroDivisionError
	return b
}

// typeOf is type(v): one of the builtin classes for plain values, else
// a class named after v's Python type.
func (b *builtinsModule) typeOf(v any) any {
	switch v.(type) {
	case bool:
		return b.Bool
	case int64, int, *big.Int:
		return b.Int
	case float64:
		return b.Float
	case string:
		return b.Str
	case []byte:
		return b.Bytes
	case brine.Tuple:
		return b.Tuple
	case brine.FrozenSet:
		return b.Frozenset
	case class:
		return b.Type
	}
	switch {
	case isList(v):
		return b.List
	case isDict(v):
		return b.Dict
	case isSet(v):
		return b.Set
	}
	name := typeNameOf(v)
	mod, cls := "builtins", name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		mod, cls = name[:i], name[i+1:]
	}
	return &builtinType{classBase: newClassBase(mod, cls), is: func(x any) bool { return typeNameOf(x) == name }}
}

// RPyCParams gives the builtins Python's parameters.
func (b *builtinsModule) RPyCParams() map[string]string {
	return map[string]string{
		"Open":       "file, mode='r', buffering=-1, encoding=None, errors=None, newline=None",
		"Print":      "*args, sep=' ', end='\\n', file=None, flush=False",
		"Range":      "*args",
		"Sorted":     "iterable, key=None, reverse=False",
		"Sum":        "iterable, start=0",
		"Min":        "*args, key=None, default=None",
		"Max":        "*args, key=None, default=None",
		"Round":      "number, ndigits=None",
		"Enumerate":  "iterable, start=0",
		"Isinstance": "obj, class_or_tuple",
		"Issubclass": "cls, class_or_tuple",
		"Getattr":    "obj, name, *default",
		"Dir":        "*obj",
		"Map":        "function, iterable, *iterables",
		"Filter":     "function, iterable",
		"Pow":        "base, exp, mod=None",
	}
}

// RPyCNames hides the helpers that are not Python builtins.
func (b *builtinsModule) RPyCNames() map[string]string {
	return map[string]string{"NotImplementedErr": "NotImplementedError"}
}

// Open is builtins.open: a binary file object for modes with "b", a
// text file object (str in and out, UTF-8) otherwise.
func (b *builtinsModule) Open(ctx context.Context, file any, mode string, buffering int, encoding, errs, newline any) (any, error) {
	if fd, ok := file.(int64); ok {
		return nil, vinegar.New("NotImplementedError", fmt.Sprintf("open(%d): opening a file descriptor is not supported here; open a path", fd))
	}
	p, err := fspath(ctx, file)
	if err != nil {
		return nil, err
	}
	return openFile(p, mode)
}

// Len is builtins.len.
func (b *builtinsModule) Len(ctx context.Context, obj any) (int, error) {
	obj, err := hostCopy(ctx, obj)
	if err != nil {
		return 0, err
	}
	if n, ok := obj.(*rpyc.Netref); ok {
		return n.Len(ctx)
	}
	switch x := obj.(type) {
	case string:
		return utf8.RuneCountInString(x), nil
	case []byte:
		return len(x), nil
	case brine.Tuple:
		return len(x), nil
	case brine.FrozenSet:
		return len(x), nil
	case interface{ Len() int }:
		return x.Len(), nil
	}
	rv := reflect.ValueOf(obj)
	if rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Slice {
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Map, reflect.Array:
		return rv.Len(), nil
	}
	return 0, vinegar.New("TypeError", fmt.Sprintf("object of type '%s' has no len()", pyType(obj)))
}

// strOf is Python's str(x).
func strOf(ctx context.Context, x any) (string, error) {
	switch v := x.(type) {
	case *rpyc.Netref:
		return v.Str(ctx)
	case string:
		return v, nil
	case []byte:
		return brine.Repr(v), nil
	}
	return pyStr(x), nil
}

// Repr is builtins.repr, Python's quoting and all.
func (b *builtinsModule) Repr(ctx context.Context, obj any) (string, error) {
	if n, ok := obj.(*rpyc.Netref); ok {
		return n.Repr(ctx)
	}
	return pyRepr(obj), nil
}

// Ascii is builtins.ascii: repr with non-ASCII escaped.
func (b *builtinsModule) Ascii(ctx context.Context, obj any) (string, error) {
	r, err := b.Repr(ctx, obj)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for _, c := range r {
		switch {
		case c < 0x80:
			sb.WriteRune(c)
		case c <= 0xff:
			fmt.Fprintf(&sb, `\x%02x`, c)
		case c <= 0xffff:
			fmt.Fprintf(&sb, `\u%04x`, c)
		default:
			fmt.Fprintf(&sb, `\U%08x`, c)
		}
	}
	return sb.String(), nil
}

// toInt is builtins.int: numbers truncate, strings parse in base (with
// Python's underscores and surrounding space), anything else is a
// TypeError; a string that is not a number is Python's ValueError.
func toInt(x any, base int, baseGiven bool) (any, error) {
	switch v := x.(type) {
	case bool:
		if v {
			return int64(1), nil
		}
		return int64(0), nil
	case int64, *big.Int:
		if baseGiven {
			return nil, vinegar.New("TypeError", "int() can't convert non-string with explicit base")
		}
		return v, nil
	case float64:
		if math.IsInf(v, 0) {
			return nil, vinegar.New("OverflowError", "cannot convert float infinity to integer")
		}
		if math.IsNaN(v) {
			return nil, vinegar.New("ValueError", "cannot convert float NaN to integer")
		}
		if math.Abs(v) < 1<<62 {
			return int64(v), nil
		}
		bf := new(big.Float).SetFloat64(math.Trunc(v))
		n, _ := bf.Int(nil)
		return n, nil
	case string:
		return parseInt(v, base)
	case []byte:
		return parseInt(string(v), base)
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("int() argument must be a string, a bytes-like object or a real number, not '%s'", pyType(x)))
}

func parseInt(s string, base int) (any, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	b := base
	if base == 0 || base == 16 || base == 8 || base == 2 {
		low := strings.ToLower(strings.TrimLeft(t, "+-"))
		sign := t[:len(t)-len(strings.TrimLeft(t, "+-"))]
		for p, pb := range map[string]int{"0x": 16, "0o": 8, "0b": 2} {
			if strings.HasPrefix(low, p) && (base == 0 || base == pb) {
				t, b = sign+low[2:], pb
			}
		}
		if b == 0 {
			b = 10
		}
	}
	if n, err := strconv.ParseInt(t, b, 64); err == nil {
		return n, nil
	}
	if n, ok := new(big.Int).SetString(t, b); ok && t != "" {
		return n, nil
	}
	return nil, vinegar.New("ValueError", fmt.Sprintf("invalid literal for int() with base %d: %s", base, brine.Repr(s)))
}

// toFloat is builtins.float.
func toFloat(x any) (float64, error) {
	switch v := x.(type) {
	case string:
		t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(v), "_", ""))
		switch strings.TrimLeft(t, "+-") {
		case "inf", "infinity":
			if strings.HasPrefix(t, "-") {
				return math.Inf(-1), nil
			}
			return math.Inf(1), nil
		case "nan":
			return math.NaN(), nil
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return 0, vinegar.New("ValueError", "could not convert string to float: "+brine.Repr(v))
		}
		return f, nil
	}
	if f, ok := number(x); ok {
		return f, nil
	}
	return 0, vinegar.New("TypeError", fmt.Sprintf("float() argument must be a string or a real number, not '%s'", pyType(x)))
}

// truthOf is Python's bool(x), asking the client for its objects.
func truthOf(ctx context.Context, x any) (bool, error) {
	switch v := x.(type) {
	case *rpyc.Netref:
		if b, err := v.CallMethod(ctx, "__bool__"); err == nil {
			t, _ := b.(bool)
			return t, nil
		}
		if n, err := v.Len(ctx); err == nil {
			return n > 0, nil
		}
		return true, nil
	case interface{ Len() int }:
		return v.Len() > 0, nil
	}
	if isList(x) || isDict(x) {
		rv := reflect.ValueOf(x)
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		return rv.Len() > 0, nil
	}
	return truthy(x), nil
}

// Print is builtins.print: to file, or to this connection's sys.stdout.
func (b *builtinsModule) Print(ctx context.Context, sep, end string, file any, flush bool, args ...any) error {
	parts := make([]string, len(args))
	for i, a := range args {
		s, err := strOf(ctx, a)
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
	out := []int64{}
	for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
		if len(out) == maxItems {
			return nil, vinegar.New("MemoryError", "range too large for this server (over 16M items)")
		}
		out = append(out, i)
	}
	return out, nil
}

// iterate reads any iterable: a client's object (copied or iterated), a
// str, a tuple, a list, a dict (its keys), one of our iterables.
func iterate(ctx context.Context, v any) ([]any, error) {
	switch x := v.(type) {
	case interface{ Iter() iter.Seq[any] }:
		var out []any
		for it := range x.Iter() {
			out = append(out, it)
		}
		return out, nil
	case iter.Seq[any]:
		var out []any
		for it := range x {
			out = append(out, it)
		}
		return out, nil
	case brine.FrozenSet:
		return []any(x), nil
	}
	if isDict(v) {
		if m, ok := v.(map[any]any); ok {
			return sortedAnyKeys(m), nil
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Map {
			var out []any
			for _, k := range rv.MapKeys() {
				out = append(out, k.Interface())
			}
			sortValues(out)
			return out, nil
		}
	}
	return listOf(ctx, v)
}

// Sorted is builtins.sorted(iterable, key=None, reverse=False): a new
// list; TypeError for items Python cannot order.
func (b *builtinsModule) Sorted(ctx context.Context, iterable, key any, reverse bool) (*[]any, error) {
	items, err := iterate(ctx, iterable)
	if err != nil {
		return nil, err
	}
	out, err := sortItems(ctx, items, key, reverse)
	return &out, err
}

// sortItems sorts stably by key, as Python's sort.
func sortItems(ctx context.Context, items []any, key any, reverse bool) ([]any, error) {
	keys := items
	if key != nil {
		keys = make([]any, len(items))
		for i, it := range items {
			k, err := callValue(ctx, key, it)
			if err != nil {
				return nil, err
			}
			keys[i] = k
		}
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	var cmpErr error
	less := func(a, b int) bool {
		c, ok := compareValues(keys[a], keys[b])
		if !ok && cmpErr == nil {
			cmpErr = vinegar.New("TypeError", fmt.Sprintf("'<' not supported between instances of '%s' and '%s'", pyType(keys[a]), pyType(keys[b])))
		}
		if reverse {
			return c > 0
		}
		return c < 0
	}
	stableSort(idx, less)
	if cmpErr != nil {
		return nil, cmpErr
	}
	out := make([]any, len(items))
	for i, j := range idx {
		out[i] = items[j]
	}
	return out, nil
}

// Reversed is builtins.reversed: an iterator over the items backwards.
func (b *builtinsModule) Reversed(ctx context.Context, seq any) (iter.Seq[any], error) {
	items, err := iterate(ctx, seq)
	if err != nil {
		return nil, err
	}
	rev := make([]any, len(items))
	for i, it := range items {
		rev[len(items)-1-i] = it
	}
	return seqOf(rev), nil
}

// Sum is builtins.sum(iterable, start=0).
func (b *builtinsModule) Sum(ctx context.Context, iterable, start any) (any, error) {
	items, err := iterate(ctx, iterable)
	if err != nil {
		return nil, err
	}
	acc := start
	for _, it := range items {
		if acc, err = add(acc, it); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// add is a + b for numbers (and str, bytes, tuples, as Python's + does).
func add(a, b any) (any, error) {
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			s := x + y
			if (s > x) == (y > 0) {
				return s, nil
			}
			return new(big.Int).Add(big.NewInt(x), big.NewInt(y)), nil
		}
	}
	if isInt(a) && isInt(b) {
		return new(big.Int).Add(bigOf(a), bigOf(b)), nil
	}
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return x + y, nil
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return x + y, nil
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return append(append([]byte{}, x...), y...), nil
		}
	case brine.Tuple:
		if y, ok := b.(brine.Tuple); ok {
			return append(append(brine.Tuple{}, x...), y...), nil
		}
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("unsupported operand type(s) for +: '%s' and '%s'", pyType(a), pyType(b)))
}

func bigOf(v any) *big.Int {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x)
	case bool:
		if x {
			return big.NewInt(1)
		}
		return big.NewInt(0)
	case *big.Int:
		return x
	}
	return big.NewInt(0)
}

// minMax is min and max: over one iterable or several arguments.
func minMax(ctx context.Context, name string, args []any, key, def any, want int) (any, error) {
	items := args
	if len(args) == 1 {
		var err error
		if items, err = iterate(ctx, args[0]); err != nil {
			return nil, err
		}
	}
	if len(args) == 0 {
		return nil, vinegar.New("TypeError", fmt.Sprintf("%s expected at least 1 argument, got 0", name))
	}
	if len(items) == 0 {
		if def != nil {
			return def, nil
		}
		return nil, vinegar.New("ValueError", name+"() arg is an empty sequence")
	}
	best, bestKey := items[0], items[0]
	if key != nil {
		k, err := callValue(ctx, key, best)
		if err != nil {
			return nil, err
		}
		bestKey = k
	}
	for _, it := range items[1:] {
		k := it
		if key != nil {
			var err error
			if k, err = callValue(ctx, key, it); err != nil {
				return nil, err
			}
		}
		c, ok := compareValues(k, bestKey)
		if !ok {
			return nil, vinegar.New("TypeError", fmt.Sprintf("'%s' not supported between instances of '%s' and '%s'",
				map[int]string{-1: "<", 1: ">"}[want], pyType(k), pyType(bestKey)))
		}
		if c == want {
			best, bestKey = it, k
		}
	}
	return best, nil
}

// Min is builtins.min.
func (b *builtinsModule) Min(ctx context.Context, key, def any, args ...any) (any, error) {
	return minMax(ctx, "min", args, key, def, -1)
}

// Max is builtins.max.
func (b *builtinsModule) Max(ctx context.Context, key, def any, args ...any) (any, error) {
	return minMax(ctx, "max", args, key, def, 1)
}

// Abs is builtins.abs.
func (b *builtinsModule) Abs(x any) (any, error) {
	switch v := x.(type) {
	case int64:
		if v < 0 {
			if v == math.MinInt64 {
				return new(big.Int).Neg(big.NewInt(v)), nil
			}
			return -v, nil
		}
		return v, nil
	case *big.Int:
		return new(big.Int).Abs(v), nil
	case float64:
		return math.Abs(v), nil
	case bool:
		return bigOf(v).Int64(), nil
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("bad operand type for abs(): '%s'", pyType(x)))
}

// Round is builtins.round(number, ndigits=None): half to even, as
// Python's, on the float's exact value.
func (b *builtinsModule) Round(x, ndigits any) (any, error) {
	switch v := x.(type) {
	case int64:
		if ndigits == nil {
			return v, nil
		}
		n, _ := ndigits.(int64)
		if n >= 0 {
			return v, nil
		}
		p := int64(math.Pow10(int(-n)))
		q, r := v/p, v%p
		if r < 0 {
			q, r = q-1, r+p
		}
		if 2*r > p || (2*r == p && q%2 != 0) {
			q++
		}
		return q * p, nil
	case bool:
		return b.Round(bigOf(v).Int64(), ndigits)
	case float64:
		if ndigits == nil {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, vinegar.New("OverflowError", "cannot convert float infinity to integer")
			}
			return toInt(math.RoundToEven(v), 10, false)
		}
		n, _ := ndigits.(int64)
		if n >= 0 {
			f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', int(n), 64), 64)
			return f, nil
		}
		p := math.Pow10(int(-n))
		return math.RoundToEven(v/p) * p, nil
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("type %s doesn't define __round__ method", pyType(x)))
}

// Divmod is builtins.divmod: (a // b, a % b) with Python's floor rules.
func (b *builtinsModule) Divmod(x, y any) (brine.Tuple, error) {
	if a, ok := x.(int64); ok {
		if c, ok := y.(int64); ok {
			if c == 0 {
				return nil, vinegar.New("ZeroDivisionError", "integer division or modulo by zero")
			}
			q, r := a/c, a%c
			if r != 0 && (r < 0) != (c < 0) {
				q, r = q-1, r+c
			}
			return brine.Tuple{q, r}, nil
		}
	}
	a, ok1 := number(x)
	c, ok2 := number(y)
	if !ok1 || !ok2 {
		return nil, vinegar.New("TypeError", fmt.Sprintf("unsupported operand type(s) for divmod(): '%s' and '%s'", pyType(x), pyType(y)))
	}
	if c == 0 {
		return nil, vinegar.New("ZeroDivisionError", "float divmod()")
	}
	m := math.Mod(a, c)
	if m != 0 && (m < 0) != (c < 0) {
		m += c
	}
	return brine.Tuple{math.Floor((a - m) / c), m}, nil
}

// Pow is builtins.pow(base, exp, mod=None).
func (b *builtinsModule) Pow(base, exp, mod any) (any, error) {
	if isInt(base) && isInt(exp) {
		e := bigOf(exp)
		var m *big.Int
		if mod != nil {
			if !isInt(mod) {
				return nil, vinegar.New("TypeError", "pow() 3rd argument not allowed unless all arguments are integers")
			}
			m = bigOf(mod)
		}
		if e.Sign() >= 0 {
			r := new(big.Int).Exp(bigOf(base), e, m)
			if r.IsInt64() {
				return r.Int64(), nil
			}
			return r, nil
		}
	}
	x, ok1 := number(base)
	y, ok2 := number(exp)
	if !ok1 || !ok2 {
		return nil, vinegar.New("TypeError", fmt.Sprintf("unsupported operand type(s) for ** or pow(): '%s' and '%s'", pyType(base), pyType(exp)))
	}
	if x == 0 && y < 0 {
		return nil, vinegar.New("ZeroDivisionError", "0.0 cannot be raised to a negative power")
	}
	return math.Pow(x, y), nil
}

// Hex is builtins.hex.
func (b *builtinsModule) Hex(x any) (string, error) { return intText(x, 16, "0x") }

// Oct is builtins.oct.
func (b *builtinsModule) Oct(x any) (string, error) { return intText(x, 8, "0o") }

// Bin is builtins.bin.
func (b *builtinsModule) Bin(x any) (string, error) { return intText(x, 2, "0b") }

func intText(x any, base int, prefix string) (string, error) {
	if !isInt(x) {
		return "", vinegar.New("TypeError", fmt.Sprintf("'%s' object cannot be interpreted as an integer", pyType(x)))
	}
	n := bigOf(x)
	if n.Sign() < 0 {
		return "-" + prefix + new(big.Int).Neg(n).Text(base), nil
	}
	return prefix + n.Text(base), nil
}

// Chr is builtins.chr.
func (b *builtinsModule) Chr(i int64) (string, error) {
	if i < 0 || i > 0x10ffff {
		return "", vinegar.New("ValueError", "chr() arg not in range(0x110000)")
	}
	return string(rune(i)), nil
}

// Ord is builtins.ord.
func (b *builtinsModule) Ord(c any) (int64, error) {
	switch v := c.(type) {
	case string:
		if n := utf8.RuneCountInString(v); n != 1 {
			return 0, vinegar.New("TypeError", fmt.Sprintf("ord() expected a character, but string of length %d found", n))
		}
		r, _ := utf8.DecodeRuneInString(v)
		return int64(r), nil
	case []byte:
		if len(v) != 1 {
			return 0, vinegar.New("TypeError", fmt.Sprintf("ord() expected a character, but string of length %d found", len(v)))
		}
		return int64(v[0]), nil
	}
	return 0, vinegar.New("TypeError", fmt.Sprintf("ord() expected string of length 1, but %s found", pyType(c)))
}

// Any is builtins.any.
func (b *builtinsModule) Any(ctx context.Context, iterable any) (bool, error) {
	items, err := iterate(ctx, iterable)
	if err != nil {
		return false, err
	}
	for _, it := range items {
		if t, err := truthOf(ctx, it); err != nil || t {
			return t, err
		}
	}
	return false, nil
}

// All is builtins.all.
func (b *builtinsModule) All(ctx context.Context, iterable any) (bool, error) {
	items, err := iterate(ctx, iterable)
	if err != nil {
		return false, err
	}
	for _, it := range items {
		if t, err := truthOf(ctx, it); err != nil || !t {
			return false, err
		}
	}
	return true, nil
}

// Enumerate is builtins.enumerate: (index, item) pairs.
func (b *builtinsModule) Enumerate(ctx context.Context, iterable any, start int64) (iter.Seq[any], error) {
	items, err := iterate(ctx, iterable)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = brine.Tuple{start + int64(i), it}
	}
	return seqOf(out), nil
}

// Zip is builtins.zip: tuples of the items at each position, as long as
// the shortest iterable.
func (b *builtinsModule) Zip(ctx context.Context, iterables ...any) (iter.Seq[any], error) {
	lists := make([][]any, len(iterables))
	n := -1
	for i, it := range iterables {
		items, err := iterate(ctx, it)
		if err != nil {
			return nil, err
		}
		lists[i] = items
		if n < 0 || len(items) < n {
			n = len(items)
		}
	}
	var out []any
	for i := 0; i < n; i++ {
		t := make(brine.Tuple, len(lists))
		for j := range lists {
			t[j] = lists[j][i]
		}
		out = append(out, t)
	}
	return seqOf(out), nil
}

// Map is builtins.map: function applied to the items (of several
// iterables in step), lazily, as Python's map object.
func (b *builtinsModule) Map(ctx context.Context, function, iterable any, more ...any) (iter.Seq[any], error) {
	lists := [][]any{}
	n := -1
	for _, it := range append([]any{iterable}, more...) {
		items, err := iterate(ctx, it)
		if err != nil {
			return nil, err
		}
		lists = append(lists, items)
		if n < 0 || len(items) < n {
			n = len(items)
		}
	}
	return func(yield func(any) bool) {
		for i := 0; i < n; i++ {
			args := make([]any, len(lists))
			for j := range lists {
				args[j] = lists[j][i]
			}
			v, err := callValue(ctx, function, args...)
			if err != nil {
				v = err
			}
			if !yield(v) {
				return
			}
		}
	}, nil
}

// Filter is builtins.filter: the items for which function is true (or
// which are true, for None).
func (b *builtinsModule) Filter(ctx context.Context, function, iterable any) (iter.Seq[any], error) {
	items, err := iterate(ctx, iterable)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, it := range items {
		v := it
		if function != nil {
			if v, err = callValue(ctx, function, it); err != nil {
				return nil, err
			}
		}
		if t, err := truthOf(ctx, v); err != nil {
			return nil, err
		} else if t {
			out = append(out, it)
		}
	}
	return seqOf(out), nil
}

// Isinstance is builtins.isinstance(obj, class_or_tuple).
func (b *builtinsModule) Isinstance(ctx context.Context, obj, classOrTuple any) (bool, error) {
	return isInstance(ctx, obj, classOrTuple)
}

// Issubclass is builtins.issubclass(cls, class_or_tuple), for this
// server's classes.
func (b *builtinsModule) Issubclass(ctx context.Context, cls, classOrTuple any) (bool, error) {
	c, ok := cls.(class)
	if !ok {
		if ec, ok := cls.(*vinegar.Class); ok {
			switch t := classOrTuple.(type) {
			case *vinegar.Class:
				return ec.IsSubclassOf(t), nil
			case brine.Tuple:
				for _, x := range t {
					if xc, ok := x.(*vinegar.Class); ok && ec.IsSubclassOf(xc) {
						return true, nil
					}
				}
				return false, nil
			}
		}
		return false, vinegar.New("TypeError", "issubclass() arg 1 must be a class")
	}
	targets := brine.Tuple{classOrTuple}
	if t, ok := classOrTuple.(brine.Tuple); ok {
		targets = t
	}
	for _, t := range targets {
		tc, ok := t.(class)
		if !ok {
			return false, vinegar.New("TypeError", "issubclass() arg 2 must be a class, a tuple of classes, or a union")
		}
		if tc.qualName() == c.qualName() || tc.qualName() == "builtins.object" ||
			(tc.qualName() == "builtins.int" && c.qualName() == "builtins.bool") {
			return true, nil
		}
	}
	return false, nil
}

// Callable is builtins.callable.
func (b *builtinsModule) Callable(ctx context.Context, obj any) bool {
	switch x := obj.(type) {
	case *rpyc.Netref:
		ok, err := b.Hasattr(ctx, x, "__call__")
		return err == nil && ok
	case class:
		return true
	}
	return rpyc.IsCallable(obj)
}

// Getattr is builtins.getattr(obj, name[, default]).
func (b *builtinsModule) Getattr(ctx context.Context, obj any, name string, def ...any) (any, error) {
	if n, ok := obj.(*rpyc.Netref); ok {
		v, err := n.GetAttr(ctx, name)
		if err != nil && len(def) > 0 && vinegarIs(err, vinegar.ErrAttributeError) {
			return def[0], nil
		}
		return v, err
	}
	if v, ok := lookupAttr(obj, name); ok {
		return v, nil
	}
	if len(def) > 0 {
		return def[0], nil
	}
	return nil, vinegar.New("AttributeError", fmt.Sprintf("'%s' object has no attribute '%s'", pyType(obj), name))
}

// Hasattr is builtins.hasattr.
func (b *builtinsModule) Hasattr(ctx context.Context, obj any, name string) (bool, error) {
	if n, ok := obj.(*rpyc.Netref); ok {
		_, err := n.GetAttr(ctx, name)
		if err == nil {
			return true, nil
		}
		if vinegarIs(err, vinegar.ErrAttributeError) {
			return false, nil
		}
		return false, err
	}
	_, ok := lookupAttr(obj, name)
	return ok, nil
}

// Dir is builtins.dir(obj): the object's attribute names, sorted.
func (b *builtinsModule) Dir(ctx context.Context, obj ...any) ([]any, error) {
	if len(obj) == 0 {
		return []any{}, nil
	}
	if n, ok := obj[0].(*rpyc.Netref); ok {
		names, err := n.Dir(ctx)
		if err != nil {
			return nil, err
		}
		return stringList(names), nil
	}
	return stringList(attrNames(obj[0])), nil
}

// Id is builtins.id: an identity number for the object.
func (b *builtinsModule) Id(obj any) int64 {
	rv := reflect.ValueOf(obj)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return int64(rv.Pointer())
	}
	return int64(len(brine.Repr(obj)))
}

// Hash is builtins.hash, for plain values.
func (b *builtinsModule) Hash(ctx context.Context, obj any) (int64, error) {
	if n, ok := obj.(*rpyc.Netref); ok {
		h, err := n.Hash(ctx)
		return int64(h), err
	}
	if isList(obj) || isDict(obj) {
		return 0, vinegar.New("TypeError", fmt.Sprintf("unhashable type: '%s'", pyType(obj)))
	}
	var h int64 = 5381
	for _, c := range brine.Repr(obj) {
		h = h*33 + int64(c)
	}
	return h, nil
}

// vinegarIs reports whether err is a Python exception of class c.
func vinegarIs(err error, c *vinegar.Class) bool {
	var e *vinegar.Exception
	if asErr(err, &e) {
		return e.Is(c)
	}
	return false
}
