package rpyc

import "github.com/rpyc-go/rpyc/internal/pyobj"

// Owner is implemented by values that refer to another object the peer
// may hold, the way a Python object keeps alive what it was made from
// (a process's pipe its Popen, a socket's file its socket). While the
// peer holds such a value, its owner stays in the object table and is
// not released (RPyCRelease is not called), even if the peer dropped the
// owner itself: so when the owner is released, nothing the peer still
// holds refers to it. RPyCOwner returns the owner, or nil for none; it
// is asked once, when the value enters the table.
type Owner interface {
	RPyCOwner() any
}

// ownerOf is the object v keeps alive in the export table, if any: a
// bound method's __self__ and an iterator's iterable (the object model
// knows those), or an Owner's owner.
func ownerOf(v any) any {
	if o, ok := pyobj.Owner(v); ok {
		return o
	}
	if o, ok := v.(Owner); ok {
		return o.RPyCOwner()
	}
	return nil
}
