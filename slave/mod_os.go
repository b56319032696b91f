package slave

import (
	"context"
	"crypto/rand"
	"io/fs"
	"iter"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// osModule is Python's os, over the Go os package. Errors become
// Python's OSError family (FileNotFoundError, FileExistsError,
// PermissionError, ...) with errno, strerror and filename, as Python
// raises them. Functions that need a Unix system (getuid, chown, kill,
// uname, mknod, the fd functions) live in os_unix.go; on Windows they
// raise NotImplementedError naming the function.
type osModule struct {
	Module
	s *SlaveService
	// Path is os.path.
	Path *pathModule `rpyc:"path"`
	// Sep is os.sep.
	Sep string `rpyc:"sep"`
	// Altsep is os.altsep (None on POSIX).
	Altsep any `rpyc:"altsep"`
	// Pathsep is os.pathsep.
	Pathsep string `rpyc:"pathsep"`
	// Linesep is os.linesep.
	Linesep string `rpyc:"linesep"`
	// Curdir is os.curdir.
	Curdir string `rpyc:"curdir"`
	// Pardir is os.pardir.
	Pardir string `rpyc:"pardir"`
	// Extsep is os.extsep.
	Extsep string `rpyc:"extsep"`
	// Devnull is os.devnull.
	Devnull string `rpyc:"devnull"`
	// Name is os.name ("posix", "nt").
	Name string `rpyc:"name"`
	// Environ is os.environ, a mapping of this connection's environment
	// (copied from the server's when the module was first imported).
	// Changing it changes what os.getenv, os.system and subprocess see,
	// for this connection.
	Environ *environ `rpyc:"environ"`
	// Error is os.error, an alias of OSError.
	Error *vinegar.Class `rpyc:"error"`
	// The open flags, for os.open, and the access modes, for os.access.
	ORdonly                int `rpyc:"O_RDONLY"`
	OWronly                int `rpyc:"O_WRONLY"`
	ORdwr                  int `rpyc:"O_RDWR"`
	OCreat                 int `rpyc:"O_CREAT"`
	OTrunc                 int `rpyc:"O_TRUNC"`
	OAppend                int `rpyc:"O_APPEND"`
	OExcl                  int `rpyc:"O_EXCL"`
	FOK                    int `rpyc:"F_OK"`
	ROK                    int `rpyc:"R_OK"`
	WOK                    int `rpyc:"W_OK"`
	XOK                    int `rpyc:"X_OK"`
	SeekSet                int `rpyc:"SEEK_SET"`
	SeekCur                int `rpyc:"SEEK_CUR"`
	SeekEnd                int `rpyc:"SEEK_END"`
	WNOHANG                int `rpyc:"WNOHANG"`
	ExOK                   int `rpyc:"EX_OK"`
	SupportsFollowSymlinks any `rpyc:"supports_follow_symlinks"`
}

func newOS(s *SlaveService) *osModule {
	name, altsep := "posix", any(nil)
	if runtime.GOOS == "windows" {
		name, altsep = "nt", "/"
	}
	return &osModule{
		Module: newModule("os"), s: s, Path: newPathModule(s),
		Sep: string(filepath.Separator), Altsep: altsep, Pathsep: string(filepath.ListSeparator), Linesep: lineSep,
		Curdir: ".", Pardir: "..", Extsep: ".", Devnull: os.DevNull, Name: name, Environ: newEnviron(s),
		Error:   vinegar.ErrOSError,
		ORdonly: os.O_RDONLY, OWronly: os.O_WRONLY, ORdwr: os.O_RDWR, OCreat: os.O_CREATE,
		OTrunc: os.O_TRUNC, OAppend: os.O_APPEND, OExcl: os.O_EXCL,
		FOK: 0, ROK: 4, WOK: 2, XOK: 1, SeekSet: 0, SeekCur: 1, SeekEnd: 2, WNOHANG: 1, ExOK: 0,
		SupportsFollowSymlinks: brine.FrozenSet{},
	}
}

// RPyCParams gives os functions Python's keyword arguments.
func (m *osModule) RPyCParams() map[string]string {
	return map[string]string{
		"Mkdir":      "path, mode=511, dir_fd=None",
		"Makedirs":   "name, mode=511, exist_ok=False",
		"Listdir":    "path=None",
		"Scandir":    "path=None",
		"Walk":       "top, topdown=True, onerror=None, followlinks=False",
		"Open":       "path, flags, mode=511, dir_fd=None",
		"Getenv":     "key, default=None",
		"Stat":       "path, dir_fd=None, follow_symlinks=True",
		"Lstat":      "path, dir_fd=None",
		"Chmod":      "path, mode, dir_fd=None, follow_symlinks=True",
		"Chown":      "path, uid, gid, dir_fd=None, follow_symlinks=True",
		"Symlink":    "src, dst, target_is_directory=False, dir_fd=None",
		"Readlink":   "path, dir_fd=None",
		"Link":       "src, dst, src_dir_fd=None, dst_dir_fd=None, follow_symlinks=True",
		"Utime":      "path, times=None, ns=None, dir_fd=None, follow_symlinks=True",
		"Mknod":      "path, mode=384, device=0, dir_fd=None",
		"Access":     "path, mode, dir_fd=None, effective_ids=False, follow_symlinks=True",
		"Remove":     "path, dir_fd=None",
		"Unlink":     "path, dir_fd=None",
		"Rmdir":      "path, dir_fd=None",
		"Rename":     "src, dst, src_dir_fd=None, dst_dir_fd=None",
		"Replace":    "src, dst, src_dir_fd=None, dst_dir_fd=None",
		"Removedirs": "name",
		"Renames":    "old, new",
		"Truncate":   "path, length",
		"Kill":       "pid, signal",
		"Killpg":     "pgid, signal",
		"Umask":      "mask",
		"Putenv":     "name, value",
		"Unsetenv":   "name",
		"System":     "command",
		"Urandom":    "size",
		"Strerror":   "code",
		"Fspath":     "path",
		"Chdir":      "path",
		"Read":       "fd, length",
		"Write":      "fd, data",
		"Close":      "fd",
		"Pread":      "fd, length, offset",
		"Pwrite":     "fd, data, offset",
		"Lseek":      "fd, position, whence",
		"Fsync":      "fd",
		"Getpgid":    "pid",
		"Waitpid":    "pid, options",
	}
}

// Getcwd is os.getcwd.
func (m *osModule) Getcwd() (string, error) { return os.Getwd() }

// Getcwdb is os.getcwdb.
func (m *osModule) Getcwdb() ([]byte, error) {
	d, err := os.Getwd()
	return []byte(d), err
}

// Chdir is os.chdir (process-wide, as in Python).
func (m *osModule) Chdir(ctx context.Context, path any) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	return os.Chdir(p)
}

