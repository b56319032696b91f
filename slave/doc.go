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
// eval and execute run Starlark (go.starlark.net), a Python dialect: the
// expressions, statements, def, lambda, comprehensions, lists, dicts and
// strings of Python, without classes, imports or exceptions. Each
// connection has one global namespace, which Python reaches as
// conn.namespace (a dict-like object): what execute defines, eval and
// later execute calls see, and Python can call a Starlark function it
// finds there (conn.namespace["f"](21)). print inside executed code
// writes to the connection's sys.stdout as it is at that moment, so
// Python's redirected_stdio brings it home. A syntax error raises
// SyntaxError; the connection lives on. Code reaches the modules below
// through __import__("os") (so Python expressions such as
// "(lambda os: os.getcwd())(__import__('os'))" work) and
// getmodule("os.path"); their attributes, methods, defaults and keyword
// arguments are the ones Python clients see.
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
