package slave

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// shutilModule is Python's shutil: copies that keep modes and times,
// trees, moves, archives (zip, tar, gztar; bztar unpacks only), disk
// usage, which, with Python's exceptions (shutil.Error with the list of
// failures, SameFileError, ReadError).
type shutilModule struct {
	Module
	s *SlaveService
	// Error, SameFileError and ReadError are the exception classes.
	Error         *vinegar.Class `rpyc:"Error"`
	SameFileError *vinegar.Class `rpyc:"SameFileError"`
	ReadError     *vinegar.Class `rpyc:"ReadError"`
}

func newShutil(s *SlaveService) *shutilModule {
	return &shutilModule{Module: newModule("shutil"), s: s, Error: errShutilError, SameFileError: errSameFileError, ReadError: errReadError}
}

// RPyCParams gives the functions Python's keyword arguments.
func (m *shutilModule) RPyCParams() map[string]string {
	return map[string]string{
		"Rmtree":         "path, ignore_errors=False, onerror=None",
		"Copyfile":       "src, dst, follow_symlinks=True",
		"Copy":           "src, dst, follow_symlinks=True",
		"Copy2":          "src, dst, follow_symlinks=True",
		"Copymode":       "src, dst, follow_symlinks=True",
		"Copystat":       "src, dst, follow_symlinks=True",
		"Copytree":       "src, dst, symlinks=False, ignore=None, copy_function=None, ignore_dangling_symlinks=False, dirs_exist_ok=False",
		"Move":           "src, dst, copy_function=None",
		"Which":          "cmd, mode=1, path=None",
		"DiskUsage":      "path",
		"MakeArchive":    "base_name, format, root_dir=None, base_dir=None, verbose=0, dry_run=0, owner=None, group=None, logger=None",
		"UnpackArchive":  "filename, extract_dir=None, format=None",
		"Chown":          "path, user=None, group=None",
		"IgnorePatterns": "*patterns",
		"Copyfileobj":    "fsrc, fdst, length=0",
	}
}

// Rmtree is shutil.rmtree: errors are raised, passed to onerror(func,
// path, exc_info) or, with ignore_errors, ignored.
func (m *shutilModule) Rmtree(ctx context.Context, path any, ignoreErrors bool, onerror any) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	fail := func(fn string, where string, err error) error {
		if ignoreErrors {
			return nil
		}
		if h, ok := onerror.(*rpyc.Netref); ok {
			_, herr := h.Call(ctx, fn, where, brine.Tuple{nil, err.Error(), nil})
			return herr
		}
		return err
	}
	st, err := os.Lstat(p)
	if err != nil {
		return fail("lstat", p, err)
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		return fail("islink", p, vinegar.New("OSError", "Cannot call rmtree on a symbolic link"))
	}
	if !st.IsDir() {
		return fail("open", p, osError(syscall.ENOTDIR, p))
	}
	if err := os.RemoveAll(p); err != nil {
		return fail("rmdir", p, err)
	}
	return nil
}

// Copyfile is shutil.copyfile: dst gets src's bytes.
func (m *shutilModule) Copyfile(ctx context.Context, src, dst any, followSymlinks bool) (any, error) {
	s, d, err := twoPaths(ctx, src, dst)
	if err != nil {
		return nil, err
	}
	if err := sameFile(s, d); err != nil {
		return nil, err
	}
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return nil, osError(syscall.EISDIR, d)
	}
	if !followSymlinks {
		if t, err := os.Readlink(s); err == nil {
			return dst, os.Symlink(t, d)
		}
	}
	return dst, copyFile(s, d, false)
}

// sameFile is SameFileError when src and dst are one file.
func sameFile(src, dst string) error {
	a, err1 := os.Stat(src)
	b, err2 := os.Stat(dst)
	if err1 == nil && err2 == nil && os.SameFile(a, b) {
		return osErr(errSameFileError, fmt.Sprintf("%s and %s are the same file", brine.Repr(src), brine.Repr(dst)))
	}
	return nil
}

func twoPaths(ctx context.Context, src, dst any) (string, string, error) {
	s, err := fspath(ctx, src)
	if err != nil {
		return "", "", err
	}
	d, err := fspath(ctx, dst)
	return s, d, err
}

// intoDir is dst, or dst/basename(src) when dst is a directory.
func intoDir(src, dst string) string {
	if st, err := os.Stat(dst); err == nil && st.IsDir() {
		return joinPath(dst, basename(strings.TrimRight(src, "/")))
	}
	return dst
}

// Copy is shutil.copy: bytes and permission bits; dst may be a directory.
func (m *shutilModule) Copy(ctx context.Context, src, dst any, followSymlinks bool) (any, error) {
	return copyInto(ctx, src, dst, false)
}

// Copy2 is shutil.copy2: copy, and the times too (copystat).
func (m *shutilModule) Copy2(ctx context.Context, src, dst any, followSymlinks bool) (any, error) {
	return copyInto(ctx, src, dst, true)
}

