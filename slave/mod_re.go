package slave

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// reModule is Python's re over Go's regexp (RE2, linear time): compile,
// search, match, fullmatch, findall, finditer, split, sub, subn, escape,
// with Python's syntax translated (re_translate.go), positions in
// characters, Match objects, and re.error with Python's messages. What
// RE2 cannot do (backreferences, lookaround, conditionals, possessive
// and atomic groups) raises re.error naming the construct.
type reModule struct {
	Module
	// The flags.
	I          int `rpyc:"I"`
	IGNORECASE int `rpyc:"IGNORECASE"`
	M          int `rpyc:"M"`
	MULTILINE  int `rpyc:"MULTILINE"`
	S          int `rpyc:"S"`
	DOTALL     int `rpyc:"DOTALL"`
	X          int `rpyc:"X"`
	VERBOSE    int `rpyc:"VERBOSE"`
	A          int `rpyc:"A"`
	ASCII      int `rpyc:"ASCII"`
	U          int `rpyc:"U"`
	UNICODE    int `rpyc:"UNICODE"`
	L          int `rpyc:"L"`
	LOCALE     int `rpyc:"LOCALE"`
	NOFLAG     int `rpyc:"NOFLAG"`
	// Error is re.error.
	Error *vinegar.Class `rpyc:"error"`

	s     *SlaveService // makes groupdict's dicts
	mu    sync.Mutex
	cache map[string]*Pattern
}

func newRe(s *SlaveService) *reModule {
	return &reModule{Module: newModule("re"), s: s, I: reIgnore, IGNORECASE: reIgnore, M: reMultiline, MULTILINE: reMultiline,
		S: reDotall, DOTALL: reDotall, X: reVerbose, VERBOSE: reVerbose, A: reASCII, ASCII: reASCII, U: reUnicode,
		UNICODE: reUnicode, L: reLocale, LOCALE: reLocale, Error: errReError, cache: map[string]*Pattern{}}
}

// RPyCParams gives the functions Python's keyword arguments.
func (m *reModule) RPyCParams() map[string]string {
	return map[string]string{
		"Compile": "pattern, flags=0", "Search": "pattern, string, flags=0", "Match": "pattern, string, flags=0",
		"Fullmatch": "pattern, string, flags=0", "Findall": "pattern, string, flags=0", "Finditer": "pattern, string, flags=0",
		"Split": "pattern, string, maxsplit=0, flags=0", "Sub": "pattern, repl, string, count=0, flags=0",
		"Subn": "pattern, repl, string, count=0, flags=0", "Escape": "pattern",
	}
}

// Compile is re.compile.
func (m *reModule) Compile(pattern any, flags int) (*Pattern, error) {
	if p, ok := pattern.(*Pattern); ok {
		if flags != 0 {
			return nil, vinegar.New("ValueError", "cannot process flags argument with a compiled pattern")
		}
		return p, nil
	}
	key := fmt.Sprintf("%T\x00%d\x00%v", pattern, flags, pattern)
	m.mu.Lock()
	if p, ok := m.cache[key]; ok {
		m.mu.Unlock()
		return p, nil
	}
	m.mu.Unlock()
	p, err := compilePattern(pattern, flags)
	if err != nil {
		return nil, err
	}
	p.s = m.s
	m.mu.Lock()
	if len(m.cache) > 512 {
		clear(m.cache)
	}
	m.cache[key] = p
	m.mu.Unlock()
	return p, nil
}

// Purge is re.purge.
func (m *reModule) Purge() {
	m.mu.Lock()
	clear(m.cache)
	m.mu.Unlock()
}

// Search is re.search.
func (m *reModule) Search(pattern, s any, flags int) (any, error) {
	p, err := m.Compile(pattern, flags)
	if err != nil {
		return nil, err
	}
	return p.Search(s, 0, nil)
}

// Match is re.match.
func (m *reModule) Match(pattern, s any, flags int) (any, error) {
	p, err := m.Compile(pattern, flags)
	if err != nil {
		return nil, err
	}
	return p.Match(s, 0, nil)
}

// Fullmatch is re.fullmatch.
func (m *reModule) Fullmatch(pattern, s any, flags int) (any, error) {
	p, err := m.Compile(pattern, flags)
	if err != nil {
		return nil, err
	}
	return p.Fullmatch(s, 0, nil)
}

