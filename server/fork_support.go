package server

import "errors"

// ErrNoChildProcesses is returned by StartChild, and by Serve for a
// Forking server, on an OS where a child process cannot be handed a
// connection (Windows: no Unix descriptor passing). Threaded and
// ThreadPool servers work everywhere.
var ErrNoChildProcesses = errors.New("rpyc/server: child processes cannot be handed a connection (Forking and StartChild need a Unix system; use Threaded or ThreadPool)")
