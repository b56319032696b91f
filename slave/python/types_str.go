package python

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// str and its methods. Indices count code points, as in Python.

func pyIsSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85:
		return true
	}
	return r > 0x7f && unicode.IsSpace(r)
}

func selfStr(th *Thread, fname string, args []Value) (string, error) {
	if len(args) == 0 {
		return "", th.typeErrorf("descriptor '%s' of 'str' object needs an argument", fname)
	}
	s, ok := args[0].(string)
	if !ok {
		return "", th.typeErrorf("descriptor '%s' for 'str' objects doesn't apply to a '%s' object", fname, typeName(args[0]))
	}
	return s, nil
}

// strMethod defines a str method with its parameters (after self).
func strMethod(name string, params []string, fn func(th *Thread, s string, a []Value) (Value, error)) {
	spec := newArgSpec(params...)
	def(ClassStr, name, func(th *Thread, args []Value, kw []KV) (Value, error) {
		s, err := selfStr(th, name, args)
		if err != nil {
			return nil, err
		}
		a, err := spec.parse(th, name, args[1:], kw)
		if err != nil {
			return nil, err
		}
		return fn(th, s, a)
	})
}

// runeRange turns optional start and end arguments into byte offsets of
// s, clamped as slices are.
func runeRange(th *Thread, s string, start, end Value) (int, int, error) {
	n := int64(utf8.RuneCountInString(s))
	lo, err := intArgOr(th, start, 0)
	if err != nil {
		return 0, 0, err
	}
	hi, err := intArgOr(th, end, n)
	if err != nil {
		return 0, 0, err
	}
	lo, hi = clampIdx(lo, n, 0, n), clampIdx(hi, n, 0, n)
	if hi < lo {
		return -1, -1, nil
	}
	return byteOffset(s, int(lo)), byteOffset(s, int(hi)), nil
}

// byteOffset is the byte offset of the i-th code point of s.
func byteOffset(s string, i int) int {
	for off := range s {
		if i == 0 {
			return off
		}
		i--
	}
	return len(s)
}

func runeIndex(s string, byteOff int) int64 {
	return int64(utf8.RuneCountInString(s[:byteOff]))
}

