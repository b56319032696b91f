package slave

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// tempfileModule is Python's tempfile: mkdtemp, mkstemp, the temporary
// file and directory objects (deleted when closed, when the client drops
// them, or when the connection ends), gettempdir.
type tempfileModule struct {
	Module
	s *SlaveService
	// Tempdir is tempfile.tempdir (None: ask TMPDIR and friends).
	Tempdir any `rpyc:"tempdir,rw"`
}

// RPyCParams gives the functions Python's keyword arguments.
func (m *tempfileModule) RPyCParams() map[string]string {
	named := "mode='w+b', buffering=-1, encoding=None, newline=None, suffix=None, prefix=None, dir=None, delete=True, errors=None"
	return map[string]string{
		"Mkdtemp":            "suffix=None, prefix=None, dir=None",
		"Mkstemp":            "suffix=None, prefix=None, dir=None, text=False",
		"Mktemp":             "suffix='', prefix='tmp', dir=None",
		"NamedTemporaryFile": named,
		"TemporaryFile":      "mode='w+b', buffering=-1, encoding=None, newline=None, suffix=None, prefix=None, dir=None, errors=None",
		"TemporaryDirectory": "suffix=None, prefix=None, dir=None, ignore_cleanup_errors=False",
	}
}

// RPyCNames keeps the classes' spelling.
func (m *tempfileModule) RPyCNames() map[string]string {
	return map[string]string{"NamedTemporaryFile": "NamedTemporaryFile", "TemporaryFile": "TemporaryFile", "TemporaryDirectory": "TemporaryDirectory"}
}

// Gettempdir is tempfile.gettempdir.
func (m *tempfileModule) Gettempdir() string {
	if d, ok := m.Tempdir.(string); ok {
		return d
	}
	if osm, err := m.s.module("os"); err == nil {
		env := osm.(*osModule).Environ
		for _, k := range []string{"TMPDIR", "TEMP", "TMP"} {
			if d, ok := env.lookup(k); ok && isDirPath(d) {
				return strings.TrimRight(d, "/")
			}
		}
	}
	return strings.TrimRight(os.TempDir(), "/")
}

// Gettempdirb is tempfile.gettempdirb.
func (m *tempfileModule) Gettempdirb() []byte { return []byte(m.Gettempdir()) }

// Gettempprefix is tempfile.gettempprefix.
func (m *tempfileModule) Gettempprefix() string { return "tmp" }

