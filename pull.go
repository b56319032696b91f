package rpyc

import "iter"

// pull turns a push iterator into next/stop functions (iter.Pull). stop
// must be called to free the iterator's goroutine if it is not drained;
// the object table does that when the peer drops the iterator.
func pull(seq iter.Seq[any]) (func() (any, bool), func()) {
	return iter.Pull(seq)
}
