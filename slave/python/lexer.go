package python

import (
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SyntaxError is a program that does not parse: Python's SyntaxError (or
// its subclasses IndentationError and TabError, named by Class), with
// the place and the source line.
type SyntaxError struct {
	Class string // "SyntaxError", "IndentationError" or "TabError"
	Msg   string
	Pos   Pos
	Text  string // the source line, "" when unknown
}

func (e *SyntaxError) Error() string {
	return e.Class + ": " + e.Msg + " (<string>, line " + strconv.Itoa(e.Pos.Line) + ")"
}

// maxSource bounds the code one execute or eval may send: a larger text
// is refused before any work, so the memory a request costs stays
// proportional to a sane program.
const maxSource = 4 << 20

// maxIndent bounds the depth of indentation, as Python's tokenizer does
// (100 levels).
const maxIndent = 100

// maxBrackets bounds nested brackets, as Python's tokenizer does (200).
const maxBrackets = 200

type lexer struct {
	src     string
	i       int // byte offset
	line    int
	lineAt  int // offset of the current line's first byte
	indents []int
	depth   int // bracket nesting
	toks    []token
	atBOL   bool // at the start of a logical line
	pending []token
}

// tokenize splits src into tokens, with NEWLINE, INDENT and DEDENT as
// Python's tokenizer makes them.
func tokenize(src string) ([]token, error) {
	if len(src) > maxSource {
		return nil, &SyntaxError{Class: "SyntaxError", Msg: "source code too long for this server (over 4 MiB)", Pos: Pos{1, 0}}
	}
	if !utf8.ValidString(src) {
		return nil, &SyntaxError{Class: "SyntaxError", Msg: "source is not valid UTF-8", Pos: Pos{1, 0}}
	}
	src = strings.TrimPrefix(src, "\ufeff")
	lx := &lexer{src: src, line: 1, indents: []int{0}, atBOL: true}
	if err := lx.run(); err != nil {
		return nil, err
	}
	return lx.toks, nil
}

func (lx *lexer) pos() Pos { return Pos{lx.line, lx.i - lx.lineAt} }

func (lx *lexer) errAt(p Pos, msg string) error {
	return &SyntaxError{Class: "SyntaxError", Msg: msg, Pos: p, Text: lineText(lx.src, p.Line)}
}

// lineText is the n-th line of src (1-based), with its newline.
func lineText(src string, n int) string {
	for l := 1; l < n; l++ {
		i := strings.IndexByte(src, '\n')
		if i < 0 {
			return ""
		}
		src = src[i+1:]
	}
	if i := strings.IndexByte(src, '\n'); i >= 0 {
		return src[:i+1]
	}
	return src
}

func (lx *lexer) emit(k tokKind, p Pos, text string, val any) {
	lx.toks = append(lx.toks, token{kind: k, pos: p, text: text, val: val})
}

func (lx *lexer) newline() {
	lx.line++
	lx.lineAt = lx.i
}

func (lx *lexer) run() error {
	for {
		if lx.atBOL && lx.depth == 0 {
			done, err := lx.indentation()
			if err != nil {
				return err
			}
			if done {
				break
			}
		}
		if lx.i >= len(lx.src) {
			break
		}
		c := lx.src[lx.i]
		switch {
		case c == ' ' || c == '\t' || c == '\f' || c == '\r':
			lx.i++
		case c == '#':
			for lx.i < len(lx.src) && lx.src[lx.i] != '\n' {
				lx.i++
			}
		case c == '\n':
			p := lx.pos()
			lx.i++
			if lx.depth == 0 {
				lx.emit(tNewline, p, "", nil)
				lx.atBOL = true
			}
			lx.newline()
		case c == '\\':
			p := lx.pos()
			j := lx.i + 1
			if j < len(lx.src) && lx.src[j] == '\r' {
				j++
			}
			if j >= len(lx.src) {
				return lx.errAt(p, "unexpected EOF while parsing")
			}
			if lx.src[j] != '\n' {
				return lx.errAt(p, "unexpected character after line continuation character")
			}
			lx.i = j + 1
			lx.newline()
		case c >= '0' && c <= '9' || c == '.' && lx.i+1 < len(lx.src) && isDigit(lx.src[lx.i+1]):
			if err := lx.number(); err != nil {
				return err
			}
		case c == '"' || c == '\'':
			if err := lx.str(lx.i, ""); err != nil {
				return err
			}
		default:
			r, size := utf8.DecodeRuneInString(lx.src[lx.i:])
			if isIdentStart(r) {
				start, p := lx.i, lx.pos()
				lx.i += size
				for lx.i < len(lx.src) {
					r, size := utf8.DecodeRuneInString(lx.src[lx.i:])
					if !isIdentPart(r) {
						break
					}
					lx.i += size
				}
				word := lx.src[start:lx.i]
				if lx.i < len(lx.src) && (lx.src[lx.i] == '"' || lx.src[lx.i] == '\'') && isStrPrefix(word) {
					lx.i = start
					if err := lx.str(start+len(word), strings.ToLower(word)); err != nil {
						return err
					}
					continue
				}
				lx.emit(tName, p, word, nil)
				continue
			}
			if err := lx.operator(); err != nil {
				return err
			}
		}
	}
	p := lx.pos()
	if lx.depth > 0 {
		return lx.errAt(p, "unexpected EOF while parsing (unclosed bracket)")
	}
	if n := len(lx.toks); n > 0 && lx.toks[n-1].kind != tNewline && lx.toks[n-1].kind != tDedent && lx.toks[n-1].kind != tIndent {
		lx.emit(tNewline, p, "", nil)
	}
	for len(lx.indents) > 1 {
		lx.indents = lx.indents[:len(lx.indents)-1]
		lx.emit(tDedent, p, "", nil)
	}
	lx.emit(tEOF, p, "", nil)
	return nil
}

// indentation reads the leading white space of a line and emits INDENT
// or DEDENTs; blank and comment-only lines are skipped. done reports the
// end of the input.
func (lx *lexer) indentation() (done bool, err error) {
	for {
		col := 0
		for lx.i < len(lx.src) {
			switch lx.src[lx.i] {
			case ' ':
				col++
			case '\t':
				col = (col/8 + 1) * 8
			case '\f':
				col = 0
			default:
				goto measured
			}
			lx.i++
		}
	measured:
		if lx.i >= len(lx.src) {
			return true, nil
		}
		switch lx.src[lx.i] {
		case '#':
			for lx.i < len(lx.src) && lx.src[lx.i] != '\n' {
				lx.i++
			}
			continue
		case '\r':
			if lx.i+1 < len(lx.src) && lx.src[lx.i+1] == '\n' {
				lx.i++
			}
			fallthrough
		case '\n':
			lx.i++
			lx.newline()
			continue
		}
		lx.atBOL = false
		p := Pos{lx.line, 0}
		top := lx.indents[len(lx.indents)-1]
		switch {
		case col > top:
			if len(lx.indents) > maxIndent {
				return false, &SyntaxError{Class: "IndentationError", Msg: "too many levels of indentation", Pos: p, Text: lineText(lx.src, p.Line)}
			}
			lx.indents = append(lx.indents, col)
			lx.emit(tIndent, p, "", nil)
		case col < top:
			for col < lx.indents[len(lx.indents)-1] {
				lx.indents = lx.indents[:len(lx.indents)-1]
				lx.emit(tDedent, p, "", nil)
			}
			if col != lx.indents[len(lx.indents)-1] {
				return false, &SyntaxError{Class: "IndentationError", Msg: "unindent does not match any outer indentation level", Pos: p, Text: lineText(lx.src, p.Line)}
			}
		}
		return false, nil
	}
}

func (lx *lexer) operator() error {
	p := lx.pos()
	rest := lx.src[lx.i:]
	for _, op := range operators {
		if strings.HasPrefix(rest, op) {
			lx.i += len(op)
			switch op {
			case "(", "[", "{":
				lx.depth++
				if lx.depth > maxBrackets {
					return lx.errAt(p, "too many nested parentheses")
				}
			case ")", "]", "}":
				if lx.depth == 0 {
					return lx.errAt(p, "unmatched '"+op+"'")
				}
				lx.depth--
			}
			lx.emit(tOp, p, op, nil)
			return nil
		}
	}
	r, _ := utf8.DecodeRuneInString(rest)
	if r == '!' {
		return lx.errAt(p, "invalid syntax")
	}
	if r == '$' || r == '?' || r == '`' {
		return lx.errAt(p, "invalid syntax")
	}
	return lx.errAt(p, "invalid character '"+string(r)+"' (U+"+strings.ToUpper(strconv.FormatInt(int64(r), 16))+")")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(r rune) bool {
	return r == '_' || r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') ||
		r >= utf8.RuneSelf && unicode.IsLetter(r)
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || r < utf8.RuneSelf && r >= '0' && r <= '9' ||
		r >= utf8.RuneSelf && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r))
}

