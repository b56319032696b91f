package pyobj

// The list methods that change the list.
//
// Those that change the length need a *[]T and store the new header
// through it (see "Growth must be visible to the Go owner" in
// list.go); l[i] = x keeps the length and works on a []T too.
// Whatever comes from the peer is fetched and converted before the lock,
// so a bad item or a slow remote iterable leaves the list untouched and
// other callers unblocked.

import (
	"context"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// listSetItem is l[i] = x and l[a:b:c] = iterable.
func listSetItem(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__setitem__", args, kw, 2, 2); err != nil {
		return nil, err
	}
	if sl, ok := args[0].(brine.Slice); ok {
		return nil, p.assignSlice(ctx, self, sl, args[1])
	}
	v, err := convertItem("list item", args[1], elemType(self))
	if err != nil {
		return nil, err
	}
	return nil, writeList(self, func(s reflect.Value, _ bool) error {
		i, err := itemIndex(args[0], s.Len(), "list assignment index out of range")
		if err != nil {
			return err
		}
		s.Index(i).Set(v)
		return nil
	})
}

// listDelItem is del l[i] and del l[a:b:c].
func listDelItem(s reflect.Value, args brine.Tuple) (any, error) {
	if sl, ok := args[0].(brine.Slice); ok {
		return nil, deleteSlice(s, sl)
	}
	i, err := itemIndex(args[0], s.Len(), "list assignment index out of range")
	if err != nil {
		return nil, err
	}
	removeAt(s, i)
	return nil, nil
}

// removeAt deletes s[i] in place from the addressable slice s.
func removeAt(s reflect.Value, i int) {
	n := s.Len()
	reflect.Copy(s.Slice(i, n), s.Slice(i+1, n))
	shrink(s, n-1)
}

// shrink cuts the addressable slice s to n items, zeroing the dropped
// slots so they do not keep values alive.
func shrink(s reflect.Value, n int) {
	for i := n; i < s.Len(); i++ {
		s.Index(i).SetZero()
	}
	s.SetLen(n)
}

// listIAdd is l += iterable; it returns l itself, so the peer's name
// keeps referring to the same list. A list that cannot grow where its
// owner sees it gives a new list instead, as a tuple does (list.go).
func listIAdd(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__iadd__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	if !canGrow(self) {
		return listAdd(p, ctx, self, args, kw)
	}
	if err := extendList(p, ctx, "+=", self, args[0]); err != nil {
		return nil, err
	}
	return self.Interface(), nil
}

func listExtend(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("extend", args, kw, 1, 1); err != nil {
		return nil, err
	}
	return nil, extendList(p, ctx, "extend", self, args[0])
}

// extendList appends the items of other, an iterable from the peer, for
// extend and += (name).
func extendList(p *Policy, ctx context.Context, name string, self reflect.Value, other any) error {
	if _, err := growableList(name, self); err != nil {
		return err // before fetching a remote iterable for nothing
	}
	vals, err := p.fetchItems(ctx, self, other, "")
	if err != nil {
		return err
	}
	_, err = growList(name, self, func(s reflect.Value) (any, error) {
		if err := p.checkBuild(name, len(vals)); err != nil {
			return nil, err
		}
		s.Set(reflect.Append(s, vals...))
		return nil, nil
	})
	return err
}

// listIMul is l *= n; like +=, it returns l itself, or a new list.
func listIMul(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__imul__", args, kw, 1, 1); err != nil {
		return nil, err
	}
	if !canGrow(self) {
		return listMul(p, ctx, self, args, kw)
	}
	return growList("*=", self, func(s reflect.Value) (any, error) {
		n := s.Len()
		k, err := p.repeatCount("*=", args[0], n)
		if err != nil {
			return nil, err
		}
		if k == 0 {
			shrink(s, 0)
			return self.Interface(), nil
		}
		orig := listValues(s, 0, n)
		for range k - 1 {
			s.Set(reflect.Append(s, orig...))
		}
		return self.Interface(), nil
	})
}

func listAppend(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("append", args, kw, 1, 1); err != nil {
		return nil, err
	}
	v, err := convertItem("list item", args[0], elemType(self))
	if err != nil {
		return nil, err
	}
	return growList("append", self, func(s reflect.Value) (any, error) {
		s.Set(reflect.Append(s, v))
		return nil, nil
	})
}

// listInsert is l.insert(i, x); i is clamped to the list as in Python.
func listInsert(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("insert", args, kw, 2, 2); err != nil {
		return nil, err
	}
	at, _, ok := pyIndexValue(args[0])
	if !ok {
		return nil, typeError("'%s' object cannot be interpreted as an integer", ShortTypeName(args[0]))
	}
	v, err := convertItem("list item", args[1], elemType(self))
	if err != nil {
		return nil, err
	}
	return growList("insert", self, func(s reflect.Value) (any, error) {
		n := int64(s.Len())
		if at < 0 {
			at = max(at+n, 0)
		}
		at = min(at, n)
		s.Set(reflect.Append(s, reflect.Zero(s.Type().Elem())))
		i := int(at)
		reflect.Copy(s.Slice(i+1, s.Len()), s.Slice(i, s.Len()-1))
		s.Index(i).Set(v)
		return nil, nil
	})
}

// listPop is l.pop([i]), the last item by default.
func listPop(s reflect.Value, args brine.Tuple) (any, error) {
	n := s.Len()
	if n == 0 {
		return nil, vinegar.New("IndexError", "pop from empty list")
	}
	i := n - 1
	if len(args) == 1 {
		var err error
		if i, err = itemIndex(args[0], n, "pop index out of range"); err != nil {
			if _, _, ok := pyIndexValue(args[0]); !ok {
				return nil, typeError("'%s' object cannot be interpreted as an integer", ShortTypeName(args[0]))
			}
			return nil, err
		}
	}
	v := s.Index(i).Interface()
	removeAt(s, i)
	return v, nil
}

func listRemove(s reflect.Value, args brine.Tuple) (any, error) {
	i := indexOf(s, args[0], 0, s.Len())
	if i < 0 {
		return nil, vinegar.New("ValueError", "list.remove(x): x not in list")
	}
	removeAt(s, i)
	return nil, nil
}

func listClear(s reflect.Value, _ brine.Tuple) (any, error) {
	shrink(s, 0)
	return nil, nil
}

// canGrow reports whether the list behind self can change its length
// where its Go owner sees it: a non-nil *[]T.
func canGrow(self reflect.Value) bool {
	_, ok, err := listOf(self)
	return ok && err == nil
}
