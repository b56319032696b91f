package rpyc

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

// parsePyLiteral parses the repr of plain data for Obtain: a set comes
// out as a list ([]any), nesting is bounded by MaxObtainDepth.
func parsePyLiteral(s string) (any, error) {
	return parseLiteralText(s, false, MaxObtainDepth)
}
