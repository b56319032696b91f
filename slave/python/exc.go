package python

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Exception classes. The builtin ones, and those of Go modules, are made
// from vinegar's classes, so an except clause in code matches exactly
// what an except clause in a Python client would: FileNotFoundError is
// an OSError, subprocess.CalledProcessError a SubprocessError.

var excClasses sync.Map // *vinegar.Class -> *Class

// ExcClass returns the interpreter's class for a vinegar exception class
// (a builtin, or a module's class declared with vinegar.NewClass).
func ExcClass(vc *vinegar.Class) *Class {
	if c, ok := excClasses.Load(vc); ok {
		return c.(*Class)
	}
	var bases []*Class
	if p := vc.Parent(); p != nil {
		bases = []*Class{ExcClass(p)}
	} else {
		bases = []*Class{ClassObject}
	}
	c := &Class{name: vc.Name(), qualname: vc.Name(), module: vc.Module(), bases: bases, dict: NewDict(), builtin: true, exc: vc}
	c.mro = computeMRO(c)
	actual, _ := excClasses.LoadOrStore(vc, c)
	return actual.(*Class)
}

func builtinExc(name string) *Class {
	vc, ok := vinegar.Builtin(name)
	if !ok {
		panic("python: vinegar has no builtin exception " + name)
	}
	return ExcClass(vc)
}

// The builtin exception classes the interpreter raises itself.
var (
	ClassBaseException     = builtinExc("BaseException")
	ErrException           = builtinExc("Exception")
	ErrTypeError           = builtinExc("TypeError")
	ErrValueError          = builtinExc("ValueError")
	ErrNameError           = builtinExc("NameError")
	ErrUnboundLocalError   = builtinExc("UnboundLocalError")
	ErrAttributeError      = builtinExc("AttributeError")
	ErrKeyError            = builtinExc("KeyError")
	ErrIndexError          = builtinExc("IndexError")
	ErrZeroDivisionError   = builtinExc("ZeroDivisionError")
	ErrOverflowError       = builtinExc("OverflowError")
	ErrRuntimeError        = builtinExc("RuntimeError")
	ErrRecursionError      = builtinExc("RecursionError")
	ErrNotImplementedError = builtinExc("NotImplementedError")
	ErrStopIteration       = builtinExc("StopIteration")
	ErrGeneratorExit       = builtinExc("GeneratorExit")
	ErrAssertionError      = builtinExc("AssertionError")
	ErrImportError         = builtinExc("ImportError")
	ErrModuleNotFoundError = builtinExc("ModuleNotFoundError")
	ErrKeyboardInterrupt   = builtinExc("KeyboardInterrupt")
	ErrSystemError         = builtinExc("SystemError")
	ErrMemoryError         = builtinExc("MemoryError")
	ErrOSError             = builtinExc("OSError")
	ErrLookupError         = builtinExc("LookupError")
	ErrSyntaxError         = builtinExc("SyntaxError")
	ErrSystemExit          = builtinExc("SystemExit")
	ErrUnicodeError        = builtinExc("UnicodeError")
	ErrEOFError            = builtinExc("EOFError")
)

// builtinExcNames are the exception classes builtins offers by name.
var builtinExcNames = []string{
	"BaseException", "BaseExceptionGroup", "GeneratorExit", "KeyboardInterrupt", "SystemExit",
	"Exception", "ArithmeticError", "FloatingPointError", "OverflowError", "ZeroDivisionError",
	"AssertionError", "AttributeError", "BufferError", "EOFError", "ExceptionGroup", "ImportError",
	"ModuleNotFoundError", "LookupError", "IndexError", "KeyError", "MemoryError", "NameError",
	"UnboundLocalError", "OSError", "BlockingIOError", "ChildProcessError", "ConnectionError",
	"BrokenPipeError", "ConnectionAbortedError", "ConnectionRefusedError", "ConnectionResetError",
	"FileExistsError", "FileNotFoundError", "InterruptedError", "IsADirectoryError",
	"NotADirectoryError", "PermissionError", "ProcessLookupError", "TimeoutError", "ReferenceError",
	"RuntimeError", "NotImplementedError", "RecursionError", "StopAsyncIteration", "StopIteration",
	"SyntaxError", "IndentationError", "TabError", "SystemError", "TypeError", "ValueError",
	"UnicodeError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeTranslateError", "Warning",
	"BytesWarning", "DeprecationWarning", "EncodingWarning", "FutureWarning", "ImportWarning",
	"PendingDeprecationWarning", "ResourceWarning", "RuntimeWarning", "SyntaxWarning",
	"UnicodeWarning", "UserWarning",
}