// copyInto copies src to dst (into dst when it is a directory) with the
// permission bits, and with stat the times as well.
func copyInto(ctx context.Context, src, dst any, stat bool) (any, error) {
	s, d, err := twoPaths(ctx, src, dst)
	if err != nil {
		return nil, err
	}
	d = intoDir(s, d)
	if err := sameFile(s, d); err != nil {
		return nil, err
	}
	if err := copyFile(s, d, true); err != nil {
		return nil, err
	}
	if stat {
		err = copyStat(s, d)
	}
	return pathResult(dst, d), err
}

// Copymode is shutil.copymode.
func (m *shutilModule) Copymode(ctx context.Context, src, dst any, followSymlinks bool) error {
	s, d, err := twoPaths(ctx, src, dst)
	if err != nil {
		return err
	}
	st, err := os.Stat(s)
	if err != nil {
		return err
	}
	return os.Chmod(d, st.Mode().Perm())
}

// Copystat is shutil.copystat: mode bits and times.
func (m *shutilModule) Copystat(ctx context.Context, src, dst any, followSymlinks bool) error {
	s, d, err := twoPaths(ctx, src, dst)
	if err != nil {
		return err
	}
	return copyStat(s, d)
}

func copyStat(src, dst string) error {
	st, err := statPath(src, os.Stat)
	if err != nil {
		return err
	}
	if err := os.Chmod(dst, goMode(int(st.Mode))); err != nil {
		return err
	}
	return os.Chtimes(dst, floatTime(float64(st.AtimeNs)/1e9), floatTime(float64(st.MtimeNs)/1e9))
}

// Copytree is shutil.copytree: a copy of the tree with copy2 (modes and
// times); dst must not exist unless dirs_exist_ok; ignore is a
// callable(dir, names) giving names to skip (ignore_patterns makes one);
// errors are gathered into one shutil.Error.
func (m *shutilModule) Copytree(ctx context.Context, src, dst any, symlinks bool, ignore, copyFunction any, ignoreDangling, dirsExistOK bool) (any, error) {
	s, d, err := twoPaths(ctx, src, dst)
	if err != nil {
		return nil, err
	}
	var errs []any
	if err := m.copyTree(ctx, s, d, symlinks, ignore, dirsExistOK, &errs); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, osErr(errShutilError, errs)
	}
	return dst, nil
}

func (m *shutilModule) copyTree(ctx context.Context, src, dst string, symlinks bool, ignore any, existOK bool, errs *[]any) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	skip := map[string]bool{}
	if ignore != nil {
		names := make([]any, len(entries))
		for i, e := range entries {
			names[i] = e.Name()
		}
		out, err := callValue(ctx, ignore, src, names)
		if err != nil {
			return err
		}
		ignored, err := iterate(ctx, out)
		if err != nil {
			return err
		}
		for _, n := range ignored {
			skip[fmt.Sprint(n)] = true
		}
	}
	if _, err := os.Stat(dst); err == nil && !existOK {
		return osError(syscall.EEXIST, dst)
	}
	if err := os.MkdirAll(dst, 0o777); err != nil {
		return err
	}
	for _, e := range entries {
		if skip[e.Name()] {
			continue
		}
		s, d := joinPath(src, e.Name()), joinPath(dst, e.Name())
		var err error
		switch {
		case e.Type()&fs.ModeSymlink != 0 && symlinks:
			var t string
			if t, err = os.Readlink(s); err == nil {
				err = os.Symlink(t, d)
			}
		case e.IsDir() || (e.Type()&fs.ModeSymlink != 0 && isDirPath(s)):
			err = m.copyTree(ctx, s, d, symlinks, ignore, existOK, errs)
		default:
			if err = copyFile(s, d, true); err == nil {
				err = copyStat(s, d)
			}
		}
		if err != nil {
			*errs = append(*errs, brine.Tuple{s, d, err.Error()})
		}
	}
	if err := copyStat(src, dst); err != nil {
		*errs = append(*errs, brine.Tuple{src, dst, err.Error()})
	}
	return nil
}

func isDirPath(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// IgnorePatterns is shutil.ignore_patterns: a callable for copytree's
// ignore that skips names matching any glob pattern.
func (m *shutilModule) IgnorePatterns(patterns ...string) func(dir string, names []any) []any {
	return func(dir string, names []any) []any {
		out := []any{}
		for _, n := range names {
			s, _ := n.(string)
			for _, p := range patterns {
				if ok, _ := filepath.Match(p, s); ok {
					out = append(out, s)
					break
				}
			}
		}
		return out
	}
}

// Move is shutil.move: rename, or copy and remove across file systems;
// shutil.Error when dst is a directory that already holds src's name.
func (m *shutilModule) Move(ctx context.Context, src, dst, copyFunction any) (any, error) {
	s, d, err := twoPaths(ctx, src, dst)
	if err != nil {
		return nil, err
	}
	if isDirPath(d) {
		target := joinPath(d, basename(strings.TrimRight(s, "/")))
		if _, err := os.Lstat(target); err == nil {
			return nil, osErr(errShutilError, fmt.Sprintf("Destination path '%s' already exists", target))
		}
		d = target
	}
	if err := os.Rename(s, d); err == nil {
		return pathResult(dst, d), nil
	}
	st, err := os.Lstat(s)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		var errs []any
		if err := m.copyTree(ctx, s, d, true, nil, false, &errs); err != nil {
			return nil, err
		}
		if len(errs) > 0 {
			return nil, osErr(errShutilError, errs)
		}
	} else if err := copyFile(s, d, true); err != nil {
		return nil, err
	} else if err := copyStat(s, d); err != nil {
		return nil, err
	}
	return pathResult(dst, d), os.RemoveAll(s)
}

