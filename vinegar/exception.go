package vinegar

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// builtinsModule is the module Python reports for its builtin classes.
const builtinsModule = "builtins"

// remoteVersionAttr is the attribute rpyc appends to every exception to
// carry the sender's version.
const remoteVersionAttr = "_remote_version"

// tracebackBanner starts the remote traceback inside Detail's text; Python
// clients print the same line, so users recognise it.
const tracebackBanner = "========= Remote Traceback ("

// Exception is a Python exception seen from Go, in both directions: Load
// turns a peer's exception into one, and Go code returns one (see New,
// Errorf) to make the peer raise a given Python class.
//
// Module and Name say which class. Module "builtins" (or "", its zero
// value) means a builtin such as ValueError; anything else, such as
// "__main__" or "mypkg.errors", is a class the Go side cannot instantiate
// and only names. Args are the exception's arguments and Attrs the
// attributes the sender copied from the instance, in the order sent.
type Exception struct {
	Module string      // "builtins" for builtins, else the defining module
	Name   string      // class name, e.g. "ValueError"
	Args   brine.Tuple // the exception's args
	Attrs  []Attr      // instance attributes in wire order, without _remote_version

	// Traceback is the traceback text the peer sent ("" if none); it may
	// be "<traceback denied>" when the peer withholds it.
	Traceback string
	// RemoteVersion is the peer's rpyc version from _remote_version, ""
	// when the peer did not send one; "<version denied>" when withheld.
	RemoteVersion string

	// Cause is the Go error behind an exception raised from Go, returned
	// by Unwrap so errors.Is/As see through the exception. Load leaves it
	// nil.
	Cause error
}

// Attr is one instance attribute of an exception, such as errno or a
// custom field, kept as a pair so the order sent is kept too.
type Attr struct {
	Name  string
	Value any
}

// New returns an exception to raise on the peer. name is a builtin class
// name ("ValueError") or a dotted "module.Name" ("conformance.CustomError");
// everything up to the last dot is the module. args become the exception's
// args; values brine cannot carry are sent as their text (see Dump).
func New(name string, args ...any) *Exception {
	mod, cls := splitName(name)
	return &Exception{Module: mod, Name: cls, Args: tupleOf(args)}
}

// Errorf returns an exception named like New's name argument whose single
// arg is the formatted message. A %w verb makes the wrapped error the
// exception's Cause, so Go callers can still find it with errors.Is/As.
func Errorf(name, format string, a ...any) *Exception {
	wrapped := fmt.Errorf(format, a...)
	e := New(name, wrapped.Error())
	switch w := wrapped.(type) {
	case interface{ Unwrap() error }:
		e.Cause = w.Unwrap()
	case interface{ Unwrap() []error }:
		e.Cause = wrapped
	}
	return e
}

func splitName(name string) (module, class string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return builtinsModule, name
}

func tupleOf(args []any) brine.Tuple {
	t := make(brine.Tuple, len(args))
	copy(t, args)
	return t
}

// WithAttr sets an instance attribute, replacing one of the same name or
// appending it, and returns e so calls can be chained after New.
func (e *Exception) WithAttr(name string, v any) *Exception {
	for i := range e.Attrs {
		if e.Attrs[i].Name == name {
			e.Attrs[i].Value = v
			return e
		}
	}
	e.Attrs = append(e.Attrs, Attr{Name: name, Value: v})
	return e
}

// Attr returns the value of the named instance attribute and whether it
// is present, e.g. Attr("errno") on an OSError.
func (e *Exception) Attr(name string) (any, bool) {
	for _, a := range e.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return nil, false
}

func (e *Exception) module() string {
	if e.Module == "" {
		return builtinsModule
	}
	return e.Module
}

func (e *Exception) name() string {
	if e.Name == "" {
		return "Exception"
	}
	return e.Name
}

// QualName returns "module.Name", e.g. "builtins.ValueError" or
// "conformance.CustomError": the class as it travels on the wire.
func (e *Exception) QualName() string { return e.module() + "." + e.name() }

// IsBuiltin reports whether the exception names a builtin exception class
// this package knows, which is when a Python peer would rebuild it as that
// class rather than as rpyc's GenericException.
func (e *Exception) IsBuiltin() bool {
	c := e.declaredClass()
	return c != nil && c.module == ""
}

// declaredClass is the class named by Module/Name (a builtin, or one
// declared with NewClass), or nil.
func (e *Exception) declaredClass() *Class {
	c, _ := Lookup(e.QualName())
	return c
}

// Class returns the class the exception behaves as: a builtin, or a
// module's class declared with NewClass; false for unknown names. An exception named
// OSError whose errno is one Python maps to a subclass (ENOENT to
// FileNotFoundError, ...) reports that subclass, as Python's OSError
// constructor would; errno numbers are read with the local platform's
// meaning.
func (e *Exception) Class() (*Class, bool) {
	c := e.declaredClass()
	if c == ErrOSError {
		if n, ok := e.errno(); ok {
			if sub := errnoClass(n); sub != nil {
				c = sub
			}
		}
	}
	return c, c != nil
}

// errno returns the exception's errno: the errno attribute when set, else
// the first of two or more args, as OSError's constructor takes it.
func (e *Exception) errno() (int64, bool) {
	v, ok := e.Attr("errno")
	if !ok && len(e.Args) >= 2 && len(e.Args) <= 5 {
		v, ok = e.Args[0], true
	}
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	}
	return 0, false
}

