package slave

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
)

// Python's regular expression syntax read into Go's (RE2). What RE2
// cannot do (backreferences, lookahead and lookbehind, conditionals,
// atomic groups and possessive repeats) is a re.error naming the
// construct and its position; the rest is translated: \d, \w, \s and \b
// follow Unicode for str patterns (ASCII with re.ASCII or bytes), \Z is
// \z, $ without MULTILINE also matches before a final newline (see
// rePattern.dollar), verbose mode drops whitespace and comments, {,n}
// is {0,n}, \uXXXX, \UXXXXXXXX and octal escapes become code points.

// Python's flag values.
const (
	reTemplate  = 1
	reIgnore    = 2
	reLocale    = 4
	reMultiline = 8
	reDotall    = 16
	reUnicode   = 32
	reVerbose   = 64
	reASCII     = 256
)

// reError is re.error(msg, pattern, pos) with Python's attributes and
// message "msg at position N" (with line and column when the pattern has
// several lines).
func reError(msg string, pattern any, pos int) error {
	text := ""
	switch p := pattern.(type) {
	case string:
		text = p
	case []byte:
		text = string(p)
	}
	if pos > len(text) {
		pos = len(text)
	}
	cpos := utf8.RuneCountInString(text[:pos])
	line := strings.Count(text[:pos], "\n") + 1
	col := cpos + 1
	if i := strings.LastIndexByte(text[:pos], '\n'); i >= 0 {
		col = utf8.RuneCountInString(text[i+1:pos]) + 1
	}
	full := fmt.Sprintf("%s at position %d", msg, cpos)
	if strings.Contains(text, "\n") {
		full = fmt.Sprintf("%s (line %d, column %d)", full, line, col)
	}
	return errReError.New(full).WithAttr("colno", int64(col)).WithAttr("lineno", int64(line)).
		WithAttr("msg", msg).WithAttr("pattern", pattern).WithAttr("pos", int64(cpos))
}

// unsupported is re.error for what RE2 cannot do.
func unsupported(what string, pattern any, pos int) error {
	return reError(what+" is not supported by this server (Go's RE2 engine has no backtracking)", pattern, pos)
}

// translation is a Python pattern read into Go's syntax.
type translation struct {
	goPat  string
	flags  int
	groups int
	names  map[string]int
	dollar bool // a $ that Python lets match before a final newline
}

// translateRe reads a Python pattern. bytesPat selects byte semantics
// (ASCII classes).
func translateRe(pat string, flags int, bytesPat bool, orig any) (*translation, error) {
	t := &translation{flags: flags, names: map[string]int{}}
	// Inline global flags at the start: (?aiLmsux).
	if strings.HasPrefix(pat, "(?") {
		i := 2
		for i < len(pat) && strings.IndexByte("aiLmsux", pat[i]) >= 0 {
			i++
		}
		if i > 2 && i < len(pat) && pat[i] == ')' {
			for _, c := range pat[2:i] {
				t.flags |= map[rune]int{'a': reASCII, 'i': reIgnore, 'L': reLocale, 'm': reMultiline, 's': reDotall, 'u': reUnicode, 'x': reVerbose}[c]
			}
			pat = pat[i+1:] // positions in errors below count from here
		}
	}
	if t.flags&reLocale != 0 {
		return nil, reError("bad inline flags: cannot use 'L' flag with a str pattern", orig, 0)
	}
	ascii := bytesPat || t.flags&reASCII != 0
	var b strings.Builder
	if t.flags&reIgnore != 0 {
		b.WriteString("(?i)")
	}
	if t.flags&reMultiline != 0 {
		b.WriteString("(?m)")
	}
	if t.flags&reDotall != 0 {
		b.WriteString("(?s)")
	}
	verbose := t.flags&reVerbose != 0
	depth := 0
	inClass := false
	classStart := 0
	rs := []rune(pat)
	byteAt := func(i int) int { return len(string(rs[:i])) }
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if inClass {
			switch {
			case c == ']' && i > classStart:
				inClass = false
				b.WriteRune(c)
			case c == '\\' && i+1 < len(rs):
				s, n, err := classEscape(rs, i, ascii, orig, byteAt)
				if err != nil {
					return nil, err
				}
				b.WriteString(s)
				i += n
			case c == '[':
				b.WriteString(`\[`)
			default:
				b.WriteRune(c)
			}
			continue
		}
		if verbose {
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
				continue
			}
			if c == '#' {
				for i < len(rs) && rs[i] != '\n' {
					i++
				}
				continue
			}
		}
		switch c {
		case '[':
			inClass = true
			b.WriteRune('[')
			classStart = i + 1
			if i+1 < len(rs) && rs[i+1] == '^' {
				b.WriteRune('^')
				i++
				classStart = i + 1
			}
			if i+1 < len(rs) && rs[i+1] == ']' {
				b.WriteString(`\]`)
				i++
			}
		case '\\':
			if i+1 >= len(rs) {
				return nil, reError("bad escape (end of pattern)", orig, byteAt(i))
			}
			s, n, err := escape(rs, i, ascii, orig, byteAt, t)
			if err != nil {
				return nil, err
			}
			b.WriteString(s)
			i += n
		case '(':
			s, n, err := groupOpen(rs, i, orig, byteAt, t)
			if err != nil {
				return nil, err
			}
			b.WriteString(s)
			i += n
			depth++
		case ')':
			if depth == 0 {
				return nil, reError("unbalanced parenthesis", orig, byteAt(i))
			}
			depth--
			b.WriteRune(c)
		case '$':
			if t.flags&reMultiline == 0 {
				t.dollar = true
				b.WriteString(`\z`)
			} else {
				b.WriteRune(c)
			}
		case '{':
			// {,n} is {0,n} in Python; RE2 reads "{," as a literal.
			if i+1 < len(rs) && rs[i+1] == ',' {
				j := i + 2
				for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
					j++
				}
				if j < len(rs) && rs[j] == '}' && j > i+2 {
					b.WriteString("{0," + string(rs[i+2:j]) + "}")
					i = j
					continue
				}
			}
			b.WriteRune(c)
		case '*', '+', '?', '}':
			b.WriteRune(c)
			// A possessive repeat (3.11's *+ ++ ?+ {m,n}+).
			if i+1 < len(rs) && rs[i+1] == '+' && c != '}' || (c == '}' && i+1 < len(rs) && rs[i+1] == '+') {
				return nil, unsupported("a possessive repeat", orig, byteAt(i+1))
			}
		case '.':
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	if inClass {
		return nil, reError("unterminated character set", orig, byteAt(classStart-1))
	}
	if depth > 0 {
		// Python names the first unclosed group.
		open := 0
		for i, c := range rs {
			if c == '(' && (i == 0 || rs[i-1] != '\\') {
				open = i
				break
			}
		}
		return nil, reError("missing ), unterminated subpattern", orig, byteAt(open))
	}
	t.goPat = b.String()
	return t, nil
}

