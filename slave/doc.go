// Package slave is the classic server's service in Go: what Python's
// SlaveService offers to rpyc.classic clients (getmodule, eval, execute,
// namespace), without Python on the serving machine. cmd/rpyc_classic
// serves it; Python's own rpyc.classic client and utilities (upload,
// download, redirected_stdio, modules.subprocess.run, ...) drive it
// unchanged.
//
//	srv := &server.Server{Service: slave.New(nil), Config: slave.Config(nil)}
//	err := srv.ListenAndServe(ctx, "127.0.0.1:18812")
//
// # Code
//
// eval and execute run Python: the statements, expressions and builtins
// of Python 3.11 that scripts send (import in every form, try/except/
// else/finally, raise, with, class with inheritance, super(), properties
// and dunder methods, generators, f-strings, unbounded ints, ...), in an
// interpreter written for this server (package python, whose
// documentation lists what it runs and why it is its own). Each
// connection has one global namespace, which Python reaches as
// conn.namespace (a dict): what execute defines, eval and later execute
// calls see; Python can call a function it finds there
// (conn.namespace["f"](21)), and a Python callable passed in is
// callable from code. eval returns plain values by value and lists,
// dicts and other objects by reference, as Python's server does.
//
// import binds the connection's modules, the objects conn.modules gives
// (below): a module's attributes, methods, defaults and keyword arguments
// are the ones Python clients see. An except clause matches the
// exceptions module calls raise by class (except FileNotFoundError as
// e:, except subprocess.CalledProcessError), with their attributes
// (e.errno, e.filename, e.returncode). An exception escaping execute or
// eval reaches the client as the Python exception it is, with a traceback
// whose lines are the code's. print writes to the connection's
// sys.stdout as it is at that moment, so Python's redirected_stdio
// brings it home; rpyc.classic.interact runs a read-eval-print loop over
// the connection's sys.stdin.
//
// What the interpreter does not run is a SyntaxError naming it ("async
// def is not supported by this server"; likewise await, match, except*,
// the type statement); the connection lives on. teleport_function needs
// CPython bytecode and fails saying so, with the alternative: send the
// def with execute. A loop that never ends stops when its client closes
// the connection.
//
// # Modules
//
// getmodule returns modules implemented in Go under Python's names and
// with Python's semantics, as far as classic clients use them: os,
// os.path, sys, builtins, subprocess, pathlib, shutil, glob, fnmatch,
// tempfile, time, datetime, json, re, socket, signal, pwd and grp (Unix),
// platform, hashlib, base64, zlib, gzip, struct, math, random, errno,
// stat, io, logging, threading, pickle, rpyc.lib.compat (for
// rpyc.classic.deliver) and importlib (asked for by Python's
// classic.connect). Any other name raises ModuleNotFoundError. A module
// is a Go struct (see Module) whose exported methods and `rpyc`-tagged
// fields the engine and the code bridge serve under Python's names;
// classes (builtins.list, pathlib.Path, datetime.datetime,
// subprocess.Popen as a function) are objects with a __call__; module
// exceptions are vinegar classes declared once (errors.go) and exposed
// as the module attributes Python has, and carry Python's attributes.
//
// Resources close as Python closes them: when nothing the client holds
// refers to them any more, or when the connection ends. A file stays open
// while the client holds one of its bound methods or its iterator; a
// Popen's pipes keep the Popen in the object table (rpyc.Owner), and the
// Popen closes its pipes when it is released.
//
// Each connection gets its own module objects: sys.stdout set by one
// client (redirected_stdio) does not capture another client's prints,
// and os.environ changes reach only that client's programs, unlike
// Python where they are one per process. Process-wide state stays
// process-wide, as in Python: os.chdir changes every connection's
// working directory.
//
// # Security
//
// This is remote control by design, exactly as Python's classic server:
// whoever can connect can read and write files and run programs as the
// serving user. Serve it on loopback (the default of cmd/rpyc_classic),
// behind TLS with client certificates, or over SSH (see the deploy
// package), never on an open network.
//
// # Zero-deploy
//
// The deploy subpackage copies a static cmd/rpyc_classic to a host over
// SSH, runs it there, and hands back classic connections, removing
// everything on Close.
package slave
