package slave

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// sysModule is Python's sys for one connection. stdout, stderr and stdin
// are writable attributes: Python's redirected_stdio sets them to its
// own streams (netrefs), and print in executed code then writes there.
type sysModule struct {
	module
	// Stdout is sys.stdout: a Go writer or whatever a client set.
	Stdout any `rpyc:"stdout,rw"`
	// Stderr is sys.stderr.
	Stderr any `rpyc:"stderr,rw"`
	// Stdin is sys.stdin.
	Stdin any `rpyc:"stdin,rw"`
	// Platform is sys.platform ("linux", "darwin", ...).
	Platform string `rpyc:"platform"`
	// Argv is sys.argv.
	Argv []string `rpyc:"argv"`
	// Path is sys.path, a mutable list (it imports nothing here).
	Path *[]string `rpyc:"path"`
	// Version is sys.version: the Go version that built this server.
	Version string `rpyc:"version"`
	// VersionInfo is sys.version_info, the Python version this server
	// speaks for (3.11), as a tuple.
	VersionInfo brine.Tuple `rpyc:"version_info"`
	// Executable is sys.executable: this server's binary.
	Executable string `rpyc:"executable"`
	// Maxsize is sys.maxsize.
	Maxsize int64 `rpyc:"maxsize"`
	// Byteorder is sys.byteorder.
	Byteorder string `rpyc:"byteorder"`
	// Implementation names this server ("rpyc-go").
	Implementation string `rpyc:"implementation"`
	// BuiltinModuleNames is sys.builtin_module_names.
	BuiltinModuleNames brine.Tuple `rpyc:"builtin_module_names"`
}

func newSys(o *Options) *sysModule {
	exe, _ := os.Executable()
	path := []string{}
	if wd, err := os.Getwd(); err == nil {
		path = append(path, wd)
	}
	names := brine.Tuple{}
	for _, n := range ModuleNames() {
		names = append(names, n)
	}
	return &sysModule{
		module:             "sys",
		Stdout:             &stdStream{w: o.Stdout, name: "<stdout>", mode: "w"},
		Stderr:             &stdStream{w: o.Stderr, name: "<stderr>", mode: "w"},
		Stdin:              &stdInput{r: o.Stdin},
		Platform:           runtime.GOOS,
		Argv:               append([]string(nil), o.Argv...),
		Path:               &path,
		Version:            "3.11.0 (rpyc-go " + runtime.Version() + ")",
		VersionInfo:        brine.Tuple{int64(3), int64(11), int64(0), "final", int64(0)},
		Executable:         exe,
		Maxsize:            math.MaxInt64,
		Byteorder:          "little",
		Implementation:     "rpyc-go",
		BuiltinModuleNames: names,
	}
}

// Getdefaultencoding is sys.getdefaultencoding.
func (m *sysModule) Getdefaultencoding() string { return "utf-8" }

// Getrecursionlimit is sys.getrecursionlimit.
func (m *sysModule) Getrecursionlimit() int { return 1000 }

// stdStream is a Go writer as sys.stdout or sys.stderr.
type stdStream struct {
	w          io.Writer
	name, mode string
}

func (s *stdStream) Write(p []byte) (int, error) { return s.w.Write(p) }

func (s *stdStream) GoString() string {
	return fmt.Sprintf("<_io.TextIOWrapper name='%s' mode='%s' encoding='utf-8'>", s.name, s.mode)
}

// stdInput is a Go reader as sys.stdin.
type stdInput struct{ r io.Reader }

func (s *stdInput) Read(p []byte) (int, error) { return s.r.Read(p) }

func (s *stdInput) GoString() string {
	return "<_io.TextIOWrapper name='<stdin>' mode='r' encoding='utf-8'>"
}

// writeStream writes text to a stream as Python's print would: to a Go
// writer directly, or by calling write on a remote file object (a netref
// a client set as sys.stdout).
func writeStream(ctx context.Context, target any, text string) error {
	switch t := target.(type) {
	case nil:
		return nil
	case *rpyc.Netref:
		_, err := t.CallMethod(ctx, "write", text)
		return err
	case *TextFile:
		_, err := t.Write(text)
		return err
	case io.Writer:
		_, err := io.WriteString(t, text)
		return err
	}
	return vinegar.New("AttributeError", fmt.Sprintf("'%T' object has no attribute 'write'", target))
}

// flushStream calls flush on a remote stream, so output appears as it
// is printed; Go writers are unbuffered here.
func flushStream(ctx context.Context, target any) {
	if n, ok := target.(*rpyc.Netref); ok {
		_, _ = n.CallMethod(ctx, "flush")
	}
}
