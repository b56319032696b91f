package rpyc

import (
	"fmt"
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
		go t.released(e.obj) // never under the table lock
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
