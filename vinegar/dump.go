package vinegar

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/rpyc-go/rpyc/brine"
)

// The texts rpyc sends in place of a withheld traceback or version.
const (
	tracebackDenied = "<traceback denied>"
	versionDenied   = "<version denied>"
)

// DumpOptions carries the connection settings that shape an outgoing
// exception; they mirror rpyc's include_local_traceback and
// include_local_version so a Go server can be as discreet as a Python one.
type DumpOptions struct {
	// IncludeTraceback sends Traceback (rpyc's include_local_traceback,
	// true in its default configuration); when false the peer gets
	// "<traceback denied>".
	IncludeTraceback bool
	// IncludeVersion sends Version as _remote_version (rpyc's
	// include_local_version); when false the peer gets "<version denied>".
	IncludeVersion bool
	// Version is this side's rpyc version string, e.g. "6.0.1".
	Version string
	// Repr formats args and attribute values brine cannot carry (Python
	// sends their repr()); nil means brine.Repr, which falls back to %v.
	// The rpyc package passes its Python-style repr of Go values.
	Repr func(any) string
	// Traceback is the text to send when IncludeTraceback is set. When
	// empty, Dump writes one in Python's format from the Go error chain.
	Traceback string
}

// pyError is implemented by the two types that name a Python class
// themselves, so one errors.As finds whichever is outermost.
type pyError interface {
	error
	pyClass()
}

func (*Exception) pyClass() {}
func (*Class) pyClass()     {}

// Dump turns a Go error into the payload of an rpyc exception message: a
// brine value ready for brine.Encode, which a Python peer's vinegar.load
// rebuilds. The rules, first match wins:
//
//   - anything matching ErrStopIteration is the int 1, as rpyc sends it;
//   - an *Exception or a *Class (such as ErrValueError) in the chain names
//     the class; a wrapped *Class takes the whole error text as its one arg;
//   - a syscall.Errno in the chain gives the OSError subclass Python uses
//     for that errno, with args (errno, strerror) and the errno, filename,
//     filename2 and strerror attributes (filenames from *fs.PathError or
//     *os.LinkError);
//   - fs.ErrNotExist, fs.ErrExist and fs.ErrPermission give
//     FileNotFoundError, FileExistsError and PermissionError;
//     context.DeadlineExceeded, os.ErrDeadlineExceeded and errors with a
//     true Timeout() method give TimeoutError; io.EOF and
//     io.ErrUnexpectedEOF give EOFError; errors.ErrUnsupported gives
//     NotImplementedError;
//   - anything else is RuntimeError(err.Error()).
//
// The traceback sent is opts.Traceback when set, else the *Exception's
// own Traceback when Go code set it (an interpreter running Python code
// knows its frames), else one written from the Go error chain.
//
// Args and attribute values brine cannot carry are replaced by their text
// (brine.Repr, falling back to %v), as Python replaces them by repr().
// Attributes named "args", "with_traceback" or starting with "_" are not
// sent, matching what Python sends; _remote_version is appended last.
// A nil err is sent as SystemError, so the peer still gets an exception.
func Dump(err error, opts DumpOptions) any {
	if err == nil {
		err = ErrSystemError.New("vinegar.Dump called with a nil error")
	}
	if errors.Is(err, ErrStopIteration) {
		return int64(1)
	}
	exc := toException(err)

	args := make(brine.Tuple, len(exc.Args))
	for i, a := range exc.Args {
		args[i] = dumpValue(a, opts.Repr)
	}
	attrs := make(brine.Tuple, 0, len(exc.Attrs)+1)
	for _, a := range exc.Attrs {
		if a.Name == "args" || a.Name == "with_traceback" || strings.HasPrefix(a.Name, "_") {
			continue
		}
		attrs = append(attrs, brine.Tuple{validText(a.Name), dumpValue(a.Value, opts.Repr)})
	}
	version := versionDenied
	if opts.IncludeVersion {
		version = opts.Version
	}
	attrs = append(attrs, brine.Tuple{remoteVersionAttr, validText(version)})

	tb := tracebackDenied
	if opts.IncludeTraceback {
		tb = opts.Traceback
		if tb == "" && exc.Traceback != "" && exc.RemoteVersion == "" {
			// Raised by Go code that has Python's traceback to tell (the
			// classic server's interpreter), not loaded from a peer.
			tb = exc.Traceback
		}
		if tb == "" {
			tb = goTraceback(err, exc)
		}
	}
	return brine.Tuple{
		brine.Tuple{validText(exc.module()), validText(exc.name())},
		args, attrs, validText(tb),
	}
}

// toException finds or builds the *Exception that stands for err.
func toException(err error) *Exception {
	var pe pyError
	if errors.As(err, &pe) {
		switch p := pe.(type) {
		case *Exception:
			return p
		case *Class:
			e := p.New()
			if err != error(p) {
				e.Args = brine.Tuple{err.Error()}
			}
			e.Cause = err
			return e
		}
	}
	if n, msg, ok := findErrno(err); ok {
		c := errnoClass(n)
		if c == nil {
			if c, ok = kindClass(err); !ok {
				c = ErrOSError
			}
		}
		e := c.New(n, msg)
		addOSAttrs(e, err, n, msg)
		e.Cause = err
		return e
	}
	c, ok := kindClass(err)
	if !ok {
		c = ErrRuntimeError
	}
	// Without an errno the OSError attributes stay unset: a filename
	// alone would make Python print "[Errno None] None: 'name'" instead
	// of the message.
	e := c.New(err.Error())
	e.Cause = err
	return e
}

// addOSAttrs sets the attributes Python's OSError carries, in the order
// Python sends them (dir() order), taking file names from err's chain.
func addOSAttrs(e *Exception, err error, errno int64, strerror string) {
	var filename, filename2 any
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &pathErr):
		filename = pathErr.Path
	case errors.As(err, &linkErr):
		filename, filename2 = linkErr.Old, linkErr.New
	}
	e.WithAttr("errno", errno).
		WithAttr("filename", filename).
		WithAttr("filename2", filename2).
		WithAttr("strerror", strerror)
}

// dumpValue keeps v when brine can carry it and otherwise sends its text.
func dumpValue(v any, repr func(any) string) any {
	if brine.Dumpable(v) {
		return v
	}
	if repr != nil {
		return validText(repr(v))
	}
	return validText(brine.Repr(v))
}

// validText makes s safe for brine, which only carries valid UTF-8 str.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// maxChain bounds how many links of an error chain goTraceback lists.
const maxChain = 32

// goTraceback writes a traceback in Python's layout for an error raised
// from Go. There are no Python frames to show, so the body lists the Go
// error chain, outermost first, when there is more than the exception
// itself; the last line is the exception as Python would print it.
func goTraceback(err error, exc *Exception) string {
	var b strings.Builder
	b.WriteString("Traceback (most recent call last):\n")
	var chain []error
	for e := err; e != nil && len(chain) < maxChain; e = errors.Unwrap(e) {
		chain = append(chain, e)
	}
	if len(chain) > 1 || err != error(exc) {
		b.WriteString("  Go error chain, outermost first:\n")
		for _, e := range chain {
			line, _, _ := strings.Cut(e.Error(), "\n")
			fmt.Fprintf(&b, "    %T: %s\n", e, line)
		}
	} else {
		b.WriteString("  raised by Go code\n")
	}
	b.WriteString(exc.Summary())
	b.WriteString("\n")
	return b.String()
}
