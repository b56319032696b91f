package rpyc

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/internal/literal"
)

// literalTable is what TestParseLiteralLikePython feeds both parsers:
// what the issue named, Python's tokenizer edges, and what literal_eval
// refuses.
var literalTable = []string{
	// ints and bases
	"0", "12", "-12", "+12", "0x40", "-0x10", "0X_ff", "0o17", "0O777", "0b101", "-0b1", "1_000", "1_0_0",
	"00", "0_0", "0777", "0x", "0b2", "0o8", "0x40g", "1__0", "1_", "_1", "9223372036854775807",
	"9223372036854775808", "-9223372036854775808", "-9223372036854775809", "0xffffffffffffffffffffffff",
	strings.Repeat("9", 4300), strings.Repeat("9", 4301), "0x" + strings.Repeat("f", 5000),
	// floats and imaginaries
	"1.5", "-2.5", ".5", "1.", "1.e5", "1e5", "1E+5", "1e-5", "1e400", "-1e400", "1e-400", "0777.5", "1_0.5_0e1_0",
	"1._5", "1_.5", "1e", "1e+", "1.5.5", "2j", "-1j", "1.5J", "1e3j", "0777j", "1e400j",
	"1+2j", "1-2j", "-1-2j", "+1+2j", "(1)+(2j)", "1+(2j)", "(1+2j)", "1.5-0j", "1+2j+3j", "1j+2j", "1j+2",
	"1+2", "1-2", "True+1j", "-(1+2j)", "1+-2j", "10**2", "2*3",
	// signs
	"-(1)", "-(-1)", "--1", "+-1", "-True", "-None", "-'a'", "- 1", "-[1]",
	// strings
	`'a'`, `"a"`, `u'x'`, `U"x"`, `r'\d'`, `R'\n'`, `b'ab'`, `B"ab"`, `br'\d'`, `Rb'\d'`, `rB'\x'`,
	`ur'x'`, `f'x'`, `F'{1}'`, `'''x'''`, `"""x"""`, "'''x\ny'''", "'x\ny'", `''`, `""`, `b''`, `''''''`,
	`'it\'s'`, `"say \"hi\""`, `'\\'`, `'\n\t\r\a\b\f\v\0'`, `'\x41\x4a'`, `'\x4'`, `'\xzz'`, `'\u00e9'`,
	`'\U0001F600'`, `'\U00110000'`, `'\u12'`, `b'\u1234'`, `b'\x00\xff'`, `'\777'`, `b'\777'`, `b'\400'`,
	`'\08'`, `'\q'`, `b'\q'`, "'\\\nx'", `'é'`, `b'é'`, `'😀'`, `r'\''`, `r'\'`, `'a' 'b'`, `'a' "b" '''c'''`,
	`b'a' b'b'`, `'a' b'b'`, `('a'` + "\n" + `'b')`, "'a'\n'b'", `'a'('b')`, `'unterminated`, `"x'`,
	// containers
	"[]", "[1]", "[1,]", "[,]", "[1,,2]", "[1, [2, [3, [4]]]]", "()", "(1)", "(1,)", "(1, 2)", "(1, 2,)",
	"((1))", "1,", "1, 2", "1, 2,", "{}", "{1: 2}", "{1: 2,}", "{'k': [1, (2, 'x')], 'j': {1: None}}",
	"{1: 'a', 1.0: 'b', True: 'c'}", "{1, 2, 3}", "{1, 1.0, True}", "{1, 2,}", "{(1, 2), (3,)}",
	"{0.5, 1+0j, 1}", "{-0.0, 0}", "{[1]: 2}", "{[1]}", "{{1}}", "{1: [1]}", "{(1, [2])}", "{1: 2, **x}",
	"[1] [0]", "{1: 2}[1]", "[1, 2", "{1: }", "{: 1}", "{1 2}",
	// names and the rest
	"None", "True", "False", "...", "[..., 1]", "Ellipsis", "set()", "set( )", "set([1])", "frozenset()",
	"x", "true", "Nonex", "é", "print(1)", "1 .real", "[1][0]", "1;", "1 if 1 else 2", "lambda: 1",
	// blanks, comments, lines
	" 1", "\t1", "1 ", "\n1", "1\n", "1\r\n", "1\n2", "(1\n,2)", "[1,\n 2]", "1 # c", "# c\n1", "\\\n1",
	"1 \\\n+2j", "\f1", "", " ", "# only", "1\x00",
}