// Fspath is os.fspath.
func (m *osModule) Fspath(ctx context.Context, path any) (any, error) {
	p, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	return pathResult(path, p), nil
}

// Listdir is os.listdir: names in arbitrary order, as Python's (here:
// sorted).
func (m *osModule) Listdir(ctx context.Context, path any) ([]any, error) {
	p, err := dirArg(ctx, path)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(entries))
	for i, e := range entries {
		out[i] = pathResult(path, e.Name())
	}
	return out, nil
}

// dirArg reads a directory argument that defaults to "." (None).
func dirArg(ctx context.Context, path any) (string, error) {
	if path == nil {
		return ".", nil
	}
	return fspath(ctx, path)
}

// Mkdir is os.mkdir.
func (m *osModule) Mkdir(ctx context.Context, path any, mode int, dirFd any) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	return os.Mkdir(p, fs.FileMode(mode))
}

// Makedirs is os.makedirs: FileExistsError when the directory exists
// and exist_ok is false.
func (m *osModule) Makedirs(ctx context.Context, name any, mode int, existOK bool) error {
	p, err := fspath(ctx, name)
	if err != nil {
		return err
	}
	if st, err := os.Stat(p); err == nil {
		if !existOK || !st.IsDir() {
			return osError(syscall.EEXIST, p)
		}
		return nil
	}
	return os.MkdirAll(p, fs.FileMode(mode))
}

// Remove is os.remove.
func (m *osModule) Remove(ctx context.Context, path, dirFd any) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	if st, err := os.Lstat(p); err == nil && st.IsDir() {
		return osError(isDirErrno, p)
	}
	return os.Remove(p)
}

// Unlink is os.unlink.
func (m *osModule) Unlink(ctx context.Context, path, dirFd any) error {
	return m.Remove(ctx, path, dirFd)
}

