// Package literal reads Python literals into the Go values a peer's
// brine would decode to: what ast.literal_eval accepts (Eval, for
// rpyc.ParseLiteral: the rpyc command's call arguments), and the repr of
// plain data (Parse, for by-value fetching and RPyCParams defaults).
package literal

// Reading Python's repr of plain data, so that a dict comes by value in
// one round trip (HANDLE_REPR) on any server: BUFFITER yields only a
// dict's keys, and a server with the strict default policy refuses
// items(). repr of a builtin dict whose contents are plain data (None,
// bools, ints, floats, str, bytes, lists, tuples, sets, dicts) is a
// Python literal, parsed here; anything else in it (an object's
// <... at 0x...> repr, a recursive {...}, a datetime) makes the parse
// fail, and the caller falls back to fetching items. As with Python's
// ast.literal_eval(repr(x)), an object whose class makes its repr look
// like a literal (numpy's float64 prints 1.5) arrives as that literal.

// Parse parses the repr of plain data: a set comes out as a list ([]any),
// brackets nest at most maxDepth deep.
func Parse(s string, maxDepth int) (any, error) {
	return parseLiteralText(s, false, maxDepth)
}

// Eval parses s as ast.literal_eval does (see rpyc.ParseLiteral): a set
// is a brine.FrozenSet, ... is Ellipsis; brackets nest at most maxDepth
// deep.
func Eval(s string, maxDepth int) (any, error) {
	return parseLiteralText(s, true, maxDepth)
}
