package slave

import (
	"context"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"runtime"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The Python language version this server's modules and statements
// follow. No CPython runs here: sys.version and sys.implementation say
// so, in a form that code parsing versions still reads.
const (
	pyMajor, pyMinor, pyMicro = 3, 11, 0
	pyVersion                 = "3.11.0"
)

// sysModule is Python's sys for one connection. stdout, stderr and stdin
// are writable attributes: Python's redirected_stdio sets them to its
// own streams (netrefs), and print in executed code then writes there.
// argv and path are lists a client may change in place
// (sys.path.insert(0, d)) or replace (sys.argv = [...]).
type sysModule struct {
	Module
	s *SlaveService
	// Stdout is sys.stdout: a Go writer or whatever a client set.
	Stdout any `rpyc:"stdout,rw"`
	// Stderr is sys.stderr.
	Stderr any `rpyc:"stderr,rw"`
	// Stdin is sys.stdin.
	Stdin any `rpyc:"stdin,rw"`
	// Platform is sys.platform ("linux", "darwin", "win32").
	Platform string `rpyc:"platform"`
	// Argv is sys.argv.
	Argv *[]any `rpyc:"argv,rw"`
	// Path is sys.path (nothing is imported from it here).
	Path *[]any `rpyc:"path,rw"`
	// Modules is sys.modules: the modules this connection imported.
	Modules *sysModules `rpyc:"modules"`
	// Version is sys.version: the language version first (so
	// sys.version.split()[0] reads it), then what runs.
	Version string `rpyc:"version"`
	// VersionInfo is sys.version_info.
	VersionInfo *VersionInfo `rpyc:"version_info"`
	// Hexversion is sys.hexversion.
	Hexversion int64 `rpyc:"hexversion"`
	// Implementation is sys.implementation (name "rpyc-go").
	Implementation *implementation `rpyc:"implementation"`
	// Executable is sys.executable: this server's binary.
	Executable string `rpyc:"executable"`
	// Prefix and ExecPrefix are sys.prefix and sys.exec_prefix: the
	// directory of the server's binary.
	Prefix     string `rpyc:"prefix"`
	ExecPrefix string `rpyc:"exec_prefix"`
	// Maxsize is sys.maxsize.
	Maxsize int64 `rpyc:"maxsize"`
	// Maxunicode is sys.maxunicode.
	Maxunicode int64 `rpyc:"maxunicode"`
	// Byteorder is sys.byteorder.
	Byteorder string `rpyc:"byteorder"`
	// BuiltinModuleNames is sys.builtin_module_names: every module this
	// server implements.
	BuiltinModuleNames brine.Tuple `rpyc:"builtin_module_names"`
	// Copyright says what this is.
	Copyright string `rpyc:"copyright"`

	recursionLimit int
}

func newSys(o *Options) *sysModule {
	exe, _ := os.Executable()
	path := []any{}
	if wd, err := os.Getwd(); err == nil {
		path = append(path, wd)
	}
	names := brine.Tuple{}
	for _, n := range ModuleNames() {
		names = append(names, n)
	}
	argv := make([]any, len(o.Argv))
	for i, a := range o.Argv {
		argv[i] = a
	}
	platform := runtime.GOOS
	if platform == "windows" {
		platform = "win32"
	}
	prefix := ""
	if exe != "" {
		prefix = dirname(exe)
	}
	vi := newVersionInfo()
	return &sysModule{
		Module:             newModule("sys"),
		Stdout:             &stdStream{w: o.Stdout, name: "<stdout>", mode: "w"},
		Stderr:             &stdStream{w: o.Stderr, name: "<stderr>", mode: "w"},
		Stdin:              &stdInput{r: o.Stdin},
		Platform:           platform,
		Argv:               &argv,
		Path:               &path,
		Version:            fmt.Sprintf("%s (rpyc-go classic server, no CPython) [%s]", pyVersion, runtime.Version()),
		VersionInfo:        vi,
		Hexversion:         pyMajor<<24 | pyMinor<<16 | pyMicro<<8 | 0xf0,
		Implementation:     &implementation{Name: "rpyc-go", Version: vi, CacheTag: nil, Hexversion: pyMajor<<24 | pyMinor<<16 | pyMicro<<8 | 0xf0},
		Executable:         exe,
		Prefix:             prefix,
		ExecPrefix:         prefix,
		Maxsize:            math.MaxInt64,
		Maxunicode:         0x10ffff,
		Byteorder:          "little",
		BuiltinModuleNames: names,
		Copyright:          "rpyc-go: Python's rpyc_classic services in Go; the modules follow CPython " + pyVersion + "'s.",
		recursionLimit:     1000,
	}
}

// Getdefaultencoding is sys.getdefaultencoding.
func (m *sysModule) Getdefaultencoding() string { return "utf-8" }

// ExcInfo is sys.exc_info(): a client's call handles no exception here,
// so three Nones, as Python's server answers it. Code gets its own
// (python.ExcInfo, given by codeHost).
func (m *sysModule) ExcInfo() brine.Tuple { return brine.Tuple{nil, nil, nil} }

// Exception is sys.exception() (Python 3.11), None for a client's call.
func (m *sysModule) Exception() any { return nil }

// Getfilesystemencoding is sys.getfilesystemencoding.
func (m *sysModule) Getfilesystemencoding() string { return "utf-8" }

// Getrecursionlimit is sys.getrecursionlimit.
func (m *sysModule) Getrecursionlimit() int { return m.recursionLimit }

// Setrecursionlimit is sys.setrecursionlimit.
func (m *sysModule) Setrecursionlimit(limit int) error {
	if limit < 1 {
		return vinegar.New("ValueError", "recursion limit must be greater or equal than 1")
	}
	m.recursionLimit = limit
	return nil
}

// Exit is sys.exit: raises SystemExit, as Python's server does (the
// client gets it; the server goes on).
func (m *sysModule) Exit(status ...any) error {
	if len(status) == 0 {
		return vinegar.New("SystemExit")
	}
	return vinegar.New("SystemExit", status[0]).WithAttr("code", status[0])
}

// VersionInfo is sys.version_info: a tuple (3, 11, 0, 'final', 0) with
// named fields, comparable with tuples.
type VersionInfo struct {
	*structSeq
	Major        int64  `rpyc:"major"`
	Minor        int64  `rpyc:"minor"`
	Micro        int64  `rpyc:"micro"`
	Releaselevel string `rpyc:"releaselevel"`
	Serial       int64  `rpyc:"serial"`
}

func newVersionInfo() *VersionInfo {
	v := &VersionInfo{Major: pyMajor, Minor: pyMinor, Micro: pyMicro, Releaselevel: "final"}
	v.structSeq = newStructSeq("sys.version_info", []string{"major", "minor", "micro", "releaselevel", "serial"},
		v.Major, v.Minor, v.Micro, v.Releaselevel, v.Serial)
	return v
}

// implementation is sys.implementation.
type implementation struct {
	Name       string       `rpyc:"name"`
	Version    *VersionInfo `rpyc:"version"`
	CacheTag   any          `rpyc:"cache_tag"`
	Hexversion int64        `rpyc:"hexversion"`
}

// GoString is the repr of a types.SimpleNamespace.
func (i *implementation) GoString() string {
	return fmt.Sprintf("namespace(name=%s, cache_tag=None, version=%s, hexversion=%d)", pyRepr(i.Name), i.Version.GoString(), i.Hexversion)
}

// sysModules is sys.modules: a read-only mapping of the modules this
// connection imported (always builtins and sys).
type sysModules struct{ s *SlaveService }

// RPyCNames gives the mapping dunders.
func (d *sysModules) RPyCNames() map[string]string {
	return map[string]string{"GetItem": "__getitem__", "Contains": "__contains__", "Len": "__len__", "Iter": "__iter__"}
}

// RPyCParams gives get its default.
func (d *sysModules) RPyCParams() map[string]string {
	return map[string]string{"Get": "key, default=None"}
}

// RPyCTypeName is Python's class.
func (d *sysModules) RPyCTypeName() string { return "builtins.dict" }

func (d *sysModules) snapshot() map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	out := map[string]any{"sys": d.s.sys}
	for k, v := range d.s.modules {
		out[k] = v
	}
	return out
}