func init() {
	ClassStr.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "str", args, kw, "object=", "encoding=", "errors=")
		if err != nil {
			return nil, err
		}
		if a[0] == unbound {
			return "", nil
		}
		if a[1] != unbound || a[2] != unbound {
			b, ok := bytesOf(a[0])
			if !ok {
				return nil, th.typeErrorf("decoding to str: need a bytes-like object, %s found", typeName(a[0]))
			}
			return decode(th, b, argOr(a[1], "utf-8"), argOr(a[2], "strict"))
		}
		return toStr(th, a[0])
	}
	seqDunders(ClassStr)
	compareDunders(ClassStr)
	def(ClassStr, "__mod__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return percentFormat(th, args[0].(string), args[1])
	})
	def(ClassStr, "__format__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__format__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		spec, err := strArg(th, "__format__", args[1])
		if err != nil {
			return nil, err
		}
		return formatStr(th, args[0].(string), spec)
	})
	for name, f := range map[string]func(string) string{
		"upper": upper, "lower": strings.ToLower, "casefold": casefold,
		"swapcase": swapcase, "title": title, "capitalize": capitalize,
	} {
		f := f
		strMethod(name, nil, func(th *Thread, s string, a []Value) (Value, error) { return f(s), nil })
	}
	for name, f := range map[string]func(rune) bool{
		"isalpha": unicode.IsLetter, "isdigit": unicode.IsDigit, "isdecimal": unicode.IsDigit,
		"isnumeric": func(r rune) bool { return unicode.IsNumber(r) }, "isspace": pyIsSpace,
		"isalnum": func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) },
		"isascii": func(r rune) bool { return r < utf8.RuneSelf },
		"isprintable": func(r rune) bool {
			return r == ' ' || unicode.IsPrint(r)
		},
	} {
		f, name := f, name
		strMethod(name, nil, func(th *Thread, s string, a []Value) (Value, error) {
			if s == "" {
				return name == "isascii" || name == "isprintable", nil
			}
			for _, r := range s {
				if !f(r) {
					return false, nil
				}
			}
			return true, nil
		})
	}
	strMethod("islower", nil, func(th *Thread, s string, a []Value) (Value, error) {
		cased := false
		for _, r := range s {
			if unicode.IsUpper(r) || unicode.IsTitle(r) {
				return false, nil
			}
			if unicode.IsLower(r) {
				cased = true
			}
		}
		return cased, nil
	})
	strMethod("isupper", nil, func(th *Thread, s string, a []Value) (Value, error) {
		cased := false
		for _, r := range s {
			if unicode.IsLower(r) || unicode.IsTitle(r) {
				return false, nil
			}
			if unicode.IsUpper(r) {
				cased = true
			}
		}
		return cased, nil
	})
	strMethod("istitle", nil, func(th *Thread, s string, a []Value) (Value, error) {
		return s != "" && title(s) == s && strings.ToLower(s) != s, nil
	})
	strMethod("isidentifier", nil, func(th *Thread, s string, a []Value) (Value, error) {
		for i, r := range s {
			if i == 0 && !isIdentStart(r) || !isIdentPart(r) {
				return false, nil
			}
		}
		return s != "", nil
	})
	for _, name := range []string{"strip", "lstrip", "rstrip"} {
		name := name
		strMethod(name, []string{"chars="}, func(th *Thread, s string, a []Value) (Value, error) {
			cut := pyIsSpace
			if c := argOr(a[0], nil); c != nil {
				chars, err := strArg(th, name, c)
				if err != nil {
					return nil, err
				}
				cut = func(r rune) bool { return strings.ContainsRune(chars, r) }
			}
			switch name {
			case "lstrip":
				return strings.TrimLeftFunc(s, cut), nil
			case "rstrip":
				return strings.TrimRightFunc(s, cut), nil
			}
			return strings.TrimFunc(s, cut), nil
		})
	}
	strMethod("split", []string{"sep=", "maxsplit="}, func(th *Thread, s string, a []Value) (Value, error) {
		return strSplit(th, s, a, false)
	})
	strMethod("rsplit", []string{"sep=", "maxsplit="}, func(th *Thread, s string, a []Value) (Value, error) {
		return strSplit(th, s, a, true)
	})
	strMethod("splitlines", []string{"keepends="}, func(th *Thread, s string, a []Value) (Value, error) {
		keep, err := truth(th, argOr(a[0], false))
		if err != nil {
			return nil, err
		}
		return strList(splitLines(s, keep)), nil
	})
	strMethod("join", []string{"iterable"}, func(th *Thread, s string, a []Value) (Value, error) {
		items, err := collect(th, a[0])
		if err != nil {
			return nil, err
		}
		parts := make([]string, len(items))
		total := 0
		for i, it := range items {
			p, ok := it.(string)
			if !ok {
				return nil, th.typeErrorf("sequence item %d: expected str instance, %s found", i, typeName(it))
			}
			parts[i] = p
			total += len(p) + len(s)
			if total > maxItems*8 {
				return nil, th.newError(ErrMemoryError, "joined string too large for this server")
			}
		}
		return strings.Join(parts, s), nil
	})
	strMethod("replace", []string{"old", "new", "count="}, func(th *Thread, s string, a []Value) (Value, error) {
		old, err := strArg(th, "replace", a[0])
		if err != nil {
			return nil, err
		}
		nw, err := strArg(th, "replace", a[1])
		if err != nil {
			return nil, err
		}
		n, err := intArgOr(th, a[2], -1)
		if err != nil {
			return nil, err
		}
		if old == "" && n < 0 {
			n = int64(utf8.RuneCountInString(s)) + 1
		}
		if int64(len(nw)-len(old))*int64(max(strings.Count(s, old), 1)) > maxItems*8 {
			return nil, th.newError(ErrMemoryError, "replaced string too large for this server")
		}
		return strings.Replace(s, old, nw, int(max(min(n, 1<<31), -1))), nil
	})
	for _, name := range []string{"find", "rfind", "index", "rindex", "count"} {
		name := name
		strMethod(name, []string{"sub", "start=", "end="}, func(th *Thread, s string, a []Value) (Value, error) {
			sub, err := strArg(th, name, a[0])
			if err != nil {
				return nil, err
			}
			lo, hi, err := runeRange(th, s, a[1], a[2])
			if err != nil {
				return nil, err
			}
			if lo < 0 {
				if name == "count" {
					return int64(0), nil
				}
				if strings.HasSuffix(name, "index") {
					return nil, th.newError(ErrValueError, "substring not found")
				}
				return int64(-1), nil
			}
			part := s[lo:hi]
			if name == "count" {
				if sub == "" {
					return int64(utf8.RuneCountInString(part)) + 1, nil
				}
				return int64(strings.Count(part, sub)), nil
			}
			var i int
			if name[0] == 'r' {
				i = strings.LastIndex(part, sub)
			} else {
				i = strings.Index(part, sub)
			}
			if i < 0 {
				if strings.HasSuffix(name, "index") {
					return nil, th.newError(ErrValueError, "substring not found")
				}
				return int64(-1), nil
			}
			return runeIndex(s, lo+i), nil
		})
	}
	for _, name := range []string{"startswith", "endswith"} {
		name := name
		strMethod(name, []string{"prefix", "start=", "end="}, func(th *Thread, s string, a []Value) (Value, error) {
			lo, hi, err := runeRange(th, s, a[1], a[2])
			if err != nil {
				return nil, err
			}
			var cands []Value
			if t, ok := a[0].(Tuple); ok {
				cands = t
			} else {
				cands = []Value{a[0]}
			}
			for _, c := range cands {
				p, ok := c.(string)
				if !ok {
					return nil, th.typeErrorf("%s first arg must be str or a tuple of str, not %s", name, typeName(c))
				}
				if lo < 0 {
					continue
				}
				part := s[lo:hi]
				if name == "startswith" && strings.HasPrefix(part, p) || name == "endswith" && strings.HasSuffix(part, p) {
					return true, nil
				}
			}
			return false, nil
		})
	}
	for _, name := range []string{"center", "ljust", "rjust"} {
		name := name
		strMethod(name, []string{"width", "fillchar="}, func(th *Thread, s string, a []Value) (Value, error) {
			w, err := index(th, a[0])
			if err != nil {
				return nil, err
			}
			if w > maxFormatWidth {
				return nil, th.newError(ErrMemoryError, "width too large for this server")
			}
			fill := " "
			if a[1] != unbound {
				f, ok := a[1].(string)
				if !ok || utf8.RuneCountInString(f) != 1 {
					return nil, th.newError(ErrTypeError, "The fill character must be exactly one character long")
				}
				fill = f
			}
			n := utf8.RuneCountInString(s)
			if int(w) <= n {
				return s, nil
			}
			pad := int(w) - n
			switch name {
			case "ljust":
				return s + strings.Repeat(fill, pad), nil
			case "rjust":
				return strings.Repeat(fill, pad) + s, nil
			}
			left := pad / 2
			if pad%2 == 1 && n%2 == 1 {
				left++
			}
			return strings.Repeat(fill, left) + s + strings.Repeat(fill, pad-left), nil
		})
	}
	strMethod("zfill", []string{"width"}, func(th *Thread, s string, a []Value) (Value, error) {
		w, err := index(th, a[0])
		if err != nil {
			return nil, err
		}
		if w > maxFormatWidth {
			return nil, th.newError(ErrMemoryError, "width too large for this server")
		}
		n := utf8.RuneCountInString(s)
		if int(w) <= n {
			return s, nil
		}
		sign := ""
		if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
			sign, s = s[:1], s[1:]
		}
		return sign + strings.Repeat("0", int(w)-n) + s, nil
	})
	strMethod("expandtabs", []string{"tabsize="}, func(th *Thread, s string, a []Value) (Value, error) {
		ts, err := intArgOr(th, a[0], 8)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		col := 0
		for _, r := range s {
			switch r {
			case '\t':
				if ts > 0 {
					n := int(ts) - col%int(ts)
					b.WriteString(strings.Repeat(" ", n))
					col += n
				}
			case '\n', '\r':
				b.WriteRune(r)
				col = 0
			default:
				b.WriteRune(r)
				col++
			}
		}
		return b.String(), nil
	})
	for _, name := range []string{"partition", "rpartition"} {
		name := name
		strMethod(name, []string{"sep"}, func(th *Thread, s string, a []Value) (Value, error) {
			sep, err := strArg(th, name, a[0])
			if err != nil {
				return nil, err
			}
			if sep == "" {
				return nil, th.newError(ErrValueError, "empty separator")
			}
			var i int
			if name == "partition" {
				i = strings.Index(s, sep)
				if i < 0 {
					return Tuple{s, "", ""}, nil
				}
			} else {
				i = strings.LastIndex(s, sep)
				if i < 0 {
					return Tuple{"", "", s}, nil
				}
			}
			return Tuple{s[:i], sep, s[i+len(sep):]}, nil
		})
	}
	strMethod("removeprefix", []string{"prefix"}, func(th *Thread, s string, a []Value) (Value, error) {
		p, err := strArg(th, "removeprefix", a[0])
		return strings.TrimPrefix(s, p), err
	})
	strMethod("removesuffix", []string{"suffix"}, func(th *Thread, s string, a []Value) (Value, error) {
		p, err := strArg(th, "removesuffix", a[0])
		return strings.TrimSuffix(s, p), err
	})
	strMethod("encode", []string{"encoding=", "errors="}, func(th *Thread, s string, a []Value) (Value, error) {
		return encode(th, s, argOr(a[0], "utf-8"), argOr(a[1], "strict"))
	})
	def(ClassStr, "format", func(th *Thread, args []Value, kw []KV) (Value, error) {
		s, err := selfStr(th, "format", args)
		if err != nil {
			return nil, err
		}
		return strFormat(th, s, args[1:], kw)
	})
	strMethod("format_map", []string{"mapping"}, func(th *Thread, s string, a []Value) (Value, error) {
		items, err := mappingItems(th, a[0])
		if err != nil {
			return nil, err
		}
		return strFormat(th, s, nil, items)
	})
	strMethod("translate", []string{"table"}, func(th *Thread, s string, a []Value) (Value, error) {
		var b strings.Builder
		for _, r := range s {
			v, err := getItem(th, a[0], int64(r))
			if err != nil {
				if e, ok := err.(*Instance); ok && e.class.isSubclass(ErrLookupError) {
					b.WriteRune(r)
					continue
				}
				return nil, err
			}
			switch x := v.(type) {
			case nil:
			case string:
				b.WriteString(x)
			case int64:
				b.WriteRune(rune(x))
			default:
				return nil, th.newError(ErrTypeError, "character mapping must return integer, None or str")
			}
		}
		return b.String(), nil
	})
	defStatic(ClassStr, "maketrans", func(th *Thread, args []Value, kw []KV) (Value, error) {
		d := NewDict()
		switch len(args) {
		case 1:
			src, ok := args[0].(*Dict)
			if !ok {
				return nil, th.newError(ErrTypeError, "if you give only one argument to maketrans it must be a dict")
			}
			for _, k := range src.Keys() {
				v, _, _ := src.Get(th, k)
				if ks, ok := k.(string); ok {
					r, _ := utf8.DecodeRuneInString(ks)
					k = int64(r)
				}
				if err := d.Set(th, k, v); err != nil {
					return nil, err
				}
			}
			return d, nil
		case 2, 3:
			x, ok1 := args[0].(string)
			y, ok2 := args[1].(string)
			if !ok1 || !ok2 || utf8.RuneCountInString(x) != utf8.RuneCountInString(y) {
				return nil, th.newError(ErrValueError, "the first two maketrans arguments must have equal length")
			}
			ys := []rune(y)
			for i, r := range []rune(x) {
				_ = d.Set(th, int64(r), int64(ys[i]))
			}
			if len(args) == 3 {
				z, _ := args[2].(string)
				for _, r := range z {
					_ = d.Set(th, int64(r), nil)
				}
			}
			return d, nil
		}
		return nil, th.newError(ErrTypeError, "maketrans() takes 1 to 3 arguments")
	})
}