// Rmdir is os.rmdir.
func (m *osModule) Rmdir(ctx context.Context, path, dirFd any) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	st, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return osError(syscall.ENOTDIR, p)
	}
	return os.Remove(p)
}

// Removedirs is os.removedirs: the leaf, then each empty parent.
func (m *osModule) Removedirs(ctx context.Context, name any) error {
	p, err := fspath(ctx, name)
	if err != nil {
		return err
	}
	if err := m.Rmdir(ctx, p, nil); err != nil {
		return err
	}
	for dir := filepath.Dir(p); dir != "." && dir != string(filepath.Separator) && dir != p; dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break
		}
		p = dir
	}
	return nil
}

// Rename is os.rename.
func (m *osModule) Rename(ctx context.Context, src, dst, srcDirFd, dstDirFd any) error {
	s, err := fspath(ctx, src)
	if err != nil {
		return err
	}
	d, err := fspath(ctx, dst)
	if err != nil {
		return err
	}
	return os.Rename(s, d)
}

// Replace is os.replace.
func (m *osModule) Replace(ctx context.Context, src, dst, srcDirFd, dstDirFd any) error {
	return m.Rename(ctx, src, dst, nil, nil)
}

// Renames is os.renames: rename, creating the new parents.
func (m *osModule) Renames(ctx context.Context, oldName, newName any) error {
	d, err := fspath(ctx, newName)
	if err != nil {
		return err
	}
	if dir := filepath.Dir(d); dir != "" {
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return err
		}
	}
	return m.Rename(ctx, oldName, d, nil, nil)
}

// Truncate is os.truncate.
func (m *osModule) Truncate(ctx context.Context, path any, length int64) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	return os.Truncate(p, length)
}

// Getpid is os.getpid.
func (m *osModule) Getpid() int { return os.Getpid() }

// Getppid is os.getppid.
func (m *osModule) Getppid() int { return os.Getppid() }

// Getenv is os.getenv, from this connection's os.environ.
func (m *osModule) Getenv(key string, def any) any {
	if v, ok := m.Environ.lookup(key); ok {
		return v
	}
	return def
}

// Putenv is os.putenv: sets the variable for programs started later
// (this connection's environment).
func (m *osModule) Putenv(name, value string) { m.Environ.set(name, value) }

// Unsetenv is os.unsetenv.
func (m *osModule) Unsetenv(name string) { m.Environ.del(name) }

// Stat is os.stat.
func (m *osModule) Stat(ctx context.Context, path, dirFd any, followSymlinks bool) (*StatResult, error) {
	if fd, ok := path.(int64); ok {
		return fstat(int(fd))
	}
	p, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	if !followSymlinks {
		return statPath(p, os.Lstat)
	}
	return statPath(p, os.Stat)
}

// Lstat is os.lstat.
func (m *osModule) Lstat(ctx context.Context, path, dirFd any) (*StatResult, error) {
	p, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	return statPath(p, os.Lstat)
}

// Chmod is os.chmod (on Windows only the read-only bit means anything).
func (m *osModule) Chmod(ctx context.Context, path any, mode int, dirFd any, followSymlinks bool) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	return os.Chmod(p, goMode(mode))
}

// goMode is a POSIX mode's permission and set-id bits as Go's FileMode.
func goMode(mode int) fs.FileMode {
	fm := fs.FileMode(mode & 0o777)
	if mode&0o4000 != 0 {
		fm |= fs.ModeSetuid
	}
	if mode&0o2000 != 0 {
		fm |= fs.ModeSetgid
	}
	if mode&0o1000 != 0 {
		fm |= fs.ModeSticky
	}
	return fm
}

// Symlink is os.symlink: dst becomes a link to src.
func (m *osModule) Symlink(ctx context.Context, src, dst any, targetIsDirectory bool, dirFd any) error {
	return linkPaths(ctx, src, dst, os.Symlink)
}

// Link is os.link.
func (m *osModule) Link(ctx context.Context, src, dst, srcDirFd, dstDirFd any, followSymlinks bool) error {
	return linkPaths(ctx, src, dst, os.Link)
}

// linkPaths runs a two-path call (symlink, link) with Python's errors.
func linkPaths(ctx context.Context, src, dst any, link func(string, string) error) error {
	s, d, err := twoPaths(ctx, src, dst)
	if err != nil {
		return err
	}
	return linkError(link(s, d), s, d)
}