// literalKnown are inputs where the parsers differ on purpose, with the
// reason; the test checks ours does what is said.
var literalKnown = map[string]string{
	`'\N{BULLET}'`:  "error: \\N{...} escapes are not supported",
	`'\ud800'`:      "error: lone surrogate",
	"{(1, 2): 3}":   "error: cannot be held in a Go map",
	"{b'a': 1}":     "error: cannot be held in a Go map",
	"inf":           "value: repr writes inf",
	"-inf":          "value: repr writes -inf",
	"[nan]":         "value: repr writes nan",
	"{1.5: 2, 1.5}": "error: both fail, differently (Python: a dict then a set item)",
}

// pyCanon is the Python half of canon: one JSON line per input, the
// value's canonical tree or ["error", class].
const pyCanon = `
import ast, json, struct, sys
def fl(x):
    return "nan" if x != x else struct.pack(">d", x).hex()
def canon(v):
    if v is None: return ["None"]
    if v is Ellipsis: return ["Ellipsis"]
    if isinstance(v, bool): return ["bool", v]
    if isinstance(v, int): return ["int", hex(v)]
    if isinstance(v, float): return ["float", fl(v)]
    if isinstance(v, complex): return ["complex", fl(v.real), fl(v.imag)]
    if isinstance(v, str): return ["str", v]
    if isinstance(v, bytes): return ["bytes", v.hex()]
    if isinstance(v, tuple): return ["tuple", [canon(x) for x in v]]
    if isinstance(v, list): return ["list", [canon(x) for x in v]]
    if isinstance(v, set): return ["set", [canon(x) for x in v]]
    if isinstance(v, dict): return ["dict", [[canon(k), canon(x)] for k, x in v.items()]]
    return ["unknown", repr(v)]
for s in json.load(sys.stdin):
    try:
        out = canon(ast.literal_eval(s))
    except Exception as e:
        out = ["error", type(e).__name__]
    print(json.dumps(out))
`

// canon is the Go half: the same tree for what ParseLiteral returns.
// Sets and dicts are in no order here; canonJSON sorts them.
func canon(v any) any {
	fl := func(f float64) string {
		if math.IsNaN(f) {
			return "nan"
		}
		return fmt.Sprintf("%016x", math.Float64bits(f))
	}
	list := func(xs []any) []any {
		out := []any{}
		for _, it := range xs {
			out = append(out, canon(it))
		}
		return out
	}
	switch x := v.(type) {
	case nil:
		return []any{"None"}
	case brine.EllipsisType:
		return []any{"Ellipsis"}
	case bool:
		return []any{"bool", x}
	case int64:
		return []any{"int", hexInt(big.NewInt(x))}
	case *big.Int:
		return []any{"int", hexInt(x)}
	case float64:
		return []any{"float", fl(x)}
	case complex128:
		return []any{"complex", fl(real(x)), fl(imag(x))}
	case string:
		return []any{"str", x}
	case []byte:
		return []any{"bytes", hex.EncodeToString(x)}
	case brine.Tuple:
		return []any{"tuple", list(x)}
	case []any:
		return []any{"list", list(x)}
	case brine.FrozenSet:
		return []any{"set", list(x)}
	case map[any]any:
		out := []any{}
		for k, it := range x {
			out = append(out, []any{canon(k), canon(it)})
		}
		return []any{"dict", out}
	}
	return []any{"unknown", fmt.Sprintf("%T", v)}
}

// hexInt writes an int as Python's hex() does (no digit limit, unlike
// str() of an int).
func hexInt(b *big.Int) string {
	t := b.Text(16)
	if t[0] == '-' {
		return "-0x" + t[1:]
	}
	return "0x" + t
}

