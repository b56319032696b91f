package slave

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"github.com/rpyc-go/rpyc/vinegar"
)

// The exception classes of the modules this server implements, declared
// once with Python's module, name and bases, so an except clause matches
// them by hierarchy (except subprocess.SubprocessError catches a
// CalledProcessError) and Python's client rebuilds them as its own
// classes (vinegar.load imports the module and looks the name up). Each
// module exposes its classes as attributes under Python's names.
var (
	errSubprocessError    = vinegar.MustClass("subprocess.SubprocessError", nil)
	errCalledProcessError = vinegar.MustClass("subprocess.CalledProcessError", errSubprocessError)
	errTimeoutExpired     = vinegar.MustClass("subprocess.TimeoutExpired", errSubprocessError)
	errJSONDecodeError    = vinegar.MustClass("json.decoder.JSONDecodeError", vinegar.ErrValueError)
	errReError            = vinegar.MustClass("re.error", nil)
	errGaierror           = vinegar.MustClass("socket.gaierror", vinegar.ErrOSError)
	errHerror             = vinegar.MustClass("socket.herror", vinegar.ErrOSError)
	errShutilError        = vinegar.MustClass("shutil.Error", vinegar.ErrOSError)
	errSameFileError      = vinegar.MustClass("shutil.SameFileError", errShutilError)
	errReadError          = vinegar.MustClass("shutil.ReadError", vinegar.ErrOSError)
	errStructError        = vinegar.MustClass("struct.error", nil)
	errZlibError          = vinegar.MustClass("zlib.error", nil)
	errBinasciiError      = vinegar.MustClass("binascii.Error", vinegar.ErrValueError)
	errPickleError        = vinegar.MustClass("_pickle.PickleError", nil)
	errUnpicklingError    = vinegar.MustClass("_pickle.UnpicklingError", errPickleError)
	errPicklingError      = vinegar.MustClass("_pickle.PicklingError", errPickleError)
	errBadGzipFile        = vinegar.MustClass("gzip.BadGzipFile", vinegar.ErrOSError)
	errUnsupportedOp      = vinegar.MustClass("io.UnsupportedOperation", vinegar.ErrOSError)
)

// osError is Python's OSError subclass for errno, with errno, strerror
// and filename set as Python's constructor sets them, so the client's
// str(e) reads "[Errno 2] No such file or directory: 'x'".
func osError(errno syscall.Errno, filename any) error {
	if filename == nil {
		return errno
	}
	if s, ok := filename.(string); ok {
		return &fs.PathError{Op: "", Path: s, Err: errno}
	}
	return fmt.Errorf("%v: %w", filename, errno)
}

// osError2 is OSError with two file names (rename, symlink, link), which
// Python prints as "[Errno 17] File exists: 'a' -> 'b'".
func osError2(errno syscall.Errno, src, dst string) error {
	e := vinegar.New("OSError", int64(errno), strerror(errno))
	if c := errnoPyClass(errno); c != "" {
		e = vinegar.New(c, int64(errno), strerror(errno))
	}
	return e.WithAttr("errno", int64(errno)).WithAttr("filename", src).
		WithAttr("filename2", dst).WithAttr("strerror", strerror(errno))
}

// strerror is C's strerror text for errno, capitalised as Python shows it.
func strerror(errno syscall.Errno) string {
	s := errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// errnoPyClass is the OSError subclass Python raises for errno.
func errnoPyClass(errno syscall.Errno) string {
	e := vinegar.New("OSError", int64(errno), strerror(errno))
	if c, ok := e.Class(); ok {
		return c.Name()
	}
	return "OSError"
}

// errnoOf finds the errno in err's chain, if any.
func errnoOf(err error) (syscall.Errno, bool) {
	var en syscall.Errno
	ok := errors.As(err, &en)
	return en, ok
}

// withOSAttrs gives an OSError-family exception raised by module code
// the attributes Python's server always sends for one (errno,
// filename, filename2, strerror; None when not set), so the client
// rebuilds and prints it exactly as it does Python's.
func withOSAttrs(e *vinegar.Exception) *vinegar.Exception {
	for _, n := range []string{"errno", "filename", "filename2", "strerror"} {
		if _, ok := e.Attr(n); !ok {
			e.WithAttr(n, nil)
		}
	}
	return e
}

// osErr is an exception of an OSError subclass with one message, as
// module code raises it (shutil.Error("..."), socket.timeout, ...).
func osErr(c *vinegar.Class, args ...any) *vinegar.Exception { return withOSAttrs(c.New(args...)) }
