package literal

import (
	"math"
	"math/big"
	"reflect"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
)

// testDepth is the depth rpyc.Obtain parses with (MaxObtainDepth).
const testDepth = 32

// TestParsePyLiteral: reprs as Python writes them.
func TestParsePyLiteral(t *testing.T) {
	big80, _ := new(big.Int).SetString("1208925819614629174706176", 10)
	cases := []struct {
		in   string
		want any
	}{
		{"[]", []any{}},
		{"()", brine.Tuple{}},
		{"(1,)", brine.Tuple{int64(1)}},
		{"{}", map[any]any{}},
		{"[1, -2, 1208925819614629174706176]", []any{int64(1), int64(-2), big80}},
		{"[1.5, -0.0, 1e+300, inf, -inf, 5e-324]", []any{1.5, math.Copysign(0, -1), 1e300, math.Inf(1), math.Inf(-1), 5e-324}},
		{`['a', "it's", 'say "hi"', '\\', '\n\t\r', '\x00\x7f\x80\xff', '\u20ac\U0001f600', 'é']`,
			[]any{"a", "it's", `say "hi"`, `\`, "\n\t\r", "\x00\x7f\u0080\u00ff", "\u20ac\U0001f600", "é"}},
		{`[b'', b'\x00\xff\n', b"'"]`, []any{[]byte{}, []byte{0, 0xff, '\n'}, []byte("'")}},
		{"{'a': [None, True, False], 1: (2, 3)}", map[any]any{"a": []any{nil, true, false}, int64(1): brine.Tuple{int64(2), int64(3)}}},
		{"{1, 2}", []any{int64(1), int64(2)}},
		{"[set(), (1+2j), -1j, '\\q']", []any{[]any{}, complex(1, 2), complex(math.Copysign(0, -1), -1), `\q`}},
	}
	for _, c := range cases {
		got, err := Parse(c.in, testDepth)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"", "[", "[1,", "{1: 2", "<object at 0x1>", "[<x>]", "{...}", "[...]",
		"Ellipsis", "'unterminated", "{(1, 2): 3}", "[1] x", "frozenset({1})"} {
		if v, err := Parse(bad, testDepth); err == nil {
			t.Errorf("%q parsed as %#v", bad, v)
		}
	}
}
