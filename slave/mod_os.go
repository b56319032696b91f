package slave

import (
	"errors"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
)

// osModule is Python's os, over the Go os package. Errors become
// Python's OSError family (FileNotFoundError, FileExistsError,
// PermissionError, ...) with errno and filename, as the engine maps
// fs errors.
type osModule struct {
	module
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
	// Devnull is os.devnull.
	Devnull string `rpyc:"devnull"`
	// Name is os.name ("posix").
	Name string `rpyc:"name"`
	// Environ is os.environ: a dict of the environment when the module
	// was imported. Changing it changes the environment of programs that
	// subprocess starts, and os.getenv, for this connection.
	Environ map[string]string `rpyc:"environ"`
	// The open flags, for os.open.
	ORdonly int `rpyc:"O_RDONLY"`
	OWronly int `rpyc:"O_WRONLY"`
	ORdwr   int `rpyc:"O_RDWR"`
	OCreat  int `rpyc:"O_CREAT"`
	OTrunc  int `rpyc:"O_TRUNC"`
	OAppend int `rpyc:"O_APPEND"`
	OExcl   int `rpyc:"O_EXCL"`
}

func newOS(s *SlaveService) *osModule {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				env[kv[:i]] = kv[i+1:]
				break
			}
		}
	}
	return &osModule{
		module: "os", Path: &pathModule{module: "posixpath", Sep: "/"},
		Sep: string(filepath.Separator), Pathsep: string(filepath.ListSeparator), Linesep: "\n",
		Curdir: ".", Pardir: "..", Devnull: os.DevNull, Name: "posix", Environ: env,
		ORdonly: os.O_RDONLY, OWronly: os.O_WRONLY, ORdwr: os.O_RDWR, OCreat: os.O_CREATE,
		OTrunc: os.O_TRUNC, OAppend: os.O_APPEND, OExcl: os.O_EXCL,
	}
}

// RPyCParams gives os functions Python's keyword arguments.
func (m *osModule) RPyCParams() map[string]string {
	return map[string]string{
		"Mkdir":    "path, mode=511",
		"Makedirs": "name, mode=511, exist_ok=False",
		"Listdir":  "path='.'",
		"Walk":     "top, topdown=True, onerror=None, followlinks=False",
		"Open":     "path, flags, mode=511",
		"Getenv":   "key, default=None",
		"Stat":     "path",
		"Lstat":    "path",
	}
}

// Getcwd is os.getcwd.
func (m *osModule) Getcwd() (string, error) { return os.Getwd() }

// Chdir is os.chdir (process-wide, as in Python).
func (m *osModule) Chdir(path string) error { return os.Chdir(path) }

// Listdir is os.listdir: names in arbitrary order, as Python's.
func (m *osModule) Listdir(path string) ([]string, error) {
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Name()
	}
	return out, nil
}

// Mkdir is os.mkdir.
func (m *osModule) Mkdir(path string, mode int) error { return os.Mkdir(path, fs.FileMode(mode)) }

// Makedirs is os.makedirs: FileExistsError when the directory exists
// and exist_ok is false.
func (m *osModule) Makedirs(name string, mode int, existOK bool) error {
	if !existOK {
		if _, err := os.Stat(name); err == nil {
			return &fs.PathError{Op: "makedirs", Path: name, Err: fs.ErrExist}
		}
	}
	return os.MkdirAll(name, fs.FileMode(mode))
}

// Remove is os.remove.
func (m *osModule) Remove(path string) error {
	if st, err := os.Lstat(path); err == nil && st.IsDir() {
		return &fs.PathError{Op: "remove", Path: path, Err: syscall.EISDIR}
	}
	return os.Remove(path)
}

// Unlink is os.unlink.
func (m *osModule) Unlink(path string) error { return m.Remove(path) }

// Rmdir is os.rmdir.
func (m *osModule) Rmdir(path string) error { return syscall.Rmdir(path) }

// Rename is os.rename.
func (m *osModule) Rename(src, dst string) error { return os.Rename(src, dst) }

// Replace is os.replace.
func (m *osModule) Replace(src, dst string) error { return os.Rename(src, dst) }

// Getpid is os.getpid.
func (m *osModule) Getpid() int { return os.Getpid() }

// Getenv is os.getenv, from this connection's os.environ.
func (m *osModule) Getenv(key string, def any) any {
	if v, ok := m.Environ[key]; ok {
		return v
	}
	return def
}

// Stat is os.stat.
func (m *osModule) Stat(path string) (*StatResult, error) { return statPath(path, os.Stat) }

// Lstat is os.lstat.
func (m *osModule) Lstat(path string) (*StatResult, error) { return statPath(path, os.Lstat) }

