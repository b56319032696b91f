package slave

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/vinegar"
)

// jsonModule is Python's json: dumps and dump write exactly what
// Python's encoder writes (separators, indent, ensure_ascii, sort_keys,
// NaN and Infinity, keys made strings), loads and load read what
// Python's decoder reads (objects as dicts in document order, big
// integers, NaN), and raise json.JSONDecodeError with Python's message,
// msg, doc, pos, lineno and colno.
type jsonModule struct {
	Module
	s *SlaveService // makes the decoded values
	// JSONDecodeError is the decoding error class (a ValueError).
	JSONDecodeError *vinegar.Class `rpyc:"JSONDecodeError"`
}

func newJSON(s *SlaveService) *jsonModule {
	return &jsonModule{Module: newModule("json"), s: s, JSONDecodeError: errJSONDecodeError}
}

const jsonDumpsParams = "skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True, cls=None, " +
	"indent=None, separators=None, default=None, sort_keys=False"

// RPyCParams gives the functions Python's keyword arguments.
func (m *jsonModule) RPyCParams() map[string]string {
	loads := "cls=None, object_hook=None, parse_float=None, parse_int=None, parse_constant=None, object_pairs_hook=None"
	return map[string]string{
		"Dumps": "obj, " + jsonDumpsParams,
		"Dump":  "obj, fp, " + jsonDumpsParams,
		"Loads": "s, " + loads,
		"Load":  "fp, " + loads,
	}
}

// jsonEncoder holds dumps' options.
type jsonEncoder struct {
	ctx                                   context.Context
	skipKeys, ensureASCII, allowNaN, sort bool
	indent                                string
	hasIndent                             bool
	itemSep, keySep                       string
	def                                   any
}