// canonJSON sorts the items of every set and dict of a canonical tree
// (as decoded from JSON, or as canon built it) and returns its JSON; canon leaves them unsorted.
func canonJSON(tree any) string {
	var sortTree func(v any) any
	sortTree = func(v any) any {
		n, ok := v.([]any)
		if !ok || len(n) != 2 {
			return v
		}
		kind, _ := n[0].(string)
		items, ok := n[1].([]any)
		if !ok {
			return v
		}
		out := make([]any, len(items))
		keys := make([]string, len(items))
		for i, it := range items {
			if kind == "dict" {
				kv := it.([]any)
				out[i] = []any{sortTree(kv[0]), sortTree(kv[1])}
			} else {
				out[i] = sortTree(it)
			}
			b, _ := json.Marshal(out[i])
			keys[i] = string(b)
		}
		if kind == "set" || kind == "dict" {
			idx := make([]int, len(out))
			for i := range idx {
				idx[i] = i
			}
			sort.Slice(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
			sorted := make([]any, len(out))
			for i, j := range idx {
				sorted[i] = out[j]
			}
			out = sorted
		}
		return []any{kind, out}
	}
	b, _ := json.Marshal(sortTree(tree))
	return string(b)
}

// pythonCanon runs Python's literal_eval on every input.
func pythonCanon(t *testing.T, inputs []string) []string {
	t.Helper()
	in, _ := json.Marshal(inputs)
	cmd := exec.Command("/usr/bin/python3", "-c", pyCanon)
	cmd.Stdin = bytes.NewReader(in)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("/usr/bin/python3 (needed to compare with ast.literal_eval; test.sh installs it): %v\n%s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(inputs) {
		t.Fatalf("python answered %d lines for %d inputs", len(lines), len(inputs))
	}
	return lines
}

// TestParseLiteralLikePython: ParseLiteral and Python's ast.literal_eval
// agree on every input of the table: the same value (as a canonical
// tree: exact ints, float bits, set and dict contents), or both refuse.
func TestParseLiteralLikePython(t *testing.T) {
	var inputs []string
	inputs = append(inputs, literalTable...)
	for k := range literalKnown {
		inputs = append(inputs, k)
	}
	py := pythonCanon(t, inputs)
	for i, in := range inputs {
		v, err := ParseLiteral(in)
		got := `["error"]`
		if err == nil {
			got = canonJSON(canon(v))
		}
		var tree any
		if err := json.Unmarshal([]byte(py[i]), &tree); err != nil {
			t.Fatalf("python's answer %q: %v", py[i], err)
		}
		want := canonJSON(tree)
		if strings.HasPrefix(want, `["error"`) {
			want = `["error"]`
		}
		if why, ok := literalKnown[in]; ok {
			kind, detail, _ := strings.Cut(why, ": ")
			switch {
			case kind == "error" && err == nil:
				t.Errorf("%q: got %s, want an error (%s)", in, got, detail)
			case kind == "error" && want != `["error"]` && !strings.Contains(err.Error(), detail):
				t.Errorf("%q: got error %v, want one saying %q", in, err, detail)
			case kind == "value" && err != nil:
				t.Errorf("%q: got %v, want a value (%s)", in, err, detail)
			}
			continue
		}
		if got != want {
			t.Errorf("%q:\n got %s (err %v)\nwant %s (Python's ast.literal_eval)", in, got, err, py[i])
		}
	}
}

// TestParseLiteralErrors: errors say what is wrong and where.
func TestParseLiteralErrors(t *testing.T) {
	for in, want := range map[string]string{
		"0777":      "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers (column 1)",
		"[1, 2":     "unexpected end, expected ',' or ']' (column 6)",
		"hello":     `name "hello" is not a literal (a string needs quotes: 'hello')`,
		"1+2":       "+ is allowed only between a real number and an imaginary one, as in 1+2j (column 2)",
		"'a' b'b'":  "cannot mix bytes and nonbytes literals (column 5)",
		"f'x'":      "an f-string is not a literal",
		"0x40g":     `invalid hexadecimal literal "0x40g"`,
		"{[1]: 2}":  "unhashable type: 'list' (column 2)",
		"'x":        "unterminated string literal (column 1)",
		"1\n2":      "unexpected line break after the value",
		"set([1])":  "set is a literal only as set(), the empty set",
		"--1":       "a sign applies to a number only, once (column 1)",
		"[[[[[[[[[": "unexpected end",
	} {
		_, err := ParseLiteral(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseLiteral(%q): got %v, want an error containing %q", in, err, want)
		}
	}
	_, err := ParseLiteral(strings.Repeat("[", 200))
	if err == nil || !strings.Contains(err.Error(), "nested more than 100 deep") {
		t.Errorf("200 brackets: got %v, want the depth limit", err)
	}
}

// litRepr writes a parsed value as Python's repr, for the fuzz round
// trip.
func litRepr(b *strings.Builder, v any) {
	items := func(open, end string, xs []any) {
		b.WriteString(open)
		for i, x := range xs {
			if i > 0 {
				b.WriteString(", ")
			}
			litRepr(b, x)
		}
		b.WriteString(end)
	}
	switch x := v.(type) {
	case []any:
		items("[", "]", x)
	case brine.Tuple:
		if len(x) == 1 {
			items("(", ",)", x)
			return
		}
		items("(", ")", x)
	case brine.FrozenSet:
		if len(x) == 0 {
			b.WriteString("set()")
			return
		}
		items("{", "}", x)
	case map[any]any:
		b.WriteString("{")
		i := 0
		for k, val := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			i++
			litRepr(b, k)
			b.WriteString(": ")
			litRepr(b, val)
		}
		b.WriteString("}")
	case brine.EllipsisType:
		b.WriteString("...")
	default:
		b.WriteString(brine.Repr(v))
	}
}