// Walk is os.walk (top-down): (dirpath, dirnames, filenames) tuples,
// each name list sorted.
func (m *osModule) Walk(top string, topdown bool, onerror any, followlinks bool) iter.Seq[any] {
	return func(yield func(any) bool) {
		walkDir(top, yield)
	}
}

func walkDir(dir string, yield func(any) bool) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return true // Python's walk skips what it cannot list
	}
	var dirs, files []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		} else {
			files = append(files, e.Name())
		}
	}
	sort.Strings(dirs)
	sort.Strings(files)
	if !yield(brine.Tuple{dir, strList(dirs), strList(files)}) {
		return false
	}
	for _, d := range dirs {
		if !walkDir(filepath.Join(dir, d), yield) {
			return false
		}
	}
	return true
}

func strList(s []string) brine.Tuple {
	out := make(brine.Tuple, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// Open is os.open: a file descriptor.
func (m *osModule) Open(path string, flags, mode int) (int, error) {
	fd, err := syscall.Open(path, flags|syscall.O_CLOEXEC, uint32(mode))
	if err != nil {
		return 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return fd, nil
}

// Close is os.close.
func (m *osModule) Close(fd int) error { return wrapErrno("close", syscall.Close(fd)) }

// Write is os.write.
func (m *osModule) Write(fd int, data []byte) (int, error) {
	n, err := syscall.Write(fd, data)
	return n, wrapErrno("write", err)
}

// Read is os.read.
func (m *osModule) Read(fd, n int) ([]byte, error) {
	buf := make([]byte, n)
	k, err := syscall.Read(fd, buf)
	if err != nil {
		return nil, wrapErrno("read", err)
	}
	return buf[:k], nil
}

// Pwrite is os.pwrite.
func (m *osModule) Pwrite(fd int, data []byte, off int64) (int, error) {
	n, err := syscall.Pwrite(fd, data, off)
	return n, wrapErrno("pwrite", err)
}

// Pread is os.pread.
func (m *osModule) Pread(fd, n int, off int64) ([]byte, error) {
	buf := make([]byte, n)
	k, err := syscall.Pread(fd, buf, off)
	if err != nil {
		return nil, wrapErrno("pread", err)
	}
	return buf[:k], nil
}

func wrapErrno(op string, err error) error {
	if err == nil {
		return nil
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return &fs.PathError{Op: op, Err: errno}
	}
	return err
}

// StatResult is os.stat_result: st_mode is the POSIX mode (S_IFREG|0644
// and so on, as Python's stat module reads it), times are float
// seconds.
type StatResult struct {
	Mode  int64   `rpyc:"st_mode"`
	Ino   int64   `rpyc:"st_ino"`
	Dev   int64   `rpyc:"st_dev"`
	Nlink int64   `rpyc:"st_nlink"`
	UID   int64   `rpyc:"st_uid"`
	GID   int64   `rpyc:"st_gid"`
	Size  int64   `rpyc:"st_size"`
	Atime float64 `rpyc:"st_atime"`
	Mtime float64 `rpyc:"st_mtime"`
	Ctime float64 `rpyc:"st_ctime"`
}

// GoString is the stat result's Python repr.
func (r *StatResult) GoString() string {
	return "os.stat_result(st_mode=" + itoa(r.Mode) + ", st_ino=" + itoa(r.Ino) + ", st_dev=" + itoa(r.Dev) +
		", st_nlink=" + itoa(r.Nlink) + ", st_uid=" + itoa(r.UID) + ", st_gid=" + itoa(r.GID) +
		", st_size=" + itoa(r.Size) + ", st_atime=" + itoa(int64(r.Atime)) + ", st_mtime=" + itoa(int64(r.Mtime)) +
		", st_ctime=" + itoa(int64(r.Ctime)) + ")"
}

// RPyCPickle lets Python's obtain copy a stat result by value.
func (r *StatResult) RPyCPickle() (any, error) {
	return brine.Tuple{r.Mode, r.Ino, r.Dev, r.Nlink, r.UID, r.GID, r.Size, r.Atime, r.Mtime, r.Ctime}, nil
}

func statPath(path string, stat func(string) (fs.FileInfo, error)) (*StatResult, error) {
	fi, err := stat(path)
	if err != nil {
		return nil, err
	}
	r := &StatResult{Size: fi.Size(), Mtime: float64(fi.ModTime().UnixNano()) / 1e9}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		r.Mode = int64(st.Mode)
		r.Ino, r.Dev, r.Nlink = int64(st.Ino), int64(st.Dev), int64(st.Nlink)
		r.UID, r.GID = int64(st.Uid), int64(st.Gid)
		r.Atime, r.Ctime = statTimes(st)
	}
	return r, nil
}

var _ rpyc.ParamNamer = (*osModule)(nil)