// Findall is re.findall.
func (m *reModule) Findall(pattern, s any, flags int) ([]any, error) {
	p, err := m.Compile(pattern, flags)
	if err != nil {
		return nil, err
	}
	return p.Findall(s, 0, nil)
}

// Finditer is re.finditer.
func (m *reModule) Finditer(pattern, s any, flags int) (iter.Seq[any], error) {
	p, err := m.Compile(pattern, flags)
	if err != nil {
		return nil, err
	}
	return p.Finditer(s, 0, nil)
}

// Split is re.split.
func (m *reModule) Split(pattern, s any, maxsplit, flags int) ([]any, error) {
	p, err := m.Compile(pattern, flags)
	if err != nil {
		return nil, err
	}
	return p.Split(s, maxsplit)
}

// Sub is re.sub.
func (m *reModule) Sub(ctx context.Context, pattern, repl, s any, count, flags int) (any, error) {
	p, err := m.Compile(pattern, flags)
	if err != nil {
		return nil, err
	}
	return p.Sub(ctx, repl, s, count)
}

// Subn is re.subn.
func (m *reModule) Subn(ctx context.Context, pattern, repl, s any, count, flags int) (brine.Tuple, error) {
	p, err := m.Compile(pattern, flags)
	if err != nil {
		return nil, err
	}
	return p.Subn(ctx, repl, s, count)
}

// Escape is re.escape: every character special in a pattern escaped.
func (m *reModule) Escape(pattern any) (any, error) {
	s, isBytes, err := reText(pattern)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune("()[]{}?*+-|^$\\.&~# \t\n\r\v\f", c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	if isBytes {
		return []byte(b.String()), nil
	}
	return b.String(), nil
}

// reText reads a str or bytes argument.
func reText(v any) (string, bool, error) {
	switch x := v.(type) {
	case string:
		return x, false, nil
	case []byte:
		return string(x), true, nil
	}
	return "", false, vinegar.New("TypeError", fmt.Sprintf("expected string or bytes-like object, got '%s'", pyType(v)))
}

// Pattern is re.Pattern: a compiled pattern.
type Pattern struct {
	// PatternText is the pattern attribute, as given (str or bytes).
	PatternText any `rpyc:"pattern"`
	// Flags is the flags attribute (re.UNICODE added for str patterns).
	Flags int `rpyc:"flags"`
	// Groups is the number of capturing groups.
	Groups int `rpyc:"groups"`
	// Groupindex maps group names to numbers.
	Groupindex map[string]int `rpyc:"groupindex"`

	re, anchored, full *regexp.Regexp
	isBytes            bool
	dollar             bool
	s                  *SlaveService // nil for patterns made outside a connection
}

func compilePattern(pattern any, flags int) (*Pattern, error) {
	text, isBytes, err := reText(pattern)
	if err != nil {
		return nil, vinegar.New("TypeError", "first argument must be string or compiled pattern")
	}
	if !isBytes && flags&reASCII == 0 {
		flags |= reUnicode
	}
	if isBytes && flags&reUnicode != 0 {
		return nil, vinegar.New("ValueError", "cannot use UNICODE flag with a bytes pattern")
	}
	t, err := translateRe(text, flags, isBytes, pattern)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(t.goPat)
	if err != nil {
		return nil, goSyntaxError(err, text, pattern)
	}
	return &Pattern{PatternText: pattern, Flags: t.flags, Groups: t.groups, Groupindex: t.names,
		re: re, anchored: regexp.MustCompile(`\A(?:` + t.goPat + `)`), full: regexp.MustCompile(`\A(?:` + t.goPat + `)\z`),
		isBytes: isBytes, dollar: t.dollar}, nil
}

// goSyntaxError is re.error for what Go's parser refused, in Python's
// words where they are known.
func goSyntaxError(err error, text string, pattern any) error {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return reError(err.Error(), pattern, 0)
	}
	pos := strings.Index(text, se.Expr)
	if pos < 0 {
		pos = 0
	}
	switch se.Code {
	case syntax.ErrMissingRepeatArgument:
		return reError("nothing to repeat", pattern, pos)
	case syntax.ErrInvalidRepeatOp:
		return reError("multiple repeat", pattern, pos+max(len(se.Expr)-1, 0))
	case syntax.ErrInvalidRepeatSize:
		return reError("min repeat greater than max repeat", pattern, pos+1)
	case syntax.ErrInvalidCharRange:
		return reError("bad character range "+strings.Trim(se.Expr, "[]"), pattern, pos)
	case syntax.ErrInvalidEscape:
		return reError("bad escape "+se.Expr, pattern, pos)
	case syntax.ErrMissingParen:
		return reError("missing ), unterminated subpattern", pattern, pos)
	case syntax.ErrUnexpectedParen:
		return reError("unbalanced parenthesis", pattern, pos)
	case syntax.ErrMissingBracket:
		return reError("unterminated character set", pattern, pos)
	}
	return reError(string(se.Code)+": "+se.Expr, pattern, pos)
}

