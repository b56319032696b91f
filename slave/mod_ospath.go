package slave

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/rpyc-go/rpyc/vinegar"
)

// pathModule is Python's os.path (posixpath), over strings: the pure
// functions follow posixpath's rules exactly (join does not clean,
// basename of "a/" is ""), the others ask the file system. Arguments may
// be str, bytes or path-like objects (a pathlib.Path of this server, or
// the client's own, asked for __fspath__).
type pathModule struct {
	Module
	s *SlaveService
	// Sep is os.path.sep.
	Sep string `rpyc:"sep"`
	// Curdir, Pardir, Extsep, Pathsep and Devnull repeat os's.
	Curdir  string `rpyc:"curdir"`
	Pardir  string `rpyc:"pardir"`
	Extsep  string `rpyc:"extsep"`
	Pathsep string `rpyc:"pathsep"`
	Devnull string `rpyc:"devnull"`
	Altsep  any    `rpyc:"altsep"`
}

func newPathModule(s *SlaveService) *pathModule {
	return &pathModule{Module: newModule("posixpath"), s: s, Sep: "/", Curdir: ".", Pardir: "..", Extsep: ".",
		Pathsep: string(filepath.ListSeparator), Devnull: os.DevNull}
}

// joinPath is posixpath.join of two parts.
func joinPath(a, b string) string {
	switch {
	case strings.HasPrefix(b, "/"):
		return b
	case a == "" || strings.HasSuffix(a, "/"):
		return a + b
	}
	return a + "/" + b
}

// Join is os.path.join: an absolute part restarts the path, and the
// result is not cleaned (join("a", "../b") is "a/../b"), as Python's.
func (p *pathModule) Join(ctx context.Context, first any, rest ...any) (any, error) {
	out, err := fspath(ctx, first)
	if err != nil {
		return nil, err
	}
	for _, r := range rest {
		s, err := fspath(ctx, r)
		if err != nil {
			return nil, err
		}
		out = joinPath(out, s)
	}
	return pathResult(first, out), nil
}

// stat is os.stat of a path argument, or false when it cannot be read.
func (p *pathModule) stat(ctx context.Context, path any, lstat bool) (os.FileInfo, bool) {
	s, err := fspath(ctx, path)
	if err != nil {
		return nil, false
	}
	var st os.FileInfo
	if lstat {
		st, err = os.Lstat(s)
	} else {
		st, err = os.Stat(s)
	}
	return st, err == nil
}

// Exists is os.path.exists.
func (p *pathModule) Exists(ctx context.Context, path any) bool {
	_, ok := p.stat(ctx, path, false)
	return ok
}

// Lexists is os.path.lexists.
func (p *pathModule) Lexists(ctx context.Context, path any) bool {
	_, ok := p.stat(ctx, path, true)
	return ok
}

// Isdir is os.path.isdir.
func (p *pathModule) Isdir(ctx context.Context, path any) bool {
	st, ok := p.stat(ctx, path, false)
	return ok && st.IsDir()
}

// Isfile is os.path.isfile.
func (p *pathModule) Isfile(ctx context.Context, path any) bool {
	st, ok := p.stat(ctx, path, false)
	return ok && st.Mode().IsRegular()
}

// Islink is os.path.islink.
func (p *pathModule) Islink(ctx context.Context, path any) bool {
	st, ok := p.stat(ctx, path, true)
	return ok && st.Mode()&os.ModeSymlink != 0
}

// Ismount is os.path.ismount: a directory on another device than its
// parent, or the root.
func (p *pathModule) Ismount(ctx context.Context, path any) bool {
	s, err := fspath(ctx, path)
	if err != nil {
		return false
	}
	st, err := statPath(s, os.Lstat)
	if err != nil || st.Mode&0o170000 != 0o040000 {
		return false
	}
	parent, err := statPath(joinPath(s, ".."), os.Lstat)
	if err != nil {
		return false
	}
	return st.Dev != parent.Dev || st.Ino == parent.Ino
}

// Isabs is os.path.isabs.
func (p *pathModule) Isabs(ctx context.Context, path any) (bool, error) {
	s, err := fspath(ctx, path)
	return strings.HasPrefix(s, "/"), err
}

