package python

import (
	"strings"
)

// Modules the interpreter implements itself, because they need its
// internals: code (interact, for rpyc.classic.interact) and traceback.

func newModule(name string, funcs map[string]goFunc) *Module {
	m := &Module{name: name, dict: NewDict()}
	m.dict.SetStr("__name__", name)
	for n, f := range funcs {
		m.dict.SetStr(n, newBuiltin(n, f))
	}
	return m
}

func init() {
	nativeModules["code"] = func(*Thread) (*Module, error) {
		return newModule("code", map[string]goFunc{"interact": codeInteract}), nil
	}
	nativeModules["traceback"] = func(*Thread) (*Module, error) {
		return newModule("traceback", map[string]goFunc{
			"format_exc": func(th *Thread, args []Value, kw []KV) (Value, error) {
				if th.handling == nil {
					return "NoneType: None\n", nil
				}
				return formatTraceback(th, th.handling), nil
			},
			"print_exc": func(th *Thread, args []Value, kw []KV) (Value, error) {
				a, err := parseArgs(th, "print_exc", args, kw, "limit=", "file=", "chain=")
				if err != nil {
					return nil, err
				}
				text := "NoneType: None\n"
				if th.handling != nil {
					text = formatTraceback(th, th.handling)
				}
				return nil, writeStderr(th, argOr(a[1], nil), text)
			},
			"format_exception": func(th *Thread, args []Value, kw []KV) (Value, error) {
				e, err := excArg(th, args)
				if err != nil {
					return nil, err
				}
				return strList(splitLines(formatTraceback(th, e), true)), nil
			},
			"print_exception": func(th *Thread, args []Value, kw []KV) (Value, error) {
				e, err := excArg(th, args)
				if err != nil {
					return nil, err
				}
				var file Value
				for _, k := range kw {
					if k.Name == "file" {
						file = k.Value
					}
				}
				return nil, writeStderr(th, file, formatTraceback(th, e))
			},
			"format_exception_only": func(th *Thread, args []Value, kw []KV) (Value, error) {
				e, err := excArg(th, args)
				if err != nil {
					return nil, err
				}
				return strList([]string{excLastLine(th, e) + "\n"}), nil
			},
		}), nil
	}
}

// excArg reads the exception argument of traceback's functions: the
// exception (Python 3.10's form) or (type, value, tb).
func excArg(th *Thread, args []Value) (*Instance, error) {
	for _, a := range args {
		if e, ok := a.(*Instance); ok && e.exc != nil {
			return e, nil
		}
	}
	return nil, th.newError(ErrTypeError, "expected an exception")
}

// writeStderr writes text to file, or to sys.stderr.
func writeStderr(th *Thread, file Value, text string) error {
	if file == nil {
		sys, err := importModule(th, "sys")
		if err != nil {
			return err
		}
		if file, err = getAttr(th, sys, "stderr"); err != nil {
			return err
		}
	}
	return writeTo(th, file, text, true)
}

// codeInteract is code.interact(banner=None, readfunc=None, local=None,
// exitmsg=None): a read-eval-print loop over sys.stdin and sys.stdout,
// as rpyc.classic.interact runs it on the server.
func codeInteract(th *Thread, args []Value, kw []KV) (Value, error) {
	a, err := parseArgs(th, "interact", args, kw, "banner=", "readfunc=", "local=", "exitmsg=", "local_exit=")
	if err != nil {
		return nil, err
	}
	globals := NewDict()
	if l := argOr(a[2], nil); l != nil {
		d, ok := l.(*Dict)
		if !ok {
			return nil, th.typeErrorf("interact() local must be a dict, not %s", typeName(l))
		}
		globals = d
	}
	globals.SetStr("__name__", "__console__")
	banner := "Python 3.11 (rpyc-go interpreter)\nType \"help\", \"copyright\", \"credits\" or \"license\" for more information.\n(InteractiveConsole)"
	if b := argOr(a[0], nil); b != nil {
		banner, _ = b.(string)
	}
	exitmsg := "now exiting InteractiveConsole..."
	if m := argOr(a[3], nil); m != nil {
		exitmsg, _ = m.(string)
	}
	readfunc := argOr(a[1], nil)
	if banner != "" {
		if err := writeStderr(th, nil, banner+"\n"); err != nil {
			return nil, err
		}
	}
	var buf []string
	for {
		if err := th.tick(); err != nil {
			return nil, err
		}
		prompt := ">>> "
		if len(buf) > 0 {
			prompt = "... "
		}
		var line Value
		if readfunc != nil {
			line, err = call(th, readfunc, []Value{prompt}, nil)
		} else {
			line, err = builtinInput(th, []Value{prompt}, nil)
		}
		if err != nil {
			e := asException(th, err)
			if e.class.isSubclass(ErrEOFError) {
				if err := writeTo(th, nil, "\n", true); err != nil {
					return nil, err
				}
				break
			}
			if e.class.isSubclass(ErrKeyboardInterrupt) && th.ctx.Err() == nil {
				buf = nil
				_ = writeStderr(th, nil, "\nKeyboardInterrupt\n")
				continue
			}
			return nil, err
		}
		s, _ := line.(string)
		buf = append(buf, s)
		src := strings.Join(buf, "\n")
		if needsMore(src, buf) {
			continue
		}
		buf = nil
		code, cerr := compileSource(src+"\n", true)
		if cerr != nil {
			if se, ok := cerr.(*SyntaxError); ok {
				tb := syntaxException(se).Traceback
				tb = strings.Replace(tb, "Traceback (most recent call last):\n", "", 1)
				_ = writeStderr(th, nil, strings.ReplaceAll(tb, "\"<string>\"", "\"<console>\""))
				continue
			}
			return nil, cerr
		}
		if err := runModule(th, code, globals); err != nil {
			e := asException(th, err)
			if e.class.isSubclass(ErrSystemExit) {
				break
			}
			if e.class.isSubclass(ErrKeyboardInterrupt) && th.ctx.Err() != nil {
				return nil, err
			}
			text := strings.ReplaceAll(formatTraceback(th, e), "\"<string>\"", "\"<console>\"")
			if werr := writeStderr(th, nil, text); werr != nil {
				return nil, werr
			}
		}
	}
	if exitmsg != "" {
		if err := writeStderr(th, nil, exitmsg+"\n"); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// needsMore reports whether the interactive input so far is an
// unfinished statement: an open bracket or string, or a block not yet
// ended by an empty line.
func needsMore(src string, lines []string) bool {
	if strings.TrimSpace(src) == "" {
		return false
	}
	if _, err := tokenize(src + "\n"); err != nil {
		msg := err.(*SyntaxError).Msg
		if strings.Contains(msg, "unclosed bracket") || strings.Contains(msg, "unterminated triple-quoted") || strings.Contains(msg, "unexpected EOF") {
			return true
		}
		return false
	}
	first := strings.TrimRight(stripComment(lines[0]), " \t")
	block := strings.HasSuffix(first, ":") || strings.HasPrefix(strings.TrimSpace(lines[0]), "@")
	if block || len(lines) > 1 {
		return strings.TrimSpace(lines[len(lines)-1]) != ""
	}
	return false
}

func stripComment(line string) string {
	inStr := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inStr != 0:
			if c == '\\' {
				i++
			} else if c == inStr {
				inStr = 0
			}
		case c == '\'' || c == '"':
			inStr = c
		case c == '#':
			return line[:i]
		}
	}
	return line
}