// Dumps is json.dumps.
func (m *jsonModule) Dumps(ctx context.Context, obj any, skipkeys, ensureASCII, checkCircular, allowNaN bool,
	cls, indent, separators, def any, sortKeys bool) (string, error) {
	e := &jsonEncoder{ctx: ctx, skipKeys: skipkeys, ensureASCII: ensureASCII, allowNaN: allowNaN, sort: sortKeys, def: def,
		itemSep: ", ", keySep: ": "}
	if cls != nil {
		return "", vinegar.New("NotImplementedError", "json.dumps(cls=...): encoder classes are not supported by this server; use default=")
	}
	switch x := indent.(type) {
	case nil:
	case int64:
		e.indent, e.hasIndent = strings.Repeat(" ", int(max(x, 0))), true
	case string:
		e.indent, e.hasIndent = x, true
	default:
		return "", vinegar.New("TypeError", "indent must be an int or a str")
	}
	if e.hasIndent {
		e.itemSep = ","
	}
	if separators != nil {
		seps, err := listOf(ctx, separators)
		if err != nil || len(seps) != 2 {
			return "", vinegar.New("ValueError", "separators must be an (item_separator, key_separator) tuple")
		}
		e.itemSep, _ = seps[0].(string)
		e.keySep, _ = seps[1].(string)
	}
	var b strings.Builder
	if err := e.encode(&b, obj, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Dump is json.dump: dumps written to fp (a file of ours or the
// client's).
func (m *jsonModule) Dump(ctx context.Context, obj, fp any, skipkeys, ensureASCII, checkCircular, allowNaN bool,
	cls, indent, separators, def any, sortKeys bool) error {
	s, err := m.Dumps(ctx, obj, skipkeys, ensureASCII, checkCircular, allowNaN, cls, indent, separators, def, sortKeys)
	if err != nil {
		return err
	}
	return writeStream(ctx, fp, s)
}

func (e *jsonEncoder) newline(b *strings.Builder, depth int) {
	if e.hasIndent {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(e.indent, depth))
	}
}

func (e *jsonEncoder) encode(b *strings.Builder, v any, depth int) error {
	if depth > 500 {
		return vinegar.New("RecursionError", "maximum recursion depth exceeded while encoding a JSON object")
	}
	v, err := hostCopy(e.ctx, v)
	if err != nil {
		return err
	}
	if _, isSet := v.(classic.Set); isSet {
		return e.fallback(b, v, depth)
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
		return nil
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
		return nil
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
		return nil
	case int:
		b.WriteString(strconv.Itoa(x))
		return nil
	case *big.Int:
		b.WriteString(x.String())
		return nil
	case float64:
		s, err := e.float(x)
		b.WriteString(s)
		return err
	case string:
		b.WriteString(jsonQuote(x, e.ensureASCII))
		return nil
	case *rpyc.Netref:
		data, err := toData(e.ctx, x, 0)
		if err != nil {
			return err
		}
		if data == v {
			return e.fallback(b, v, depth)
		}
		return e.encode(b, data, depth)
	case *pyDict:
		return e.object(b, x.items(), depth)
	case brine.Tuple:
		return e.array(b, x, depth)
	}
	if items, ok := sliceItems(v); ok {
		return e.array(b, items, depth)
	}
	if isList(v) {
		items, err := listOf(e.ctx, v)
		if err != nil {
			return err
		}
		return e.array(b, items, depth)
	}
	if isDict(v) {
		d := newPyDict()
		if err := d.updateFrom(e.ctx, v); err != nil {
			return err
		}
		return e.object(b, d.items(), depth)
	}
	return e.fallback(b, v, depth)
}

// fallback is what dumps does with a value it cannot encode: default(v)
// when given, else TypeError.
func (e *jsonEncoder) fallback(b *strings.Builder, v any, depth int) error {
	if e.def != nil {
		r, err := callValue(e.ctx, e.def, v)
		if err != nil {
			return err
		}
		return e.encode(b, r, depth)
	}
	return vinegar.New("TypeError", fmt.Sprintf("Object of type %s is not JSON serializable", pyType(v)))
}

func (e *jsonEncoder) float(f float64) (string, error) {
	switch {
	case math.IsNaN(f):
		if !e.allowNaN {
			return "", vinegar.New("ValueError", "Out of range float values are not JSON compliant")
		}
		return "NaN", nil
	case math.IsInf(f, 1):
		if !e.allowNaN {
			return "", vinegar.New("ValueError", "Out of range float values are not JSON compliant")
		}
		return "Infinity", nil
	case math.IsInf(f, -1):
		if !e.allowNaN {
			return "", vinegar.New("ValueError", "Out of range float values are not JSON compliant")
		}
		return "-Infinity", nil
	}
	return brine.FloatRepr(f), nil
}

func (e *jsonEncoder) array(b *strings.Builder, items []any, depth int) error {
	if len(items) == 0 {
		b.WriteString("[]")
		return nil
	}
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteString(e.itemSep)
		}
		e.newline(b, depth+1)
		if err := e.encode(b, it, depth+1); err != nil {
			return err
		}
	}
	e.newline(b, depth)
	b.WriteByte(']')
	return nil
}

func (e *jsonEncoder) object(b *strings.Builder, items [][2]any, depth int) error {
	if len(items) == 0 {
		b.WriteString("{}")
		return nil
	}
	if e.sort {
		sorted := append([][2]any{}, items...)
		var cmpErr error
		stableSortFunc(sorted, func(x, y [2]any) bool {
			c, ok := compareValues(x[0], y[0])
			if !ok && cmpErr == nil {
				cmpErr = vinegar.New("TypeError", fmt.Sprintf("'<' not supported between instances of '%s' and '%s'", pyType(x[0]), pyType(y[0])))
			}
			return c < 0
		})
		if cmpErr != nil {
			return cmpErr
		}
		items = sorted
	}
	b.WriteByte('{')
	first := true
	for _, kv := range items {
		key, ok, err := e.key(kv[0])
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if !first {
			b.WriteString(e.itemSep)
		}
		first = false
		e.newline(b, depth+1)
		b.WriteString(jsonQuote(key, e.ensureASCII))
		b.WriteString(e.keySep)
		if err := e.encode(b, kv[1], depth+1); err != nil {
			return err
		}
	}
	e.newline(b, depth)
	b.WriteByte('}')
	return nil
}