// Which is shutil.which: the program's path, or None.
func (m *shutilModule) Which(ctx context.Context, cmd any, mode int, path any) (any, error) {
	name, err := fspath(ctx, cmd)
	if err != nil {
		return nil, err
	}
	if path != nil {
		dirs, err := fspath(ctx, path)
		if err != nil {
			return nil, err
		}
		for _, dir := range filepath.SplitList(dirs) {
			p := joinPath(dir, name)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
				return p, nil
			}
		}
		return nil, nil
	}
	if osm, err := m.s.module("os"); err == nil {
		if envPath, ok := osm.(*osModule).Environ.lookup("PATH"); ok {
			return m.Which(ctx, name, mode, envPath)
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return nil, nil
	}
	return p, nil
}

// DiskUsage is shutil.disk_usage: (total, used, free) in bytes.
func (m *shutilModule) DiskUsage(ctx context.Context, path any) (*DiskUsage, error) {
	p, err := fspath(ctx, path)
	if err != nil {
		return nil, err
	}
	total, free, avail, err := diskUsage(p)
	if err != nil {
		return nil, &fs.PathError{Op: "statvfs", Path: p, Err: err}
	}
	u := &DiskUsage{Total: total, Used: total - free, Free: avail}
	u.structSeq = newStructSeq("usage", []string{"total", "used", "free"}, u.Total, u.Used, u.Free)
	return u, nil
}

// DiskUsage is shutil.disk_usage's named tuple.
type DiskUsage struct {
	*structSeq
	Total int64 `rpyc:"total"`
	Used  int64 `rpyc:"used"`
	Free  int64 `rpyc:"free"`
}

// Chown is shutil.chown(path, user=None, group=None): names or ids.
func (m *shutilModule) Chown(ctx context.Context, path, usr, group any) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	if usr == nil && group == nil {
		return vinegar.New("ValueError", "user and/or group must be set")
	}
	uid, gid := -1, -1
	if usr != nil {
		if uid, err = lookupID(usr, true); err != nil {
			return err
		}
	}
	if group != nil {
		if gid, err = lookupID(group, false); err != nil {
			return err
		}
	}
	osm, err := m.s.module("os")
	if err != nil {
		return err
	}
	return osm.(*osModule).Chown(ctx, p, uid, gid, nil, true)
}

func lookupID(v any, isUser bool) (int, error) {
	if n, ok := v.(int64); ok {
		return int(n), nil
	}
	name := fmt.Sprint(v)
	var id string
	if isUser {
		u, err := user.Lookup(name)
		if err != nil {
			return 0, vinegar.New("LookupError", "no such user: "+brine.Repr(name))
		}
		id = u.Uid
	} else {
		g, err := user.LookupGroup(name)
		if err != nil {
			return 0, vinegar.New("LookupError", "no such group: "+brine.Repr(name))
		}
		id = g.Gid
	}
	n, err := strconv.Atoi(id)
	return n, err
}

// Copyfileobj is shutil.copyfileobj: everything from one file object of
// this server to another.
func (m *shutilModule) Copyfileobj(ctx context.Context, fsrc, fdst any, length int) error {
	r, ok := fileReader(fsrc)
	if !ok {
		return vinegar.New("TypeError", "copyfileobj: fsrc must be a file object of this server")
	}
	w, ok := fileWriter(fdst)
	if !ok {
		return vinegar.New("TypeError", "copyfileobj: fdst must be a file object of this server")
	}
	_, err := io.Copy(w, r)
	return err
}

func fileReader(f any) (io.Reader, bool) {
	switch x := f.(type) {
	case *File:
		return x.f, true
	case *TextFile:
		return x.r, true
	}
	return nil, false
}

func fileWriter(f any) (io.Writer, bool) {
	switch x := f.(type) {
	case *File:
		return x.f, true
	case *TextFile:
		return x.f, true
	}
	return nil, false
}

func copyFile(src, dst string, mode bool) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if st, err := in.Stat(); err == nil && st.IsDir() {
		return osError(syscall.EISDIR, src)
	}
	perm := fs.FileMode(0o666)
	if st, err := in.Stat(); err == nil && mode {
		perm = st.Mode().Perm()
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if mode {
		_ = out.Chmod(perm)
	}
	return out.Close()
}

var errNotArchive = errors.New("not an archive")
