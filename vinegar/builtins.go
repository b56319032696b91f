package vinegar

// Class is a Python exception class: one of the builtins (the Err*
// variables below) or a class of another module declared with NewClass
// (such as subprocess.CalledProcessError). Classes serve as errors.Is targets
// for *Exception values (which match their class and every ancestor, as an
// except clause would) and as plain Go errors meaning "an exception of this
// class, with no arguments" (Dump sends them, or a Go error wrapping them,
// as that class).
//
// Class is opaque so the hierarchy cannot be altered by accident.
type Class struct {
	module string // "" for builtins
	name   string
	parent *Class
	// extra is a second base class, needed only for ExceptionGroup, which
	// derives from both BaseExceptionGroup and Exception.
	extra *Class
}

// builtinTable maps every known builtin name (and the OSError aliases
// IOError and EnvironmentError) to its class.
var builtinTable = map[string]*Class{}

func newClass(name string, parent *Class) *Class {
	c := &Class{name: name, parent: parent}
	builtinTable[name] = c
	return c
}

// Name returns the class name as Python spells it, e.g. "ValueError".
func (c *Class) Name() string { return c.name }

// QualName returns the name with its module, e.g. "builtins.ValueError",
// which is how the class travels on the wire.
func (c *Class) QualName() string { return c.Module() + "." + c.name }

// Module returns the module that defines the class: "builtins" for the
// builtin classes.
func (c *Class) Module() string {
	if c.module == "" {
		return builtinsModule
	}
	return c.module
}

// Parent returns the class this one derives from (its first base), or nil
// for BaseException. It lets callers walk the hierarchy themselves.
func (c *Class) Parent() *Class { return c.parent }

// Error returns the class name, so a bare Class reads like the exception
// Python would print for it without arguments.
func (c *Class) Error() string { return c.name }

// Is reports whether c is target or derives from it, so that a Go error
// wrapping ErrKeyError also matches ErrLookupError and ErrException.
func (c *Class) Is(target error) bool {
	t, ok := target.(*Class)
	return ok && c.IsSubclassOf(t)
}

// IsSubclassOf reports whether c is base or one of its descendants, like
// Python's issubclass.
func (c *Class) IsSubclassOf(base *Class) bool {
	if c == nil || base == nil {
		return false
	}
	for k := c; k != nil; k = k.parent {
		if k == base {
			return true
		}
		if k.extra != nil && k.extra.IsSubclassOf(base) {
			return true
		}
	}
	return false
}

// New returns an exception of this class with the given arguments; it is
// shorthand for vinegar.New(c.QualName(), args...).
func (c *Class) New(args ...any) *Exception {
	return &Exception{Module: c.Module(), Name: c.name, Args: tupleOf(args)}
}

// Builtin looks up a builtin exception class by its Python name. The
// aliases IOError and EnvironmentError give OSError, as they do in Python.
// Names of builtins that are not exceptions (such as "int") are not found.
func Builtin(name string) (*Class, bool) {
	c, ok := builtinTable[name]
	return c, ok
}

