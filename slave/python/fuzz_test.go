package python

import (
	"strings"
	"testing"
)

// FuzzParse feeds any text to the tokenizer, the parser and the
// compiler, as a client may: each must return a result or a
// SyntaxError, never panic, hang or recurse without bound.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"x = 1\n", "def f(a, *b, c=1, **d):\n    return a\n", "class A(B):\n    x = 1\n    def m(self): pass\n",
		"f'{x!r:>{w}}'", "try:\n  pass\nexcept E as e:\n  raise X from e\nfinally:\n  pass\n",
		"with a as b, c:\n  del b\n", "lambda x, /, y, *, z: (x, y, z)", "[i for i in range(3) if i]",
		"x = (yield)", "async def f(): pass", "match x:\n case 1: pass\n", "import a.b as c\nfrom . import d\n",
		"global x\nnonlocal y\n", "while 1:\n  break\nelse:\n  continue\n", "'''unterminated", "(((((", "\tx\n  y\n",
		"b'\\xff' rb'\\d' u'x' f\"{'a'}\" r'\\'", "0x_1 1_0 1e5j 0o7 0b1 .5 5.", "a if b else c if d else e",
		"x: int = 1\n@dec\ndef g(): ...\n", "print 'py2'", "{**a, 'b': 1, **c}", "f'{x=}' f'{{}}'",
		strings.Repeat("(", 300), strings.Repeat("-", 5000) + "1", strings.Repeat("a+", 6000) + "a",
		strings.Repeat("if x:\n", 120), "f'" + strings.Repeat("{f'", 12) + "x" + strings.Repeat("'}", 12) + "'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if stmts, err := Parse(src); err == nil {
			if _, err := compileSource(src, false); err != nil {
				if _, ok := err.(*SyntaxError); !ok {
					t.Fatalf("compile %q: %v is not a SyntaxError", src, err)
				}
			}
			_ = stmts
		} else if _, ok := err.(*SyntaxError); !ok {
			t.Fatalf("parse %q: %v is not a SyntaxError", src, err)
		}
		if _, err := compileEval(src); err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("eval %q: %v is not a SyntaxError", src, err)
			}
		}
		_ = needsMore(src, strings.Split(src, "\n"))
	})
}