func isStrPrefix(w string) bool {
	switch strings.ToLower(w) {
	case "r", "u", "b", "br", "rb", "f", "fr", "rf":
		return true
	}
	return false
}

// number reads an integer, float or imaginary literal.
func (lx *lexer) number() error {
	p := lx.pos()
	start := lx.i
	s := lx.src
	bad := func() error { return lx.errAt(p, "invalid decimal literal") }
	digits := func(ok func(byte) bool) {
		for lx.i < len(s) && (ok(s[lx.i]) || s[lx.i] == '_' && lx.i+1 < len(s) && ok(s[lx.i+1])) {
			lx.i++
		}
	}
	if s[lx.i] == '0' && lx.i+1 < len(s) && strings.ContainsRune("xXoObB", rune(s[lx.i+1])) {
		base := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'O': 8, 'b': 2, 'B': 2}[s[lx.i+1]]
		lx.i += 2
		if lx.i < len(s) && s[lx.i] == '_' {
			lx.i++
		}
		d0 := lx.i
		digits(func(c byte) bool { return digitVal(c) < base })
		if lx.i == d0 {
			return lx.errAt(p, "invalid "+map[int]string{16: "hexadecimal", 8: "octal", 2: "binary"}[base]+" literal")
		}
		if lx.i < len(s) && (isIdentPartByte(s[lx.i])) {
			return lx.errAt(p, "invalid "+map[int]string{16: "hexadecimal", 8: "octal", 2: "binary"}[base]+" literal")
		}
		text := strings.ReplaceAll(s[d0:lx.i], "_", "")
		lx.emit(tInt, p, s[start:lx.i], parseIntLit(text, base))
		return nil
	}
	digits(isDigit)
	isFloat := false
	if lx.i < len(s) && s[lx.i] == '.' {
		isFloat = true
		lx.i++
		digits(isDigit)
	}
	if lx.i < len(s) && (s[lx.i] == 'e' || s[lx.i] == 'E') {
		j := lx.i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			isFloat = true
			lx.i = j
			digits(isDigit)
		}
	}
	text := strings.ReplaceAll(s[start:lx.i], "_", "")
	if lx.i < len(s) && (s[lx.i] == 'j' || s[lx.i] == 'J') {
		lx.i++
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !isRangeErr(err) {
			return bad()
		}
		lx.emit(tImag, p, s[start:lx.i], complex(0, f))
		return nil
	}
	if lx.i < len(s) && isIdentPartByte(s[lx.i]) {
		return bad()
	}
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !isRangeErr(err) {
			return bad()
		}
		lx.emit(tFloat, p, s[start:lx.i], f)
		return nil
	}
	if len(text) > 1 && text[0] == '0' && strings.Trim(text, "0") != "" {
		return lx.errAt(p, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
	}
	if len(text) > maxIntDigits {
		return lx.errAt(p, "Exceeds the limit (4300 digits) for integer string conversion")
	}
	lx.emit(tInt, p, s[start:lx.i], parseIntLit(text, 10))
	return nil
}