func swapcase(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, s)
}

func title(s string) string {
	var b strings.Builder
	prevCased := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if prevCased {
				b.WriteRune(unicode.ToLower(r))
			} else {
				b.WriteRune(unicode.ToTitle(r))
			}
			prevCased = true
		} else {
			b.WriteRune(r)
			prevCased = false
		}
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToTitle(r)) + strings.ToLower(s[size:])
}

func strSplit(th *Thread, s string, a []Value, right bool) (Value, error) {
	n, err := intArgOr(th, a[1], -1)
	if err != nil {
		return nil, err
	}
	sep := argOr(a[0], nil)
	if sep == nil {
		fields := splitWhite(s, int(max(min(n, 1<<31), -1)), right)
		return strList(fields), nil
	}
	p, err := strArg(th, "split", sep)
	if err != nil {
		return nil, err
	}
	if p == "" {
		return nil, th.newError(ErrValueError, "empty separator")
	}
	if n < 0 {
		return strList(strings.Split(s, p)), nil
	}
	if !right {
		return strList(strings.SplitN(s, p, int(min(n, 1<<31))+1)), nil
	}
	var parts []string
	for n > 0 {
		i := strings.LastIndex(s, p)
		if i < 0 {
			break
		}
		parts = append(parts, s[i+len(p):])
		s = s[:i]
		n--
	}
	parts = append(parts, s)
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strList(parts), nil
}