// Getsize is os.path.getsize.
func (p *pathModule) Getsize(ctx context.Context, path any) (int64, error) {
	s, err := fspath(ctx, path)
	if err != nil {
		return 0, err
	}
	st, err := os.Stat(s)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func (p *pathModule) times(ctx context.Context, path any) (*StatResult, error) {
	s, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	return statPath(s, os.Stat)
}

// Getmtime is os.path.getmtime.
func (p *pathModule) Getmtime(ctx context.Context, path any) (float64, error) {
	st, err := p.times(ctx, path)
	if err != nil {
		return 0, err
	}
	return st.Mtime, nil
}

// Getatime is os.path.getatime.
func (p *pathModule) Getatime(ctx context.Context, path any) (float64, error) {
	st, err := p.times(ctx, path)
	if err != nil {
		return 0, err
	}
	return st.Atime, nil
}

// Getctime is os.path.getctime.
func (p *pathModule) Getctime(ctx context.Context, path any) (float64, error) {
	st, err := p.times(ctx, path)
	if err != nil {
		return 0, err
	}
	return st.Ctime, nil
}

// Samefile is os.path.samefile.
func (p *pathModule) Samefile(ctx context.Context, a, b any) (bool, error) {
	x, err := p.times(ctx, a)
	if err != nil {
		return false, err
	}
	y, err := p.times(ctx, b)
	if err != nil {
		return false, err
	}
	return x.Dev == y.Dev && x.Ino == y.Ino, nil
}

// basename and dirname are posixpath's.
func basename(path string) string { return path[strings.LastIndexByte(path, '/')+1:] }

func dirname(path string) string {
	head := path[:strings.LastIndexByte(path, '/')+1]
	if t := strings.TrimRight(head, "/"); t != "" {
		return t
	}
	return head
}

// Basename is os.path.basename: what follows the last slash ("" for
// "a/").
func (p *pathModule) Basename(ctx context.Context, path any) (any, error) {
	s, err := fspath(ctx, path)
	return pathResult(path, basename(s)), err
}

// Dirname is os.path.dirname: what precedes the last slash, without
// trailing slashes unless it is the root.
func (p *pathModule) Dirname(ctx context.Context, path any) (any, error) {
	s, err := fspath(ctx, path)
	return pathResult(path, dirname(s)), err
}

// Split is os.path.split.
func (p *pathModule) Split(ctx context.Context, path any) (any, any, error) {
	s, err := fspath(ctx, path)
	return pathResult(path, dirname(s)), pathResult(path, basename(s)), err
}

// splitext is posixpath.splitext.
func splitext(path string) (string, string) {
	base := basename(path)
	i := strings.LastIndexByte(base, '.')
	if i <= 0 || strings.Trim(base[:i], ".") == "" {
		return path, ""
	}
	cut := len(path) - len(base) + i
	return path[:cut], path[cut:]
}

// Splitext is os.path.splitext.
func (p *pathModule) Splitext(ctx context.Context, path any) (any, any, error) {
	s, err := fspath(ctx, path)
	a, b := splitext(s)
	return pathResult(path, a), pathResult(path, b), err
}

// Splitdrive is os.path.splitdrive: no drives on POSIX.
func (p *pathModule) Splitdrive(ctx context.Context, path any) (any, any, error) {
	s, err := fspath(ctx, path)
	return pathResult(path, ""), pathResult(path, s), err
}

// Normcase is os.path.normcase: unchanged on POSIX.
func (p *pathModule) Normcase(ctx context.Context, path any) (any, error) {
	s, err := fspath(ctx, path)
	return pathResult(path, s), err
}

// normpath is posixpath.normpath: "." for "", and a leading "//" kept.
func normpath(path string) string {
	if path == "" {
		return "."
	}
	out := filepath.ToSlash(filepath.Clean(filepath.FromSlash(path)))
	if strings.HasPrefix(path, "//") && !strings.HasPrefix(path, "///") {
		out = "/" + out
	}
	return out
}

// Normpath is os.path.normpath.
func (p *pathModule) Normpath(ctx context.Context, path any) (any, error) {
	s, err := fspath(ctx, path)
	return pathResult(path, normpath(s)), err
}

// abspath is posixpath.abspath.
func abspath(path string) (string, error) {
	if !strings.HasPrefix(path, "/") {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		path = joinPath(wd, path)
	}
	return normpath(path), nil
}

// Abspath is os.path.abspath.
func (p *pathModule) Abspath(ctx context.Context, path any) (any, error) {
	s, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	a, err := abspath(s)
	return pathResult(path, a), err
}

// realpath is posixpath.realpath: symbolic links resolved as far as the
// path exists.
func realpath(path string) (string, error) {
	abs, err := abspath(path)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	// Resolve the longest existing prefix, keep the rest.
	dir, rest := abs, ""
	for dir != "/" && dir != "." {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return joinPath(r, strings.TrimPrefix(rest, "/")), nil
		}
		rest = "/" + basename(dir) + rest
		dir = dirname(dir)
	}
	return abs, nil
}