// GetItem is sys.modules[name].
func (d *sysModules) GetItem(name string) (any, error) {
	if m, ok := d.snapshot()[name]; ok {
		return m, nil
	}
	if name == "builtins" {
		return d.s.module(name)
	}
	return nil, vinegar.New("KeyError", name)
}

// Get is get(name, default=None).
func (d *sysModules) Get(name string, def any) any {
	if m, ok := d.snapshot()[name]; ok {
		return m
	}
	return def
}

// Contains is name in sys.modules.
func (d *sysModules) Contains(name any) bool {
	n, _ := name.(string)
	_, ok := d.snapshot()[n]
	return ok
}

// Len is len(sys.modules).
func (d *sysModules) Len() int { return len(d.snapshot()) }

// Keys is keys(), sorted.
func (d *sysModules) Keys() []any {
	m := d.snapshot()
	out := make([]any, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, k)
	}
	return out
}

// Iter is iter(sys.modules).
func (d *sysModules) Iter() iter.Seq[any] { return seqOf(d.Keys()) }

// Items is items().
func (d *sysModules) Items() []any {
	m := d.snapshot()
	out := make([]any, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, brine.Tuple{k, m[k]})
	}
	return out
}

// Values is values().
func (d *sysModules) Values() []any {
	m := d.snapshot()
	out := make([]any, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

// GoString is the mapping's repr.
func (d *sysModules) GoString() string {
	m := d.snapshot()
	s := "{"
	for i, k := range sortedKeys(m) {
		if i > 0 {
			s += ", "
		}
		s += pyRepr(k) + ": " + pyRepr(m[k])
	}
	return s + "}"
}

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
