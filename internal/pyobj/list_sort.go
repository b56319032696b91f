package pyobj

// Reordering a list in place: sort and reverse.
//
// Both keep the length, so they work on a plain []T as well as a *[]T:
// they move items within the shared backing array, which the Go owner
// sees. Sort orders by Python's < (pyCompare in compare.go) and is
// stable, as Python's is.

import (
	"context"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
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
// Python's ordering of numbers, strings, bytes and tuples. key functions
// are refused: each call would be a round trip to the peer. When two
// items cannot be compared the list is left as it was, where Python may
// leave it partly sorted.
func listSort(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if len(args) > 0 {
		return nil, typeError("sort() takes no positional arguments")
	}
	reverse := false
	for k, v := range kw {
		switch k {
		case "key":
			if v != nil {
				return nil, typeError("sort(): key functions are not supported on Go slices; sort a copy on the Python side")
			}
		case "reverse":
			reverse = Truthy(v)
		default:
			return nil, typeError("'%s' is an invalid keyword argument for sort()", k)
		}
	}
	return nil, writeList(self, func(s reflect.Value, _ bool) error {
		n := s.Len()
		keys := make([]any, n)
		for i := range keys {
			keys[i] = Normalize(s.Index(i).Interface())
		}
		order, err := pyOrder(keys, reverse)
		if err != nil {
			return err
		}
		vals := listValues(s, 0, n)
		for i, from := range order {
			s.Index(i).Set(vals[from])
		}
		return nil
	})
}