// Realpath is os.path.realpath.
func (p *pathModule) Realpath(ctx context.Context, path any) (any, error) {
	s, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	r, err := realpath(s)
	return pathResult(path, r), err
}

// Relpath is os.path.relpath.
func (p *pathModule) Relpath(ctx context.Context, path any, start ...any) (any, error) {
	s, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, valueError("no path specified")
	}
	base := "."
	if len(start) > 0 && start[0] != nil {
		if base, err = fspath(ctx, start[0]); err != nil {
			return nil, err
		}
	}
	a, err := abspath(s)
	if err != nil {
		return nil, err
	}
	b, err := abspath(base)
	if err != nil {
		return nil, err
	}
	r, err := filepath.Rel(b, a)
	if err != nil {
		return nil, valueError(err.Error())
	}
	return pathResult(path, filepath.ToSlash(r)), nil
}

// Commonprefix is os.path.commonprefix: the longest common leading
// string (not necessarily a path).
func (p *pathModule) Commonprefix(ctx context.Context, list any) (any, error) {
	items, err := listOf(ctx, list)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return "", nil
	}
	strs, err := stringsOf(ctx, items)
	if err != nil {
		return nil, err
	}
	prefix := strs[0]
	for _, s := range strs[1:] {
		for !strings.HasPrefix(s, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	return pathResult(items[0], prefix), nil
}

// Commonpath is os.path.commonpath: the longest common sub-path.
func (p *pathModule) Commonpath(ctx context.Context, paths any) (any, error) {
	items, err := listOf(ctx, paths)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, valueError("commonpath() arg is an empty sequence")
	}
	strs, err := stringsOf(ctx, items)
	if err != nil {
		return nil, err
	}
	abs := strings.HasPrefix(strs[0], "/")
	var common []string
	for i, s := range strs {
		if strings.HasPrefix(s, "/") != abs {
			return nil, valueError("Can't mix absolute and relative paths")
		}
		var parts []string
		for _, c := range strings.Split(s, "/") {
			if c != "" && c != "." {
				parts = append(parts, c)
			}
		}
		if i == 0 {
			common = parts
			continue
		}
		n := 0
		for n < len(common) && n < len(parts) && common[n] == parts[n] {
			n++
		}
		common = common[:n]
	}
	out := strings.Join(common, "/")
	if abs {
		out = "/" + out
	}
	return pathResult(items[0], out), nil
}

// Expanduser is os.path.expanduser: ~ and ~user.
func (p *pathModule) Expanduser(ctx context.Context, path any) (any, error) {
	s, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	return pathResult(path, expanduser(p.s, s)), nil
}

func expanduser(s *SlaveService, path string) string {
	if !strings.HasPrefix(path, "~") {
		return path
	}
	i := strings.IndexByte(path, '/')
	if i < 0 {
		i = len(path)
	}
	var home string
	if i == 1 {
		if s != nil {
			if osm, err := s.module("os"); err == nil {
				home, _ = osm.(*osModule).Environ.lookup("HOME")
			}
		}
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return path
			}
			home = h
		}
	} else {
		u, err := user.Lookup(path[1:i])
		if err != nil {
			return path
		}
		home = u.HomeDir
	}
	home = strings.TrimRight(home, "/")
	if home == "" {
		home = "/"
	}
	return home + path[i:]
}

var envVar = regexp.MustCompile(`\$(\w+|\{[^}]*\})`)

// Expandvars is os.path.expandvars: $name and ${name} from this
// connection's environment; unknown names are left as they are.
func (p *pathModule) Expandvars(ctx context.Context, path any) (any, error) {
	s, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	osm, err := p.s.module("os")
	if err != nil {
		return nil, err
	}
	env := osm.(*osModule).Environ
	out := envVar.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m[1:], "{}")
		if v, ok := env.lookup(name); ok {
			return v
		}
		return m
	})
	return pathResult(path, out), nil
}

func valueError(msg string) error { return vinegar.New("ValueError", msg) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
