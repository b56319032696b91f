package python

import (
	"sort"
)

// The dict types of collections: defaultdict, Counter and OrderedDict
// are dicts (so isinstance(d, dict), and Go code receiving one gets a
// map) that differ in what a missing key gives and in a few methods.

var (
	ClassDefaultDict = newBuiltinClass("defaultdict", ClassDict)
	ClassCounter     = newBuiltinClass("Counter", ClassDict)
	ClassOrderedDict = newBuiltinClass("OrderedDict", ClassDict)
)

// dictMissing is d[key] for a key d lacks.
func dictMissing(th *Thread, d *Dict, key Value) (Value, error) {
	switch d.kind {
	case ClassDefaultDict:
		if d.factory != nil {
			v, err := call(th, d.factory, nil, nil)
			if err != nil {
				return nil, err
			}
			return v, d.Set(th, key, v)
		}
	case ClassCounter:
		return int64(0), nil
	}
	return nil, th.raise(newExc(ErrKeyError, key))
}

func reprDictKind(th *Thread, d *Dict) (string, error) {
	plain := &Dict{entries: d.entries, sidx: d.sidx, hidx: d.hidx, n: d.n}
	switch d.kind {
	case ClassDefaultDict:
		f, err := repr(th, d.factory)
		if err != nil {
			return "", err
		}
		body, err := reprDict(th, plain)
		return "defaultdict(" + f + ", " + body + ")", err
	case ClassCounter:
		if d.n == 0 {
			return "Counter()", nil
		}
		items, err := mostCommon(th, d)
		if err != nil {
			return "", err
		}
		sorted := NewDict()
		for _, it := range items {
			t := it.(Tuple)
			_ = sorted.Set(th, t[0], t[1])
		}
		body, err := reprDict(th, sorted)
		return "Counter(" + body + ")", err
	case ClassOrderedDict:
		if d.n == 0 {
			return "OrderedDict()", nil
		}
		body, err := repr(th, &List{items: viewItems(&dictView{d: d, kind: ClassDictItems})})
		return "OrderedDict(" + body + ")", err
	}
	return reprDict(th, plain)
}

// mostCommon is Counter.most_common(): items by count, largest first,
// ties in insertion order.
func mostCommon(th *Thread, d *Dict) ([]Value, error) {
	items := viewItems(&dictView{d: d, kind: ClassDictItems})
	var sortErr error
	sort.SliceStable(items, func(i, j int) bool {
		r, err := richCompare(th, cmpGt, items[i].(Tuple)[1], items[j].(Tuple)[1])
		if err != nil {
			sortErr = err
			return false
		}
		return r == true
	})
	return items, sortErr
}

// counterAdd adds the counts of src (a mapping, or an iterable of
// elements) to d, times sign.
func counterAdd(th *Thread, d *Dict, src Value, sign int64) error {
	if m, ok := src.(*Dict); ok {
		for _, e := range m.entries {
			if !e.live {
				continue
			}
			cur, _, err := d.Get(th, e.key)
			if err != nil {
				return err
			}
			if cur == nil {
				cur = int64(0)
			}
			n, err := binaryOp(th, opMul, e.val, sign)
			if err != nil {
				return err
			}
			sum, err := binaryOp(th, opAdd, cur, n)
			if err != nil {
				return err
			}
			if err := d.Set(th, e.key, sum); err != nil {
				return err
			}
		}
		return nil
	}
	it, err := getIter(th, src)
	if err != nil {
		return err
	}
	for {
		v, ok, err := it(th)
		if err != nil || !ok {
			return err
		}
		cur, found, err := d.Get(th, v)
		if err != nil {
			return err
		}
		if !found {
			cur = int64(0)
		}
		sum, err := binaryOp(th, opAdd, cur, sign)
		if err != nil {
			return err
		}
		if err := d.Set(th, v, sum); err != nil {
			return err
		}
	}
}

