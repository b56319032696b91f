package rpyc

import (
	"fmt"

	"github.com/rpyc-go/rpyc/internal/literal"
)

// ParseLiteral reads one Python literal, as a user types it or as repr
// prints plain data: ints (any size), floats (inf, nan), 'str' and "str"
// with Python's escapes, b'bytes', [lists], (tuples,), {dicts}, {sets},
// True, False and None. It is what the rpyc command uses for call
// arguments, so that they read as they would in Python. The result holds
// the Go values a peer would decode: int64 or *big.Int, float64, string,
// []byte, []any for lists and sets, brine.Tuple, map[any]any.
func ParseLiteral(s string) (any, error) {
	v, err := literal.Parse(s, MaxObtainDepth)
	if err != nil {
		return nil, fmt.Errorf("rpyc: %q is not a Python literal (write 'text' with quotes, 12, 1.5, [1, 2], {'k': 1}, True, None): %w", s, err)
	}
	return v, nil
}
