package rpyc

// Exports: our objects the peer holds references to (Python's
// _local_objects), counted per id_pack as the peer receives them and
// released by its HANDLE_DEL; and the rollback of objects boxed into a
// message that never reached the peer.

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// exportTable holds the local objects the peer has references to, counted as
// Python's _local_objects counts them: +1 each time an object is boxed by
// reference, -n on HANDLE_DEL(n), all dropped when the connection ends.
type exportTable struct {
	conn    *Conn
	mu      sync.Mutex // protects the following
	byID    map[int64]*exportEntry
	byIdent map[pyobj.Ident]*exportEntry
	classes map[reflect.Type]int64
	nextID  int64
	closed  bool // cleared at shutdown: nothing enters any more

	releases drainer[any] // objects to tell they were released
}

type exportEntry struct {
	obj   any
	id    message.IDPack
	refs  int64        // references the peer holds
	pins  int64        // entries of the table, and requests being served, that keep this one alive
	owner *exportEntry // the entry this one keeps alive (see pyobj.Owner)
	ident pyobj.Ident
	keyed bool
}

func (t *exportTable) init() {
	t.byID = make(map[int64]*exportEntry)
	t.byIdent = make(map[pyobj.Ident]*exportEntry)
	t.classes = make(map[reflect.Type]int64)
}

// add records one more reference to obj and returns its id_pack. A new
// object past Limits.MaxObjects is refused with a MemoryError.
func (t *exportTable) add(obj any, name string) (message.IDPack, error) {
	key, keyed := pyobj.Identity(obj)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		// The connection ended while a message was being encoded: the
		// object would never be released.
		return message.IDPack{}, ErrClosed
	}
	if keyed {
		if e := t.byIdent[key]; e != nil {
			e.refs++
			return e.id, nil
		}
	}
	if max := t.conn.cfg.Limits.MaxObjects; max > 0 && len(t.byID) >= max {
		return message.IDPack{}, vinegar.New("MemoryError", fmt.Sprintf(
			"the peer holds %d objects of this connection, its limit (Limits.MaxObjects): release netrefs it no longer needs", max))
	}
	rt, isClass := classIDType(obj)
	cid, ok := t.classes[rt]
	if !ok {
		t.nextID++
		cid = t.nextID
		t.classes[rt] = cid
	}
	iid := int64(0) // a class: (name, class id, 0), as Python sends one
	if !isClass {
		t.nextID++
		iid = t.nextID
	}
	e := &exportEntry{obj: obj, refs: 1, ident: key, keyed: keyed,
		id: message.IDPack{Name: name, ClassID: cid, InstanceID: iid}}
	t.byID[entryKey(e.id)] = e
	if keyed {
		t.byIdent[key] = e
	}
	// An object that refers to another the peer may hold keeps it in
	// the table and unreleased while the peer holds the first: a bound
	// method its __self__ (a file stays open while the peer still holds
	// its bound read method, though it dropped the file itself), an
	// iterator what it iterates, a value implementing Owner its owner.
	if owner := ownerOf(obj); owner != nil {
		if okey, ok := pyobj.Identity(owner); ok {
			if oe := t.byIdent[okey]; oe != nil {
				oe.pins++
				e.owner = oe
			}
		}
	}
	return e.id, nil
}

// get finds a local object by the id_pack the peer sent back. An unknown
// id_pack is Python's KeyError(id_pack).
func (t *exportTable) get(id message.IDPack) (any, error) {
	t.mu.Lock()
	e := t.byID[entryKey(id)]
	t.mu.Unlock()
	if e == nil || e.id != id {
		return nil, vinegar.New("KeyError", id.Tuple())
	}
	return e.obj, nil
}

// getPinned is get for a request's argument: the entry stays in the
// table, and its object unreleased, until unpin, even if the peer's DEL
// for it arrives while the request is served (a file is not closed under
// the call that reads it).
func (t *exportTable) getPinned(id message.IDPack) (any, *exportEntry, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.byID[entryKey(id)]
	if e == nil || e.id != id {
		return nil, nil, vinegar.New("KeyError", id.Tuple())
	}
	e.pins++
	return e.obj, e, nil
}

// unpin ends the pins getPinned made.
func (t *exportTable) unpin(pins []*exportEntry) {
	if len(pins) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range pins {
		e.pins--
		t.forgetIfFree(e)
	}
}

// decref drops n references; the object is forgotten when neither the
// peer nor another entry (see owned) refers to it any more.
func (t *exportTable) decref(id message.IDPack, n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.byID[entryKey(id)]
	if e == nil || e.id != id {
		return
	}
	e.refs -= n
	t.forgetIfFree(e)
}

// forgetIfFree forgets e when neither the peer nor anything else holds it
// (t.mu held), and then what e alone kept alive.
func (t *exportTable) forgetIfFree(e *exportEntry) {
	for e != nil && e.refs <= 0 && e.pins <= 0 {
		if t.byID[entryKey(e.id)] != e {
			return // already forgotten (cleared at shutdown)
		}
		delete(t.byID, entryKey(e.id))
		if e.keyed {
			delete(t.byIdent, e.ident)
		}
		t.queueRelease(e.obj) // run later, never under the table lock
		// Dropping a bound method may free the object it was bound to.
		o := e.owner
		if o != nil {
			o.pins--
		}
		e = o
	}
}

