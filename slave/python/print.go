package python

import (
	"strings"
)

// print and input: text to and from sys.stdout and sys.stdin as they
// are now (a client's streams under redirected_stdio).

// builtinPrint is print(*args, sep=' ', end='\n', file=None, flush=False).
func builtinPrint(th *Thread, args []Value, kw []KV) (Value, error) {
	sep, end := " ", "\n"
	var file Value
	flush := false
	for _, k := range kw {
		switch k.Name {
		case "sep":
			if k.Value != nil {
				s, ok := k.Value.(string)
				if !ok {
					return nil, th.typeErrorf("sep must be None or a string, not %s", typeName(k.Value))
				}
				sep = s
			}
		case "end":
			if k.Value != nil {
				s, ok := k.Value.(string)
				if !ok {
					return nil, th.typeErrorf("end must be None or a string, not %s", typeName(k.Value))
				}
				end = s
			}
		case "file":
			file = k.Value
		case "flush":
			flush, _ = truth(th, k.Value)
		default:
			return nil, th.typeErrorf("print() got an unexpected keyword argument '%s'", k.Name)
		}
	}
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteString(sep)
		}
		s, err := toStr(th, a)
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
	}
	b.WriteString(end)
	return nil, writeTo(th, file, b.String(), flush)
}

// writeTo writes text to file (nil: sys.stdout as it is now).
func writeTo(th *Thread, file Value, text string, flush bool) error {
	if file == nil {
		var out any
		err := th.outside(func() error {
			var err error
			out, err = th.in.host.Stdout(th.ctx)
			return err
		})
		if err != nil {
			return asException(th, err)
		}
		file = th.fromHost(out)
	}
	if file == nil {
		return nil
	}
	if !isForeign(file) {
		if _, err := callMethod(th, file, "write", []Value{text}, nil); err != nil {
			return err
		}
		if flush {
			if ok, _ := hasAttr(th, file, "flush"); ok {
				_, err := callMethod(th, file, "flush", nil, nil)
				return err
			}
		}
		return nil
	}
	raw := th.toHostArg(file, file)
	err := th.outside(func() error { return th.in.host.Write(th.ctx, raw, text) })
	if err != nil {
		return asException(th, err)
	}
	return nil
}

// builtinInput is input(prompt): the prompt to sys.stdout, a line from
// sys.stdin.
func builtinInput(th *Thread, args []Value, kw []KV) (Value, error) {
	if err := noKw(th, "input", kw); err != nil {
		return nil, err
	}
	if len(args) > 1 {
		return nil, th.typeErrorf("input expected at most 1 argument, got %d", len(args))
	}
	if len(args) == 1 {
		s, err := toStr(th, args[0])
		if err != nil {
			return nil, err
		}
		if err := writeTo(th, nil, s, true); err != nil {
			return nil, err
		}
	}
	var in any
	if err := th.outside(func() error {
		var err error
		in, err = th.in.host.Stdin(th.ctx)
		return err
	}); err != nil {
		return nil, asException(th, err)
	}
	if in == nil {
		return nil, th.newError(ErrEOFError, "EOF when reading a line")
	}
	line, err := callMethod(th, th.fromHost(in), "readline", nil, nil)
	if err != nil {
		return nil, err
	}
	var s string
	switch x := line.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return nil, th.typeErrorf("object.readline() returned non-string")
	}
	if s == "" {
		return nil, th.newError(ErrEOFError, "EOF when reading a line")
	}
	return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r"), nil
}