// maxIntDigits is Python's limit on decimal digits converted to an int.
const maxIntDigits = 4300

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isIdentPartByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

func parseIntLit(text string, base int) any {
	if n, err := strconv.ParseInt(text, base, 64); err == nil {
		return n
	}
	b, _ := new(big.Int).SetString(text, base)
	return normBig(b)
}

// str reads a string literal whose quote starts at q; prefix is its
// lower-cased prefix letters.
func (lx *lexer) str(q int, prefix string) error {
	p := lx.pos()
	s := lx.src
	quote := s[q : q+1]
	if strings.HasPrefix(s[q:], quote+quote+quote) {
		quote = quote + quote + quote
	}
	raw := strings.Contains(prefix, "r")
	isBytes := strings.Contains(prefix, "b")
	isFmt := strings.Contains(prefix, "f")
	bodyStart := q + len(quote)
	bodyPos := Pos{lx.line, bodyStart - lx.lineAt}
	j := bodyStart
	for {
		if j >= len(s) {
			if len(quote) == 3 {
				return lx.errAt(p, "unterminated triple-quoted string literal (detected at line "+strconv.Itoa(lx.line)+")")
			}
			return lx.errAt(p, "unterminated string literal (detected at line "+strconv.Itoa(lx.line)+")")
		}
		c := s[j]
		if c == '\\' {
			j += 2
			if j-1 < len(s) && s[j-1] == '\n' {
				lx.line++
				lx.lineAt = j
			}
			continue
		}
		if c == '\n' {
			if len(quote) == 1 {
				return lx.errAt(p, "unterminated string literal (detected at line "+strconv.Itoa(lx.line)+")")
			}
			lx.line++
			lx.lineAt = j + 1
		}
		if strings.HasPrefix(s[j:], quote) {
			break
		}
		j++
	}
	body := s[bodyStart:j]
	lx.i = j + len(quote)
	st := &strTok{bytes: isBytes, fmt: isFmt, raw: raw, quote: quote, body: bodyPos, triple: len(quote) == 3}
	switch {
	case isFmt:
		st.value = body
	case raw:
		st.value = strings.ReplaceAll(body, "\r\n", "\n")
	default:
		v, err := unescape(body, isBytes)
		if err != nil {
			return lx.errAt(p, err.Error())
		}
		st.value = v
	}
	if isBytes {
		for i := 0; i < len(body); i++ {
			if body[i] >= utf8.RuneSelf {
				return lx.errAt(p, "bytes can only contain ASCII literal characters")
			}
		}
	}
	lx.toks = append(lx.toks, token{kind: tString, pos: p, text: s[q-len(prefix) : lx.i], val: st})
	return nil
}

