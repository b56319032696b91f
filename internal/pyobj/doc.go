// Package pyobj presents Go values to an RPyC peer as Python objects: the
// object model of package rpyc. It answers what the peer's requests ask
// of a local value (attribute access, calls, dir, the dunders, hash and
// comparison, iteration, pickling) and converts the peer's values into
// Go types, and it knows nothing of connections, messages or the wire.
//
// It never imports package rpyc (the protocol engine). The engine
// reaches the model through the methods of a Policy, which it makes from
// a connection's Config and Limits, and through the helpers it boxes
// values with; the model reaches the engine only through the seam in
// seam.go: the Policy it is given, and the peer's objects (*rpyc.Netref),
// which it recognises with AsRemote and converts with what the engine
// installed (SetPeer).
//
// Where things are:
//
//	seam.go           Policy, Remote, Peer: the seam with the engine
//	object.go         attribute access and calls: GetAttr, CallAttr, Call, Dir, ...
//	objectproto.go    what every object has: __format__, __doc__, __class__, ...
//	format.go         format(obj, spec): Formatter, Python's numeric specs
//	docstring.go      __doc__: Documenter
//	dynattr.go        dynamic attributes: AttrGetter, AttrSetter, ...
//	typeobject.go     Go types as Python classes (Class), isinstance
//	typeinfo.go       what a Go type exposes: methods, tagged fields, RPyCNames
//	signature.go      Python signatures over Go funcs, RPyCParams, Kwargs
//	convert.go        Python values into Go types (ConvertTo)
//	convert_struct.go structs from the peer: T and *T, dicts by field name
//	convert_error.go  TypeError, in Go's words and in Python's
//	class.go          native classes: which Go values are lists, dicts, files
//	list*.go          []T, *[]T and *[N]T as Python lists
//	dict*.go          maps as Python dicts
//	file*.go          io.Reader and io.Writer values as Python files
//	iterator.go       Go iterators and channels as Python iterators, BUFFITER
//	args.go           the arguments native methods take from the peer
//	compare*.go       Python's ==, <, <=, >, >= for the values the model handles, HANDLE_CMP
//	identity.go       Python's is, id() and hash() for Go values
//	repr.go           repr() and str()
//	names.go          Python names of Go identifiers and types
//	root.go           a service as GETROOT returns it
//	restrict.go       rpyc.Restrict
//	pickle.go         Go values as Python pickles
package pyobj
