package rpyc

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// Dict keys and set items follow Python's equality: 1, 1.0, True and
// 1+0j are one key (the first spelling stays, the last value wins), and
// lists, dicts and sets cannot be keys at all (unhashable).

// dictBuilder fills a dict from key/value pairs in order.
type dictBuilder struct {
	p    *litParser
	m    map[any]any
	keys map[string]any // Python identity -> the Go key in m
}

func newDictBuilder(p *litParser) *dictBuilder {
	return &dictBuilder{p: p, m: map[any]any{}, keys: map[string]any{}}
}

// put sets m[k] = v as Python's dict display would; pos is where the key
// was written, for errors.
func (d *dictBuilder) put(k, v any, pos int) error {
	id, err := d.p.pyKey(k)
	if err != nil {
		return &literalError{pos: pos, msg: err.Error()}
	}
	if have, ok := d.keys[id]; ok {
		d.m[have] = v
		return nil
	}
	switch k.(type) {
	case []byte, brine.Tuple:
		return &literalError{pos: pos, msg: fmt.Sprintf("a dict key %s cannot be held in a Go map (bytes and tuple keys are not supported)", brine.Repr(k))}
	}
	d.keys[id] = k
	d.m[k] = v
	return nil
}

// set builds a set display's value without duplicates: a
// brine.FrozenSet, or a []any for Obtain.
func (p *litParser) set(items []any, pos int) (any, error) {
	seen := make(map[string]bool, len(items))
	out := items[:0]
	for _, it := range items {
		id, err := p.pyKey(it)
		if err != nil {
			return nil, &literalError{pos: pos, msg: err.Error()}
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, it)
		}
	}
	if p.literalEval {
		return brine.FrozenSet(out), nil
	}
	return out, nil
}

// pyKey is a string that two values share exactly when Python's hash
// and == make them the same dict key.
func (p *litParser) pyKey(v any) (string, error) {
	var b strings.Builder
	if err := p.writeKey(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (p *litParser) writeKey(b *strings.Builder, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("N")
	case brine.EllipsisType:
		b.WriteString("E")
	case bool:
		if x {
			b.WriteString("i1")
		} else {
			b.WriteString("i0")
		}
	case int64:
		b.WriteString("i" + strconv.FormatInt(x, 10))
	case *big.Int:
		b.WriteString("i" + x.String())
	case float64:
		p.writeFloatKey(b, x)
	case complex128:
		if imag(x) == 0 {
			p.writeFloatKey(b, real(x))
			return nil
		}
		b.WriteString("c")
		p.writeFloatKey(b, real(x)+0) // +0: -0.0 == 0.0
		b.WriteString(",")
		p.writeFloatKey(b, imag(x)+0)
	case string:
		fmt.Fprintf(b, "s%d:%s", len(x), x)
	case []byte:
		fmt.Fprintf(b, "b%d:%s", len(x), x)
	case brine.Tuple:
		fmt.Fprintf(b, "t%d(", len(x))
		for _, it := range x {
			if err := p.writeKey(b, it); err != nil {
				return err
			}
			b.WriteString(";")
		}
		b.WriteString(")")
	case []any:
		return fmt.Errorf("unhashable type: 'list'")
	case map[any]any:
		return fmt.Errorf("unhashable type: 'dict'")
	case brine.FrozenSet:
		return fmt.Errorf("unhashable type: 'set'")
	default:
		return fmt.Errorf("unhashable type: %T", v)
	}
	return nil
}

// writeFloatKey writes a float as the int it equals, when it is one (1.0
// is the key 1); each NaN is a key of its own, as in Python.
func (p *litParser) writeFloatKey(b *strings.Builder, f float64) {
	switch {
	case math.IsNaN(f):
		p.nans++
		fmt.Fprintf(b, "nan%d", p.nans)
	case !math.IsInf(f, 0) && f == math.Trunc(f):
		n, _ := new(big.Float).SetFloat64(f).Int(nil)
		b.WriteString("i" + n.String())
	default:
		b.WriteString("f" + strconv.FormatFloat(f, 'g', -1, 64))
	}
}