func init() {
	ClassDefaultDict.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		d := &Dict{kind: ClassDefaultDict}
		if len(args) > 0 {
			if args[0] != nil && !isCallable(args[0]) {
				return nil, th.newError(ErrTypeError, "first argument must be callable or None")
			}
			d.factory = args[0]
			args = args[1:]
		}
		return d, fillDict(th, d, args, kw)
	}
	defProp(ClassDefaultDict, "default_factory", func(th *Thread, self Value) (Value, error) {
		return self.(*Dict).factory, nil
	})
	def(ClassDefaultDict, "__missing__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__missing__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return dictMissing(th, args[0].(*Dict), args[1])
	})

	ClassCounter.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		d := &Dict{kind: ClassCounter}
		if len(args) > 1 {
			return nil, th.typeErrorf("Counter expected at most 1 argument, got %d", len(args))
		}
		if len(args) == 1 {
			if err := counterAdd(th, d, args[0], 1); err != nil {
				return nil, err
			}
		}
		for _, k := range kw {
			d.SetStr(k.Name, k.Value)
		}
		return d, nil
	}
	def(ClassCounter, "most_common", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "most_common", args, kw, "self", "n=")
		if err != nil {
			return nil, err
		}
		items, err := mostCommon(th, a[0].(*Dict))
		if err != nil {
			return nil, err
		}
		if n := argOr(a[1], nil); n != nil {
			k, err := index(th, n)
			if err != nil {
				return nil, err
			}
			items = items[:max(0, min(int(k), len(items)))]
		}
		return &List{items: items}, nil
	})
	def(ClassCounter, "elements", func(th *Thread, args []Value, kw []KV) (Value, error) {
		var out []Value
		for _, e := range args[0].(*Dict).entries {
			if n, _, ok := asInt(e.val); e.live && ok {
				for i := int64(0); i < n && len(out) < maxItems; i++ {
					out = append(out, e.key)
				}
			}
		}
		return &Iterator{cls: classIter, next: sliceNext(out)}, nil
	})
	for name, sign := range map[string]int64{"update": 1, "subtract": -1} {
		sign := sign
		def(ClassCounter, name, func(th *Thread, args []Value, kw []KV) (Value, error) {
			d := args[0].(*Dict)
			for _, a := range args[1:] {
				if err := counterAdd(th, d, a, sign); err != nil {
					return nil, err
				}
			}
			for _, k := range kw {
				m := NewDict()
				m.SetStr(k.Name, k.Value)
				if err := counterAdd(th, d, m, sign); err != nil {
					return nil, err
				}
			}
			return nil, nil
		})
	}
	def(ClassCounter, "total", func(th *Thread, args []Value, kw []KV) (Value, error) {
		var acc Value = int64(0)
		for _, v := range dictValues(args[0].(*Dict)) {
			var err error
			if acc, err = binaryOp(th, opAdd, acc, v); err != nil {
				return nil, err
			}
		}
		return acc, nil
	})

	ClassOrderedDict.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		d := &Dict{kind: ClassOrderedDict}
		return d, fillDict(th, d, args, kw)
	}
	def(ClassOrderedDict, "move_to_end", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "move_to_end", args, kw, "self", "key", "last=")
		if err != nil {
			return nil, err
		}
		d := a[0].(*Dict)
		v, ok, err := d.Get(th, a[1])
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, th.raise(newExc(ErrKeyError, a[1]))
		}
		last, _ := truth(th, argOr(a[2], true))
		if _, err := d.Del(th, a[1]); err != nil {
			return nil, err
		}
		if last {
			return nil, d.Set(th, a[1], v)
		}
		rest := d.Copy()
		d.Clear()
		if err := d.Set(th, a[1], v); err != nil {
			return nil, err
		}
		return nil, dictUpdate(th, d, rest, "move_to_end")
	})
	def(ClassOrderedDict, "popitem", func(th *Thread, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "popitem", args, kw, "self", "last=")
		if err != nil {
			return nil, err
		}
		d := a[0].(*Dict)
		if last, _ := truth(th, argOr(a[1], true)); !last {
			i := d.nextLive(0)
			if i < 0 {
				return nil, th.raise(newExc(ErrKeyError, "dictionary is empty"))
			}
			e := d.entries[i]
			if _, err := d.Del(th, e.key); err != nil {
				return nil, err
			}
			return Tuple{e.key, e.val}, nil
		}
		k, v, ok, err := d.popLast(th)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, th.raise(newExc(ErrKeyError, "dictionary is empty"))
		}
		return Tuple{k, v}, nil
	})
	for _, c := range []*Class{ClassDefaultDict, ClassCounter, ClassOrderedDict} {
		c.module = "collections"
		c.final = true
	}
	nativeModules["_collections"] = func(*Thread) (*Module, error) {
		m := newModule("_collections", nil)
		for _, c := range []*Class{ClassDefaultDict, ClassCounter, ClassOrderedDict} {
			m.dict.SetStr(c.name, c)
		}
		return m, nil
	}
}

// fillDict is dict(*args, **kw) into d.
func fillDict(th *Thread, d *Dict, args []Value, kw []KV) error {
	if len(args) > 1 {
		return th.typeErrorf("expected at most 1 argument, got %d", len(args))
	}
	if len(args) == 1 {
		if err := dictUpdate(th, d, args[0], "dict"); err != nil {
			return err
		}
	}
	for _, k := range kw {
		d.SetStr(k.Name, k.Value)
	}
	return nil
}

func sliceNext(items []Value) iterFunc {
	i := 0
	return func(*Thread) (Value, bool, error) {
		if i >= len(items) {
			return nil, false, nil
		}
		i++
		return items[i-1], true, nil
	}
}
