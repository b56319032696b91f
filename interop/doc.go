// Package interop tests rpyc-go against the real Python RPyC implementation,
// and holds the helpers that start Python peers for those tests.
//
// The Python side is Debian's python3-rpyc (rpyc 5.3.0) run by
// /usr/bin/python3. It is required, not optional: the tests fail (they are
// never skipped) when "import rpyc" does not work, and the test command in
// the repository README installs python3-rpyc before running them.
//
// rpyc 5.x and 6.x differ on the wire only in how a protocol message is
// packed into a frame: 5.x sends brine((type, seq, payload)), 6.x sends one
// type byte followed by brine((seq, payload)). testdata/rpyc6_layout.py
// switches Debian's 5.3.0 to the 6.x layout, either as a runner
// (python3 rpyc6_layout.py script.py args...) or by import and install(),
// so both layouts are checked against a real Python engine.
//
// What is tested here:
//
//   - The wire layer (wire_test.go): testdata/echo_peer.py frames with
//     rpyc's own SocketStream and Channel, decodes each body with Python's
//     brine (or as a message in either layout), encodes it again and sends
//     it back. Thousands of random values and messages from a fixed,
//     logged seed (-wire.seed replays another) must come back byte for byte
//     as Go encoded them, with zlib compression on and off on the Go side
//     and always on (above 3000 bytes) on the Python side.
//
// Helpers for other tests:
//
//   - [Python] checks the interpreter and its rpyc.
//   - [Start] starts a long-running peer script (a server, usually), waits
//     for its "listening on HOST:PORT" or "ready" line, and stops its whole
//     process group at cleanup.
//   - [Run] runs a client script to completion and returns its output.
//   - [ScriptPath] finds a script under interop/testdata from any package.
//
// The tests build on Unix systems only (they drive process groups,
// signals, sshd and etcd); the helpers build everywhere, so other
// packages' tests that use them still compile for Windows.
//
// Peers run with PYTHONUNBUFFERED and PYTHONDONTWRITEBYTECODE set, so
// output arrives promptly and no __pycache__ is left behind.
package interop
