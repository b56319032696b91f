package python

import (
	"bytes"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
)

// bytes and bytearray, and text encodings.

// bytesFrom is bytes(v) for a bytes-like value or an iterable of ints.
func bytesFrom(th *Thread, v Value) ([]byte, error) {
	if b, ok := bytesOf(v); ok {
		return b, nil
	}
	items, err := collect(th, v)
	if err != nil {
		return nil, th.typeErrorf("cannot convert '%s' object to bytes", typeName(v))
	}
	out := make([]byte, len(items))
	for i, it := range items {
		n, err := index(th, it)
		if err != nil {
			return nil, err
		}
		if n < 0 || n > 255 {
			return nil, th.newError(ErrValueError, "bytes must be in range(0, 256)")
		}
		out[i] = byte(n)
	}
	return out, nil
}

func normEncoding(e string) string {
	e = strings.ToLower(strings.ReplaceAll(e, "_", "-"))
	switch e {
	case "utf8", "utf-8", "u8", "cp65001":
		return "utf-8"
	case "ascii", "us-ascii", "646":
		return "ascii"
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "8859", "cp819":
		return "latin-1"
	}
	return e
}

// encode is str.encode.
func encode(th *Thread, s string, enc, errs Value) (Value, error) {
	e, ok := enc.(string)
	if !ok {
		return nil, th.newError(ErrTypeError, "encode() argument 'encoding' must be str")
	}
	mode, _ := errs.(string)
	switch normEncoding(e) {
	case "utf-8":
		return []byte(s), nil
	case "ascii", "latin-1":
		limit := rune(0x7f)
		if normEncoding(e) == "latin-1" {
			limit = 0xff
		}
		out := make([]byte, 0, len(s))
		pos := 0
		for _, r := range s {
			if r <= limit {
				out = append(out, byte(r))
				pos++
				continue
			}
			switch mode {
			case "ignore":
			case "replace":
				out = append(out, '?')
			case "backslashreplace":
				out = append(out, asciiEscape(string(r))...)
			case "xmlcharrefreplace":
				out = append(out, []byte("&#"+itoa(int64(r))+";")...)
			default:
				name := normEncoding(e)
				if name == "latin-1" {
					name = "latin-1"
				}
				ex := newExc(builtinExc("UnicodeEncodeError"), "'"+name+"' codec can't encode character "+strRepr(string(r))+" in position "+itoa(int64(pos))+": ordinal not in range("+itoa(int64(limit)+1)+")")
				return nil, th.raise(ex)
			}
			pos++
		}
		return out, nil
	}
	return nil, th.raise(newExc(builtinExc("LookupError"), "unknown encoding: "+e))
}