// groupOpen reads "(" and what follows it; n is how many more runes it
// consumed.
func groupOpen(rs []rune, i int, orig any, byteAt func(int) int, t *translation) (string, int, error) {
	rest := string(rs[i:])
	switch {
	case strings.HasPrefix(rest, "(?P<"):
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return "", 0, reError("missing >, unterminated name", orig, byteAt(i+4))
		}
		name := rest[4:end]
		if !validGroupName(name) {
			return "", 0, reError(fmt.Sprintf("bad character in group name %s", brine.Repr(name)), orig, byteAt(i+4))
		}
		if _, dup := t.names[name]; dup {
			return "", 0, reError(fmt.Sprintf("redefinition of group name %s as group %d; was group %d", brine.Repr(name), t.groups+1, t.names[name]), orig, byteAt(i+4))
		}
		t.groups++
		t.names[name] = t.groups
		return "(?P<" + name + ">", utf8.RuneCountInString(rest[:end]), nil
	case strings.HasPrefix(rest, "(?P="):
		return "", 0, unsupported("a backreference to a named group (?P=...)", orig, byteAt(i))
	case strings.HasPrefix(rest, "(?="):
		return "", 0, unsupported("a lookahead assertion (?=...)", orig, byteAt(i))
	case strings.HasPrefix(rest, "(?!"):
		return "", 0, unsupported("a negative lookahead assertion (?!...)", orig, byteAt(i))
	case strings.HasPrefix(rest, "(?<="):
		return "", 0, unsupported("a lookbehind assertion (?<=...)", orig, byteAt(i))
	case strings.HasPrefix(rest, "(?<!"):
		return "", 0, unsupported("a negative lookbehind assertion (?<!...)", orig, byteAt(i))
	case strings.HasPrefix(rest, "(?("):
		return "", 0, unsupported("a conditional group (?(...)...)", orig, byteAt(i))
	case strings.HasPrefix(rest, "(?>"):
		return "", 0, unsupported("an atomic group (?>...)", orig, byteAt(i))
	case strings.HasPrefix(rest, "(?#"):
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return "", 0, reError("missing ), unterminated comment", orig, byteAt(i))
		}
		// A comment: an empty non-capturing group keeps the count of
		// open parentheses right.
		return "(?:", utf8.RuneCountInString(rest[:end]) - 1, nil
	case strings.HasPrefix(rest, "(?:"):
		return "(?:", 2, nil
	case strings.HasPrefix(rest, "(?"):
		// Scoped flags (?i:...), (?-i:...).
		j := 2
		for j < len(rest) && strings.IndexByte("aiLmsux-", rest[j]) >= 0 {
			j++
		}
		if j < len(rest) && rest[j] == ':' {
			flags := strings.NewReplacer("a", "", "u", "", "L", "", "x", "").Replace(rest[2:j])
			if flags == "" || flags == "-" {
				return "(?:", j, nil
			}
			return "(?" + flags + ":", j, nil
		}
		if j < len(rest) && rest[j] == ')' {
			return "", 0, reError("global flags not at the start of the expression", orig, byteAt(i))
		}
		return "", 0, reError("unknown extension ?"+string(rest[2]), orig, byteAt(i+1))
	}
	t.groups++
	return "(", 0, nil
}