// newExc makes an exception instance of cls with args.
func newExc(cls *Class, args ...Value) *Instance {
	if args == nil {
		args = []Value{}
	}
	return &Instance{class: cls, exc: &excState{args: Tuple(args)}}
}

// newError makes an exception with one message argument, ready to
// return as an error.
func (th *Thread) newError(cls *Class, msg string) error {
	return th.raise(newExc(cls, msg))
}

func (th *Thread) errorf(cls *Class, format string, a ...any) error {
	return th.newError(cls, fmt.Sprintf(format, a...))
}

// raise prepares e to propagate: its context is the exception being
// handled, as in Python.
func (th *Thread) raise(e *Instance) error {
	if th != nil && th.handling != nil && th.handling != e && e.exc.context == nil {
		e.exc.context = th.handling
	}
	return e
}

func (o *Instance) withAttr(name string, v Value) *Instance {
	o.attrs().SetStr(name, v)
	return o
}

// typeErrorf is the common TypeError.
func (th *Thread) typeErrorf(format string, a ...any) error {
	return th.newError(ErrTypeError, fmt.Sprintf(format, a...))
}

// asException makes any error an exception instance: interpreter
// exceptions as they are, Go errors (from Host calls, module code) as
// the Python exception they stand for.
func asException(th *Thread, err error) *Instance {
	var e *Instance
	if errors.As(err, &e) && e.exc != nil {
		return e
	}
	return th.fromGoError(err)
}

// fromGoError converts a Go error, through vinegar (so an *os.PathError
// becomes FileNotFoundError with errno, strerror and filename, as rpyc
// sends it), into an exception instance whose class matches by
// vinegar's hierarchy.
func (th *Thread) fromGoError(err error) *Instance {
	var ve *vinegar.Exception
	if !errors.As(err, &ve) {
		loaded := vinegar.Load(vinegar.Dump(err, vinegar.DumpOptions{}), vinegar.LoadOptions{})
		if !errors.As(loaded, &ve) {
			e := newExc(ErrRuntimeError, err.Error())
			e.exc.goErr = err
			return e
		}
		ve.Cause = err
	}
	var cls *Class
	if vc, ok := ve.Class(); ok {
		cls = ExcClass(vc)
	} else {
		cls = th.in.namedExcClass(ve.Module, ve.Name)
	}
	args := make([]Value, len(ve.Args))
	for i, a := range ve.Args {
		args[i] = th.fromHost(a)
	}
	e := newExc(cls, args...)
	if cls.isSubclass(ErrOSError) {
		for _, n := range []string{"errno", "strerror", "filename", "filename2"} {
			e.attrs().SetStr(n, nil)
		}
	}
	for _, a := range ve.Attrs {
		e.attrs().SetStr(a.Name, th.fromHost(a.Value))
	}
	e.exc.goErr = err
	return e
}

// namedExcClass is the class for an exception known only by name (a
// client's own exception class raised in a callback): one per name per
// interpreter, deriving from Exception.
func (in *Interp) namedExcClass(module, name string) *Class {
	if module == "" {
		module = "builtins"
	}
	key := module + "." + name
	in.excMu.Lock()
	defer in.excMu.Unlock()
	if c, ok := in.excClasses[key]; ok {
		return c
	}
	c := &Class{name: name, qualname: name, module: module, bases: []*Class{ErrException}, dict: NewDict()}
	c.mro = computeMRO(c)
	in.excClasses[key] = c
	return c
}