// key is a dict key as JSON's string, as Python converts it; ok is false
// for a key skipkeys skips.
func (e *jsonEncoder) key(k any) (string, bool, error) {
	switch x := k.(type) {
	case string:
		return x, true, nil
	case bool:
		if x {
			return "true", true, nil
		}
		return "false", true, nil
	case nil:
		return "null", true, nil
	case float64:
		s, err := e.float(x)
		return s, true, err
	}
	if isInt(k) {
		return bigOf(normInt(k)).String(), true, nil
	}
	if e.skipKeys {
		return "", false, nil
	}
	return "", false, vinegar.New("TypeError", fmt.Sprintf("keys must be str, int, float, bool or None, not %s", pyType(k)))
}

// jsonQuote is Python's JSON string: escapes for quotes, backslashes and
// control characters, and (ensure_ascii) \uXXXX for all but ASCII.
func jsonQuote(s string, ascii bool) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20:
				fmt.Fprintf(&b, `\u%04x`, r)
			case r < 0x7f || !ascii:
				b.WriteRune(r)
			case r > 0xffff:
				a, c := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, a, c)
			default:
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Loads is json.loads.
func (m *jsonModule) Loads(ctx context.Context, s any, cls, objectHook, parseFloat, parseInt, parseConstant, objectPairsHook any) (any, error) {
	var text string
	switch x := s.(type) {
	case string:
		text = x
	case []byte:
		text = strings.TrimPrefix(strings.ToValidUTF8(string(x), "\uFFFD"), "\ufeff")
	default:
		return nil, vinegar.New("TypeError", fmt.Sprintf("the JSON object must be str, bytes or bytearray, not %s", pyType(s)))
	}
	if strings.HasPrefix(text, "\ufeff") {
		return nil, jsonError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
	}
	if cls != nil {
		return nil, vinegar.New("NotImplementedError", "json.loads(cls=...): decoder classes are not supported by this server; use object_hook or object_pairs_hook")
	}
	d := &jsonDecoder{s: text, ctx: ctx, objectHook: objectHook, pairsHook: objectPairsHook,
		parseFloat: parseFloat, parseInt: parseInt, parseConstant: parseConstant, fresh: m.freshValue}
	v, err := d.value(d.skip(0), 0)
	if err != nil {
		return nil, err
	}
	end := d.skip(d.pos)
	if end != len(text) {
		return nil, jsonError("Extra data", text, end)
	}
	return m.freshValue(v)
}

// freshValue is a decoded value as the interpreter's own containers.
func (m *jsonModule) freshValue(v any) (any, error) {
	if m.s == nil {
		return v, nil
	}
	return m.s.fresh(v)
}

// Load is json.load: loads of fp.read().
func (m *jsonModule) Load(ctx context.Context, fp any, cls, objectHook, parseFloat, parseInt, parseConstant, objectPairsHook any) (any, error) {
	var text any
	switch f := fp.(type) {
	case *TextFile:
		s, err := f.Read(-1)
		if err != nil {
			return nil, err
		}
		text = s
	case *rpyc.Netref:
		v, err := f.CallMethod(ctx, "read")
		if err != nil {
			return nil, err
		}
		text = v
	default:
		r, ok := fileReader(fp)
		if !ok {
			return nil, vinegar.New("AttributeError", fmt.Sprintf("'%s' object has no attribute 'read'", pyType(fp)))
		}
		buf := new(strings.Builder)
		if _, err := copyAll(buf, r); err != nil {
			return nil, err
		}
		text = buf.String()
	}
	return m.Loads(ctx, text, cls, objectHook, parseFloat, parseInt, parseConstant, objectPairsHook)
}

// jsonError is json.JSONDecodeError(msg, doc, pos) with Python's
// attributes and message "msg: line L column C (char P)"; positions
// count characters, as Python's do.
func jsonError(msg, doc string, pos int) error {
	cpos := utf8.RuneCountInString(doc[:pos])
	line := strings.Count(doc[:pos], "\n") + 1
	col := cpos + 1
	if i := strings.LastIndexByte(doc[:pos], '\n'); i >= 0 {
		col = utf8.RuneCountInString(doc[i+1:pos]) + 1
	}
	full := fmt.Sprintf("%s: line %d column %d (char %d)", msg, line, col, cpos)
	return errJSONDecodeError.New(full).WithAttr("colno", int64(col)).WithAttr("doc", doc).
		WithAttr("lineno", int64(line)).WithAttr("msg", msg).WithAttr("pos", int64(cpos))
}

