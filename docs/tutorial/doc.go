// Package tutorial is RPyC's five-step tutorial (classic mode; services;
// callbacks and symmetry; async; the registry and servers) in Go, next to
// the Python that Python users know. The text is README.md in this
// directory; every Go snippet in it is an example in this package's tests,
// compiled and run by go test (with its output checked), and a test
// checks that the README's snippets are those examples, word for word.
package tutorial
