package slave

import (
	"context"
	"fmt"
	"io/fs"
	"iter"
	"net/url"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// pathlibModule is Python's pathlib: Path (PosixPath) and PurePath
// (PurePosixPath) classes, whose instances are this server's paths.
type pathlibModule struct {
	Module
	s *SlaveService
	// Path and the other classes.
	Path          *pathClass `rpyc:"Path"`
	PosixPath     *pathClass `rpyc:"PosixPath"`
	PurePath      *pathClass `rpyc:"PurePath"`
	PurePosixPath *pathClass `rpyc:"PurePosixPath"`
}

func newPathlib(s *SlaveService) *pathlibModule {
	concrete := &pathClass{classBase: newClassBase("pathlib", "Path"), s: s}
	posix := &pathClass{classBase: newClassBase("pathlib", "PosixPath"), s: s}
	pure := &pathClass{classBase: newClassBase("pathlib", "PurePath"), s: s, pure: true}
	purePosix := &pathClass{classBase: newClassBase("pathlib", "PurePosixPath"), s: s, pure: true}
	return &pathlibModule{Module: newModule("pathlib"), s: s, Path: concrete, PosixPath: posix, PurePath: pure, PurePosixPath: purePosix}
}

// pathClass is pathlib.Path (or PurePath): calling it makes a path;
// home() and cwd() are its class methods.
type pathClass struct {
	classBase
	s    *SlaveService
	pure bool
}

// RPyCNames makes Call the class's __call__.
func (c *pathClass) RPyCNames() map[string]string { return map[string]string{"Call": "__call__"} }

// Call is Path(*pathsegments).
func (c *pathClass) Call(ctx context.Context, kw rpyc.Kwargs, args ...any) (any, error) {
	return c.construct(ctx, kw, args)
}

func (c *pathClass) construct(ctx context.Context, kw rpyc.Kwargs, args []any) (any, error) {
	p, err := newPath(ctx, c.s, args...)
	if err != nil {
		return nil, err
	}
	p.setPure(c.pure)
	return p, nil
}

func (c *pathClass) instance(v any) bool {
	p, ok := v.(*Path)
	return ok && (c.pure || !p.pure)
}

// Home is Path.home().
func (c *pathClass) Home() (*Path, error) {
	h := expanduser(c.s, "~")
	if h == "~" {
		return nil, vinegar.New("RuntimeError", "Could not determine home directory.")
	}
	return makePath(c.s, h), nil
}

// Cwd is Path.cwd().
func (c *pathClass) Cwd() (*Path, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return makePath(c.s, wd), nil
}

// Path is a pathlib.PosixPath: an immutable path with Python's
// properties as attributes and its methods, comparable, hashable,
// joinable with / and usable wherever a path is wanted (os.fspath).
type Path struct {
	s    *SlaveService
	path string // normalised as pathlib does
	pure bool
	// Name, Stem, Suffix, ... are Python's properties.
	Name     string      `rpyc:"name"`
	Stem     string      `rpyc:"stem"`
	Suffix   string      `rpyc:"suffix"`
	Suffixes []any       `rpyc:"suffixes"`
	Parts    brine.Tuple `rpyc:"parts"`
	Anchor   string      `rpyc:"anchor"`
	Root     string      `rpyc:"root"`
	Drive    string      `rpyc:"drive"`
	// Parent is the logical parent (the path itself for "/" and ".");
	// Parents every ancestor, nearest first.
	Parent  *Path       `rpyc:"parent"`
	Parents brine.Tuple `rpyc:"parents"`
}

// newPath joins segments as pathlib does: an absolute segment restarts,
// "." and empty components vanish, ".." stays.
func newPath(ctx context.Context, s *SlaveService, segments ...any) (*Path, error) {
	out := ""
	for _, seg := range segments {
		p, err := fspath(ctx, seg)
		if err != nil {
			return nil, vinegar.New("TypeError", fmt.Sprintf("argument should be a str or an os.PathLike object where __fspath__ returns a str, not %s", brine.Repr(pyType(seg))))
		}
		if strings.HasPrefix(p, "/") {
			out = p
		} else if p != "" {
			if out == "" {
				out = p
			} else {
				out = out + "/" + p
			}
		}
	}
	return makePath(s, out), nil
}

var timeNow = time.Now

// makePath builds the path object for text.
func makePath(s *SlaveService, text string) *Path {
	root := ""
	switch {
	case strings.HasPrefix(text, "//") && !strings.HasPrefix(text, "///"):
		root = "//"
	case strings.HasPrefix(text, "/"):
		root = "/"
	}
	var parts []string
	for _, c := range strings.Split(text, "/") {
		if c != "" && c != "." {
			parts = append(parts, c)
		}
	}
	p := &Path{s: s, Root: root, Anchor: root}
	p.path = root + strings.Join(parts, "/")
	if p.path == "" {
		p.path = "."
	}
	p.Parts = brine.Tuple{}
	if root != "" {
		p.Parts = append(p.Parts, root)
	}
	for _, c := range parts {
		p.Parts = append(p.Parts, c)
	}
	if len(parts) > 0 {
		p.Name = parts[len(parts)-1]
	}
	p.Suffixes = []any{}
	if i := strings.LastIndexByte(p.Name, '.'); i > 0 && i < len(p.Name)-1 {
		p.Suffix = p.Name[i:]
		p.Stem = p.Name[:i]
	} else {
		p.Stem = p.Name
	}
	if !strings.HasSuffix(p.Name, ".") {
		name := strings.TrimLeft(p.Name, ".")
		segs := strings.Split(name, ".")
		for _, sfx := range segs[1:] {
			p.Suffixes = append(p.Suffixes, "."+sfx)
		}
	}
	p.Parent, p.Parents = p, brine.Tuple{}
	if up := p.parentText(); up != p.path {
		p.Parent = makePath(s, up)
		p.Parents = append(brine.Tuple{p.Parent}, p.Parent.Parents...)
	}
	return p
}

func (p *Path) derive(text string) *Path {
	q := makePath(p.s, text)
	q.setPure(p.pure)
	return q
}

// setPure marks the path and its ancestors pure (PurePath) or not.
func (p *Path) setPure(pure bool) {
	for q := p; ; q = q.Parent {
		q.pure = pure
		if q.Parent == q {
			return
		}
	}
}

// RPyCNames gives the path its dunders.
func (p *Path) RPyCNames() map[string]string {
	return map[string]string{
		"Truediv": "__truediv__", "Rtruediv": "__rtruediv__", "Fspath": "__fspath__",
		"Eq": "__eq__", "Ne": "__ne__", "Lt": "__lt__", "Le": "__le__", "Gt": "__gt__", "Ge": "__ge__",
		"Hash": "__hash__", "Enter": "", "Exit": "",
	}
}

// RPyCParams gives the methods Python's keyword arguments.
func (p *Path) RPyCParams() map[string]string {
	return map[string]string{
		"ReadText":   "encoding=None, errors=None",
		"WriteText":  "data, encoding=None, errors=None, newline=None",
		"Mkdir":      "mode=511, parents=False, exist_ok=False",
		"Unlink":     "missing_ok=False",
		"Resolve":    "strict=False",
		"Touch":      "mode=438, exist_ok=True",
		"Open":       "mode='r', buffering=-1, encoding=None, errors=None, newline=None",
		"Stat":       "follow_symlinks=True",
		"Exists":     "",
		"SymlinkTo":  "target, target_is_directory=False",
		"Chmod":      "mode, follow_symlinks=True",
		"RelativeTo": "*other",
		"Joinpath":   "*pathsegments",
	}
}

// RPyCTypeName is Python's class.
func (p *Path) RPyCTypeName() string {
	if p.pure {
		return "pathlib.PurePosixPath"
	}
	return "pathlib.PosixPath"
}

// String is str(path).
func (p *Path) String() string { return p.path }

// GoString is Python's repr: PosixPath('...').
func (p *Path) GoString() string {
	if p.pure {
		return "PurePosixPath(" + brine.Repr(p.path) + ")"
	}
	return "PosixPath(" + brine.Repr(p.path) + ")"
}

// RPyCPickle copies the path by value as its text.
func (p *Path) RPyCPickle() (any, error) { return p.path, nil }

// Fspath is __fspath__.
func (p *Path) Fspath() string { return p.path }

// Truediv is path / other.
func (p *Path) Truediv(ctx context.Context, other any) (any, error) {
	o, err := fspath(ctx, other)
	if err != nil {
		return brine.NotImplemented, nil
	}
	q, err := newPath(ctx, p.s, p.path, o)
	if err != nil {
		return nil, err
	}
	q.setPure(p.pure)
	return q, nil
}

// Rtruediv is other / path.
func (p *Path) Rtruediv(ctx context.Context, other any) (any, error) {
	o, err := fspath(ctx, other)
	if err != nil {
		return brine.NotImplemented, nil
	}
	q, err := newPath(ctx, p.s, o, p.path)
	if err != nil {
		return nil, err
	}
	q.setPure(p.pure)
	return q, nil
}

// Joinpath is joinpath(*segments).
func (p *Path) Joinpath(ctx context.Context, segments ...any) (*Path, error) {
	q, err := newPath(ctx, p.s, append([]any{p.path}, segments...)...)
	if err != nil {
		return nil, err
	}
	q.setPure(p.pure)
	return q, nil
}

func (p *Path) cmp(other any) (int, bool) {
	o, ok := other.(*Path)
	if !ok {
		return 0, false
	}
	return strings.Compare(strings.Join(partsText(p), "\x00"), strings.Join(partsText(o), "\x00")), true
}

func partsText(p *Path) []string {
	out := make([]string, len(p.Parts))
	for i, x := range p.Parts {
		out[i] = x.(string)
	}
	return out
}

// Eq is path == other.
func (p *Path) Eq(other any) any {
	c, ok := p.cmp(other)
	if !ok {
		return brine.NotImplemented
	}
	return c == 0
}

// Ne is path != other.
func (p *Path) Ne(other any) any {
	c, ok := p.cmp(other)
	if !ok {
		return brine.NotImplemented
	}
	return c != 0
}

// Lt is path < other.
func (p *Path) Lt(other any) any { return p.order(other, func(c int) bool { return c < 0 }) }

// Le is path <= other.
func (p *Path) Le(other any) any { return p.order(other, func(c int) bool { return c <= 0 }) }

// Gt is path > other.
func (p *Path) Gt(other any) any { return p.order(other, func(c int) bool { return c > 0 }) }

// Ge is path >= other.
func (p *Path) Ge(other any) any { return p.order(other, func(c int) bool { return c >= 0 }) }

func (p *Path) order(other any, f func(int) bool) any {
	c, ok := p.cmp(other)
	if !ok {
		return brine.NotImplemented
	}
	return f(c)
}

// Hash is hash(path).
func (p *Path) Hash() int64 {
	var h int64 = 1469598103934665603 & (1<<62 - 1)
	for _, c := range p.path {
		h = (h*1099511628211 ^ int64(c)) & (1<<62 - 1)
	}
	return h
}

// parentText is the text of the logical parent: "." for a relative
// name, the root for the root.
func (p *Path) parentText() string {
	n := len(p.Parts)
	if n == 0 || (n == 1 && p.Root != "") {
		return p.path
	}
	if n == 1 {
		return "."
	}
	return p.Root + strings.Join(partsText(p)[boolInt(p.Root != ""):n-1], "/")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// WithName is with_name(name).
func (p *Path) WithName(name string) (*Path, error) {
	if p.Name == "" {
		return nil, vinegar.New("ValueError", fmt.Sprintf("%s has an empty name", p.GoString()))
	}
	if name == "" || strings.Contains(name, "/") || name == "." {
		return nil, vinegar.New("ValueError", fmt.Sprintf("Invalid name %s", brine.Repr(name)))
	}
	return p.derive(joinPath(p.Parent.path, name)), nil
}

// WithStem is with_stem(stem).
func (p *Path) WithStem(stem string) (*Path, error) { return p.WithName(stem + p.Suffix) }

// WithSuffix is with_suffix(suffix).
func (p *Path) WithSuffix(suffix string) (*Path, error) {
	if suffix != "" && (!strings.HasPrefix(suffix, ".") || suffix == ".") || strings.Contains(suffix, "/") {
		return nil, vinegar.New("ValueError", fmt.Sprintf("Invalid suffix %s", brine.Repr(suffix)))
	}
	if p.Name == "" {
		return nil, vinegar.New("ValueError", fmt.Sprintf("%s has an empty name", p.GoString()))
	}
	return p.WithName(p.Stem + suffix)
}

// RelativeTo is relative_to(*other).
func (p *Path) RelativeTo(ctx context.Context, other ...any) (*Path, error) {
	base, err := newPath(ctx, p.s, other...)
	if err != nil {
		return nil, err
	}
	bp, pp := partsText(base), partsText(p)
	if len(bp) > len(pp) || !sameParts(bp, pp[:len(bp)]) || (len(bp) == 0 && p.Root != "") {
		return nil, vinegar.New("ValueError", fmt.Sprintf("%s is not in the subpath of %s OR one path is relative and the other is absolute.",
			brine.Repr(p.path), brine.Repr(base.path)))
	}
	return p.derive(strings.Join(pp[len(bp):], "/")), nil
}

// IsRelativeTo is is_relative_to(*other).
func (p *Path) IsRelativeTo(ctx context.Context, other ...any) bool {
	_, err := p.RelativeTo(ctx, other...)
	return err == nil
}

func sameParts(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// IsAbsolute is is_absolute().
func (p *Path) IsAbsolute() bool { return p.Root != "" }

// IsReserved is is_reserved(): never on POSIX.
func (p *Path) IsReserved() bool { return false }

// AsPosix is as_posix().
func (p *Path) AsPosix() string { return p.path }

// AsUri is as_uri().
func (p *Path) AsUri() (string, error) {
	if p.Root == "" {
		return "", vinegar.New("ValueError", "relative path can't be expressed as a file URI")
	}
	return "file://" + (&url.URL{Path: p.path}).EscapedPath(), nil
}

// Match is match(pattern): matching from the right, as pathlib's.
func (p *Path) Match(pattern string) (bool, error) {
	if pattern == "" {
		return false, vinegar.New("ValueError", "empty pattern")
	}
	pat := makePath(p.s, pattern)
	pp, patParts := partsText(p), partsText(pat)
	if pat.Root != "" {
		if len(pp) != len(patParts) {
			return false, nil
		}
	} else if len(patParts) > len(pp) {
		return false, nil
	}
	for i := 1; i <= len(patParts); i++ {
		if !fnmatchRegexp(patParts[len(patParts)-i]).MatchString(pp[len(pp)-i]) {
			return false, nil
		}
	}
	return true, nil
}

func (p *Path) concrete(name string) error {
	if p.pure {
		return vinegar.New("AttributeError", fmt.Sprintf("'PurePosixPath' object has no attribute '%s'", name))
	}
	return nil
}

// Exists is exists().
func (p *Path) Exists() bool { _, err := os.Stat(p.path); return err == nil }

// IsFile is is_file().
func (p *Path) IsFile() bool { st, err := os.Stat(p.path); return err == nil && st.Mode().IsRegular() }

// IsDir is is_dir().
func (p *Path) IsDir() bool { return isDirPath(p.path) }

// IsSymlink is is_symlink().
func (p *Path) IsSymlink() bool {
	st, err := os.Lstat(p.path)
	return err == nil && st.Mode()&fs.ModeSymlink != 0
}

// IsFifo is is_fifo().
func (p *Path) IsFifo() bool {
	st, err := os.Stat(p.path)
	return err == nil && st.Mode()&fs.ModeNamedPipe != 0
}

// IsSocket is is_socket().
func (p *Path) IsSocket() bool {
	st, err := os.Stat(p.path)
	return err == nil && st.Mode()&fs.ModeSocket != 0
}

// IsMount is is_mount().
func (p *Path) IsMount(ctx context.Context) bool {
	return (&pathModule{s: p.s}).Ismount(ctx, p.path)
}

// Stat is stat().
func (p *Path) Stat(follow bool) (*StatResult, error) {
	if !follow {
		return statPath(p.path, os.Lstat)
	}
	return statPath(p.path, os.Stat)
}

// Lstat is lstat().
func (p *Path) Lstat() (*StatResult, error) { return statPath(p.path, os.Lstat) }

// Owner is owner(): the file owner's user name.
func (p *Path) Owner() (string, error) {
	st, err := statPath(p.path, os.Stat)
	if err != nil {
		return "", err
	}
	u, err := user.LookupId(strconv.FormatInt(st.UID, 10))
	if err != nil {
		return "", vinegar.New("KeyError", fmt.Sprintf("getpwuid(): uid not found: %d", st.UID))
	}
	return u.Username, nil
}

// Group is group(): the file's group name.
func (p *Path) Group() (string, error) {
	st, err := statPath(p.path, os.Stat)
	if err != nil {
		return "", err
	}
	g, err := user.LookupGroupId(strconv.FormatInt(st.GID, 10))
	if err != nil {
		return "", vinegar.New("KeyError", fmt.Sprintf("getgrgid(): gid not found: %d", st.GID))
	}
	return g.Name, nil
}

// ReadText is read_text().
func (p *Path) ReadText(encoding, errs any) (string, error) {
	b, err := os.ReadFile(p.path)
	if err != nil {
		return "", err
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), nil
}

// ReadBytes is read_bytes().
func (p *Path) ReadBytes() ([]byte, error) { return os.ReadFile(p.path) }

// WriteText is write_text(data): the number of characters written.
func (p *Path) WriteText(data any, encoding, errs, newline any) (int, error) {
	s, ok := data.(string)
	if !ok {
		return 0, vinegar.New("TypeError", "data must be str, not "+pyType(data))
	}
	if err := os.WriteFile(p.path, []byte(s), 0o666); err != nil {
		return 0, err
	}
	return len([]rune(s)), nil
}

// WriteBytes is write_bytes(data): the number of bytes written.
func (p *Path) WriteBytes(data any) (int, error) {
	b, ok := data.([]byte)
	if !ok {
		return 0, vinegar.New("TypeError", fmt.Sprintf("memoryview: a bytes-like object is required, not '%s'", pyType(data)))
	}
	return len(b), os.WriteFile(p.path, b, 0o666)
}

// Open is open(mode='r', ...).
func (p *Path) Open(mode string, buffering int, encoding, errs, newline any) (any, error) {
	return openFile(p.path, mode)
}

// Mkdir is mkdir(mode=0o777, parents=False, exist_ok=False).
func (p *Path) Mkdir(mode int, parents, existOK bool) error {
	var err error
	if parents {
		if isDirPath(p.path) {
			err = osError(syscall.EEXIST, p.path)
		} else {
			err = os.MkdirAll(p.path, fs.FileMode(mode))
		}
	} else {
		err = os.Mkdir(p.path, fs.FileMode(mode))
	}
	if err != nil && existOK && isDirPath(p.path) {
		return nil
	}
	return err
}

// Rmdir is rmdir().
func (p *Path) Rmdir() error {
	if !isDirPath(p.path) {
		if _, err := os.Lstat(p.path); err != nil {
			return err
		}
		return osError(syscall.ENOTDIR, p.path)
	}
	return os.Remove(p.path)
}

// Unlink is unlink(missing_ok=False).
func (p *Path) Unlink(missingOK bool) error {
	if st, err := os.Lstat(p.path); err == nil && st.IsDir() {
		return osError(isDirErrno, p.path)
	}
	err := os.Remove(p.path)
	if err != nil && missingOK && os.IsNotExist(err) {
		return nil
	}
	return err
}

// Touch is touch(mode=0o666, exist_ok=True).
func (p *Path) Touch(mode int, existOK bool) error {
	if _, err := os.Stat(p.path); err == nil {
		if !existOK {
			return osError(syscall.EEXIST, p.path)
		}
		now := timeNow()
		return os.Chtimes(p.path, now, now)
	}
	f, err := os.OpenFile(p.path, os.O_CREATE|os.O_WRONLY, fs.FileMode(mode))
	if err != nil {
		return err
	}
	return f.Close()
}

// Chmod is chmod(mode).
func (p *Path) Chmod(mode int, follow bool) error { return os.Chmod(p.path, goMode(mode)) }

// Rename is rename(target): the new path.
func (p *Path) Rename(ctx context.Context, target any) (*Path, error) {
	t, err := fspath(ctx, target)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(p.path, t); err != nil {
		return nil, err
	}
	return p.derive(t), nil
}

// Replace is replace(target).
func (p *Path) Replace(ctx context.Context, target any) (*Path, error) { return p.Rename(ctx, target) }

// SymlinkTo is symlink_to(target): this path becomes a link to target.
func (p *Path) SymlinkTo(ctx context.Context, target any, isDir bool) error {
	t, err := fspath(ctx, target)
	if err != nil {
		return err
	}
	return linkError(os.Symlink(t, p.path), t, p.path)
}

// HardlinkTo is hardlink_to(target).
func (p *Path) HardlinkTo(ctx context.Context, target any) error {
	t, err := fspath(ctx, target)
	if err != nil {
		return err
	}
	return linkError(os.Link(t, p.path), t, p.path)
}

// Readlink is readlink().
func (p *Path) Readlink() (*Path, error) {
	t, err := os.Readlink(p.path)
	if err != nil {
		return nil, err
	}
	return p.derive(t), nil
}

// Samefile is samefile(other).
func (p *Path) Samefile(ctx context.Context, other any) (bool, error) {
	return (&pathModule{s: p.s}).Samefile(ctx, p.path, other)
}

// Resolve is resolve(strict=False): absolute, symbolic links resolved.
func (p *Path) Resolve(strict bool) (*Path, error) {
	if strict {
		if _, err := os.Stat(p.path); err != nil {
			return nil, err
		}
	}
	r, err := realpath(p.path)
	if err != nil {
		return nil, err
	}
	return p.derive(r), nil
}

// Absolute is absolute().
func (p *Path) Absolute() (*Path, error) {
	if p.Root != "" {
		return p, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return p.derive(joinPath(wd, p.path)), nil
}

// Expanduser is expanduser().
func (p *Path) Expanduser() *Path { return p.derive(expanduser(p.s, p.path)) }

// Iterdir is iterdir(): the directory's entries as paths.
func (p *Path) Iterdir() (iter.Seq[any], error) {
	entries, err := os.ReadDir(p.path)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(entries))
	for i, e := range entries {
		out[i] = p.derive(joinPath(p.path, e.Name()))
	}
	return seqOf(out), nil
}

// Glob is glob(pattern): matching paths under this one (dot files
// included, as pathlib matches them); ** matches any depth.
func (p *Path) Glob(pattern string) (iter.Seq[any], error) {
	if pattern == "" {
		return nil, vinegar.New("ValueError", fmt.Sprintf("Unacceptable pattern: %s", brine.Repr(pattern)))
	}
	if strings.HasPrefix(pattern, "/") {
		return nil, vinegar.New("NotImplementedError", "Non-relative patterns are unsupported")
	}
	var out []any
	for _, m := range globPaths(p.path, pattern, true, true) {
		out = append(out, p.derive(joinPath(p.path, m)))
	}
	return seqOf(out), nil
}

// Rglob is rglob(pattern): glob("**/" + pattern).
func (p *Path) Rglob(pattern string) (iter.Seq[any], error) { return p.Glob("**/" + pattern) }
