package python

// The syntax tree the parser builds and the compiler turns into closures.
// Node names follow Python's ast module, so a reader who knows one knows
// the other.

// Expr is an expression node.
type Expr interface{ pos() Pos }

// Stmt is a statement node.
type Stmt interface{ pos() Pos }

type node struct{ P Pos }

func (n node) pos() Pos { return n.P }

type (
	// Name is a variable reference.
	Name struct {
		node
		ID string
	}
	// Constant is a literal: int64, *big.Int, float64, complex128,
	// string, []byte, bool, nil, or ellipsis.
	Constant struct {
		node
		Value any
	}
	// JoinedStr is an f-string: its parts are Constants and FormattedValues.
	JoinedStr struct {
		node
		Parts []Expr
	}
	// FormattedValue is one {value!conv:spec} of an f-string.
	FormattedValue struct {
		node
		Value Expr
		Conv  byte // 0, 's', 'r' or 'a'
		Spec  Expr // a JoinedStr, or nil
	}
	TupleExpr struct {
		node
		Elts []Expr
	}
	ListExpr struct {
		node
		Elts []Expr
	}
	SetExpr struct {
		node
		Elts []Expr
	}
	// DictExpr is {k: v, **m}; a nil key marks a ** entry.
	DictExpr struct {
		node
		Keys   []Expr
		Values []Expr
	}
	Starred struct {
		node
		Value Expr
	}
	Attribute struct {
		node
		Value Expr
		Attr  string
	}
	Subscript struct {
		node
		Value Expr
		Index Expr
	}
	SliceExpr struct {
		node
		Lo, Hi, Step Expr
	}
	Keyword struct {
		Arg   string // "" for **kwargs
		Value Expr
	}
	Call struct {
		node
		Func     Expr
		Args     []Expr // may hold Starred
		Keywords []Keyword
	}
	BinOp struct {
		node
		Op   string
		L, R Expr
	}
	UnaryOp struct {
		node
		Op string // "-", "+", "~", "not"
		X  Expr
	}
	BoolOp struct {
		node
		Op     string // "and", "or"
		Values []Expr
	}
	Compare struct {
		node
		Left  Expr
		Ops   []string // "<", "in", "not in", "is", "is not", ...
		Right []Expr
	}
	IfExp struct {
		node
		Test, Body, Else Expr
	}
	Lambda struct {
		node
		Args *Arguments
		Body Expr
	}
	Comprehension struct {
		Target Expr
		Iter   Expr
		Ifs    []Expr
	}
	// Comp is a list, set or dict comprehension or a generator
	// expression (Kind "list", "set", "dict", "gen").
	Comp struct {
		node
		Kind  string
		Elt   Expr // the value; for dicts the key
		Value Expr // dicts only
		Gens  []Comprehension
	}
	Yield struct {
		node
		Value Expr // may be nil
		From  bool
	}
	NamedExpr struct {
		node
		Target *Name
		Value  Expr
	}
)

// ellipsis is the Ellipsis literal's constant.
type ellipsis struct{}

type (
	ExprStmt struct {
		node
		X Expr
	}
	Assign struct {
		node
		Targets []Expr
		Value   Expr
	}
	AugAssign struct {
		node
		Target Expr
		Op     string
		Value  Expr
	}
	AnnAssign struct {
		node
		Target Expr
		Ann    Expr
		Value  Expr // may be nil
		Simple bool
	}
	Pass     struct{ node }
	Break    struct{ node }
	Continue struct{ node }
	Return   struct {
		node
		Value Expr
	}
	If struct {
		node
		Test Expr
		Body []Stmt
		Else []Stmt
	}
	While struct {
		node
		Test Expr
		Body []Stmt
		Else []Stmt
	}
	For struct {
		node
		Target Expr
		Iter   Expr
		Body   []Stmt
		Else   []Stmt
	}
	Arg struct {
		Name    string
		Default Expr // nil when none
	}
	// Arguments is a def's or lambda's parameter list.
	Arguments struct {
		PosOnly int   // how many of Args are positional-only
		Args    []Arg // positional (or keyword) parameters
		Vararg  string
		KwOnly  []Arg
		Kwarg   string
	}
	FunctionDef struct {
		node
		Name       string
		Args       *Arguments
		Body       []Stmt
		Decorators []Expr
	}
	ClassDef struct {
		node
		Name       string
		Bases      []Expr
		Keywords   []Keyword
		Body       []Stmt
		Decorators []Expr
	}
	Handler struct {
		P    Pos
		Type Expr // nil for a bare except
		Name string
		Body []Stmt
	}
	Try struct {
		node
		Body     []Stmt
		Handlers []Handler
		Else     []Stmt
		Finally  []Stmt
	}
	Raise struct {
		node
		Exc   Expr
		Cause Expr
	}
	Assert struct {
		node
		Test Expr
		Msg  Expr
	}
	WithItem struct {
		Ctx    Expr
		Target Expr
	}
	With struct {
		node
		Items []WithItem
		Body  []Stmt
	}
	Alias struct {
		Name   string // dotted for import
		AsName string
	}
	Import struct {
		node
		Names []Alias
	}
	ImportFrom struct {
		node
		Module string
		Names  []Alias // Name "*" for a star import
		Level  int
	}
	Global struct {
		node
		Names []string
	}
	Nonlocal struct {
		node
		Names []string
	}
	Del struct {
		node
		Targets []Expr
	}
)
