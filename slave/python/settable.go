package python

// The table behind set and frozenset, laid out as CPython lays out its
// sets, so that iterating a set (for x in s, list(s), repr(s), what a
// client sees) gives the order CPython gives for the values whose
// hashes CPython fixes: ints, floats, bools, tuples of them. Scripts
// print sets of numbers and compare the text; {3, 1, 2} prints as
// {1, 2, 3} there. (str hashes are seeded per process in CPython, so no
// order of a set of strings is reliable anywhere.)
//
// The layout, as CPython's documentation and behaviour describe it: a
// power-of-two array of slots, 8 at first. A key's search starts at
// hash & mask and looks at up to 9 following slots as well when they
// are inside the table, then jumps to (5*i + 1 + perturb) & mask, where
// perturb starts as the hash and loses 5 low bits per jump. A removed
// key leaves a dummy; an insert whose search passes dummies takes the
// last of them. When active plus dummy slots reach 3/5 of the table, it
// is rebuilt at the smallest power of two above 4x the active count (2x
// past 50,000), without dummies. Merging a set into an empty one copies its layout.

const (
	setMinSize      = 8
	setLinearProbes = 9
	setPerturbShift = 5
)

const (
	slotEmpty uint8 = iota
	slotActive
	slotDummy
)

type tabSlot struct {
	key   Value
	hash  uint64
	state uint8
}

// setTable is the set's storage. The zero value is an empty table.
type setTable struct {
	slots  []tabSlot // nil means setMinSize empty slots
	fill   int       // active and dummy slots
	used   int       // active slots: the set's length
	finger int       // where pop looks first
	ver    uint32    // bumped by every change, to notice one under __eq__
}

func (t *setTable) init() {
	if t.slots == nil {
		t.slots = make([]tabSlot, setMinSize)
	}
}

func (t *setTable) mask() uint64 {
	t.init()
	return uint64(len(t.slots) - 1)
}

// probe calls f with the slot indexes of hash h's search, in order,
// until f returns true. The table always has an empty slot, where every
// search ends.
func (t *setTable) probe(h uint64, f func(i int) bool) {
	mask := t.mask()
	i := h & mask
	perturb := h
	for {
		n := uint64(0)
		if i+setLinearProbes <= mask {
			n = setLinearProbes
		}
		for j := uint64(0); j <= n; j++ {
			if f(int(i + j)) {
				return
			}
		}
		perturb >>= setPerturbShift
		i = (i*5 + 1 + perturb) & mask
	}
}

// lookup finds key k of hash h: its slot, or -1 and the slot an insert
// would take (the last dummy passed, else the empty slot that ended the
// search).
func (t *setTable) lookup(th *Thread, k Value, h uint64) (found, ins int, err error) {
restart:
	found, ins = -1, -1
	ver := t.ver
	changed := false
	t.probe(h, func(i int) bool {
		s := &t.slots[i]
		switch s.state {
		case slotEmpty:
			if ins < 0 {
				ins = i
			}
			return true
		case slotDummy:
			// CPython reuses the last dummy the search passed.
			ins = i
		case slotActive:
			if s.hash != h {
				return false
			}
			var eq bool
			eq, err = keyEqual(th, s.key, k)
			if err != nil {
				return true
			}
			if t.ver != ver {
				changed = true
				return true
			}
			if eq {
				found = i
				return true
			}
		}
		return false
	})
	if err != nil {
		return -1, -1, err
	}
	if changed {
		goto restart
	}
	return found, ins, nil
}

// insert adds k (hash h) unless an equal key is there.
func (t *setTable) insert(th *Thread, k Value, h uint64) error {
	found, ins, err := t.lookup(th, k, h)
	if err != nil || found >= 0 {
		return err
	}
	s := &t.slots[ins]
	reused := s.state == slotDummy
	*s = tabSlot{key: k, hash: h, state: slotActive}
	t.used++
	t.ver++
	if reused {
		return nil
	}
	t.fill++
	if uint64(t.fill)*5 >= t.mask()*3 {
		t.grow()
	}
	return nil
}