// splitWhite splits at runs of white space, at most n times (n < 0: no
// limit), from the left or the right.
func splitWhite(s string, n int, right bool) []string {
	if n < 0 {
		return strings.FieldsFunc(s, pyIsSpace)
	}
	var out []string
	if !right {
		rest := strings.TrimLeftFunc(s, pyIsSpace)
		for rest != "" {
			if len(out) == n {
				out = append(out, rest)
				return out
			}
			i := strings.IndexFunc(rest, pyIsSpace)
			if i < 0 {
				out = append(out, rest)
				return out
			}
			out = append(out, rest[:i])
			rest = strings.TrimLeftFunc(rest[i:], pyIsSpace)
		}
		return out
	}
	rest := strings.TrimRightFunc(s, pyIsSpace)
	for rest != "" {
		if len(out) == n {
			out = append(out, rest)
			break
		}
		i := strings.LastIndexFunc(rest, pyIsSpace)
		if i < 0 {
			out = append(out, rest)
			break
		}
		_, size := utf8.DecodeRuneInString(rest[i:])
		out = append(out, rest[i+size:])
		rest = strings.TrimRightFunc(rest[:i], pyIsSpace)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func splitLines(s string, keep bool) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		end := -1
		switch r {
		case '\r':
			end = i + size
			if end < len(s) && s[end] == '\n' {
				end++
			}
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			end = i + size
		}
		if end < 0 {
			i += size
			continue
		}
		if keep {
			out = append(out, s[start:end])
		} else {
			out = append(out, s[start:i])
		}
		start, i = end, end
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// seqDunders gives a sequence type the dunders a client may call by
// name: __len__, __getitem__, __contains__, __iter__, __add__, __mul__.
func seqDunders(cls *Class) {
	def(cls, "__len__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__len__", args, kw, 1, 1); err != nil {
			return nil, err
		}
		return length(th, args[0])
	})
	def(cls, "__getitem__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__getitem__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return getItem(th, args[0], args[1])
	})
	def(cls, "__contains__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__contains__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		return contains(th, args[0], args[1])
	})
	def(cls, "__iter__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__iter__", args, kw, 1, 1); err != nil {
			return nil, err
		}
		return iterObject(th, args[0])
	})
	def(cls, "__add__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__add__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		r, err := seqOp(th, opAdd, args[0], args[1])
		if err == errNoOp {
			return NotImplemented, nil
		}
		return r, err
	})
	def(cls, "__mul__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__mul__", args, kw, 2, 2); err != nil {
			return nil, err
		}
		r, err := seqOp(th, opMul, args[0], args[1])
		if err == errNoOp {
			return NotImplemented, nil
		}
		return r, err
	})
	cls.dict.SetStr("__rmul__", cls.dict.entries[len(cls.dict.entries)-1].val)
	def(cls, "__repr__", func(th *Thread, args []Value, kw []KV) (Value, error) { return repr(th, args[0]) })
	def(cls, "__str__", func(th *Thread, args []Value, kw []KV) (Value, error) { return toStr(th, args[0]) })
	def(cls, "__hash__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		h, err := hashOf(th, args[0])
		return int64(h), err
	})
	def(cls, "__bool__", func(th *Thread, args []Value, kw []KV) (Value, error) { return truth(th, args[0]) })
}