// Is makes errors.Is follow Python's except clauses. A *Class target
// matches when the exception's class is that class or derives from it.
// Exceptions of unknown classes (including unknown names under
// "builtins") match only ErrException and ErrBaseException, because a
// Python client rebuilds them as rpyc's GenericException, which derives
// from Exception; a class declared with NewClass matches its own bases. An *Exception target matches by class in the same way:
// a builtin target as its Class, any other target by equal QualName.
func (e *Exception) Is(target error) bool {
	switch t := target.(type) {
	case *Class:
		if c, ok := e.Class(); ok {
			return c.IsSubclassOf(t)
		}
		return t == ErrException || t == ErrBaseException
	case *Exception:
		if t == e {
			return true
		}
		if tc := t.declaredClass(); tc != nil {
			return e.Is(tc)
		}
		return e.declaredClass() == nil && e.QualName() == t.QualName()
	}
	return false
}

// Unwrap returns Cause, so the Go error an exception was raised for stays
// visible to errors.Is and errors.As.
func (e *Exception) Unwrap() error { return e.Cause }

// Str returns what Python's str() gives for the exception, without the
// remote traceback: "" for no args, the single arg's text, or the repr of
// the args tuple. KeyError shows its key's repr and OSError its
// "[Errno N] text: 'filename'" form, as in Python.
func (e *Exception) Str() string {
	c, _ := e.Class()
	if c.IsSubclassOf(ErrOSError) {
		if s, ok := e.osErrorStr(); ok {
			return s
		}
	}
	switch len(e.Args) {
	case 0:
		return ""
	case 1:
		if s, ok := e.Args[0].(string); ok && !c.IsSubclassOf(ErrKeyError) {
			return s
		}
		return brine.Repr(e.Args[0])
	}
	return brine.Repr(e.Args)
}

// osErrorStr formats an OSError the way Python's OSError.__str__ does when
// it has a filename or both errno and strerror.
func (e *Exception) osErrorStr() (string, bool) {
	errno, hasErrno := e.field("errno", 0)
	strerror, hasStr := e.field("strerror", 1)
	filename, _ := e.field("filename", 2)
	filename2, _ := e.field("filename2", 4)
	head := "[Errno " + pyStr(errno) + "] " + pyStr(strerror)
	switch {
	case filename != nil && filename2 != nil:
		return head + ": " + brine.Repr(filename) + " -> " + brine.Repr(filename2), true
	case filename != nil:
		return head + ": " + brine.Repr(filename), true
	case hasErrno && hasStr:
		return head, true
	}
	return "", false
}

// field reads an OSError field from its attribute, else from the args
// position OSError's constructor takes it from (2 to 5 args). The bool is
// false when the value is missing or None.
func (e *Exception) field(name string, pos int) (any, bool) {
	v, ok := e.Attr(name)
	if !ok && len(e.Args) >= 2 && len(e.Args) <= 5 && pos < len(e.Args) {
		v, ok = e.Args[pos], true
	}
	return v, ok && v != nil
}

// pyStr is Python's str() for a brine value.
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return brine.Repr(v)
}

// displayName is the class as Python prints it in a traceback's last
// line: the bare name for builtins, "module.Name" otherwise.
func (e *Exception) displayName() string {
	if e.IsBuiltin() {
		return e.name()
	}
	return e.QualName()
}

// Summary returns the one-line form Python prints last in a traceback,
// "ValueError: bad" (or just "ValueError" when Str is empty), with the
// module for classes that are not builtins: "conformance.CustomError: x".
func (e *Exception) Summary() string {
	s := e.Str()
	if s == "" {
		return e.displayName()
	}
	return e.displayName() + ": " + s
}

// Error returns the exception on one line, "ValueError: bad value" (with
// the module for classes that are not builtins:
// "mypkg.errors.QuotaError: over quota"), so it reads well in a log line
// or wrapped in another error. Line breaks inside the message are shown
// as \n. The remote traceback is not part of it: read it from Traceback,
// or print the exception with Detail or the %+v verb.
func (e *Exception) Error() string {
	s := e.Summary()
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
	}
	return s
}

// Detail returns Summary followed, when the peer sent a traceback, by a
// banner line and that traceback, as a Python client shows a remote
// exception. The banner is numbered one more than the banners already in
// the traceback, so nested remote calls read as in Python.
func (e *Exception) Detail() string {
	s := e.Summary()
	if e.Traceback == "" {
		return s
	}
	n := strings.Count(e.Traceback, tracebackBanner) + 1
	return s + "\n\n" + tracebackBanner + strconv.Itoa(n) + ") =========\n" + e.Traceback
}

// Format prints Error for %v and %s, Detail (with the remote traceback)
// for %+v, and the Go syntax of the struct for %#v, so
// fmt.Printf("%+v", err) shows where a remote call failed.
func (e *Exception) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('+'):
		_, _ = io.WriteString(f, e.Detail())
	case verb == 'v' && f.Flag('#'):
		type plain Exception // no Format method: the default %#v
		fmt.Fprintf(f, "%#v", (*plain)(e))
	case verb == 'q':
		fmt.Fprintf(f, "%q", e.Error())
	default:
		_, _ = io.WriteString(f, e.Error())
	}
}
