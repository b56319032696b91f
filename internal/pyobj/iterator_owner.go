package pyobj

// An iterator keeps what it iterates alive, as in Python: a list
// iterator refers to its list, a generator method's frame to its self,
// and a file's __iter__ is the file itself. So an iterator that a method
// of obj returned (obj.__iter__(), obj.lines(), ...) is owned by obj in
// the object table (see Owner): when the peer drops obj
// but still holds the iterator, obj stays in the table and is not
// released (a file is not closed) until the iterator is dropped too.
// Python's client does exactly that in "for line in conn.builtins.open(p)".

// ownedResult turns what a method of obj returned into an iterator owned
// by obj when it is one (iter.Seq, iter.Seq2, a receive channel, or an
// iterator object without an owner); other results are unchanged.
func ownedResult(obj, v any) any {
	v = AsIterator(v)
	if it, ok := v.(*goIterator); ok && obj != nil {
		it.mu.Lock()
		if it.owner == nil && any(it) != obj {
			it.owner = obj
		}
		it.mu.Unlock()
	}
	return v
}