func validGroupName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9') || r > 0x7f) {
			return false
		}
	}
	return true
}

// Unicode and ASCII meanings of Python's class escapes, for use inside
// a character class.
func classBody(c rune, ascii bool) (string, bool) {
	if ascii {
		switch c {
		case 'd':
			return `0-9`, true
		case 'w':
			return `0-9A-Za-z_`, true
		case 's':
			return `\t\n\v\f\r `, true
		}
		return "", false
	}
	switch c {
	case 'd':
		return `\p{Nd}`, true
	case 'w':
		return `\p{L}\p{N}_\p{Mn}\p{Mc}`, true
	case 's':
		return `\t\n\v\f\r \x1c-\x1f\x85\p{Z}`, true
	}
	return "", false
}

// escape reads a backslash escape outside a class.
func escape(rs []rune, i int, ascii bool, orig any, byteAt func(int) int, t *translation) (string, int, error) {
	c := rs[i+1]
	switch c {
	case 'd', 'w', 's':
		body, _ := classBody(c, ascii)
		return "[" + body + "]", 1, nil
	case 'D', 'W', 'S':
		body, _ := classBody(c+('a'-'A'), ascii)
		return "[^" + body + "]", 1, nil
	case 'b', 'B':
		if ascii {
			return `\` + string(c), 1, nil
		}
		// RE2's \b is ASCII-only; Unicode word boundaries would need
		// lookaround. ASCII is right for ASCII text.
		return `\` + string(c), 1, nil
	case 'A':
		return `\A`, 1, nil
	case 'Z':
		return `\z`, 1, nil
	case 'n', 't', 'r', 'f', 'v', 'a':
		return `\` + string(c), 1, nil
	case 'x':
		if i+3 < len(rs) {
			if _, err := strconv.ParseUint(string(rs[i+2:i+4]), 16, 8); err == nil {
				return `\x{` + string(rs[i+2:i+4]) + `}`, 3, nil
			}
		}
		return "", 0, reError(`incomplete escape \x`+string(rs[i+2:min(i+4, len(rs))]), orig, byteAt(i))
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		if i+2+n <= len(rs) {
			if v, err := strconv.ParseUint(string(rs[i+2:i+2+n]), 16, 32); err == nil {
				return fmt.Sprintf(`\x{%x}`, v), 1 + n, nil
			}
		}
		return "", 0, reError(fmt.Sprintf(`incomplete escape \%c`, c), orig, byteAt(i))
	case '0':
		j := i + 2
		for j < len(rs) && j < i+4 && rs[j] >= '0' && rs[j] <= '7' {
			j++
		}
		v, _ := strconv.ParseUint("0"+string(rs[i+2:j]), 8, 32)
		return fmt.Sprintf(`\x{%x}`, v), j - i - 1, nil
	}
	if c >= '1' && c <= '9' {
		j := i + 1
		for j < len(rs) && j < i+4 && rs[j] >= '0' && rs[j] <= '9' {
			j++
		}
		if j-i-1 == 3 && rs[i+1] <= '3' {
			v, err := strconv.ParseUint(string(rs[i+1:j]), 8, 32)
			if err == nil {
				return fmt.Sprintf(`\x{%x}`, v), 3, nil
			}
		}
		return "", 0, unsupported("a backreference \\"+string(rs[i+1:min(j, i+3)]), orig, byteAt(i))
	}
	if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
		return "", 0, reError(`bad escape \`+string(c), orig, byteAt(i))
	}
	return regexpQuote(c), 1, nil
}

// classEscape reads a backslash escape inside a class.
func classEscape(rs []rune, i int, ascii bool, orig any, byteAt func(int) int) (string, int, error) {
	c := rs[i+1]
	if body, ok := classBody(c, ascii); ok {
		return body, 1, nil
	}
	switch c {
	case 'D', 'W', 'S':
		return "", 0, unsupported(`a negated class escape \`+string(c)+" inside [...]", orig, byteAt(i))
	case 'n', 't', 'r', 'f', 'v', 'a', '\\', ']', '[', '-', '^':
		return `\` + string(c), 1, nil
	case 'b':
		return `\x08`, 1, nil
	case 'x', 'u', 'U', '0':
		s, n, err := escape(rs, i, ascii, orig, byteAt, &translation{})
		return s, n, err
	}
	if c >= '1' && c <= '7' {
		j := i + 1
		for j < len(rs) && j < i+4 && rs[j] >= '0' && rs[j] <= '7' {
			j++
		}
		v, _ := strconv.ParseUint(string(rs[i+1:j]), 8, 32)
		return fmt.Sprintf(`\x{%x}`, v), j - i - 1, nil
	}
	if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
		return "", 0, reError(`bad escape \`+string(c), orig, byteAt(i))
	}
	return regexpQuote(c), 1, nil
}

func regexpQuote(c rune) string {
	if strings.ContainsRune(`\.+*?()|[]{}^$`, c) {
		return `\` + string(c)
	}
	return string(c)
}