// decode is bytes.decode.
func decode(th *Thread, b []byte, enc, errs Value) (Value, error) {
	e, ok := enc.(string)
	if !ok {
		return nil, th.newError(ErrTypeError, "decode() argument 'encoding' must be str")
	}
	mode, _ := errs.(string)
	switch normEncoding(e) {
	case "utf-8":
		if utf8.Valid(b) {
			return string(b), nil
		}
		switch mode {
		case "ignore":
			return strings.ToValidUTF8(string(b), ""), nil
		case "replace":
			var sb strings.Builder
			for len(b) > 0 {
				r, size := utf8.DecodeRune(b)
				if r == utf8.RuneError && size == 1 {
					sb.WriteRune('\uFFFD')
				} else {
					sb.Write(b[:size])
				}
				b = b[size:]
			}
			return sb.String(), nil
		case "backslashreplace", "surrogateescape":
			var sb strings.Builder
			for len(b) > 0 {
				r, size := utf8.DecodeRune(b)
				if r == utf8.RuneError && size == 1 {
					sb.WriteString("\\x" + hex.EncodeToString(b[:1]))
				} else {
					sb.Write(b[:size])
				}
				b = b[size:]
			}
			return sb.String(), nil
		}
		pos := 0
		for pos < len(b) {
			r, size := utf8.DecodeRune(b[pos:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			pos += size
		}
		ex := newExc(builtinExc("UnicodeDecodeError"), "'utf-8' codec can't decode byte 0x"+hex.EncodeToString(b[pos:pos+1])+" in position "+itoa(int64(pos))+": invalid start byte")
		return nil, th.raise(ex)
	case "ascii":
		for i, c := range b {
			if c >= 0x80 {
				switch mode {
				case "ignore", "replace":
					var sb strings.Builder
					for _, c := range b {
						if c < 0x80 {
							sb.WriteByte(c)
						} else if mode == "replace" {
							sb.WriteRune('\uFFFD')
						}
					}
					return sb.String(), nil
				}
				ex := newExc(builtinExc("UnicodeDecodeError"), "'ascii' codec can't decode byte 0x"+hex.EncodeToString(b[i:i+1])+" in position "+itoa(int64(i))+": ordinal not in range(128)")
				return nil, th.raise(ex)
			}
		}
		return string(b), nil
	case "latin-1":
		rs := make([]rune, len(b))
		for i, c := range b {
			rs[i] = rune(c)
		}
		return string(rs), nil
	}
	return nil, th.raise(newExc(builtinExc("LookupError"), "unknown encoding: "+e))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func selfBytes(th *Thread, fname string, args []Value) ([]byte, error) {
	if len(args) > 0 {
		if b, ok := bytesOf(args[0]); ok {
			return b, nil
		}
	}
	return nil, th.typeErrorf("descriptor '%s' requires a 'bytes' object", fname)
}

// bytesMethod defines a method shared by bytes and bytearray; a []byte
// result is returned in the receiver's type.
func bytesMethod(name string, params []string, fn func(th *Thread, b []byte, a []Value) (Value, error)) {
	spec := newArgSpec(params...)
	for _, cls := range []*Class{ClassBytes, ClassByteArray} {
		cls := cls
		def(cls, name, func(th *Thread, args []Value, kw []KV) (Value, error) {
			b, err := selfBytes(th, name, args)
			if err != nil {
				return nil, err
			}
			a, err := spec.parse(th, name, args[1:], kw)
			if err != nil {
				return nil, err
			}
			r, err := fn(th, b, a)
			if out, ok := r.([]byte); ok && cls == ClassByteArray {
				return &ByteArray{out}, err
			}
			return r, err
		})
	}
}

func bytesArg(th *Thread, v Value) ([]byte, error) {
	if b, ok := bytesOf(v); ok {
		return b, nil
	}
	return nil, th.typeErrorf("a bytes-like object is required, not '%s'", typeName(v))
}

func init() {
	ClassBytes.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "bytes", args, kw, "source=", "encoding=", "errors=")
		if err != nil {
			return nil, err
		}
		if a[0] == unbound {
			return []byte{}, nil
		}
		return bytesConstruct(th, a)
	}
	ClassByteArray.new = func(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
		a, err := parseArgs(th, "bytearray", args, kw, "source=", "encoding=", "errors=")
		if err != nil {
			return nil, err
		}
		if a[0] == unbound {
			return &ByteArray{}, nil
		}
		b, err := bytesConstruct(th, a)
		if err != nil {
			return nil, err
		}
		return &ByteArray{append([]byte{}, b...)}, nil
	}
	for _, cls := range []*Class{ClassBytes, ClassByteArray} {
		seqDunders(cls)
		compareDunders(cls)
	}
	bytesMethod("decode", []string{"encoding=", "errors="}, func(th *Thread, b []byte, a []Value) (Value, error) {
		return decode(th, b, argOr(a[0], "utf-8"), argOr(a[1], "strict"))
	})
	bytesMethod("hex", []string{"sep="}, func(th *Thread, b []byte, a []Value) (Value, error) {
		h := hex.EncodeToString(b)
		if sep, ok := argOr(a[0], nil).(string); ok && sep != "" {
			parts := make([]string, 0, len(b))
			for i := 0; i < len(h); i += 2 {
				parts = append(parts, h[i:i+2])
			}
			h = strings.Join(parts, sep)
		}
		return h, nil
	})
	for _, cls := range []*Class{ClassBytes, ClassByteArray} {
		cls := cls
		defClassMethod(cls, "fromhex", func(th *Thread, args []Value, kw []KV) (Value, error) {
			if len(args) != 2 {
				return nil, th.newError(ErrTypeError, "fromhex() takes exactly one argument")
			}
			s, err := strArg(th, "fromhex", args[1])
			if err != nil {
				return nil, err
			}
			b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
			if err != nil {
				return nil, th.newError(ErrValueError, "non-hexadecimal number found in fromhex() arg")
			}
			if cls == ClassByteArray {
				return &ByteArray{b}, nil
			}
			return b, nil
		})
	}
	for name, f := range map[string]func([]byte) []byte{"upper": bytes.ToUpper, "lower": bytes.ToLower} {
		f := f
		bytesMethod(name, nil, func(th *Thread, b []byte, a []Value) (Value, error) { return f(b), nil })
	}
	for _, name := range []string{"strip", "lstrip", "rstrip"} {
		name := name
		bytesMethod(name, []string{"chars="}, func(th *Thread, b []byte, a []Value) (Value, error) {
			cut := " \t\n\r\v\f"
			if c := argOr(a[0], nil); c != nil {
				cb, err := bytesArg(th, c)
				if err != nil {
					return nil, err
				}
				cut = string(cb)
			}
			switch name {
			case "lstrip":
				return bytes.TrimLeft(b, cut), nil
			case "rstrip":
				return bytes.TrimRight(b, cut), nil
			}
			return bytes.Trim(b, cut), nil
		})
	}
	bytesMethod("split", []string{"sep=", "maxsplit="}, func(th *Thread, b []byte, a []Value) (Value, error) {
		n, err := intArgOr(th, a[1], -1)
		if err != nil {
			return nil, err
		}
		var parts [][]byte
		if sep := argOr(a[0], nil); sep == nil {
			fields := splitWhite(string(b), int(max(min(n, 1<<31), -1)), false)
			for _, f := range fields {
				parts = append(parts, []byte(f))
			}
		} else {
			sb, err := bytesArg(th, sep)
			if err != nil {
				return nil, err
			}
			if len(sb) == 0 {
				return nil, th.newError(ErrValueError, "empty separator")
			}
			if n < 0 {
				parts = bytes.Split(b, sb)
			} else {
				parts = bytes.SplitN(b, sb, int(min(n, 1<<31))+1)
			}
		}
		out := make([]Value, len(parts))
		for i, p := range parts {
			out[i] = append([]byte{}, p...)
		}
		return &List{items: out}, nil
	})
	bytesMethod("splitlines", []string{"keepends="}, func(th *Thread, b []byte, a []Value) (Value, error) {
		keep, _ := truth(th, argOr(a[0], false))
		var out []Value
		for _, l := range splitLines(string(b), keep) {
			out = append(out, []byte(l))
		}
		if out == nil {
			out = []Value{}
		}
		return &List{items: out}, nil
	})
	bytesMethod("join", []string{"iterable"}, func(th *Thread, b []byte, a []Value) (Value, error) {
		items, err := collect(th, a[0])
		if err != nil {
			return nil, err
		}
		parts := make([][]byte, len(items))
		for i, it := range items {
			p, ok := bytesOf(it)
			if !ok {
				return nil, th.typeErrorf("sequence item %d: expected a bytes-like object, %s found", i, typeName(it))
			}
			parts[i] = p
		}
		return bytes.Join(parts, b), nil
	})
	bytesMethod("replace", []string{"old", "new", "count="}, func(th *Thread, b []byte, a []Value) (Value, error) {
		o, err := bytesArg(th, a[0])
		if err != nil {
			return nil, err
		}
		n, err := bytesArg(th, a[1])
		if err != nil {
			return nil, err
		}
		c, err := intArgOr(th, a[2], -1)
		if err != nil {
			return nil, err
		}
		return bytes.Replace(b, o, n, int(max(min(c, 1<<31), -1))), nil
	})
	for _, name := range []string{"find", "rfind", "index", "rindex", "count"} {
		name := name
		bytesMethod(name, []string{"sub", "start=", "end="}, func(th *Thread, b []byte, a []Value) (Value, error) {
			var sub []byte
			if n, _, ok := asInt(a[0]); ok {
				sub = []byte{byte(n)}
			} else {
				var err error
				if sub, err = bytesArg(th, a[0]); err != nil {
					return nil, err
				}
			}
			N := int64(len(b))
			lo, err := intArgOr(th, a[1], 0)
			if err != nil {
				return nil, err
			}
			hi, err := intArgOr(th, a[2], N)
			if err != nil {
				return nil, err
			}
			lo, hi = clampIdx(lo, N, 0, N), clampIdx(hi, N, 0, N)
			if hi < lo {
				hi = lo
			}
			part := b[lo:hi]
			if name == "count" {
				return int64(bytes.Count(part, sub)), nil
			}
			var i int
			if name[0] == 'r' {
				i = bytes.LastIndex(part, sub)
			} else {
				i = bytes.Index(part, sub)
			}
			if i < 0 {
				if strings.HasSuffix(name, "index") {
					return nil, th.newError(ErrValueError, "subsection not found")
				}
				return int64(-1), nil
			}
			return int64(i) + lo, nil
		})
	}
	for _, name := range []string{"startswith", "endswith"} {
		name := name
		bytesMethod(name, []string{"prefix"}, func(th *Thread, b []byte, a []Value) (Value, error) {
			cands := []Value{a[0]}
			if t, ok := a[0].(Tuple); ok {
				cands = t
			}
			for _, c := range cands {
				p, err := bytesArg(th, c)
				if err != nil {
					return nil, err
				}
				if name == "startswith" && bytes.HasPrefix(b, p) || name == "endswith" && bytes.HasSuffix(b, p) {
					return true, nil
				}
			}
			return false, nil
		})
	}
	for _, name := range []string{"partition", "rpartition"} {
		name := name
		bytesMethod(name, []string{"sep"}, func(th *Thread, b []byte, a []Value) (Value, error) {
			sep, err := bytesArg(th, a[0])
			if err != nil {
				return nil, err
			}
			var i int
			if name == "partition" {
				i = bytes.Index(b, sep)
				if i < 0 {
					return Tuple{b, []byte{}, []byte{}}, nil
				}
			} else {
				i = bytes.LastIndex(b, sep)
				if i < 0 {
					return Tuple{[]byte{}, []byte{}, b}, nil
				}
			}
			return Tuple{b[:i], sep, b[i+len(sep):]}, nil
		})
	}
	bytesMethod("removeprefix", []string{"prefix"}, func(th *Thread, b []byte, a []Value) (Value, error) {
		p, err := bytesArg(th, a[0])
		return bytes.TrimPrefix(b, p), err
	})
	bytesMethod("removesuffix", []string{"suffix"}, func(th *Thread, b []byte, a []Value) (Value, error) {
		p, err := bytesArg(th, a[0])
		return bytes.TrimSuffix(b, p), err
	})
	for name, f := range map[string]func(byte) bool{
		"isdigit": func(c byte) bool { return c >= '0' && c <= '9' },
		"isalpha": func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' },
		"isspace": func(c byte) bool { return strings.IndexByte(" \t\n\r\v\f", c) >= 0 },
		"isalnum": func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' },
		"isascii": func(c byte) bool { return c < 0x80 },
	} {
		f := f
		bytesMethod(name, nil, func(th *Thread, b []byte, a []Value) (Value, error) {
			if len(b) == 0 {
				return false, nil
			}
			for _, c := range b {
				if !f(c) {
					return false, nil
				}
			}
			return true, nil
		})
	}
	def(ClassBytes, "__mod__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		return bytesPercentFormat(th, args[0].([]byte), args[1])
	})
	def(ClassByteArray, "append", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "append", args, kw, 2, 2); err != nil {
			return nil, err
		}
		n, err := index(th, args[1])
		if err != nil {
			return nil, err
		}
		if n < 0 || n > 255 {
			return nil, th.newError(ErrValueError, "byte must be in range(0, 256)")
		}
		ba := args[0].(*ByteArray)
		ba.b = append(ba.b, byte(n))
		return nil, nil
	})
	def(ClassByteArray, "extend", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "extend", args, kw, 2, 2); err != nil {
			return nil, err
		}
		b, err := bytesFrom(th, args[1])
		if err != nil {
			return nil, err
		}
		ba := args[0].(*ByteArray)
		ba.b = append(ba.b, b...)
		return nil, nil
	})
	def(ClassByteArray, "clear", func(th *Thread, args []Value, kw []KV) (Value, error) {
		args[0].(*ByteArray).b = nil
		return nil, nil
	})
	def(ClassByteArray, "__setitem__", func(th *Thread, args []Value, kw []KV) (Value, error) {
		if err := nargs(th, "__setitem__", args, kw, 3, 3); err != nil {
			return nil, err
		}
		return nil, setItem(th, args[0], args[1], args[2])
	})
}

func bytesConstruct(th *Thread, a []Value) ([]byte, error) {
	if s, ok := a[0].(string); ok {
		if a[1] == unbound {
			return nil, th.newError(ErrTypeError, "string argument without an encoding")
		}
		r, err := encode(th, s, a[1], argOr(a[2], "strict"))
		if err != nil {
			return nil, err
		}
		return r.([]byte), nil
	}
	if n, _, ok := asInt(a[0]); ok {
		if n < 0 {
			return nil, th.newError(ErrValueError, "negative count")
		}
		if n > maxItems*8 {
			return nil, th.newError(ErrMemoryError, "bytes too large for this server")
		}
		return make([]byte, n), nil
	}
	b, err := bytesFrom(th, a[0])
	if err != nil {
		return nil, err
	}
	return append([]byte{}, b...), nil
}
