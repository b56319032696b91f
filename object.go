package rpyc

import "github.com/rpyc-go/rpyc/internal/pyobj"

// Object is implemented by Go values that are Python objects in their
// own right, whose attributes are not fixed by a Go type: the objects of
// an interpreter (the classic server's lists, dicts, functions and
// instances of classes defined in code). The object model asks them
// instead of reflecting on their type; the peer's repr, str, ==, hash,
// iteration and with blocks become calls of their dunder methods
// (__repr__, __eq__, __iter__, __exit__, ...), as in Python.
//
// Every method gets the context of the request it serves. Errors are
// sent to the peer as exceptions (a *vinegar.Exception for a Python
// class). An Object also names its type for the peer with RPyCTypeName
// ("builtins.list" gives a Python client its own list proxy).
type Object = pyobj.Object
