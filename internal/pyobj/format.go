package pyobj

// format(obj, spec) and f"{obj:spec}" for Go values: __format__.
//
// As Python's object.__format__, an empty spec is str(obj) and any other
// spec is a TypeError, unless the value says otherwise: a type with an
// RPyCFormat method (Formatter) answers every spec itself, and a value
// that formats itself as a number with Go's fmt (a fmt.Formatter such as
// *big.Float) takes Python's numeric specs ("{:>12,.2f}", "{:+e}",
// "{:#x}"): the presentation type and precision become a fmt verb, and
// fill, alignment, width, sign and grouping are applied as Python does.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Formatter is rpyc.Formatter (the same method set): format(obj, spec).
type Formatter interface {
	RPyCFormat(spec string) (string, error)
}

// formatValue is type(obj).__format__(obj, spec).
func formatValue(obj any, spec string) (string, error) {
	obj = Unroot(obj)
	if f, ok := obj.(Formatter); ok {
		return f.RPyCFormat(spec)
	}
	if spec == "" {
		return Str(obj), nil
	}
	if f, ok := obj.(fmt.Formatter); ok {
		if s, ok := formatNumber(f, spec); ok {
			return s, nil
		}
	}
	return "", typeError("unsupported format string passed to %s.__format__", ShortTypeName(obj))
}

// pySpec is a parsed Python format spec:
// [[fill]align][sign][z][#][0][width][grouping][.precision][type].
type pySpec struct {
	fill  rune
	align byte // '<', '>', '^', '=' or 0
	sign  byte // '+', '-', ' ' or 0
	alt   bool
	width int
	group byte // ',', '_' or 0
	prec  int  // -1: none
	typ   byte // 0: none
}

func parseSpec(spec string) (s pySpec, ok bool) {
	s.fill, s.prec = ' ', -1
	isAlign := func(b byte) bool { return b == '<' || b == '>' || b == '^' || b == '=' }
	if r, n := utf8.DecodeRuneInString(spec); n > 0 && n < len(spec) && isAlign(spec[n]) {
		s.fill, s.align, spec = r, spec[n], spec[n+1:]
	} else if len(spec) > 0 && isAlign(spec[0]) {
		s.align, spec = spec[0], spec[1:]
	}
	if len(spec) > 0 && (spec[0] == '+' || spec[0] == '-' || spec[0] == ' ') {
		s.sign, spec = spec[0], spec[1:]
	}
	spec = strings.TrimPrefix(spec, "z")
	if strings.HasPrefix(spec, "#") {
		s.alt, spec = true, spec[1:]
	}
	if strings.HasPrefix(spec, "0") && s.align == 0 {
		s.fill, s.align = '0', '='
	}
	digits := func() (int, bool) {
		i := 0
		for i < len(spec) && spec[i] >= '0' && spec[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, false
		}
		n, err := strconv.Atoi(spec[:i])
		spec = spec[i:]
		return n, err == nil && n <= 1<<16
	}
	if w, found := digits(); found {
		s.width = w
	}
	if len(spec) > 0 && (spec[0] == ',' || spec[0] == '_') {
		s.group, spec = spec[0], spec[1:]
	}
	if strings.HasPrefix(spec, ".") {
		spec = spec[1:]
		p, found := digits()
		if !found {
			return s, false
		}
		s.prec = p
	}
	if len(spec) > 1 {
		return s, false
	}
	if len(spec) == 1 {
		s.typ = spec[0]
	}
	return s, true
}

// formatNumber formats a fmt.Formatter with a Python numeric spec; ok is
// false for a spec it cannot express (a string or character type, %).
func formatNumber(f fmt.Formatter, spec string) (string, bool) {
	s, ok := parseSpec(spec)
	if !ok {
		return "", false
	}
	verb := s.typ
	switch verb {
	case 'b', 'd', 'o', 'x', 'X', 'e', 'E', 'f', 'F', 'g', 'G':
	case 0:
		verb = 'v'
	default:
		return "", false
	}
	gofmt := "%"
	if s.sign == '+' || s.sign == ' ' {
		gofmt += string(s.sign)
	}
	if s.alt {
		gofmt += "#"
	}
	if s.prec >= 0 {
		gofmt += "." + strconv.Itoa(s.prec)
	}
	out := fmt.Sprintf(gofmt+string(verb), f)
	if strings.HasPrefix(out, "%!") {
		return "", false // the value's Format does not know the verb
	}
	if s.group != 0 {
		out = groupDigits(out, s.group)
	}
	if s.align == 0 {
		s.align = '>'
	}
	return padTo(out, s.fill, s.align, s.width), true
}

// groupDigits puts sep between each three digits of the integer part of
// a formatted number.
func groupDigits(num string, sep byte) string {
	start := 0
	for start < len(num) && (num[start] < '0' || num[start] > '9') {
		start++
	}
	end := start
	for end < len(num) && num[end] >= '0' && num[end] <= '9' {
		end++
	}
	digits := num[start:end]
	var b strings.Builder
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(sep)
		}
		b.WriteByte(digits[i])
	}
	return num[:start] + b.String() + num[end:]
}

// padTo fills s to width runes: on the right ('<'), the left ('>'), both
// ('^'), or between the sign and the digits ('=').
func padTo(s string, fill rune, align byte, width int) string {
	gap := width - utf8.RuneCountInString(s)
	if gap <= 0 {
		return s
	}
	f := func(n int) string { return strings.Repeat(string(fill), n) }
	switch align {
	case '<':
		return s + f(gap)
	case '^':
		return f(gap/2) + s + f(gap-gap/2)
	case '=':
		i := 0
		if len(s) > 0 && (s[0] == '+' || s[0] == '-' || s[0] == ' ') {
			i = 1
		}
		return s[:i] + f(gap) + s[i:]
	}
	return f(gap) + s
}
