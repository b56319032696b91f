//go:build unix

package interop

import (
	"fmt"
	"math"
	"net"
	"reflect"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/message"
)

// randomData builds random nested plain data on the server: strings with
// quotes, escapes, control characters, non-ASCII and astral characters,
// bytes of every value, ints of every size, floats at the edges, None,
// bools, lists, tuples and str/int-keyed dicts.
const randomData = `
import random
rng = random.Random(SEED)
alphabet = ['a', 'Z', ' ', "'", '"', '\\', '\n', '\r', '\t', '\x00', '\x07', '\x1b', '\x7f', '\x80', '\x9f',
            '\xa0', '\xad', '\xe9', '\xff', '\u0100', '\u2028', '\u20ac', '\ud7ff', '\ue000', '\ufeff', '\U0001f600', '\U0010ffff']
def rstr():
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
def leaf():
    k = rng.randint(0, 9)
    if k == 0: return None
    if k == 1: return rng.random() < 0.5
    if k == 2: return rng.randint(-2**70, 2**70)
    if k == 3: return rng.randint(-10, 10)
    if k == 4: return rng.choice([0.0, -0.0, 1.5, -2.25e-308, 5e-324, 1.7976931348623157e308, 1e16, 0.1, float('inf'), float('-inf')])
    if k == 5: return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 10)))
    return rstr()
def node(depth):
    if depth > 3 or rng.random() < 0.3: return leaf()
    k = rng.randint(0, 2)
    items = [node(depth + 1) for _ in range(rng.randint(0, 5))]
    if k == 0: return items
    if k == 1: return tuple(items)
    return {(rstr() if rng.random() < 0.7 else rng.randint(-99, 99)): node(depth + 1) for _ in range(rng.randint(0, 5))}
data = [node(0) for _ in range(300)]
`

// TestObtainLiteralRandom: what rpyc.Obtain reads from repr equals what
// comes through pickle, for random nested plain data; and the repr path
// really was taken (one frame per container). Both layouts.
func TestObtainLiteralRandom(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startRPyCClassic(t, layout)
		nc, err := net.Dial("tcp", p.Addr)
		if err != nil {
			t.Fatal(err)
		}
		fc := &frameCounter{Conn: nc}
		ctx := ctxT(t)
		c, err := classic.ConnectStream(ctx, fc, layoutConfig(layout))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for seed := 1; seed <= 3; seed++ {
			if err := c.Execute(ctx, fmt.Sprintf("SEED = %d\n", seed)+randomData); err != nil {
				t.Fatal(err)
			}
			data, err := c.Eval(ctx, "data")
			if err != nil {
				t.Fatal(err)
			}
			before := fc.Frames()
			got, err := rpyc.Obtain[[]any](ctx, data)
			if err != nil {
				t.Fatalf("seed %d: Obtain: %v", seed, err)
			}
			if n := fc.Frames() - before; n != 1 {
				t.Errorf("seed %d: Obtain sent %d frames, want 1 (the repr)", seed, n)
			}
			want, err := c.Obtain(ctx, data)
			if err != nil {
				t.Fatalf("seed %d: pickle Obtain: %v", seed, err)
			}
			ws := want.([]any)
			if len(got) != len(ws) {
				t.Fatalf("seed %d: %d items, want %d", seed, len(got), len(ws))
			}
			for i := range ws {
				if !sameData(got[i], ws[i]) {
					r, _ := rpyc.As[string](c.Eval(ctx, fmt.Sprintf("repr(data[%d])", i)))
					t.Errorf("seed %d item %d:\n repr %s\n got  %#v\n want %#v", seed, i, r, got[i], ws[i])
				}
			}
		}
	})
}

// sameData compares decoded values, treating NaN-free floats by bits
// (so -0.0 differs from 0.0) and *big.Int by value.
func sameData(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameData(x[i], y[i]) {
				return false
			}
		}
		return true
	case brine.Tuple:
		y, ok := b.(brine.Tuple)
		return ok && sameData([]any(x), []any(y))
	case map[any]any:
		y, ok := b.(map[any]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !sameData(v, y[k]) {
				return false
			}
		}
		return true
	}
	if fmt.Sprint(a) == fmt.Sprint(b) && reflect.TypeOf(a) == reflect.TypeOf(b) {
		return true
	}
	return reflect.DeepEqual(a, b)
}
