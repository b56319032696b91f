package rpyc

// Classes in the export table. A Go type exposed as a Python class
// (rpyc.Class) is exported as Python exports a class: under the id_pack
// (name, class id, 0), whose class id is the one the type's instances
// carry, so a Python client decides isinstance(x, cls) for them without
// a request. Instance ids are never 0, so a class's entry is keyed by
// its negated class id instead.

import (
	"reflect"

	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/message"
)

// entryKey is the key of an id_pack's entry in exportTable.byID.
func entryKey(id message.IDPack) int64 {
	if id.InstanceID == 0 {
		return -id.ClassID
	}
	return id.InstanceID
}

// classIDType is the Go type whose class id obj's id_pack carries: its
// own type, or for a class the type of its instances; isClass says
// which.
func classIDType(obj any) (t reflect.Type, isClass bool) {
	if t, ok := pyobj.ClassIDType(obj); ok {
		return t, true
	}
	return reflect.TypeOf(obj), false
}

// typeOfClass is the Go type given class id cid, nil when none was.
func (t *exportTable) typeOfClass(cid int64) reflect.Type {
	t.mu.Lock()
	defer t.mu.Unlock()
	for rt, id := range t.classes {
		if id == cid {
			return rt
		}
	}
	return nil
}
