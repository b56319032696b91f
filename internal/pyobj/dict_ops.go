package pyobj

// The dict operators and constructors beyond the methods in dict.go:
// d | other, other | d, d |= other, reversed(d) and d.fromkeys(...).
//
// Like list + x (list.go), d | other takes the peer's dict by reference
// (read through its items()), which Python's dict.__or__ refuses for a
// netref; a value that is not a mapping is NotImplemented, so the peer
// tries its own operator next and raises Python's TypeError. New dicts
// are new maps of the same Go type, which the peer may change freely.

import (
	"context"
	"reflect"
	"slices"

	"github.com/rpyc-go/rpyc/brine"
)

// dictOr is d | other: a new dict, d's items updated with other's.
func dictOr(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	return p.mergeDicts(ctx, "__or__", self, args, kw, false)
}

// dictROr is other | d: a new dict, other's items updated with d's.
func dictROr(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	return p.mergeDicts(ctx, "__ror__", self, args, kw, true)
}

// mergeDicts makes the new map of d | other (or other | d, selfLast).
func (p *Policy) mergeDicts(ctx context.Context, name string, self reflect.Value, args brine.Tuple, kw Kwargs, selfLast bool) (any, error) {
	if err := checkArgs(name, args, kw, 1, 1); err != nil {
		return nil, err
	}
	other, ok, err := p.mappingPairs(ctx, args[0])
	if err != nil {
		return nil, err
	}
	if !ok {
		return brine.NotImplemented, nil
	}
	mine, err := readMap(self, func(m reflect.Value) ([][2]any, error) { return mapPairs(m), nil })
	if err != nil {
		return nil, err
	}
	pairs := append(slices.Clone(mine), other...)
	if selfLast {
		pairs = append(slices.Clone(other), mine...)
	}
	if err := p.checkBuild("|", len(pairs)); err != nil {
		return nil, err
	}
	return newDict(mapType(self), pairs)
}

// newDict makes a map of type t holding pairs (from the peer, converted).
func newDict(t reflect.Type, pairs [][2]any) (any, error) {
	keys := make([]any, len(pairs))
	vals := make([]reflect.Value, len(pairs))
	for i, kv := range pairs {
		v, err := convertItem("dict value", kv[1], t.Elem())
		if err != nil {
			return nil, err
		}
		keys[i], vals[i] = kv[0], v
	}
	m := reflect.MakeMapWithSize(t, len(pairs))
	if err := storeItems(m, m, keys, vals); err != nil {
		return nil, err
	}
	return m.Interface(), nil
}

// dictIOr is d |= other: d.update(other), then d itself.
func dictIOr(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__ior__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	if _, err := dictUpdate(p, ctx, self, args, nil); err != nil {
		return nil, err
	}
	return self.Interface(), nil
}

// dictReversed iterates the keys backwards (see dictIter for the order).
func dictReversed(m reflect.Value, _ brine.Tuple) (any, error) {
	keys, _ := mapItems(m)
	slices.Reverse(keys)
	return sliceIterator(keys, "builtins.dict_reversekeyiterator"), nil
}

// dictFromKeys is d.fromkeys(iterable, value=None): a new dict of d's Go
// type (Python's fromkeys is a class method; through an instance it is
// the same).
func dictFromKeys(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("fromkeys", args, kw, 1, 2); err != nil {
		return nil, err
	}
	var value any
	if len(args) == 2 {
		value = args[1]
	}
	keys, err := p.iterableItems(ctx, args[0], "")
	if err != nil {
		return nil, err
	}
	if err := p.checkBuild("fromkeys", len(keys)); err != nil {
		return nil, err
	}
	pairs := make([][2]any, len(keys))
	for i, k := range keys {
		pairs[i] = [2]any{k, value}
	}
	return newDict(mapType(self), pairs)
}