// names are Python's: prefix, 8 characters of [a-z0-9_], suffix.
func randomName() string {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789_"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}

func (m *tempfileModule) parts(ctx context.Context, suffix, prefix, dir any) (string, string, string, error) {
	sfx, pfx := "", "tmp"
	if suffix != nil {
		sfx = fmt.Sprint(suffix)
	}
	if prefix != nil {
		pfx = fmt.Sprint(prefix)
	}
	d := m.Gettempdir()
	if dir != nil {
		var err error
		if d, err = fspath(ctx, dir); err != nil {
			return "", "", "", err
		}
	}
	return sfx, pfx, d, nil
}

// create makes a new name in dir with mk (which fails with
// os.ErrExist on a clash), trying again as Python does.
func create(dir, prefix, suffix string, mk func(string) error) (string, error) {
	for range 100 {
		p := joinPath(dir, prefix+randomName()+suffix)
		err := mk(p)
		if err == nil {
			return p, nil
		}
		if !os.IsExist(err) {
			return "", err
		}
	}
	return "", vinegar.New("FileExistsError", "No usable temporary file name found")
}

// Mkdtemp is tempfile.mkdtemp: a new private directory's absolute path.
func (m *tempfileModule) Mkdtemp(ctx context.Context, suffix, prefix, dir any) (any, error) {
	sfx, pfx, d, err := m.parts(ctx, suffix, prefix, dir)
	if err != nil {
		return nil, err
	}
	p, err := create(d, pfx, sfx, func(p string) error { return os.Mkdir(p, 0o700) })
	if err != nil {
		return nil, err
	}
	abs, err := abspath(p)
	return pathResult(dir, abs), err
}

// Mkstemp is tempfile.mkstemp: (file descriptor, absolute path).
func (m *tempfileModule) Mkstemp(ctx context.Context, suffix, prefix, dir any, text bool) (brine.Tuple, error) {
	sfx, pfx, d, err := m.parts(ctx, suffix, prefix, dir)
	if err != nil {
		return nil, err
	}
	var f *os.File
	p, err := create(d, pfx, sfx, func(p string) error {
		var err error
		f, err = os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		return err
	})
	if err != nil {
		return nil, err
	}
	fd, err := detachFd(f)
	if err != nil {
		return nil, err
	}
	abs, err := abspath(p)
	return brine.Tuple{int64(fd), pathResult(dir, abs)}, err
}

// Mktemp is tempfile.mktemp: a name that did not exist (unsafe, as in
// Python).
func (m *tempfileModule) Mktemp(ctx context.Context, suffix, prefix, dir any) (string, error) {
	sfx, pfx, d, err := m.parts(ctx, suffix, prefix, dir)
	if err != nil {
		return "", err
	}
	for range 100 {
		p := joinPath(d, pfx+randomName()+sfx)
		if _, err := os.Lstat(p); os.IsNotExist(err) {
			return p, nil
		}
	}
	return "", vinegar.New("FileExistsError", "No usable temporary filename found")
}

// NamedTemporaryFile is tempfile.NamedTemporaryFile: an open file with a
// name, removed when it is closed (delete=True), dropped by the client,
// or the connection ends.
func (m *tempfileModule) NamedTemporaryFile(ctx context.Context, mode string, buffering int, encoding, newline, suffix, prefix, dir any, del bool, errs any) (any, error) {
	sfx, pfx, d, err := m.parts(ctx, suffix, prefix, dir)
	if err != nil {
		return nil, err
	}
	flags, err := openFlags(mode)
	if err != nil {
		return nil, err
	}
	var f *os.File
	p, err := create(d, pfx, sfx, func(p string) error {
		var err error
		f, err = os.OpenFile(p, flags|os.O_CREATE|os.O_EXCL, 0o600)
		return err
	})
	if err != nil {
		return nil, err
	}
	abs, _ := abspath(p)
	var onClose func()
	if del {
		var once sync.Once
		onClose = func() { once.Do(func() { os.Remove(abs) }) }
		m.s.track(&closerFunc{f: onClose})
	}
	if strings.Contains(mode, "b") {
		b := newFile(f, abs, mode)
		b.onClose = onClose
		return b, nil
	}
	t := newTextFile(f, abs, mode)
	t.onClose = onClose
	return t, nil
}

// TemporaryFile is tempfile.TemporaryFile: a file without a name (its
// name is removed at once, as on Linux).
func (m *tempfileModule) TemporaryFile(ctx context.Context, mode string, buffering int, encoding, newline, suffix, prefix, dir any, errs any) (any, error) {
	f, err := m.NamedTemporaryFile(ctx, mode, buffering, encoding, newline, suffix, prefix, dir, true, errs)
	if err != nil {
		return nil, err
	}
	switch x := f.(type) {
	case *File:
		x.onClose()
		x.Name = int64(x.f.Fd())
	case *TextFile:
		x.onClose()
	}
	return f, nil
}

// TemporaryDirectory is tempfile.TemporaryDirectory: a directory removed
// by cleanup(), at the end of a with block, when the client drops it or
// when the connection ends.
func (m *tempfileModule) TemporaryDirectory(ctx context.Context, suffix, prefix, dir any, ignoreErrors bool) (*TemporaryDirectory, error) {
	p, err := m.Mkdtemp(ctx, suffix, prefix, dir)
	if err != nil {
		return nil, err
	}
	name, _ := p.(string)
	td := &TemporaryDirectory{Name: name}
	m.s.track(td)
	return td, nil
}

// TemporaryDirectory is tempfile.TemporaryDirectory's object.
type TemporaryDirectory struct {
	// Name is the directory's path.
	Name string `rpyc:"name"`
	once sync.Once
}

// RPyCNames gives the with statement's dunders.
func (t *TemporaryDirectory) RPyCNames() map[string]string {
	return map[string]string{"Enter": "__enter__", "Exit": "__exit__"}
}

// RPyCTypeName is Python's class.
func (t *TemporaryDirectory) RPyCTypeName() string { return "tempfile.TemporaryDirectory" }

// GoString is Python's repr.
func (t *TemporaryDirectory) GoString() string {
	return "<TemporaryDirectory " + brine.Repr(t.Name) + ">"
}

// Cleanup is cleanup(): removes the directory and what it holds.
func (t *TemporaryDirectory) Cleanup() error {
	var err error
	t.once.Do(func() { err = os.RemoveAll(t.Name) })
	return err
}

// Close is what the connection's end calls.
func (t *TemporaryDirectory) Close() error { return t.Cleanup() }

// Enter is __enter__: the name (a str, as Python's).
func (t *TemporaryDirectory) Enter() string { return t.Name }

// Exit is __exit__: cleanup.
func (t *TemporaryDirectory) Exit(args ...any) (bool, error) { return false, t.Cleanup() }

// RPyCRelease removes the directory when the client drops the object,
// as Python's finalizer does.
func (t *TemporaryDirectory) RPyCRelease(*rpyc.Conn) { _ = t.Cleanup() }

// closerFunc is a func as an io.Closer, for track.
type closerFunc struct{ f func() }

func (c *closerFunc) Close() error { c.f(); return nil }