// iterObject is iter(v) as a Python object.
func iterObject(th *Thread, v Value) (Value, error) {
	switch x := v.(type) {
	case *Iterator, *Generator:
		return x, nil
	case *Instance:
		if m, ok := x.class.lookup("__iter__"); ok {
			return callBound(th, m, x, nil)
		}
	}
	if isForeign(v) {
		return th.hostCallMethod(v, "__iter__", nil, nil)
	}
	next, err := getIter(th, v)
	if err != nil {
		return nil, err
	}
	cls := classIter
	switch v.(type) {
	case *List:
		cls = classListIter
	case Tuple:
		cls = classTupleIter
	case *Range:
		cls = classRangeIter
	case string:
		cls = classStrIter
	case *Dict:
		cls = classDictIter
	case *Set:
		cls = classSetIter
	case []byte:
		cls = classBytesIter
	case *dictView:
		switch v.(*dictView).kind {
		case ClassDictValues:
			cls = classDictVIter
		case ClassDictItems:
			cls = classDictIIter
		default:
			cls = classDictIter
		}
	}
	return &Iterator{cls: cls, next: next}, nil
}

// specialUpper are the full case mappings of Unicode's SpecialCasing
// that Python applies and Go's simple mapping does not.
var specialUpper = strings.NewReplacer("ß", "SS", "ﬀ", "FF", "ﬁ", "FI", "ﬂ", "FL", "ﬃ", "FFI", "ﬄ", "FFL", "ﬅ", "ST", "ﬆ", "ST", "ŉ", "ʼN")

func upper(s string) string {
	return strings.ToUpper(specialUpper.Replace(s))
}

func casefold(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "ß", "ss")
}
