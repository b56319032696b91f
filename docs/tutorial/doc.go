// Package tutorial is RPyC's five-step tutorial (classic mode; services;
// callbacks and symmetry; async; the registry and servers) in Go, next to
// the Python that Python users know. The text is README.md in this
// directory; every Go snippet in it is an example in this package's tests,
// compiled and run by go test (with its output checked), and a test
// checks that the README's snippets are those examples, word for word.
// The Python clients of steps 2 to 5 (testdata) run against the examples'
// Go servers, so the Python side of the page is tested too.
package tutorial