// grow is the rebuild an insert triggers.
func (t *setTable) grow() {
	if t.used > 50000 {
		t.resize(t.used * 2)
	} else {
		t.resize(t.used * 4)
	}
}

// resize rebuilds the table at the smallest power of two above
// minused, dropping the dummies.
func (t *setTable) resize(minused int) {
	size := setMinSize
	for size <= minused {
		size <<= 1
	}
	old := t.slots
	t.slots = make([]tabSlot, size)
	t.fill = t.used
	for _, s := range old {
		if s.state == slotActive {
			t.insertClean(s.key, s.hash)
		}
	}
	t.ver++
}

// insertClean puts a key known to be absent in the first empty slot of
// its search (the table has no dummies).
func (t *setTable) insertClean(k Value, h uint64) {
	t.probe(h, func(i int) bool {
		if t.slots[i].state == slotEmpty {
			t.slots[i] = tabSlot{key: k, hash: h, state: slotActive}
			return true
		}
		return false
	})
}

// discard removes k (hash h), reporting whether it was there.
func (t *setTable) discard(th *Thread, k Value, h uint64) (bool, error) {
	found, _, err := t.lookup(th, k, h)
	if err != nil || found < 0 {
		return false, err
	}
	t.slots[found] = tabSlot{state: slotDummy}
	t.used--
	t.ver++
	return true, nil
}

// keys is the active keys in table order: the set's iteration order.
func (t *setTable) keys() []Value {
	out := make([]Value, 0, t.used)
	for _, s := range t.slots {
		if s.state == slotActive {
			out = append(out, s.key)
		}
	}
	return out
}

// active calls f with each active slot in table order.
func (t *setTable) active(f func(k Value, h uint64) error) error {
	for _, s := range t.slots {
		if s.state == slotActive {
			if err := f(s.key, s.hash); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *setTable) clear() {
	*t = setTable{ver: t.ver + 1}
}

// pop removes and returns a key: the first active slot from the finger
// on, as CPython's set.pop does.
func (t *setTable) pop() (Value, bool) {
	if t.used == 0 {
		return nil, false
	}
	n := len(t.slots)
	i := t.finger % n
	for t.slots[i].state != slotActive {
		i = (i + 1) % n
	}
	k := t.slots[i].key
	t.slots[i] = tabSlot{state: slotDummy}
	t.used--
	t.ver++
	t.finger = i + 1
	return k, true
}

// merge adds every key of o, in o's table order; into an empty table it
// takes o's size and, when the sizes match, o's layout.
func (t *setTable) merge(th *Thread, o *setTable) error {
	if o == t || o.used == 0 {
		return nil
	}
	if uint64(t.fill+o.used)*5 >= t.mask()*3 {
		t.resize((t.used + o.used) * 2)
	}
	if t.fill == 0 && t.mask() == o.mask() && o.fill == o.used {
		for i, s := range o.slots {
			if s.state == slotActive {
				t.slots[i] = s
			}
		}
		t.fill, t.used = o.used, o.used
		t.ver++
		return nil
	}
	if t.fill == 0 {
		t.fill, t.used = o.used, o.used
		for _, s := range o.slots {
			if s.state == slotActive {
				t.insertClean(s.key, s.hash)
			}
		}
		t.ver++
		return nil
	}
	for _, s := range o.slots {
		if s.state == slotActive {
			if err := t.insert(th, s.key, s.hash); err != nil {
				return err
			}
		}
	}
	return nil
}

// presize makes room for n more keys before they are added one by one
// (a set made from a dict sizes its table first).
func (t *setTable) presize(n int) {
	if uint64(t.fill+n)*5 >= t.mask()*3 {
		t.resize((t.used + n) * 2)
	}
}
