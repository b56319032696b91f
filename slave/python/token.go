package python

import "fmt"

// tokKind is the kind of a token the lexer produces.
type tokKind uint8

const (
	tEOF tokKind = iota
	tNewline
	tIndent
	tDedent
	tName
	tInt    // val: int64 or *big.Int
	tFloat  // val: float64
	tImag   // val: complex128
	tString // val: string or []byte; see strTok
	tOp     // text: the operator or delimiter
)

func (k tokKind) String() string {
	switch k {
	case tEOF:
		return "end of input"
	case tNewline:
		return "newline"
	case tIndent:
		return "indent"
	case tDedent:
		return "dedent"
	case tName:
		return "name"
	case tInt, tFloat, tImag:
		return "number"
	case tString:
		return "string"
	}
	return "operator"
}

// Pos is a place in the source: 1-based line, 0-based column (bytes).
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("line %d", p.Line) }

// token is one lexical token.
type token struct {
	kind tokKind
	pos  Pos
	text string // name, operator, or the source text of a literal
	val  any    // a number's value; a string literal's *strTok
}

// strTok is a string literal as the lexer found it: plain and bytes
// literals are decoded; an f-string keeps its body for the parser.
type strTok struct {
	value  string // decoded text (str or bytes contents); an f-string's raw body
	bytes  bool
	fmt    bool // f-string
	raw    bool
	quote  string
	body   Pos // where the body starts, for errors inside f-strings
	triple bool
}

// keywords are Python's reserved words; the parser refuses them as names.
var keywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
	"async": true, "await": true, "break": true, "class": true, "continue": true,
	"def": true, "del": true, "elif": true, "else": true, "except": true, "finally": true,
	"for": true, "from": true, "global": true, "if": true, "import": true, "in": true,
	"is": true, "lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true,
	"raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
}

// operators, longest first within each leading character.
var operators = []string{
	"**=", "//=", ">>=", "<<=", "...", "->", ":=",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
	"**", "//", "<<", ">>", "<=", ">=", "==", "!=",
	"+", "-", "*", "/", "%", "&", "|", "^", "~", "@", "<", ">",
	"(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
}
