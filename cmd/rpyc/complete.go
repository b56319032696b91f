package main

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
)

// completer completes names at the cursor with Tab, asking the server:
// dir(obj) for "obj.na", and the namespace's and builtins' names for a
// bare "na". Only dotted identifiers are completed, so Tab never calls
// anything on the server beyond dir().
type completer struct {
	conn    *classic.Conn
	timeout time.Duration
	lookup  func(obj string) []string // replaces names in tests
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// complete is a term.Terminal AutoCompleteCallback.
func (c *completer) complete(line string, pos int, key rune) (string, int, bool) {
	if key != '\t' {
		return "", 0, false
	}
	start := pos
	for start > 0 && (isIdentByte(line[start-1]) || line[start-1] == '.') {
		start--
	}
	word := line[start:pos]
	if word == "" || word[0] == '.' || (word[0] >= '0' && word[0] <= '9') {
		return "", 0, false
	}
	obj, prefix := "", word
	if i := strings.LastIndexByte(word, '.'); i >= 0 {
		obj, prefix = word[:i], word[i+1:]
	}
	lookup := c.lookup
	if lookup == nil {
		lookup = c.names
	}
	names := lookup(obj)
	var matches []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && (strings.HasPrefix(prefix, "_") || !strings.HasPrefix(n, "_")) {
			matches = append(matches, n)
		}
	}
	if len(matches) == 0 {
		return "", 0, false
	}
	common := matches[0]
	for _, m := range matches[1:] {
		for !strings.HasPrefix(m, common) {
			common = common[:len(common)-1]
		}
	}
	if len(common) <= len(prefix) {
		return "", 0, false
	}
	insert := common[len(prefix):]
	return line[:pos] + insert + line[pos:], pos + len(insert), true
}

// names asks the server for the names under obj ("" for the namespace
// and builtins); nil when it cannot tell.
func (c *completer) names(obj string) []string {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	exprs := []string{"dir(" + obj + ")"}
	if obj == "" {
		// Python's classic eval runs in the namespace dict, so globals()
		// is the session's names; a server that cannot evaluate it
		// offers no bare-name completion.
		exprs = []string{"sorted(set(globals()) | set(dir(__import__('builtins'))))"}
	}
	var out []string
	for _, e := range exprs {
		v, err := c.conn.Eval(ctx, e)
		if err != nil {
			continue
		}
		names, err := rpyc.Obtain[[]string](ctx, v)
		if err != nil {
			continue
		}
		out = append(out, names...)
	}
	sort.Strings(out)
	return out
}