// finite reports whether every complex in v has finite parts (repr
// writes infj, which no parser reads back).
func finite(v any) bool {
	switch x := v.(type) {
	case complex128:
		return !math.IsInf(real(x), 0) && !math.IsInf(imag(x), 0) && !math.IsNaN(real(x)) && !math.IsNaN(imag(x))
	case []any:
		for _, it := range x {
			if !finite(it) {
				return false
			}
		}
	case brine.Tuple:
		return finite([]any(x))
	case brine.FrozenSet:
		return finite([]any(x))
	case map[any]any:
		for k, it := range x {
			if !finite(k) || !finite(it) {
				return false
			}
		}
	}
	return true
}

// FuzzParsePyLiteral: any input parses or fails in both readings,
// without panicking; what the repr reading parses as a list is a list;
// and what ParseLiteral parses reads back to the same value from its
// repr.
func FuzzParsePyLiteral(f *testing.F) {
	for _, s := range []string{"[1, 'a', b'\\x00', (2,), {3: None}]", "{'k': [1.5e3, -inf]}", "((((", `'\U0001f600'`, "{1, 2}",
		"0x_ff", "-0o17", "1_000.5e-3j", "1+2j", `rb'\d' B"x"`, "'''a\nb'''", "{1: 2, 1.0: 3}", "set()", "(1,)", "..."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := literal.Parse(s, MaxObtainDepth); err == nil && strings.HasPrefix(strings.TrimLeft(s, " \t\f\n\r"), "[") {
			// A list, or a tuple written without parentheses whose first
			// item is one ("[]," is ([],), as in Python).
			if t, ok := v.(brine.Tuple); ok && len(t) > 0 {
				v = t[0]
			}
			if _, ok := v.([]any); !ok {
				t.Fatalf("%q parsed as %T", s, v)
			}
		}
		v, err := ParseLiteral(s)
		if err != nil || !finite(v) {
			return
		}
		var b strings.Builder
		litRepr(&b, v)
		again, err := ParseLiteral(b.String())
		if err != nil {
			t.Fatalf("%q parsed as %s, which does not parse: %v", s, b.String(), err)
		}
		// Python's own repr does not keep the sign of a complex's zero
		// parts ((-0-0j) reads back as 0j), so neither can this.
		j1, j2 := canonJSON(canon(unsignZeros(v))), canonJSON(canon(unsignZeros(again)))
		if j1 != j2 {
			t.Fatalf("%q: %s, read back from %s as %s", s, j1, b.String(), j2)
		}
	})
}

// unsignZeros turns -0.0 into 0.0 in the parts of every complex in v.
func unsignZeros(v any) any {
	switch x := v.(type) {
	case complex128:
		return complex(real(x)+0, imag(x)+0)
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = unsignZeros(it)
		}
		return out
	case brine.Tuple:
		return brine.Tuple(unsignZeros([]any(x)).([]any))
	case brine.FrozenSet:
		return brine.FrozenSet(unsignZeros([]any(x)).([]any))
	case map[any]any:
		out := make(map[any]any, len(x))
		for k, it := range x {
			out[unsignZeros(k)] = unsignZeros(it)
		}
		return out
	}
	return v
}
