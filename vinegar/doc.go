// Package vinegar converts between Python exceptions as RPyC sends them and
// Go errors, in both directions.
//
// On the wire (the payload of an exception message, not boxed) an
// exception is the brine tuple
//
//	((module, class_name), args, attrs, traceback_text)
//
// where attrs is a tuple of (name, value) pairs ending with
// ("_remote_version", version), or the int 1 for StopIteration, whose
// value does not survive the trip.
//
// Load turns such a payload into an *Exception, which keeps the module,
// class name, args, attributes, traceback text and peer version. Dump goes
// the other way for any Go error: an *Exception (see New and Errorf) or a
// Class sentinel keeps the class it names, and ordinary Go errors are given
// the class a Python programmer would expect (a missing file becomes
// FileNotFoundError, a deadline TimeoutError, and so on).
//
// Python's class hierarchy is available to errors.Is: every builtin
// exception class has a sentinel (ErrValueError, ErrKeyError, ...) and an
// exception matches its own class and all its ancestors, so a KeyError
// matches ErrLookupError and ErrException as Python's except clauses would.
// Classes that are not builtins, which a Python client rebuilds as rpyc's
// GenericException (itself derived from Exception), match only
// ErrException and ErrBaseException.
//
// The behaviour is pinned by testdata/vectors/vinegar.jsonl (section 4 of
// its README), recorded from rpyc 5.3 and 6.0.
package vinegar