type escError string

func (e escError) Error() string { return string(e) }

// unescape decodes the backslash escapes of a (non-raw) literal body.
// For bytes, \x and octal escapes give bytes and \u is not an escape.
func unescape(body string, isBytes bool) (string, error) {
	if !strings.ContainsAny(body, "\\\r") {
		return body, nil
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\r' {
			if i+1 < len(body) && body[i+1] == '\n' {
				continue
			}
			b.WriteByte('\n')
			continue
		}
		if c != '\\' || i+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		e := body[i]
		switch e {
		case '\n':
		case '\r':
			if i+1 < len(body) && body[i+1] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n, k := 0, 0
			for k < 3 && i+k < len(body) && body[i+k] >= '0' && body[i+k] <= '7' {
				n = n*8 + int(body[i+k]-'0')
				k++
			}
			i += k - 1
			if isBytes {
				b.WriteByte(byte(n))
			} else {
				b.WriteRune(rune(n))
			}
		case 'x':
			hex := safeSlice(body, i+1, i+3)
			n, err := strconv.ParseUint(hex, 16, 8)
			if err != nil || len(hex) != 2 {
				return "", escError("(unicode error) truncated \\xXX escape")
			}
			i += 2
			if isBytes {
				b.WriteByte(byte(n))
			} else {
				b.WriteRune(rune(n))
			}
		case 'u', 'U':
			if isBytes {
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			width := 4
			if e == 'U' {
				width = 8
			}
			n, err := strconv.ParseUint(safeSlice(body, i+1, i+1+width), 16, 32)
			if err != nil || len(safeSlice(body, i+1, i+1+width)) != width {
				return "", escError("(unicode error) truncated \\" + string(e) + strings.Repeat("X", width) + " escape")
			}
			if n > unicode.MaxRune {
				return "", escError("(unicode error) illegal Unicode character")
			}
			i += width
			b.WriteRune(rune(n))
		case 'N':
			if isBytes {
				b.WriteString("\\N")
				continue
			}
			end := strings.IndexByte(body[i:], '}')
			if i+1 >= len(body) || body[i+1] != '{' || end < 0 {
				return "", escError("(unicode error) malformed \\N character escape")
			}
			name := body[i+2 : i+end]
			r, ok := unicodeNames[strings.ToUpper(name)]
			if !ok {
				return "", escError("(unicode error) unknown Unicode character name (this server knows only a few names in \\N{...})")
			}
			b.WriteRune(r)
			i += end
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), nil
}

func safeSlice(s string, i, j int) string {
	if i > len(s) {
		i = len(s)
	}
	if j > len(s) {
		j = len(s)
	}
	return s[i:j]
}

// unicodeNames are the \N{...} names this server knows.
var unicodeNames = map[string]rune{
	"BULLET": '•', "DEGREE SIGN": '°', "EM DASH": '—', "EN DASH": '–', "NO-BREAK SPACE": '\u00a0',
	"HORIZONTAL ELLIPSIS": '…', "CHECK MARK": '✓', "MICRO SIGN": 'µ', "GREEK SMALL LETTER MU": 'μ',
	"COPYRIGHT SIGN": '©', "REGISTERED SIGN": '®', "EURO SIGN": '€', "POUND SIGN": '£',
	"SPACE": ' ', "NULL": 0, "LINE FEED": '\n', "CARRIAGE RETURN": '\r', "CHARACTER TABULATION": '\t',
	"RIGHTWARDS ARROW": '→', "LEFTWARDS ARROW": '←', "MULTIPLICATION SIGN": '×', "PLUS-MINUS SIGN": '±',
	"SNOWMAN": '☃', "BLACK STAR": '★', "WHITE STAR": '☆', "HEAVY CHECK MARK": '✔', "CROSS MARK": '❌',
	"OHM SIGN": 'Ω', "GREEK CAPITAL LETTER OMEGA": 'Ω', "INFINITY": '∞', "ZERO WIDTH SPACE": '\u200b',
}