// linkError is Python's OSError for a two-path call, with filename and
// filename2.
func linkError(err error, src, dst string) error {
	if err == nil {
		return nil
	}
	if en, ok := errnoOf(err); ok {
		return osError2(en, src, dst)
	}
	return err
}

// Readlink is os.readlink.
func (m *osModule) Readlink(ctx context.Context, path, dirFd any) (any, error) {
	p, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	t, err := os.Readlink(p)
	if err != nil {
		return nil, err
	}
	return pathResult(path, t), nil
}

// Utime is os.utime(path, times=None, *, ns=None): times is (atime,
// mtime) in seconds, ns the same in nanoseconds, neither means now.
func (m *osModule) Utime(ctx context.Context, path, times, ns, dirFd any, followSymlinks bool) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	at, mt := time.Now(), time.Now()
	switch {
	case times != nil && ns != nil:
		return vinegar.New("ValueError", "utime: you may specify either 'times' or 'ns' but not both")
	case times != nil:
		t, ok := times.(brine.Tuple)
		if !ok || len(t) != 2 {
			return vinegar.New("TypeError", "utime: 'times' must be either a tuple of two ints or None")
		}
		a, ok1 := number(t[0])
		b, ok2 := number(t[1])
		if !ok1 || !ok2 {
			return vinegar.New("TypeError", "utime: 'times' must be either a tuple of two ints or None")
		}
		at, mt = floatTime(a), floatTime(b)
	case ns != nil:
		t, ok := ns.(brine.Tuple)
		if !ok || len(t) != 2 {
			return vinegar.New("TypeError", "utime: 'ns' must be a tuple of two ints")
		}
		a, err1 := intArg(t[0], "ns")
		b, err2 := intArg(t[1], "ns")
		if err1 != nil || err2 != nil {
			return vinegar.New("TypeError", "utime: 'ns' must be a tuple of two ints")
		}
		at, mt = time.Unix(0, a), time.Unix(0, b)
	}
	return os.Chtimes(p, at, mt)
}

// floatTime is a float of seconds since the epoch as a time.
func floatTime(f float64) time.Time {
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9))
}

// CpuCount is os.cpu_count.
func (m *osModule) CpuCount() int { return runtime.NumCPU() }

// Urandom is os.urandom.
func (m *osModule) Urandom(size int) ([]byte, error) {
	if size < 0 {
		return nil, vinegar.New("ValueError", "negative argument not allowed")
	}
	b := make([]byte, size)
	_, err := rand.Read(b)
	return b, err
}

// Strerror is os.strerror.
func (m *osModule) Strerror(code int) string { return strerror(syscall.Errno(code)) }

// Getlogin is os.getlogin: the user running the server.
func (m *osModule) Getlogin() (string, error) {
	u, err := user.Current()
	if err != nil {
		return "", err
	}
	return u.Username, nil
}

// System is os.system: runs command in the shell with this connection's
// environment; its output goes to the server's standard output, as an
// inherited descriptor would. Returns the wait status as Python does
// (exit code << 8 on POSIX, the exit code on Windows).
func (m *osModule) System(ctx context.Context, command string) (int, error) {
	argv := append(shellArgv(), command)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	env := m.Environ.copyMap()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = m.s.opts.Stdout, m.s.opts.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		return 0, err
	}
	return waitStatus(cmd.ProcessState), nil
}

// Walk is os.walk: (dirpath, dirnames, filenames) tuples, top-down or
// bottom-up, each name list sorted; directories it cannot list are
// skipped (or passed to onerror), symbolic links to directories are
// followed only with followlinks.
func (m *osModule) Walk(ctx context.Context, top any, topdown bool, onerror any, followlinks bool) (iter.Seq[any], error) {
	p, err := fspath(ctx, top)
	if err != nil {
		return nil, err
	}
	return func(yield func(any) bool) {
		walkDir(ctx, p, topdown, onerror, followlinks, yield)
	}, nil
}

