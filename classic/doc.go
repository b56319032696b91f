// Package classic drives a Python RPyC classic server (rpyc_classic, which
// serves Python's SlaveService) from Go: the Go side of Python's
// rpyc.classic module.
//
// A classic server gives its client the whole Python interpreter: any
// module, eval and exec of source text, files, subprocesses. Connect to
// one and call into it:
//
//	c, err := classic.Connect(ctx, "127.0.0.1", nil) // port 18812
//	defer c.Close()
//	cwd, err := rpyc.As[string](c.Call(ctx, "os.getcwd"))
//	n, err := rpyc.As[int](c.Eval(ctx, "2**10"))
//
// Connections: Connect (TCP, default port 18812), ConnectTLS (18821),
// ConnectUnix, ConnectStdPipes (this process's stdin/stdout, for a Go
// program started by a remote rpyc), ConnectSubproc (a Python rpyc_classic
// started in stdio mode, spoken to over its pipes) and ConnectStream for
// any other stream.
//
// The interpreter: Modules (any module by dotted name), Builtins, Eval,
// Execute, Namespace, and Call/Get for dotted paths ("os.path.join").
// Typed helpers cover the common file operations (ReadFile, WriteFile,
// ListDir, Stat, MkdirAll, Remove, Getcwd).
//
// Utilities: Upload and Download of files and directory trees (atomic: a
// transfer writes a temporary name and renames it at the end), Obtain and
// Deliver of plain data through pickle, RedirectedStdio (the remote
// sys.stdout and sys.stderr into a local io.Writer) and Interact (a remote
// Python REPL on local streams).
//
// Python's teleport_function ships a Python function's bytecode to the
// server; Go functions have no Python bytecode, so it does not apply here.
// Send source text instead: Execute defines functions in the connection's
// namespace and Eval or Namespace reaches them.
//
// Security: a classic server executes anything its clients send. Bind it
// to loopback or a trusted network, or use ConnectTLS with client
// certificates.
package classic
