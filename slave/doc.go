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
// with Python's semantics, as far as classic clients use them: os and
// os.path, sys, builtins (open gives file objects), time, socket,
// subprocess, platform, shutil, and importlib.util (asked for by
// Python's classic.connect). Any other name raises ModuleNotFoundError.
// Each connection gets its own module objects: sys.stdout set by one
// client (redirected_stdio) does not capture another client's prints,
// unlike Python where sys is one per process. Process-wide state stays
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