// The builtin exception classes of Python 3.12, arranged as Python arranges
// them. Each is documented by its place in the hierarchy; the Python
// documentation describes what raising it means.
var (
	// ErrBaseException is the root of all Python exceptions.
	ErrBaseException = newClass("BaseException", nil)

	// ErrBaseExceptionGroup derives from BaseException.
	ErrBaseExceptionGroup = newClass("BaseExceptionGroup", ErrBaseException)
	// ErrGeneratorExit derives from BaseException.
	ErrGeneratorExit = newClass("GeneratorExit", ErrBaseException)
	// ErrKeyboardInterrupt derives from BaseException.
	ErrKeyboardInterrupt = newClass("KeyboardInterrupt", ErrBaseException)
	// ErrSystemExit derives from BaseException.
	ErrSystemExit = newClass("SystemExit", ErrBaseException)

	// ErrException derives from BaseException and is the base of every
	// ordinary error, including every exception class unknown to this
	// package (see Exception.Is).
	ErrException = newClass("Exception", ErrBaseException)

	// ErrArithmeticError derives from Exception.
	ErrArithmeticError = newClass("ArithmeticError", ErrException)
	// ErrFloatingPointError derives from ArithmeticError.
	ErrFloatingPointError = newClass("FloatingPointError", ErrArithmeticError)
	// ErrOverflowError derives from ArithmeticError.
	ErrOverflowError = newClass("OverflowError", ErrArithmeticError)
	// ErrZeroDivisionError derives from ArithmeticError.
	ErrZeroDivisionError = newClass("ZeroDivisionError", ErrArithmeticError)

	// ErrAssertionError derives from Exception.
	ErrAssertionError = newClass("AssertionError", ErrException)
	// ErrAttributeError derives from Exception.
	ErrAttributeError = newClass("AttributeError", ErrException)
	// ErrBufferError derives from Exception.
	ErrBufferError = newClass("BufferError", ErrException)
	// ErrEOFError derives from Exception.
	ErrEOFError = newClass("EOFError", ErrException)
	// ErrExceptionGroup derives from BaseExceptionGroup and Exception.
	ErrExceptionGroup = newClassExtra("ExceptionGroup", ErrBaseExceptionGroup, ErrException)

	// ErrImportError derives from Exception.
	ErrImportError = newClass("ImportError", ErrException)
	// ErrModuleNotFoundError derives from ImportError.
	ErrModuleNotFoundError = newClass("ModuleNotFoundError", ErrImportError)

	// ErrLookupError derives from Exception.
	ErrLookupError = newClass("LookupError", ErrException)
	// ErrIndexError derives from LookupError.
	ErrIndexError = newClass("IndexError", ErrLookupError)
	// ErrKeyError derives from LookupError.
	ErrKeyError = newClass("KeyError", ErrLookupError)

	// ErrMemoryError derives from Exception.
	ErrMemoryError = newClass("MemoryError", ErrException)

	// ErrNameError derives from Exception.
	ErrNameError = newClass("NameError", ErrException)
	// ErrUnboundLocalError derives from NameError.
	ErrUnboundLocalError = newClass("UnboundLocalError", ErrNameError)

	// ErrOSError derives from Exception; IOError and EnvironmentError are
	// its aliases.
	ErrOSError = newClass("OSError", ErrException)
	// ErrBlockingIOError derives from OSError.
	ErrBlockingIOError = newClass("BlockingIOError", ErrOSError)
	// ErrChildProcessError derives from OSError.
	ErrChildProcessError = newClass("ChildProcessError", ErrOSError)
	// ErrConnectionError derives from OSError.
	ErrConnectionError = newClass("ConnectionError", ErrOSError)
	// ErrBrokenPipeError derives from ConnectionError.
	ErrBrokenPipeError = newClass("BrokenPipeError", ErrConnectionError)
	// ErrConnectionAbortedError derives from ConnectionError.
	ErrConnectionAbortedError = newClass("ConnectionAbortedError", ErrConnectionError)
	// ErrConnectionRefusedError derives from ConnectionError.
	ErrConnectionRefusedError = newClass("ConnectionRefusedError", ErrConnectionError)
	// ErrConnectionResetError derives from ConnectionError.
	ErrConnectionResetError = newClass("ConnectionResetError", ErrConnectionError)
	// ErrFileExistsError derives from OSError.
	ErrFileExistsError = newClass("FileExistsError", ErrOSError)
	// ErrFileNotFoundError derives from OSError.
	ErrFileNotFoundError = newClass("FileNotFoundError", ErrOSError)
	// ErrInterruptedError derives from OSError.
	ErrInterruptedError = newClass("InterruptedError", ErrOSError)
	// ErrIsADirectoryError derives from OSError.
	ErrIsADirectoryError = newClass("IsADirectoryError", ErrOSError)
	// ErrNotADirectoryError derives from OSError.
	ErrNotADirectoryError = newClass("NotADirectoryError", ErrOSError)
	// ErrPermissionError derives from OSError.
	ErrPermissionError = newClass("PermissionError", ErrOSError)
	// ErrProcessLookupError derives from OSError.
	ErrProcessLookupError = newClass("ProcessLookupError", ErrOSError)
	// ErrTimeoutError derives from OSError.
	ErrTimeoutError = newClass("TimeoutError", ErrOSError)

	// ErrReferenceError derives from Exception.
	ErrReferenceError = newClass("ReferenceError", ErrException)

	// ErrRuntimeError derives from Exception.
	ErrRuntimeError = newClass("RuntimeError", ErrException)
	// ErrNotImplementedError derives from RuntimeError.
	ErrNotImplementedError = newClass("NotImplementedError", ErrRuntimeError)
	// ErrPythonFinalizationError derives from RuntimeError (Python 3.13).
	ErrPythonFinalizationError = newClass("PythonFinalizationError", ErrRuntimeError)
	// ErrRecursionError derives from RuntimeError.
	ErrRecursionError = newClass("RecursionError", ErrRuntimeError)

	// ErrStopAsyncIteration derives from Exception.
	ErrStopAsyncIteration = newClass("StopAsyncIteration", ErrException)
	// ErrStopIteration derives from Exception. It travels as the int 1
	// and loses its arguments on the way (see Dump and Load).
	ErrStopIteration = newClass("StopIteration", ErrException)

	// ErrSyntaxError derives from Exception.
	ErrSyntaxError = newClass("SyntaxError", ErrException)
	// ErrIndentationError derives from SyntaxError.
	ErrIndentationError = newClass("IndentationError", ErrSyntaxError)
	// ErrTabError derives from IndentationError.
	ErrTabError = newClass("TabError", ErrIndentationError)

	// ErrSystemError derives from Exception.
	ErrSystemError = newClass("SystemError", ErrException)
	// ErrTypeError derives from Exception.
	ErrTypeError = newClass("TypeError", ErrException)

	// ErrValueError derives from Exception.
	ErrValueError = newClass("ValueError", ErrException)
	// ErrUnicodeError derives from ValueError.
	ErrUnicodeError = newClass("UnicodeError", ErrValueError)
	// ErrUnicodeDecodeError derives from UnicodeError.
	ErrUnicodeDecodeError = newClass("UnicodeDecodeError", ErrUnicodeError)
	// ErrUnicodeEncodeError derives from UnicodeError.
	ErrUnicodeEncodeError = newClass("UnicodeEncodeError", ErrUnicodeError)
	// ErrUnicodeTranslateError derives from UnicodeError.
	ErrUnicodeTranslateError = newClass("UnicodeTranslateError", ErrUnicodeError)

	// ErrWarning derives from Exception and is the base of the warning
	// categories.
	ErrWarning = newClass("Warning", ErrException)
	// ErrBytesWarning derives from Warning.
	ErrBytesWarning = newClass("BytesWarning", ErrWarning)
	// ErrDeprecationWarning derives from Warning.
	ErrDeprecationWarning = newClass("DeprecationWarning", ErrWarning)
	// ErrEncodingWarning derives from Warning.
	ErrEncodingWarning = newClass("EncodingWarning", ErrWarning)
	// ErrFutureWarning derives from Warning.
	ErrFutureWarning = newClass("FutureWarning", ErrWarning)
	// ErrImportWarning derives from Warning.
	ErrImportWarning = newClass("ImportWarning", ErrWarning)
	// ErrPendingDeprecationWarning derives from Warning.
	ErrPendingDeprecationWarning = newClass("PendingDeprecationWarning", ErrWarning)
	// ErrResourceWarning derives from Warning.
	ErrResourceWarning = newClass("ResourceWarning", ErrWarning)
	// ErrRuntimeWarning derives from Warning.
	ErrRuntimeWarning = newClass("RuntimeWarning", ErrWarning)
	// ErrSyntaxWarning derives from Warning.
	ErrSyntaxWarning = newClass("SyntaxWarning", ErrWarning)
	// ErrUnicodeWarning derives from Warning.
	ErrUnicodeWarning = newClass("UnicodeWarning", ErrWarning)
	// ErrUserWarning derives from Warning.
	ErrUserWarning = newClass("UserWarning", ErrWarning)
)

func newClassExtra(name string, parent, extra *Class) *Class {
	c := newClass(name, parent)
	c.extra = extra
	return c
}

func init() {
	// Python keeps these names as aliases of OSError.
	builtinTable["IOError"] = ErrOSError
	builtinTable["EnvironmentError"] = ErrOSError
}