// clear drops everything (connection closed).
func (t *exportTable) clear() {
	t.mu.Lock()
	t.closed = true
	objs := make([]any, 0, len(t.byID))
	for _, e := range t.byID {
		objs = append(objs, e.obj)
	}
	clear(t.byID)
	clear(t.byIdent)
	t.mu.Unlock()
	for _, o := range objs {
		t.released(o)
	}
}

// queueRelease has obj told, on the table's one release goroutine, that
// the peer released it. One goroutine per connection, started when there
// is work, serves a storm of DELs without a goroutine per object, and
// keeps the reader from running user code.
func (t *exportTable) queueRelease(obj any) {
	if !releasable(obj) {
		return
	}
	t.releases.push(obj, func(objs []any) {
		for _, o := range objs {
			t.released(o)
		}
	})
}

// releasable reports whether obj wants to hear that it was released.
func releasable(obj any) bool {
	_, ok := obj.(Releaser)
	return ok || pyobj.NeedsRelease(obj)
}

// holds reports whether obj has an entry in the table (objects without a
// Go identity never do, as far as this can tell).
func (t *exportTable) holds(obj any) bool {
	key, ok := pyobj.Identity(obj)
	if !ok {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byIdent[key] != nil
}

// released tells an object the peer no longer holds it.
func (t *exportTable) released(obj any) {
	pyobj.Release(obj)
	if r, ok := obj.(Releaser); ok {
		r.RPyCRelease(t.conn)
	}
}

// Releaser is implemented by values that want to know when a peer drops
// its last reference to them (HANDLE_DEL brought the count to zero, or the
// connection ended): to free resources, or to count live objects.
type Releaser interface {
	RPyCRelease(c *Conn)
}

// len returns how many distinct local objects the peer holds. Entries
// kept only because another entry refers to them (a file whose bound
// method or iterator the peer still holds, see ownerOf) are not counted:
// the peer released them, as Python's _local_objects forgets them.
func (t *exportTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, e := range t.byID {
		if e.refs > 0 {
			n++
		}
	}
	return n
}

// LocalObjects returns how many distinct local objects the peer currently
// holds references to (Python's len(conn._local_objects)). Tests use it to
// see that releases arrive.
func (c *Conn) LocalObjects() int { return c.exports.len() }

func (e *exportEntry) String() string { return fmt.Sprintf("%v x%d", e.id, e.refs) }

// rollback takes back the references that p, a message that never reached
// the peer, put in the object table (an object whose count falls to zero
// is released), then discards what else value, the result that message
// carried, holds.
func (c *Conn) rollback(p logged, value any) {
	log := p.entered()
	for _, id := range log.ids {
		c.exports.decref(id, 1)
	}
	if value != nil {
		c.discardExcept(value, log.objs)
	}
}

// discard tells the objects of value, a result that will never reach the
// peer (refused at a limit, not encodable, its connection gone), that
// nobody holds them: a service that made a file or a lock for the reply
// gets it back through RPyCRelease, as it would have after the peer's
// DEL. Objects the table still holds (the peer has them from earlier)
// are left alone.
func (c *Conn) discard(value any) { c.discardExcept(value, nil) }

// discardExcept is discard for the objects of v not in handled (those a
// rollback already released through the table).
func (c *Conn) discardExcept(v any, handled []any) {
	switch x := v.(type) {
	case brine.Tuple:
		for _, e := range x {
			c.discardExcept(e, handled)
		}
		return
	case nil, *Netref:
		return
	}
	v = pyobj.AsIterator(pyobj.Normalize(v))
	if !releasable(v) || c.exports.holds(v) {
		return
	}
	for _, h := range handled {
		if pyobj.SameValue(h, v) {
			return
		}
	}
	c.exports.released(v)
}

// handleDel serves HANDLE_DEL(obj, count=1) on the reader. obj must be a
// LOCAL_REF to one of our objects; the count comes as a plain int.
func (c *Conn) handleDel(raw any) error {
	b, err := message.ParseBox(raw)
	if err != nil {
		return vinegar.New("ValueError", err.Error())
	}
	items, ok := b.Value.(brine.Tuple)
	if b.Label != message.LabelTuple || !ok || len(items) < 1 || len(items) > 2 {
		return vinegar.New("TypeError", "HANDLE_DEL takes (obj, count)")
	}
	ref, err := message.ParseBox(items[0])
	if err != nil || ref.Label != message.LabelLocalRef {
		return vinegar.New("TypeError", "HANDLE_DEL needs a reference to a local object")
	}
	id, err := message.ParseIDPack(ref.Value)
	if err != nil {
		return vinegar.New("KeyError", ref.Value)
	}
	if _, err := c.exports.get(id); err != nil {
		return err
	}
	n := int64(1)
	if len(items) == 2 {
		cb, err := message.ParseBox(items[1])
		v, ok := cb.Value.(int64)
		if err != nil || cb.Label != message.LabelValue || !ok {
			return vinegar.New("TypeError", "HANDLE_DEL count must be an int")
		}
		if v < 0 {
			// Python would add the references instead, pinning the
			// object for good; a count of 0 does nothing, as there.
			return vinegar.New("ValueError", fmt.Sprintf("HANDLE_DEL count must not be negative, got %d", v))
		}
		n = v
	}
	c.exports.decref(id, n)
	return nil
}