// RPyCParams gives the methods Python's keyword arguments.
func (p *Pattern) RPyCParams() map[string]string {
	return map[string]string{
		"Search": "string, pos=0, endpos=None", "Match": "string, pos=0, endpos=None", "Fullmatch": "string, pos=0, endpos=None",
		"Findall": "string, pos=0, endpos=None", "Finditer": "string, pos=0, endpos=None",
		"Split": "string, maxsplit=0", "Sub": "repl, string, count=0", "Subn": "repl, string, count=0",
	}
}

// RPyCTypeName is Python's class.
func (p *Pattern) RPyCTypeName() string { return "re.Pattern" }

// GoString is Python's repr: re.compile('a', re.IGNORECASE).
func (p *Pattern) GoString() string {
	var names []string
	for _, f := range []struct {
		bit  int
		name string
	}{{reTemplate, "re.TEMPLATE"}, {reIgnore, "re.IGNORECASE"}, {reLocale, "re.LOCALE"}, {reMultiline, "re.MULTILINE"},
		{reDotall, "re.DOTALL"}, {reVerbose, "re.VERBOSE"}, {reASCII, "re.ASCII"}} {
		if p.Flags&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	if p.isBytes && p.Flags&reUnicode != 0 {
		names = append(names, "re.UNICODE")
	}
	if len(names) == 0 {
		return "re.compile(" + pyRepr(p.PatternText) + ")"
	}
	return "re.compile(" + pyRepr(p.PatternText) + ", " + strings.Join(names, "|") + ")"
}

// subject is a string being matched: its text and how character
// positions map to byte offsets.
type subject struct {
	orig    any
	text    string
	isBytes bool
	ascii   bool // every rune is one byte: positions need no mapping
}

func (p *Pattern) subject(v any) (*subject, error) {
	text, isBytes, err := reText(v)
	if err != nil {
		return nil, err
	}
	if isBytes != p.isBytes {
		if p.isBytes {
			return nil, vinegar.New("TypeError", "cannot use a bytes pattern on a string-like object")
		}
		return nil, vinegar.New("TypeError", "cannot use a string pattern on a bytes-like object")
	}
	s := &subject{orig: v, text: text, isBytes: isBytes, ascii: true}
	if !isBytes {
		for i := 0; i < len(text); i++ {
			if text[i] >= 0x80 {
				s.ascii = false
				break
			}
		}
	}
	return s, nil
}

// chars is the character index of byte offset b.
func (s *subject) chars(b int) int {
	if s.ascii || b < 0 {
		return b
	}
	return utf8.RuneCountInString(s.text[:b])
}

// byteOf is the byte offset of character index c (clamped).
func (s *subject) byteOf(c int) int {
	n := utf8.RuneCountInString(s.text)
	if s.isBytes || s.ascii {
		n = len(s.text)
	}
	if c < 0 {
		c = max(0, c+n)
	}
	if c >= n {
		return len(s.text)
	}
	if s.ascii || s.isBytes {
		return c
	}
	i := 0
	for k := range s.text {
		if i == c {
			return k
		}
		i++
	}
	return len(s.text)
}

func (s *subject) slice(a, b int) any {
	if a < 0 {
		return nil
	}
	if s.isBytes {
		return []byte(s.text[a:b])
	}
	return s.text[a:b]
}

// window reads pos and endpos into byte offsets.
func (s *subject) window(pos int, endpos any) (int, int) {
	end := len(s.text)
	if e, ok := endpos.(int64); ok {
		end = s.byteOf(int(e))
	}
	start := s.byteOf(pos)
	if start > end {
		start = end
	}
	return start, end
}

// find is the leftmost match at or after byte start within text[:end],
// as submatch byte offsets into the full text.
func (p *Pattern) find(s *subject, start, end int, anchored bool) []int {
	text := s.text[:end]
	try := func(t string) []int {
		if start == 0 {
			return p.re.FindStringSubmatchIndex(t)
		}
		for _, m := range p.re.FindAllStringSubmatchIndex(t, -1) {
			if m[0] >= start {
				return m
			}
		}
		loc := p.re.FindStringSubmatchIndex(t[start:])
		for i := range loc {
			if loc[i] >= 0 {
				loc[i] += start
			}
		}
		return loc
	}
	loc := try(text)
	// Python's $ (without MULTILINE) matches at the end and also just
	// before a final newline; the pattern has \z for it, so the search
	// runs again without that newline, and the leftmost match wins (at
	// the same start, the one that may take the newline: greedy repeats
	// like \s*$ do in Python).
	if p.dollar && strings.HasSuffix(text, "\n") && start < len(text) {
		if alt := try(text[:len(text)-1]); alt != nil && (loc == nil || alt[0] < loc[0]) {
			loc = alt
		}
	}
	if loc != nil && anchored && loc[0] != start {
		return nil
	}
	return loc
}

// Search is Pattern.search.
func (p *Pattern) Search(v any, pos int, endpos any) (any, error) {
	s, err := p.subject(v)
	if err != nil {
		return nil, err
	}
	a, b := s.window(pos, endpos)
	loc := p.find(s, a, b, false)
	if loc == nil {
		return nil, nil
	}
	return p.newMatch(s, loc, pos, endpos), nil
}

// Match is Pattern.match: a match starting at pos.
func (p *Pattern) Match(v any, pos int, endpos any) (any, error) {
	s, err := p.subject(v)
	if err != nil {
		return nil, err
	}
	a, b := s.window(pos, endpos)
	anchored := p.anchored
	loc := anchored.FindStringSubmatchIndex(s.text[a:b])
	if loc == nil && p.dollar && strings.HasSuffix(s.text[a:b], "\n") {
		loc = anchored.FindStringSubmatchIndex(s.text[a : b-1])
	}
	if loc == nil {
		return nil, nil
	}
	for i := range loc {
		if loc[i] >= 0 {
			loc[i] += a
		}
	}
	return p.newMatch(s, loc, pos, endpos), nil
}

// Fullmatch is Pattern.fullmatch: a match of the whole (window of the)
// string.
func (p *Pattern) Fullmatch(v any, pos int, endpos any) (any, error) {
	s, err := p.subject(v)
	if err != nil {
		return nil, err
	}
	a, b := s.window(pos, endpos)
	loc := p.full.FindStringSubmatchIndex(s.text[a:b])
	if loc == nil {
		return nil, nil
	}
	for i := range loc {
		if loc[i] >= 0 {
			loc[i] += a
		}
	}
	return p.newMatch(s, loc, pos, endpos), nil
}

// all is every match, as Python finds them: left to right, an empty
// match allowed right after a non-empty one.
func (p *Pattern) all(s *subject, start, end int) [][]int {
	text := s.text[:end]
	if p.dollar && strings.HasSuffix(text, "\n") {
		return p.allStepwise(s, start, end)
	}
	ms := p.re.FindAllStringSubmatchIndex(text, -1)
	var out [][]int
	for i, m := range ms {
		if m[0] < start {
			continue
		}
		out = append(out, m)
		// Go skips an empty match that abuts the previous match; Python
		// (3.7+) keeps it.
		if m[1] > m[0] && (i+1 == len(ms) || ms[i+1][0] > m[1]) && m[1] <= len(text) {
			if e := p.re.FindStringSubmatchIndex(text[m[1]:]); e != nil && e[0] == 0 && e[1] == 0 {
				for k := range e {
					if e[k] >= 0 {
						e[k] += m[1]
					}
				}
				out = append(out, e)
			}
		}
	}
	return out
}

// allStepwise is all for a pattern whose $ may match before the final
// newline too: one search after another, as Python's scanner goes (a
// match may not be empty where the previous empty match was).
func (p *Pattern) allStepwise(s *subject, start, end int) [][]int {
	var out [][]int
	pos, mustAdvance := start, false
	for pos <= end {
		m := p.find(s, pos, end, false)
		if m != nil && mustAdvance && m[0] == pos && m[1] == pos {
			m = nil
			if pos < end {
				_, size := utf8.DecodeRuneInString(s.text[pos:end])
				m = p.find(s, pos+size, end, false)
			}
		}
		if m == nil {
			break
		}
		out = append(out, m)
		mustAdvance = m[0] == m[1]
		pos = m[1]
	}
	return out
}

// Findall is Pattern.findall: strings, the group, or tuples of groups.
func (p *Pattern) Findall(v any, pos int, endpos any) ([]any, error) {
	s, err := p.subject(v)
	if err != nil {
		return nil, err
	}
	a, b := s.window(pos, endpos)
	out := []any{}
	for _, m := range p.all(s, a, b) {
		switch p.Groups {
		case 0:
			out = append(out, s.slice(m[0], m[1]))
		case 1:
			out = append(out, orEmpty(s, m[2], m[3]))
		default:
			t := make(brine.Tuple, p.Groups)
			for g := 1; g <= p.Groups; g++ {
				t[g-1] = orEmpty(s, m[2*g], m[2*g+1])
			}
			out = append(out, t)
		}
	}
	return out, nil
}

func orEmpty(s *subject, a, b int) any {
	if a < 0 {
		if s.isBytes {
			return []byte{}
		}
		return ""
	}
	return s.slice(a, b)
}

// Finditer is Pattern.finditer: Match objects.
func (p *Pattern) Finditer(v any, pos int, endpos any) (iter.Seq[any], error) {
	s, err := p.subject(v)
	if err != nil {
		return nil, err
	}
	a, b := s.window(pos, endpos)
	var out []any
	for _, m := range p.all(s, a, b) {
		out = append(out, p.newMatch(s, m, pos, endpos))
	}
	return seqOf(out), nil
}

// Split is Pattern.split: pieces between matches, with the groups'
// text (None for groups that did not take part).
func (p *Pattern) Split(v any, maxsplit int) ([]any, error) {
	s, err := p.subject(v)
	if err != nil {
		return nil, err
	}
	out := []any{}
	last := 0
	n := 0
	for _, m := range p.all(s, 0, len(s.text)) {
		if maxsplit > 0 && n >= maxsplit {
			break
		}
		out = append(out, s.slice(last, m[0]))
		for g := 1; g <= p.Groups; g++ {
			out = append(out, s.slice(m[2*g], m[2*g+1]))
		}
		last = m[1]
		n++
	}
	out = append(out, s.slice(last, len(s.text)))
	return out, nil
}

// Sub is Pattern.sub.
func (p *Pattern) Sub(ctx context.Context, repl, v any, count int) (any, error) {
	r, err := p.Subn(ctx, repl, v, count)
	if err != nil {
		return nil, err
	}
	return r[0], nil
}

// Subn is Pattern.subn: (new string, number of replacements). repl is a
// template (\1, \g<name>, \n, ...) or a callable given each Match.
func (p *Pattern) Subn(ctx context.Context, repl, v any, count int) (brine.Tuple, error) {
	s, err := p.subject(v)
	if err != nil {
		return nil, err
	}
	var tmpl []tmplPart
	if t, isBytes, terr := reText(repl); terr == nil {
		if isBytes != s.isBytes {
			return nil, vinegar.New("TypeError", "sequence item 0: expected str instance, bytes found")
		}
		if tmpl, err = parseTemplate(t, p, repl); err != nil {
			return nil, err
		}
	}
	var b strings.Builder
	last, n := 0, 0
	for _, m := range p.all(s, 0, len(s.text)) {
		if count > 0 && n >= count {
			break
		}
		b.WriteString(s.text[last:m[0]])
		if tmpl != nil {
			for _, part := range tmpl {
				if part.group < 0 {
					b.WriteString(part.text)
				} else if m[2*part.group] >= 0 {
					b.WriteString(s.text[m[2*part.group]:m[2*part.group+1]])
				}
			}
		} else {
			r, err := callValue(ctx, repl, p.newMatch(s, m, 0, nil))
			if err != nil {
				return nil, err
			}
			rt, _, err := reText(r)
			if err != nil {
				return nil, vinegar.New("TypeError", fmt.Sprintf("expected str instance, %s found", pyType(r)))
			}
			b.WriteString(rt)
		}
		last = m[1]
		n++
	}
	b.WriteString(s.text[last:])
	if s.isBytes {
		return brine.Tuple{[]byte(b.String()), int64(n)}, nil
	}
	return brine.Tuple{b.String(), int64(n)}, nil
}

// tmplPart is a piece of a replacement template: text, or a group.
type tmplPart struct {
	text  string
	group int // -1: text
}

// parseTemplate reads Python's replacement template.
func parseTemplate(t string, p *Pattern, orig any) ([]tmplPart, error) {
	parts := []tmplPart{}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, tmplPart{text: lit.String(), group: -1})
			lit.Reset()
		}
	}
	group := func(g int, at int) error {
		if g > p.Groups {
			return reError(fmt.Sprintf("invalid group reference %d", g), orig, at)
		}
		flush()
		parts = append(parts, tmplPart{group: g})
		return nil
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '\\' || i+1 == len(t) {
			if c == '\\' {
				return nil, reError("bad escape (end of pattern)", orig, i)
			}
			lit.WriteByte(c)
			continue
		}
		d := t[i+1]
		switch {
		case d == 'g':
			end := strings.IndexByte(t[i:], '>')
			if i+2 >= len(t) || t[i+2] != '<' || end < 0 {
				return nil, reError("missing <", orig, i+2)
			}
			name := t[i+3 : i+end]
			g, ok := p.Groupindex[name]
			if !ok {
				if _, err := fmt.Sscanf(name, "%d", &g); err != nil || fmt.Sprint(g) != name {
					return nil, vinegar.New("IndexError", fmt.Sprintf("unknown group name %s", brine.Repr(name)))
				}
			}
			if err := group(g, i); err != nil {
				return nil, err
			}
			i += end
		case d >= '0' && d <= '9':
			j := i + 1
			for j < len(t) && j < i+3 && t[j] >= '0' && t[j] <= '9' {
				j++
			}
			var g int
			fmt.Sscanf(t[i+1:j], "%d", &g)
			if err := group(g, i+1); err != nil {
				return nil, err
			}
			i = j - 1
		case strings.IndexByte("ntrfvab\\", d) >= 0:
			lit.WriteString(map[byte]string{'n': "\n", 't': "\t", 'r': "\r", 'f': "\f", 'v': "\v", 'a': "\a", 'b': "\b", '\\': "\\"}[d])
			i++
		case (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z'):
			return nil, reError(`bad escape \`+string(d), orig, i)
		default:
			lit.WriteByte('\\')
			lit.WriteByte(d)
			i++
		}
	}
	flush()
	return parts, nil
}

// newMatch makes a Match for submatch offsets loc.
func (p *Pattern) newMatch(s *subject, loc []int, pos int, endpos any) *MatchObject {
	m := &MatchObject{p: p, s: s, loc: loc, String: s.orig, Re: p, Pos: int64(pos), Endpos: int64(s.chars(len(s.text)))}
	if e, ok := endpos.(int64); ok {
		m.Endpos = e
	}
	last := -1
	for g := 1; g <= p.Groups; g++ {
		if loc[2*g] >= 0 && (last < 0 || loc[2*g+1] >= loc[2*last+1]) {
			last = g
		}
	}
	if last > 0 {
		m.Lastindex = int64(last)
		for name, i := range p.Groupindex {
			if i == last {
				m.Lastgroup = name
			}
		}
	}
	return m
}

// MatchObject is re.Match.
type MatchObject struct {
	p   *Pattern
	s   *subject
	loc []int
	// String, Re, Pos and Endpos are the attributes of those names.
	String any      `rpyc:"string"`
	Re     *Pattern `rpyc:"re"`
	Pos    int64    `rpyc:"pos"`
	Endpos int64    `rpyc:"endpos"`
	// Lastindex and Lastgroup say which group matched last (None for
	// none).
	Lastindex any `rpyc:"lastindex"`
	Lastgroup any `rpyc:"lastgroup"`
}

// RPyCNames gives the match its dunders.
func (m *MatchObject) RPyCNames() map[string]string {
	return map[string]string{"GetItem": "__getitem__", "Bool": "__bool__"}
}

// RPyCParams gives the methods Python's defaults.
func (m *MatchObject) RPyCParams() map[string]string {
	return map[string]string{"Groups": "default=None", "Groupdict": "default=None", "Start": "group=0", "End": "group=0", "Span": "group=0"}
}

// RPyCTypeName is Python's class.
func (m *MatchObject) RPyCTypeName() string { return "re.Match" }

// GoString is Python's repr.
func (m *MatchObject) GoString() string {
	return fmt.Sprintf("<re.Match object; span=(%d, %d), match=%s>", m.s.chars(m.loc[0]), m.s.chars(m.loc[1]), pyRepr(m.s.slice(m.loc[0], m.loc[1])))
}

// index reads a group argument: a number or a name.
func (m *MatchObject) index(g any) (int, error) {
	switch x := g.(type) {
	case int64:
		if x >= 0 && int(x) <= m.p.Groups {
			return int(x), nil
		}
	case string:
		if i, ok := m.p.Groupindex[x]; ok {
			return i, nil
		}
	case bool:
		return m.index(bigOf(x).Int64())
	}
	return 0, vinegar.New("IndexError", "no such group")
}

func (m *MatchObject) text(g int) any {
	return m.s.slice(m.loc[2*g], m.loc[2*g+1])
}

// Group is group(*groups): one group's text, or a tuple of several.
func (m *MatchObject) Group(groups ...any) (any, error) {
	if len(groups) == 0 {
		return m.text(0), nil
	}
	out := make(brine.Tuple, len(groups))
	for i, g := range groups {
		n, err := m.index(g)
		if err != nil {
			return nil, err
		}
		out[i] = m.text(n)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// GetItem is m[g].
func (m *MatchObject) GetItem(g any) (any, error) { return m.Group(g) }

// Bool is bool(m): True.
func (m *MatchObject) Bool() bool { return true }

// Groups is groups(default=None).
func (m *MatchObject) Groups(def any) brine.Tuple {
	out := make(brine.Tuple, m.p.Groups)
	for g := 1; g <= m.p.Groups; g++ {
		if v := m.text(g); v != nil {
			out[g-1] = v
		} else {
			out[g-1] = def
		}
	}
	return out
}

// Groupdict is groupdict(default=None): a new dict, groups in order.
func (m *MatchObject) Groupdict(def any) (any, error) {
	d := newPyDict()
	names := make([]string, 0, len(m.p.Groupindex))
	for n := range m.p.Groupindex {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return m.p.Groupindex[names[i]] < m.p.Groupindex[names[j]] })
	for _, n := range names {
		v := m.text(m.p.Groupindex[n])
		if v == nil {
			v = def
		}
		_ = d.set(n, v)
	}
	if m.p.s == nil {
		return d, nil
	}
	return m.p.s.fresh(d)
}

// Start is start(group=0): -1 for a group that did not take part.
func (m *MatchObject) Start(g any) (int, error) {
	n, err := m.index(g)
	if err != nil {
		return 0, err
	}
	return m.s.chars(m.loc[2*n]), nil
}

// End is end(group=0).
func (m *MatchObject) End(g any) (int, error) {
	n, err := m.index(g)
	if err != nil {
		return 0, err
	}
	return m.s.chars(m.loc[2*n+1]), nil
}

// Span is span(group=0).
func (m *MatchObject) Span(g any) (brine.Tuple, error) {
	n, err := m.index(g)
	if err != nil {
		return nil, err
	}
	return brine.Tuple{int64(m.s.chars(m.loc[2*n])), int64(m.s.chars(m.loc[2*n+1]))}, nil
}

// Expand is expand(template).
func (m *MatchObject) Expand(template any) (any, error) {
	t, isBytes, err := reText(template)
	if err != nil {
		return nil, err
	}
	parts, err := parseTemplate(t, m.p, template)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, part := range parts {
		if part.group < 0 {
			b.WriteString(part.text)
		} else if v := m.text(part.group); v != nil {
			s, _, _ := reText(v)
			b.WriteString(s)
		}
	}
	if isBytes {
		return []byte(b.String()), nil
	}
	return b.String(), nil
}

var _ rpyc.ParamNamer = (*MatchObject)(nil)