func walkDir(ctx context.Context, dir string, topdown bool, onerror any, followlinks bool, yield func(any) bool) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if fn, ok := onerror.(*rpyc.Netref); ok {
			_, _ = fn.Call(ctx, err)
		}
		return true
	}
	var dirs, files []string
	for _, e := range entries {
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(filepath.Join(dir, e.Name())); err == nil && st.IsDir() {
				isDir = true
			}
		}
		if isDir {
			dirs = append(dirs, e.Name())
		} else {
			files = append(files, e.Name())
		}
	}
	sort.Strings(dirs)
	sort.Strings(files)
	entry := brine.Tuple{dir, stringList(dirs), stringList(files)}
	if topdown && !yield(entry) {
		return false
	}
	for _, d := range dirs {
		sub := filepath.Join(dir, d)
		if !followlinks {
			if st, err := os.Lstat(sub); err == nil && st.Mode()&fs.ModeSymlink != 0 {
				continue
			}
		}
		if !walkDir(ctx, sub, topdown, onerror, followlinks, yield) {
			return false
		}
	}
	if !topdown && !yield(entry) {
		return false
	}
	return true
}

func stringList(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// StatResult is os.stat_result: st_mode is the POSIX mode (S_IFREG|0644
// and so on, as Python's stat module reads it), times are float seconds
// and integer nanoseconds, and the first ten fields are also items.
type StatResult struct {
	*structSeq
	Mode    int64   `rpyc:"st_mode"`
	Ino     int64   `rpyc:"st_ino"`
	Dev     int64   `rpyc:"st_dev"`
	Nlink   int64   `rpyc:"st_nlink"`
	UID     int64   `rpyc:"st_uid"`
	GID     int64   `rpyc:"st_gid"`
	Size    int64   `rpyc:"st_size"`
	Atime   float64 `rpyc:"st_atime"`
	Mtime   float64 `rpyc:"st_mtime"`
	Ctime   float64 `rpyc:"st_ctime"`
	AtimeNs int64   `rpyc:"st_atime_ns"`
	MtimeNs int64   `rpyc:"st_mtime_ns"`
	CtimeNs int64   `rpyc:"st_ctime_ns"`
	Blocks  int64   `rpyc:"st_blocks"`
	Blksize int64   `rpyc:"st_blksize"`
	Rdev    int64   `rpyc:"st_rdev"`
}

var statNames = []string{"st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime", "st_mtime", "st_ctime"}

// seal fills the tuple half from the fields.
func (r *StatResult) seal() *StatResult {
	r.structSeq = newStructSeq("os.stat_result", statNames, r.Mode, r.Ino, r.Dev, r.Nlink, r.UID, r.GID, r.Size,
		r.AtimeNs/1e9, r.MtimeNs/1e9, r.CtimeNs/1e9)
	return r
}

func statPath(path string, stat func(string) (fs.FileInfo, error)) (*StatResult, error) {
	fi, err := stat(path)
	if err != nil {
		return nil, err
	}
	return statOf(fi), nil
}

// statOf fills a stat result from a FileInfo (the system's stat
// structure where there is one, see stat_*.go).
func statOf(fi fs.FileInfo) *StatResult {
	r := &StatResult{Size: fi.Size(), Mode: posixMode(fi.Mode())}
	r.MtimeNs = fi.ModTime().UnixNano()
	r.AtimeNs, r.CtimeNs = r.MtimeNs, r.MtimeNs
	sysStat(fi, r)
	r.Atime, r.Mtime, r.Ctime = nsFloat(r.AtimeNs), nsFloat(r.MtimeNs), nsFloat(r.CtimeNs)
	return r.seal()
}

// nsFloat is nanoseconds as float seconds, computed as CPython does
// (seconds plus nanoseconds times 1e-9), so equal times compare equal.
func nsFloat(ns int64) float64 {
	sec, nsec := ns/1e9, ns%1e9
	if nsec < 0 {
		sec, nsec = sec-1, nsec+1e9
	}
	return float64(sec) + float64(nsec)*1e-9
}

// posixMode turns Go's FileMode into POSIX st_mode bits, for systems
// whose stat structure gives none.
func posixMode(m fs.FileMode) int64 {
	mode := int64(m.Perm())
	switch {
	case m.IsDir():
		mode |= 0o040000
	case m&fs.ModeSymlink != 0:
		mode |= 0o120000
	case m&fs.ModeNamedPipe != 0:
		mode |= 0o010000
	case m&fs.ModeSocket != 0:
		mode |= 0o140000
	case m&fs.ModeCharDevice != 0:
		mode |= 0o020000
	case m&fs.ModeDevice != 0:
		mode |= 0o060000
	default:
		mode |= 0o100000
	}
	if m&fs.ModeSetuid != 0 {
		mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		mode |= 0o1000
	}
	return mode
}

var _ rpyc.ParamNamer = (*osModule)(nil)
