package rpyc

import "fmt"

// maxLiteralDepth bounds the nesting of brackets ParseLiteral reads
// (Python's own parser stops at 200).
const maxLiteralDepth = 100

// ParseLiteral reads one Python literal as Python's ast.literal_eval
// does, so that a value typed on a command line means what it would in
// Python: ints of any size in any base (12, -0x10, 0o17, 0b101, 1_000),
// floats (1.5, .5, 1e400 is inf), imaginary numbers and sums (2j, 1+2j),
// strings with any prefix and quoting ('x', "x", u'x', r'\d', ”'x”',
// adjacent 'a' 'b' joined), bytes (b'\x00'), lists, tuples (also bare:
// "1, 2"), dicts, sets, set(), True, False, None and ... (Ellipsis).
// Beyond literal_eval it reads inf and nan, which repr writes.
//
// The result holds the Go values a peer would decode: int64 or *big.Int,
// float64, complex128, string, []byte, []any for lists, brine.Tuple,
// map[any]any for dicts, brine.FrozenSet for sets, brine.Ellipsis. Dict
// keys and set items are deduplicated by Python's equality (1, 1.0 and
// True are one key).
//
// What Python accepts and this does not, each with an error saying so:
// \N{name} escapes (no Unicode name table here), lone surrogates such
// as '\ud800' (not UTF-8, so no peer could receive them), and bytes or
// tuple dict keys (a Go map cannot hold them).
func ParseLiteral(s string) (any, error) {
	v, err := parseLiteralText(s, true, maxLiteralDepth)
	if err != nil {
		return nil, fmt.Errorf("rpyc: %q is not a Python literal: %w", s, err)
	}
	return v, nil
}
