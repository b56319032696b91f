package rpyc

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

// ownerOf is the object v keeps alive in the table, if any.
func ownerOf(v any) any {
	switch o := v.(type) {
	case owned:
		return o.tableOwner()
	case Owner:
		return o.RPyCOwner()
	}
	return nil
}

// An iterator keeps what it iterates alive, as in Python: a list
// iterator refers to its list, a generator method's frame to its self,
// and a file's __iter__ is the file itself. So an iterator that a method
// of obj returned (obj.__iter__(), obj.lines(), ...) is owned by obj in
// the object table (see owned in objtable.go): when the peer drops obj
// but still holds the iterator, obj stays in the table and is not
// released (a file is not closed) until the iterator is dropped too.
// Python's client does exactly that in "for line in conn.builtins.open(p)".

// tableOwner is the object the iterator was made from, or nil.
func (it *goIterator) tableOwner() any { return it.owner }

// ownedResult turns what a method of obj returned into an iterator owned
// by obj when it is one (iter.Seq, iter.Seq2, a receive channel, or an
// iterator object without an owner); other results are unchanged.
func ownedResult(obj, v any) any {
	v = asIterator(v)
	if it, ok := v.(*goIterator); ok && obj != nil {
		it.mu.Lock()
		if it.owner == nil && any(it) != obj {
			it.owner = obj
		}
		it.mu.Unlock()
	}
	return v
}
