package python

import (
	"strconv"
	"strings"
)

// str.format and format_map: replacement fields, conversions, nested
// specs, attribute and item lookups.

// strFormat is str.format(*args, **kwargs).
func strFormat(th *Thread, f string, args []Value, kw []KV) (string, error) {
	auto := 0
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == '}' {
			if i+1 < len(f) && f[i+1] == '}' {
				b.WriteByte('}')
				i++
				continue
			}
			return "", th.newError(ErrValueError, "Single '}' encountered in format string")
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(f) && f[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		// Find the matching '}', allowing one level of nested fields in
		// the spec.
		depth, j := 1, i+1
		for ; j < len(f) && depth > 0; j++ {
			switch f[j] {
			case '{':
				depth++
			case '}':
				depth--
			}
		}
		if depth > 0 {
			return "", th.newError(ErrValueError, "expected '}' before end of string")
		}
		field := f[i+1 : j-1]
		i = j - 1
		name, conv, spec := field, byte(0), ""
		if k := strings.IndexByte(name, ':'); k >= 0 {
			name, spec = name[:k], name[k+1:]
		}
		if k := strings.IndexByte(name, '!'); k >= 0 {
			if k+2 != len(name) {
				return "", th.newError(ErrValueError, "expected ':' after conversion specifier")
			}
			conv = name[k+1]
			name = name[:k]
		}
		v, err := formatField(th, name, args, kw, &auto)
		if err != nil {
			return "", err
		}
		if strings.Contains(spec, "{") {
			s, err := strFormatNested(th, spec, args, kw, &auto)
			if err != nil {
				return "", err
			}
			spec = s
		}
		switch conv {
		case 0:
		case 's':
			if v, err = toStr(th, v); err != nil {
				return "", err
			}
		case 'r':
			if v, err = repr(th, v); err != nil {
				return "", err
			}
		case 'a':
			r, err := repr(th, v)
			if err != nil {
				return "", err
			}
			v = asciiEscape(r)
		default:
			return "", th.errorf(ErrValueError, "Unknown conversion specifier %c", conv)
		}
		s, err := format(th, v, spec)
		if err != nil {
			return "", err
		}
		b.WriteString(s.(string))
	}
	return b.String(), nil
}

func strFormatNested(th *Thread, spec string, args []Value, kw []KV, auto *int) (string, error) {
	var b strings.Builder
	for i := 0; i < len(spec); i++ {
		if spec[i] != '{' {
			b.WriteByte(spec[i])
			continue
		}
		j := strings.IndexByte(spec[i:], '}')
		if j < 0 {
			return "", th.newError(ErrValueError, "unmatched '{' in format spec")
		}
		v, err := formatField(th, spec[i+1:i+j], args, kw, auto)
		if err != nil {
			return "", err
		}
		s, err := toStr(th, v)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
		i += j
	}
	return b.String(), nil
}

// formatField resolves a replacement field name: "", a number or a
// keyword, then .attr and [key] parts.
func formatField(th *Thread, name string, args []Value, kw []KV, auto *int) (Value, error) {
	first := name
	rest := ""
	if k := strings.IndexAny(name, ".["); k >= 0 {
		first, rest = name[:k], name[k:]
	}
	var v Value
	switch {
	case first == "":
		if *auto < 0 {
			return nil, th.newError(ErrValueError, "cannot switch from manual field specification to automatic field numbering")
		}
		if *auto >= len(args) {
			return nil, th.errorf(ErrIndexError, "Replacement index %d out of range for positional args tuple", *auto)
		}
		v = args[*auto]
		*auto++
	case first[0] >= '0' && first[0] <= '9':
		n, err := strconv.Atoi(first)
		if err != nil {
			return nil, th.newError(ErrValueError, "invalid field name '"+first+"'")
		}
		if *auto > 0 {
			return nil, th.newError(ErrValueError, "cannot switch from automatic field numbering to manual field specification")
		}
		*auto = -1
		if n >= len(args) {
			return nil, th.errorf(ErrIndexError, "Replacement index %d out of range for positional args tuple", n)
		}
		v = args[n]
	default:
		found := false
		for _, k := range kw {
			if k.Name == first {
				v, found = k.Value, true
				break
			}
		}
		if !found {
			return nil, th.raise(newExc(ErrKeyError, first))
		}
	}
	for rest != "" {
		var err error
		if rest[0] == '.' {
			end := strings.IndexAny(rest[1:], ".[")
			attr := rest[1:]
			if end >= 0 {
				attr, rest = rest[1:end+1], rest[end+1:]
			} else {
				rest = ""
			}
			if v, err = getAttr(th, v, attr); err != nil {
				return nil, err
			}
			continue
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, th.newError(ErrValueError, "Missing ']' in format string")
		}
		key := rest[1:end]
		rest = rest[end+1:]
		var k Value = key
		if n, err := strconv.Atoi(key); err == nil {
			k = int64(n)
		}
		if v, err = getItem(th, v, k); err != nil {
			return nil, err
		}
	}
	return v, nil
}
