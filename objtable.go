package rpyc

import (
	"fmt"

	"github.com/rpyc-go/rpyc/brine"
	"reflect"
	"sync"

	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// objTable holds the local objects the peer has references to, counted as
// Python's _local_objects counts them: +1 each time an object is boxed by
// reference, -n on HANDLE_DEL(n), all dropped when the connection ends.
type objTable struct {
	conn    *Conn
	mu      sync.Mutex // protects the following
	byID    map[int64]*objEntry
	byIdent map[identKey]*objEntry
	classes map[reflect.Type]int64
	nextID  int64
	closed  bool // cleared at shutdown: nothing enters any more

	relMu      sync.Mutex // protects the following
	relQueue   []any      // objects to tell they were released
	relRunning bool       // a goroutine works through relQueue
}

type objEntry struct {
	obj   any
	id    message.IDPack
	refs  int64 // references the peer holds
	pins  int64 // entries of the table that keep this one alive
	owner *objEntry
	ident identKey
	keyed bool
}

// owned is implemented by table values that refer to another object the
// peer may hold, the way a Python bound method refers to its __self__:
// while such a value is in the table, its owner's entry stays too, and
// the owner is not released (a file stays open while the peer still
// holds its bound read method, though it dropped the file itself).
type owned interface{ tableOwner() any }

func (m *boundMethod) tableOwner() any { return m.self }

// identKey identifies values that have an identity in Go (pointers, maps,
// channels, slices), so the same value boxed twice gets the same id_pack,
// and the peer's proxy cache (and `is`) work as they do against Python.
type identKey struct {
	t   reflect.Type
	ptr uintptr
	n   int
}

func (t *objTable) init() {
	t.byID = make(map[int64]*objEntry)
	t.byIdent = make(map[identKey]*objEntry)
	t.classes = make(map[reflect.Type]int64)
}

func identOf(obj any) (identKey, bool) {
	v := reflect.ValueOf(obj)
	switch v.Kind() {
	case reflect.Pointer:
		// Pointers to zero-size values may share one address.
		if v.IsNil() || v.Type().Elem().Size() == 0 {
			return identKey{}, false
		}
		return identKey{t: v.Type(), ptr: v.Pointer()}, true
	case reflect.Map, reflect.Chan, reflect.UnsafePointer:
		if v.IsNil() {
			return identKey{}, false
		}
		return identKey{t: v.Type(), ptr: v.Pointer()}, true
	case reflect.Slice:
		// Empty slices may share the zero-size base address.
		if v.Len() == 0 || v.Type().Elem().Size() == 0 {
			return identKey{}, false
		}
		return identKey{t: v.Type(), ptr: v.Pointer(), n: v.Len()}, true
	}
	return identKey{}, false
}

// add records one more reference to obj and returns its id_pack. A new
// object past Limits.MaxObjects is refused with a MemoryError.
func (t *objTable) add(obj any, name string) (message.IDPack, error) {
	key, keyed := identOf(obj)
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
	rt := reflect.TypeOf(obj)
	cid, ok := t.classes[rt]
	if !ok {
		t.nextID++
		cid = t.nextID
		t.classes[rt] = cid
	}
	t.nextID++
	e := &objEntry{obj: obj, refs: 1, ident: key, keyed: keyed,
		id: message.IDPack{Name: name, ClassID: cid, InstanceID: t.nextID}}
	t.byID[e.id.InstanceID] = e
	if keyed {
		t.byIdent[key] = e
	}
	if owner := ownerOf(obj); owner != nil {
		if okey, ok := identOf(owner); ok {
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
func (t *objTable) get(id message.IDPack) (any, error) {
	t.mu.Lock()
	e := t.byID[id.InstanceID]
	t.mu.Unlock()
	if e == nil || e.id != id {
		return nil, vinegar.New("KeyError", id.Tuple())
	}
	return e.obj, nil
}

// decref drops n references; the object is forgotten when neither the
// peer nor another entry (see owned) refers to it any more.
func (t *objTable) decref(id message.IDPack, n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.byID[id.InstanceID]
	if e == nil || e.id != id {
		return
	}
	e.refs -= n
	for e != nil && e.refs <= 0 && e.pins <= 0 {
		delete(t.byID, e.id.InstanceID)
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
func (t *objTable) clear() {
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
func (t *objTable) queueRelease(obj any) {
	if !releasable(obj) {
		return
	}
	t.relMu.Lock()
	t.relQueue = append(t.relQueue, obj)
	start := !t.relRunning
	t.relRunning = true
	t.relMu.Unlock()
	if start {
		go t.releaseLoop()
	}
}

func (t *objTable) releaseLoop() {
	for {
		t.relMu.Lock()
		q := t.relQueue
		t.relQueue = nil
		if len(q) == 0 {
			t.relRunning = false
			t.relMu.Unlock()
			return
		}
		t.relMu.Unlock()
		for _, o := range q {
			t.released(o)
		}
	}
}

// releasable reports whether obj wants to hear that it was released.
func releasable(obj any) bool {
	switch obj.(type) {
	case releaser, Releaser:
		return true
	}
	return false
}

// holds reports whether obj has an entry in the table (objects without a
// Go identity never do, as far as this can tell).
func (t *objTable) holds(obj any) bool {
	key, ok := identOf(obj)
	if !ok {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byIdent[key] != nil
}

// released tells an object the peer no longer holds it.
func (t *objTable) released(obj any) {
	if r, ok := obj.(releaser); ok {
		r.rpycRelease()
	}
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
// method or iterator the peer still holds, see owned) are not counted:
// the peer released them, as Python's _local_objects forgets them.
func (t *objTable) len() int {
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
func (c *Conn) LocalObjects() int { return c.objects.len() }

func (e *objEntry) String() string { return fmt.Sprintf("%v x%d", e.id, e.refs) }

// rollback takes back the references that p, a message that never reached
// the peer, put in the object table (an object whose count falls to zero
// is released), then discards what else value, the result that message
// carried, holds.
func (c *Conn) rollback(p logged, value any) {
	log := p.entered()
	for _, id := range log.ids {
		c.objects.decref(id, 1)
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
	v = asIterator(normalize(v))
	if !releasable(v) || c.objects.holds(v) {
		return
	}
	for _, h := range handled {
		if sameObject(h, v) || safeEqual(h, v) {
			return
		}
	}
	c.objects.released(v)
}