// jsonDecoder parses JSON text as Python's decoder.
type jsonDecoder struct {
	s   string
	pos int
	// The hooks json.loads takes, when given: each object (as a dict,
	// or as a list of pairs) and each number or constant's text go
	// through them, as they do in Python.
	ctx                                 context.Context
	objectHook, pairsHook               any
	parseFloat, parseInt, parseConstant any
	fresh                               func(any) (any, error)
}

// hooked calls hook with the value fresh makes of v (a dict or list of
// the interpreter, so code's hook gets a real one).
func (d *jsonDecoder) hooked(hook, v any) (any, error) {
	arg, err := d.fresh(v)
	if err != nil {
		return nil, err
	}
	return callValue(d.ctx, hook, arg)
}

func (d *jsonDecoder) skip(i int) int {
	for i < len(d.s) && (d.s[i] == ' ' || d.s[i] == '\t' || d.s[i] == '\n' || d.s[i] == '\r') {
		i++
	}
	return i
}

func (d *jsonDecoder) value(i, depth int) (any, error) {
	if depth > 1000 {
		return nil, vinegar.New("RecursionError", "maximum recursion depth exceeded while decoding a JSON document")
	}
	if i >= len(d.s) {
		return nil, jsonError("Expecting value", d.s, i)
	}
	switch c := d.s[i]; {
	case c == '"':
		s, err := d.str(i)
		return s, err
	case c == '{':
		return d.object(i, depth)
	case c == '[':
		return d.array(i, depth)
	case strings.HasPrefix(d.s[i:], "null"):
		d.pos = i + 4
		return nil, nil
	case strings.HasPrefix(d.s[i:], "true"):
		d.pos = i + 4
		return true, nil
	case strings.HasPrefix(d.s[i:], "false"):
		d.pos = i + 5
		return false, nil
	case strings.HasPrefix(d.s[i:], "NaN"):
		d.pos = i + 3
		return d.constant("NaN", math.NaN())
	case strings.HasPrefix(d.s[i:], "Infinity"):
		d.pos = i + 8
		return d.constant("Infinity", math.Inf(1))
	case strings.HasPrefix(d.s[i:], "-Infinity"):
		d.pos = i + 9
		return d.constant("-Infinity", math.Inf(-1))
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number(i)
	}
	return nil, jsonError("Expecting value", d.s, i)
}

// constant is NaN or an infinity, through parse_constant when given.
func (d *jsonDecoder) constant(text string, v float64) (any, error) {
	if d.parseConstant != nil {
		return callValue(d.ctx, d.parseConstant, text)
	}
	return v, nil
}

func (d *jsonDecoder) number(i int) (any, error) {
	j := i
	if j < len(d.s) && d.s[j] == '-' {
		j++
	}
	start := j
	if j < len(d.s) && d.s[j] == '0' {
		j++
	} else {
		for j < len(d.s) && d.s[j] >= '0' && d.s[j] <= '9' {
			j++
		}
	}
	if j == start {
		return nil, jsonError("Expecting value", d.s, i)
	}
	isFloat := false
	if j+1 < len(d.s) && d.s[j] == '.' && d.s[j+1] >= '0' && d.s[j+1] <= '9' {
		isFloat = true
		j++
		for j < len(d.s) && d.s[j] >= '0' && d.s[j] <= '9' {
			j++
		}
	}
	if j < len(d.s) && (d.s[j] == 'e' || d.s[j] == 'E') {
		k := j + 1
		if k < len(d.s) && (d.s[k] == '+' || d.s[k] == '-') {
			k++
		}
		if k < len(d.s) && d.s[k] >= '0' && d.s[k] <= '9' {
			for k < len(d.s) && d.s[k] >= '0' && d.s[k] <= '9' {
				k++
			}
			isFloat, j = true, k
		}
	}
	d.pos = j
	text := d.s[i:j]
	if isFloat && d.parseFloat != nil {
		return callValue(d.ctx, d.parseFloat, text)
	}
	if !isFloat && d.parseInt != nil {
		return callValue(d.ctx, d.parseInt, text)
	}
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !math.IsInf(f, 0) {
			return nil, jsonError("Expecting value", d.s, i)
		}
		return f, nil
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, nil
	}
	n, _ := new(big.Int).SetString(text, 10)
	return n, nil
}

