package python

// Dict is Python's dict: insertion-ordered, any hashable key, with
// Python's equality between keys (1, 1.0 and True are one key). String
// keys, the common case (namespaces, attributes, keyword arguments), go
// through a Go map of their own; other keys through their Python hash.
type Dict struct {
	// kind is the dict's class when it is one of collections' dict
	// types (defaultdict, Counter, OrderedDict); nil for dict.
	kind *Class
	// factory is a defaultdict's default_factory.
	factory Value
	entries []dictEntry
	sidx    map[string]int32 // str keys -> entry
	hidx    map[uint64]int32 // other keys: hash -> first entry of its chain
	n       int              // live entries
	ver     uint32           // bumped by every insert and delete
}

type dictEntry struct {
	key, val Value
	hash     uint64
	next     int32 // next entry with the same hash, -1 at the end
	live     bool
}

// NewDict returns an empty dict.
func NewDict() *Dict { return &Dict{} }

// Len is len(d).
func (d *Dict) Len() int { return d.n }

// GetStr looks up a str key.
func (d *Dict) GetStr(k string) (Value, bool) {
	if i, ok := d.sidx[k]; ok {
		return d.entries[i].val, true
	}
	return nil, false
}

// SetStr sets a str key.
func (d *Dict) SetStr(k string, v Value) {
	if i, ok := d.sidx[k]; ok {
		d.entries[i].val = v
		return
	}
	if d.sidx == nil {
		d.sidx = make(map[string]int32)
	}
	d.sidx[k] = int32(len(d.entries))
	d.entries = append(d.entries, dictEntry{key: k, val: v, next: -1, live: true})
	d.n++
	d.ver++
}

// DelStr deletes a str key, reporting whether it was there.
func (d *Dict) DelStr(k string) bool {
	i, ok := d.sidx[k]
	if !ok {
		return false
	}
	delete(d.sidx, k)
	d.kill(i)
	return true
}

func (d *Dict) kill(i int32) {
	d.entries[i] = dictEntry{next: -1}
	d.n--
	d.ver++
	if dead := len(d.entries) - d.n; dead > 16 && dead > d.n {
		d.compact()
	}
}

// compact drops deleted entries, keeping the order.
func (d *Dict) compact() {
	old := d.entries
	d.entries = make([]dictEntry, 0, d.n+d.n/4+1)
	d.sidx, d.hidx = nil, nil
	n := d.n
	d.n = 0
	for _, e := range old {
		if e.live {
			d.insertNew(e.key, e.val, e.hash)
		}
	}
	d.n = n
	d.ver++
}

// insertNew appends a key known to be absent; hash is ignored for str.
func (d *Dict) insertNew(k, v Value, h uint64) {
	idx := int32(len(d.entries))
	if s, ok := k.(string); ok {
		if d.sidx == nil {
			d.sidx = make(map[string]int32)
		}
		d.sidx[s] = idx
		d.entries = append(d.entries, dictEntry{key: k, val: v, next: -1, live: true})
		return
	}
	if d.hidx == nil {
		d.hidx = make(map[uint64]int32)
	}
	next := int32(-1)
	if head, ok := d.hidx[h]; ok {
		next = head
	}
	d.hidx[h] = idx
	d.entries = append(d.entries, dictEntry{key: k, val: v, hash: h, next: next, live: true})
}

// find returns the entry index of key k, or -1.
func (d *Dict) find(th *Thread, k Value) (int32, uint64, error) {
	if s, ok := k.(string); ok {
		if i, ok := d.sidx[s]; ok {
			return i, 0, nil
		}
		return -1, 0, nil
	}
	h, err := hashOf(th, k)
	if err != nil {
		return -1, 0, err
	}
	head, ok := d.hidx[h]
	if !ok {
		return -1, h, nil
	}
	ver := d.ver
	for i := head; i >= 0; i = d.entries[i].next {
		e := &d.entries[i]
		if !e.live || e.hash != h {
			continue
		}
		eq, err := keyEqual(th, e.key, k)
		if err != nil {
			return -1, h, err
		}
		if d.ver != ver {
			return -1, h, th.newError(ErrRuntimeError, "dictionary changed size during lookup")
		}
		if eq {
			return i, h, nil
		}
	}
	return -1, h, nil
}

// Get is d[k] without raising: the value and whether k was there.
func (d *Dict) Get(th *Thread, k Value) (Value, bool, error) {
	i, _, err := d.find(th, k)
	if err != nil || i < 0 {
		return nil, false, err
	}
	return d.entries[i].val, true, nil
}

// Set is d[k] = v.
func (d *Dict) Set(th *Thread, k, v Value) error {
	i, h, err := d.find(th, k)
	if err != nil {
		return err
	}
	if i >= 0 {
		d.entries[i].val = v
		return nil
	}
	d.insertNew(k, v, h)
	d.n++
	d.ver++
	return nil
}

// Del is del d[k], reporting whether k was there.
func (d *Dict) Del(th *Thread, k Value) (bool, error) {
	if s, ok := k.(string); ok {
		return d.DelStr(s), nil
	}
	i, h, err := d.find(th, k)
	if err != nil || i < 0 {
		return false, err
	}
	// Unlink i from its hash chain.
	if head := d.hidx[h]; head == i {
		if nx := d.entries[i].next; nx >= 0 {
			d.hidx[h] = nx
		} else {
			delete(d.hidx, h)
		}
	} else {
		for j := head; j >= 0; j = d.entries[j].next {
			if d.entries[j].next == i {
				d.entries[j].next = d.entries[i].next
				break
			}
		}
	}
	d.kill(i)
	return true, nil
}

// Clear empties the dict.
func (d *Dict) Clear() {
	d.entries, d.sidx, d.hidx, d.n = nil, nil, nil, 0
	d.ver++
}

// Keys returns the keys in order.
func (d *Dict) Keys() []Value {
	out := make([]Value, 0, d.n)
	for _, e := range d.entries {
		if e.live {
			out = append(out, e.key)
		}
	}
	return out
}

// Range calls f for each item in order until f returns false. The dict
// must not change meanwhile (callers that run code use iterators).
func (d *Dict) Range(f func(k, v Value) bool) {
	for _, e := range d.entries {
		if e.live && !f(e.key, e.val) {
			return
		}
	}
}

// Copy returns a shallow copy.
func (d *Dict) Copy() *Dict {
	c := &Dict{entries: make([]dictEntry, 0, d.n), kind: d.kind, factory: d.factory}
	for _, e := range d.entries {
		if e.live {
			c.insertNew(e.key, e.val, e.hash)
		}
	}
	c.n = d.n
	return c
}

// nthLive returns the i-th entry slot at or after pos that is live, for
// iterators: the index of the next live entry at or after pos, or -1.
func (d *Dict) nextLive(pos int) int {
	for ; pos < len(d.entries); pos++ {
		if d.entries[pos].live {
			return pos
		}
	}
	return -1
}

// popLast removes and returns the last item (dict.popitem).
func (d *Dict) popLast(th *Thread) (k, v Value, ok bool, err error) {
	for i := len(d.entries) - 1; i >= 0; i-- {
		if e := d.entries[i]; e.live {
			if _, err := d.Del(th, e.key); err != nil {
				return nil, nil, false, err
			}
			return e.key, e.val, true, nil
		}
	}
	return nil, nil, false, nil
}
