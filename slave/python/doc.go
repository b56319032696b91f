// Package python is the Python interpreter of the Go classic server: it
// runs the code Python's rpyc.classic clients send with conn.execute and
// conn.eval, so the lab scripts people already have run against a
// machine without Python.
//
// # Scope
//
// The language of Python 3.11 as such scripts use it, with Python's
// semantics and Python's error messages:
//
//   - statements: assignment (chained, augmented, annotated, unpacking
//     with *rest), if/elif/else, while and for with else, break,
//     continue, pass, del, return, global, nonlocal, assert, import in
//     every form (import a.b as c, from a import b as c, from a import *,
//     __import__), try/except/else/finally (except A, (B, C) as e:),
//     raise (raise X from Y, bare re-raise), with (several items,
//     parenthesised), def (defaults, *args, keyword-only, **kwargs,
//     positional-only, decorators, annotations read and ignored), class
//     (single and multiple inheritance with Python's MRO, super(),
//     staticmethod, classmethod, property, __init__, __new__, the dunder
//     methods: __repr__, __str__, __eq__ and the other comparisons,
//     __hash__, __len__, __bool__, __getitem__/__setitem__/__delitem__,
//     __iter__/__next__, __contains__, __call__, __enter__/__exit__,
//     arithmetic and reflected arithmetic, __getattr__, __setattr__,
//     descriptors with __get__/__set__), generators (yield, yield from,
//     send, throw, close);
//   - expressions: every operator (** // @ is, is not, in, not in,
//     chained comparisons, and/or/not, conditional expressions,
//     assignment expressions), lambda, slicing with steps, list, set,
//     dict and generator comprehensions, f-strings with conversions and
//     nested format specs ({x!r:>{w}}, {x=}), % formatting and
//     str.format, string, bytes, number and ellipsis literals;
//   - values: int is unbounded (int64 while it fits, math/big past it),
//     float, complex, bool, str (Unicode code points), bytes, bytearray,
//     list, tuple, dict (insertion-ordered), set and frozenset (iterating
//     in CPython's order: a table laid out as CPython's, settable.go),
//     range, slice, and their methods; hash() of numbers, tuples and
//     frozensets as CPython's; the builtin functions (len, range,
//     enumerate, zip, map, filter, sorted, reversed, min, max, sum, any,
//     all, isinstance, issubclass, type, getattr/setattr/hasattr/delattr,
//     dir, vars, iter, next, repr, str, hex, oct, bin, ord, chr, abs,
//     round, divmod, pow, hash, id, print, input, open, exec, eval, ...)
//     and the builtin exception classes, in Python's hierarchy;
//   - modules of its own where the interpreter's internals are needed:
//     code (interact, for rpyc.classic.interact) and traceback; and the
//     modules of Python's standard library that are written in Python
//     there and that scripts import at their top, written again in
//     Python for this interpreter (lib/): typing, collections
//     (defaultdict, Counter and OrderedDict are dicts; namedtuple,
//     deque, ChainMap), functools, itertools, dataclasses, enum,
//     contextlib, copy, string, abc and __future__. Code imports them;
//     conn.modules does not offer them.
//
// locals(), vars() and dir() read the calling frame (a function's own
// variables, a class body's namespace, the module's globals), and exec
// and eval put __builtins__ in the namespace, as Python's do.
//
// Every other module comes from the Host: the classic server gives code
// the Go modules its clients get (package slave), through the
// connection's object model, so an attribute, method, default or
// keyword argument of a module works from code exactly as from a
// client. Exceptions of those modules keep their class: a module
// declares its classes with vinegar.NewClass and exposes them as
// attributes (subprocess.CalledProcessError), and an except clause in
// code matches them by vinegar's hierarchy, as a Python client's would;
// the instance carries the exception's arguments and attributes
// (e.returncode, e.errno, e.filename). A Go error becomes the exception
// rpyc sends for it (an *os.PathError is a FileNotFoundError with
// errno, strerror and filename).
//
// Containers cross the Host by copy, as Python values cross a C call:
// a Go function gets a list, dict or set of code as a Go copy (dicts
// and sets in their order when Options.DictCopy and SetCopy say how; a
// callable marked ByReference, such as random.shuffle, gets them by
// reference to change them in place), and a fresh result a Go module
// builds with the package's constructors (DictOf, SetOf, NewList) and
// hands out with Export is the code's own container. Copy gives Go code
// a copy of a container a client passes back.
//
// What this interpreter does not run is a SyntaxError naming the
// construct: "async def is not supported by this server", and likewise
// await, the match statement, except*, the type statement and type
// parameter lists; metaclasses and class keywords are a TypeError, and
// so is subclassing a builtin type other than object and the exception
// classes. CPython bytecode is not run either: rpyc.classic.
// teleport_function fails with a message that says so and names the
// alternative (execute a def). Python's own standard library written in
// Python is not here; modules are the Go implementations the Host gives.
//
// # Why its own interpreter
//
// The route is a tokenizer (with Python's INDENT and DEDENT), a
// recursive-descent parser and a compiler from the syntax tree to Go
// closures (names resolved once: locals in frame slots, closures in
// cells, globals cached per site), with an object model whose plain
// values are the Go values the rest of rpyc-go already uses (int64,
// string, brine.Tuple, ...), so values cross to clients and Go modules
// without conversion. The alternatives fell short: a Python front-end
// over Starlark has no exceptions or classes to lower try/except and
// class statements onto, and gpython speaks Python 3.4 (no f-strings,
// keyword-only arguments, or the like) with an object model of its own
// to bridge. A closure compiler runs the 1,000-iteration loop of a lab
// script in time of the same order as CPython (the benchmarks in this
// package and in interop measure it).
//
// # Running code
//
// An Interp is one global namespace (what execute defines, eval and
// later execute calls see) and one lock: one piece of code runs at a
// time, as under Python's GIL. The lock is let go around every Host call
// (a Go module, a client's callback), so a client called back may run
// code on the same interpreter without deadlock, and every 1,024 loop
// iterations, so a long loop does not hold the connection's other
// requests off. Objects the code hands out (an eval result, a namespace
// function) are rpyc.Object values: each request of a client on them
// runs under the same lock.
//
// Nothing code does can crash the server: recursion is bounded (Python's
// limit of 1,000 calls, and nested data walked by repr, == or hash), as
// are source size (4 MiB), nesting in source, and what one operation may
// build (repetition, huge ints); a Go panic inside the interpreter is a
// SystemError. A loop that never ends is the client's choice, as in
// Python, but it stops when the request's context ends (the connection
// closed): the interpreter raises KeyboardInterrupt at the next loop
// iteration, which no except clause can then catch. Generators left
// suspended are ended (their finally blocks run) when collected or when
// the interpreter is closed.
package python
