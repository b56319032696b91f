package pyobj

// Reordering a list in place: sort and reverse.
//
// Both keep the length, so they work on a plain []T as well as a *[]T:
// they move items within the shared backing array, which the Go owner
// sees. Sort orders by Python's < (pyCompare in compare.go), by the
// items or by what a key function makes of them, and is stable, as
// Python's is.

import (
	"context"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

func listReverse(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("reverse", args, kw, 0, 0); err != nil {
		return nil, err
	}
	return nil, writeList(self, func(s reflect.Value, _ bool) error {
		swap := reflect.Swapper(s.Interface())
		for i, j := 0, s.Len()-1; i < j; i, j = i+1, j-1 {
			swap(i, j)
		}
		return nil
	})
}

// listSort is l.sort(*, key=None, reverse=False): stable, in place, with
// Python's ordering of numbers, strings, bytes, tuples and lists. When
// two items (or keys) cannot be compared the list is left as it was,
// where Python may leave it partly sorted.
//
// A key function (the peer's, usually) is called once per item, as
// Python's sort does, with no lock held: the items are read first, their
// keys computed, and the list is reordered only if it still holds the
// same items; otherwise it is Python's ValueError("list modified during
// sort") and the list is left as the other writer made it.
func listSort(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if len(args) > 0 {
		return nil, typeError("sort() takes no positional arguments")
	}
	reverse := false
	var key any
	for k, v := range kw {
		switch k {
		case "key":
			key = v
		case "reverse":
			reverse = Truthy(v)
		default:
			return nil, typeError("'%s' is an invalid keyword argument for sort()", k)
		}
	}
	if key != nil {
		return nil, p.sortByKey(ctx, self, key, reverse)
	}
	return nil, writeList(self, func(s reflect.Value, _ bool) error {
		n := s.Len()
		keys := make([]any, n)
		for i := range keys {
			keys[i] = Normalize(s.Index(i).Interface())
		}
		return reorder(s, keys, reverse)
	})
}

// reorder sorts s (its lock held) by keys, stably.
func reorder(s reflect.Value, keys []any, reverse bool) error {
	order, err := pyOrder(keys, reverse)
	if err != nil {
		return err
	}
	vals := listValues(s, 0, s.Len())
	for i, from := range order {
		s.Index(i).Set(vals[from])
	}
	return nil
}

// sortByKey is l.sort(key=key): the keys are computed without the lock.
func (p *Policy) sortByKey(ctx context.Context, self reflect.Value, key any, reverse bool) error {
	items, err := readList(self, func(s reflect.Value) ([]any, error) { return listItems(s), nil })
	if err != nil {
		return err
	}
	keys := make([]any, len(items))
	for i, it := range items {
		k, err := p.Call(ctx, key, brine.Tuple{it}, nil)
		if err != nil {
			return err
		}
		keys[i] = Normalize(k)
	}
	return writeList(self, func(s reflect.Value, _ bool) error {
		if s.Len() != len(items) {
			return vinegar.New("ValueError", "list modified during sort")
		}
		for i, it := range items {
			if now := s.Index(i).Interface(); !SameValue(now, it) && !reflect.DeepEqual(now, it) {
				return vinegar.New("ValueError", "list modified during sort")
			}
		}
		return reorder(s, keys, reverse)
	})
}