// makeException is what raise does with its operand: a class is
// instantiated, an instance used as it is.
func makeException(th *Thread, v Value) (*Instance, error) {
	switch x := v.(type) {
	case *Instance:
		if x.exc != nil {
			return x, nil
		}
	case *Class:
		if x.isException() {
			e, err := call(th, x, nil, nil)
			if err != nil {
				return nil, err
			}
			if inst, ok := e.(*Instance); ok && inst.exc != nil {
				return inst, nil
			}
			return nil, th.typeErrorf("calling %s should have returned an instance of BaseException, not %s", x.name, typeName(e))
		}
	case *vinegar.Class:
		return makeException(th, ExcClass(x))
	}
	return nil, th.newError(ErrTypeError, "exceptions must derive from BaseException")
}

// excMatches is an except clause's test: t is a class or a tuple of
// classes.
func excMatches(th *Thread, e *Instance, t Value) (bool, error) {
	if e.class.isSubclass(ErrKeyboardInterrupt) && th.ctx.Err() != nil {
		return false, nil // a cancelled request stops, whatever the code catches
	}
	switch x := t.(type) {
	case *Class:
		if !x.isException() {
			return false, th.newError(ErrTypeError, "catching classes that do not inherit from BaseException is not allowed")
		}
		return e.class.isSubclass(x), nil
	case *vinegar.Class:
		return e.class.isSubclass(ExcClass(x)), nil
	case Tuple:
		for _, item := range x {
			ok, err := excMatches(th, e, item)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	return false, th.newError(ErrTypeError, "catching classes that do not inherit from BaseException is not allowed")
}

// addTraceback records that err passed through frame fr, at its current
// line (once per frame).
func addTraceback(fr *Frame, err error) {
	e, ok := err.(*Instance)
	if !ok || e.exc == nil {
		return
	}
	name := "<module>"
	if fr.code != nil && fr.code.name != "" {
		name = fr.code.name
	}
	if n := len(e.exc.tb); n > 0 && e.exc.tb[n-1].frame == fr.id() {
		return
	}
	if len(e.exc.tb) >= maxTraceback {
		return
	}
	e.exc.tb = append(e.exc.tb, tbEntry{frame: fr.id(), name: name, line: fr.line})
}

// maxTraceback bounds the frames a traceback keeps (a deep recursion
// would otherwise keep a thousand frames alive).
const maxTraceback = 200

// excDisplayName is the class as a traceback's last line shows it: the
// bare name for builtins and classes defined in code, module.Name for
// module classes.
func excDisplayName(c *Class) string {
	if c.module == "builtins" || c.module == "" || c.module == "__main__" {
		return c.name
	}
	return c.module + "." + c.name
}

// excStrPlain is str(e) without running code.
func excStrPlain(e *Instance) string { return excStr(plainThread(), e) }

// excStr is what the builtin __str__ of e's class gives.
func excStr(th *Thread, e *Instance) string {
	args := e.exc.args
	base := nearestVinegar(e.class)
	if base != nil && base.IsSubclassOf(vinegar.ErrOSError) {
		if s, ok := osErrorStr(e); ok {
			return s
		}
	}
	if base != nil && base.IsSubclassOf(vinegar.ErrSyntaxError) && e.dict != nil {
		if line, ok := e.dict.GetStr("lineno"); ok && len(args) > 0 {
			return plainStr(args[0]) + " (<string>, line " + plainStr(line) + ")"
		}
	}
	if base != nil && base.Module() != "builtins" && plainArgs(args) {
		ve := &vinegar.Exception{Module: base.Module(), Name: base.Name(), Args: args}
		if e.dict != nil {
			e.dict.Range(func(k, v Value) bool {
				if s, ok := k.(string); ok && brine.Dumpable(v) {
					ve.Attrs = append(ve.Attrs, vinegar.Attr{Name: s, Value: v})
				}
				return true
			})
		}
		return ve.Str()
	}
	switch len(args) {
	case 0:
		return ""
	case 1:
		if s, ok := args[0].(string); ok && !(base != nil && base.IsSubclassOf(vinegar.ErrKeyError)) {
			return s
		}
		if base != nil && base.IsSubclassOf(vinegar.ErrKeyError) {
			s, err := repr(th, args[0])
			if err != nil {
				return plainRepr(args[0])
			}
			return s
		}
		s, err := toStr(th, args[0])
		if err != nil {
			return plainRepr(args[0])
		}
		return s
	}
	s, err := repr(th, args)
	if err != nil {
		return plainRepr(args)
	}
	return s
}

func plainArgs(args Tuple) bool {
	for _, a := range args {
		if !brine.Dumpable(a) {
			return false
		}
	}
	return true
}

// nearestVinegar is the vinegar class an interpreter class derives from.
func nearestVinegar(c *Class) *vinegar.Class {
	for _, k := range c.mro {
		if k.exc != nil {
			return k.exc
		}
	}
	return nil
}

// osErrorStr is OSError's str: "[Errno 2] No such file or directory: 'x'".
func osErrorStr(e *Instance) (string, bool) {
	get := func(name string) Value {
		if e.dict == nil {
			return nil
		}
		v, _ := e.dict.GetStr(name)
		return v
	}
	errno, strerror, filename, filename2 := get("errno"), get("strerror"), get("filename"), get("filename2")
	if errno == nil && strerror == nil {
		return "", false
	}
	head := "[Errno " + plainStr(errno) + "] " + plainStr(strerror)
	switch {
	case filename != nil && filename2 != nil:
		return head + ": " + plainRepr(filename) + " -> " + plainRepr(filename2), true
	case filename != nil:
		return head + ": " + plainRepr(filename), true
	}
	return head, true
}

// formatTraceback writes the traceback of e as Python prints it, with
// the exceptions it was chained from first.
func formatTraceback(th *Thread, e *Instance) string {
	var b strings.Builder
	seen := map[*Instance]bool{}
	var write func(e *Instance, depth int)
	write = func(e *Instance, depth int) {
		seen[e] = true
		if depth < 10 {
			if c := e.exc.cause; c != nil && !seen[c] {
				write(c, depth+1)
				b.WriteString("\nThe above exception was the direct cause of the following exception:\n\n")
			} else if c := e.exc.context; c != nil && !e.exc.suppress && !seen[c] {
				write(c, depth+1)
				b.WriteString("\nDuring handling of the above exception, another exception occurred:\n\n")
			}
		}
		if len(e.exc.tb) > 0 {
			b.WriteString("Traceback (most recent call last):\n")
			for i := len(e.exc.tb) - 1; i >= 0; i-- {
				t := e.exc.tb[i]
				b.WriteString("  File \"<string>\", line " + strconv.Itoa(t.line) + ", in " + t.name + "\n")
			}
		}
		b.WriteString(excLastLine(th, e))
		b.WriteString("\n")
	}
	write(e, 0)
	return b.String()
}

// excLastLine is "ValueError: bad" (str(e) through its class's __str__).
func excLastLine(th *Thread, e *Instance) string {
	s, err := toStr(th, e)
	if err != nil {
		s = "<exception str() failed>"
	}
	if e.class.isSubclass(ErrSyntaxError) {
		s = excStrPlain(e)
	}
	if s == "" {
		return excDisplayName(e.class)
	}
	return excDisplayName(e.class) + ": " + s
}

// SyntaxErrorException makes a parse error the SyntaxError instance
// Python's compile() raises.
func syntaxErrorInstance(se *SyntaxError) *Instance {
	vc, _ := vinegar.Builtin(se.Class)
	cls := ErrSyntaxError
	if vc != nil {
		cls = ExcClass(vc)
	}
	text := any(nil)
	if se.Text != "" {
		text = se.Text
	}
	e := newExc(cls, se.Msg, Tuple{"<string>", int64(se.Pos.Line), int64(se.Pos.Col + 1), text, int64(se.Pos.Line), int64(se.Pos.Col + 2)})
	e.attrs().SetStr("msg", se.Msg)
	e.dict.SetStr("filename", "<string>")
	e.dict.SetStr("lineno", int64(se.Pos.Line))
	e.dict.SetStr("offset", int64(se.Pos.Col+1))
	e.dict.SetStr("text", text)
	return e
}