func (d *jsonDecoder) str(i int) (string, error) {
	var b strings.Builder
	j := i + 1
	for {
		if j >= len(d.s) {
			return "", jsonError("Unterminated string starting at", d.s, i)
		}
		c := d.s[j]
		switch {
		case c == '"':
			d.pos = j + 1
			return b.String(), nil
		case c < 0x20:
			return "", jsonError("Invalid control character at", d.s, j)
		case c == '\\':
			if j+1 >= len(d.s) {
				return "", jsonError("Unterminated string starting at", d.s, i)
			}
			esc := d.s[j+1]
			switch esc {
			case '"', '\\', '/':
				b.WriteByte(esc)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, n, ok := d.unicode(j)
				if !ok {
					return "", jsonError("Invalid \\uXXXX escape", d.s, j)
				}
				b.WriteRune(r)
				j += n
				continue
			default:
				return "", jsonError("Invalid \\escape", d.s, j)
			}
			j += 2
		default:
			b.WriteByte(c)
			j++
		}
	}
}

// unicode reads \uXXXX (and a following low surrogate) at j.
func (d *jsonDecoder) unicode(j int) (rune, int, bool) {
	hex := func(at int) (rune, bool) {
		if at+6 > len(d.s) {
			return 0, false
		}
		n, err := strconv.ParseUint(d.s[at+2:at+6], 16, 16)
		return rune(n), err == nil
	}
	r, ok := hex(j)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r) && r < 0xdc00 && strings.HasPrefix(d.s[j+6:], `\u`) {
		if r2, ok := hex(j + 6); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
			return utf16.DecodeRune(r, r2), 12, true
		}
	}
	if utf16.IsSurrogate(r) {
		r = utf8.RuneError
	}
	return r, 6, true
}

func (d *jsonDecoder) object(i, depth int) (any, error) {
	out := newPyDict()
	var pairs []any
	done := func() (any, error) {
		switch {
		case d.pairsHook != nil:
			if pairs == nil {
				pairs = []any{}
			}
			return d.hooked(d.pairsHook, pairs)
		case d.objectHook != nil:
			return d.hooked(d.objectHook, out)
		}
		return out, nil
	}
	j := d.skip(i + 1)
	if j < len(d.s) && d.s[j] == '}' {
		d.pos = j + 1
		return done()
	}
	for {
		if j >= len(d.s) || d.s[j] != '"' {
			return nil, jsonError("Expecting property name enclosed in double quotes", d.s, j)
		}
		key, err := d.str(j)
		if err != nil {
			return nil, err
		}
		j = d.skip(d.pos)
		if j >= len(d.s) || d.s[j] != ':' {
			return nil, jsonError("Expecting ':' delimiter", d.s, j)
		}
		v, err := d.value(d.skip(j+1), depth+1)
		if err != nil {
			return nil, err
		}
		if d.pairsHook != nil {
			pairs = append(pairs, brine.Tuple{key, v})
		} else {
			_ = out.set(key, v)
		}
		j = d.skip(d.pos)
		if j < len(d.s) && d.s[j] == '}' {
			d.pos = j + 1
			return done()
		}
		if j >= len(d.s) || d.s[j] != ',' {
			return nil, jsonError("Expecting ',' delimiter", d.s, j)
		}
		j = d.skip(j + 1)
	}
}

func (d *jsonDecoder) array(i, depth int) (any, error) {
	out := []any{}
	j := d.skip(i + 1)
	if j < len(d.s) && d.s[j] == ']' {
		d.pos = j + 1
		return &out, nil
	}
	for {
		v, err := d.value(j, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		j = d.skip(d.pos)
		if j < len(d.s) && d.s[j] == ']' {
			d.pos = j + 1
			return &out, nil
		}
		if j >= len(d.s) || d.s[j] != ',' {
			return nil, jsonError("Expecting ',' delimiter", d.s, j)
		}
		j = d.skip(j + 1)
	}
}
