package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
)

// repr formats a result as Python's repr does. Remote objects are asked
// for their own repr (one request each), so a list or an object prints
// exactly as the server's Python (or Go) would print it.
func repr(ctx context.Context, v any) (string, error) {
	var b strings.Builder
	if err := writeRepr(ctx, &b, v, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeRepr(ctx context.Context, b *strings.Builder, v any, depth int) error {
	if depth > 50 {
		b.WriteString("...")
		return nil
	}
	switch x := v.(type) {
	case *rpyc.Netref:
		s, err := x.Repr(ctx)
		if err != nil {
			return fmt.Errorf("repr of the result: %w", err)
		}
		b.WriteString(s)
	case brine.Tuple:
		b.WriteByte('(')
		for i, it := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := writeRepr(ctx, b, it, depth+1); err != nil {
				return err
			}
		}
		if len(x) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case []any:
		b.WriteByte('[')
		for i, it := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := writeRepr(ctx, b, it, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[any]any:
		keys := sortedKeys(x)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := writeRepr(ctx, b, k, depth+1); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := writeRepr(ctx, b, x[k], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		b.WriteString(brine.Repr(v))
	}
	return nil
}

// sortedKeys orders a dict's keys by their repr (Go maps have no order).
func sortedKeys(m map[any]any) []any {
	keys := make([]any, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return brine.Repr(keys[i]) < brine.Repr(keys[j]) })
	return keys
}

// jsonValue converts a result to what encoding/json writes: remote
// containers are fetched by value (rpyc.Obtain), bytes become base64
// strings (as encoding/json writes []byte), big ints stay exact numbers,
// tuples and sets become arrays, dict keys that are not strings become
// their repr, and floats JSON cannot hold (nan, inf) and other objects
// become their repr as a string.
func jsonValue(ctx context.Context, v any) (any, error) {
	if r, ok := v.(*rpyc.Netref); ok {
		got, err := rpyc.Obtain[any](ctx, r)
		if _, still := got.(*rpyc.Netref); err != nil || still {
			return repr(ctx, r)
		}
		v = got
	}
	switch x := v.(type) {
	case nil, bool, string, int64:
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return brine.Repr(x), nil
		}
		return x, nil
	case *big.Int:
		return json.Number(x.String()), nil
	case []byte:
		return base64.StdEncoding.EncodeToString(x), nil
	case brine.Tuple:
		return jsonList(ctx, x)
	case []any:
		return jsonList(ctx, x)
	case brine.FrozenSet:
		return jsonList(ctx, x)
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			ks, ok := k.(string)
			if !ok {
				var err error
				if ks, err = repr(ctx, k); err != nil {
					return nil, err
				}
			}
			jv, err := jsonValue(ctx, val)
			if err != nil {
				return nil, err
			}
			out[ks] = jv
		}
		return out, nil
	}
	return repr(ctx, v)
}

func jsonList(ctx context.Context, items []any) ([]any, error) {
	out := make([]any, len(items))
	for i, it := range items {
		jv, err := jsonValue(ctx, it)
		if err != nil {
			return nil, err
		}
		out[i] = jv
	}
	return out, nil
}

// writeJSON writes v as one line of JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
