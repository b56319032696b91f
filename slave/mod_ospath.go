package slave

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// pathModule is Python's os.path (posixpath).
type pathModule struct {
	module
	// Sep is os.path.sep.
	Sep string `rpyc:"sep"`
}

// Join is os.path.join: an absolute part restarts the path, and the
// result is not cleaned (join("a", "../b") is "a/../b"), as Python's.
func (p *pathModule) Join(first string, rest ...string) string {
	out := first
	for _, r := range rest {
		switch {
		case strings.HasPrefix(r, "/"):
			out = r
		case out == "" || strings.HasSuffix(out, "/"):
			out += r
		default:
			out += "/" + r
		}
	}
	return out
}

// Exists is os.path.exists.
func (p *pathModule) Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Lexists is os.path.lexists.
func (p *pathModule) Lexists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// Isdir is os.path.isdir.
func (p *pathModule) Isdir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// Isfile is os.path.isfile.
func (p *pathModule) Isfile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// Islink is os.path.islink.
func (p *pathModule) Islink(path string) bool {
	st, err := os.Lstat(path)
	return err == nil && st.Mode()&os.ModeSymlink != 0
}

// Isabs is os.path.isabs.
func (p *pathModule) Isabs(path string) bool { return strings.HasPrefix(path, "/") }

// Getsize is os.path.getsize.
func (p *pathModule) Getsize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// Getmtime is os.path.getmtime.
func (p *pathModule) Getmtime(path string) (float64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return float64(st.ModTime().UnixNano()) / 1e9, nil
}

// Basename is os.path.basename: what follows the last slash ("" for
// "a/").
func (p *pathModule) Basename(path string) string { return path[strings.LastIndexByte(path, '/')+1:] }

// Dirname is os.path.dirname: what precedes the last slash, without
// trailing slashes unless it is the root.
func (p *pathModule) Dirname(path string) string {
	head := path[:strings.LastIndexByte(path, '/')+1]
	if t := strings.TrimRight(head, "/"); t != "" {
		return t
	}
	return head
}

// Split is os.path.split.
func (p *pathModule) Split(path string) (string, string) { return p.Dirname(path), p.Basename(path) }

// Splitext is os.path.splitext.
func (p *pathModule) Splitext(path string) (string, string) {
	base := p.Basename(path)
	i := strings.LastIndexByte(base, '.')
	if i <= 0 || strings.Trim(base[:i], ".") == "" {
		return path, ""
	}
	cut := len(path) - len(base) + i
	return path[:cut], path[cut:]
}

// Abspath is os.path.abspath.
func (p *pathModule) Abspath(path string) (string, error) { return filepath.Abs(path) }

// Normpath is os.path.normpath.
func (p *pathModule) Normpath(path string) string { return filepath.Clean(path) }

// Realpath is os.path.realpath.
func (p *pathModule) Realpath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	return abs, nil
}

// Expanduser is os.path.expanduser.
func (p *pathModule) Expanduser(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return home + path[1:]
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
