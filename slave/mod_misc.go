package slave

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/rpyc-go/rpyc/vinegar"
)

// timeModule is Python's time.
type timeModule struct{ module }

var start = time.Now()

// Time is time.time.
func (timeModule) Time() float64 { return float64(time.Now().UnixNano()) / 1e9 }

// TimeNs is time.time_ns.
func (timeModule) TimeNs() int64 { return time.Now().UnixNano() }

// Monotonic is time.monotonic.
func (timeModule) Monotonic() float64 { return time.Since(start).Seconds() }

// PerfCounter is time.perf_counter.
func (timeModule) PerfCounter() float64 { return time.Since(start).Seconds() }

// Sleep is time.sleep; it ends early, with an error, when the client
// gives up on the call or the connection ends.
func (timeModule) Sleep(ctx context.Context, secs float64) error {
	if secs < 0 {
		return vinegar.New("ValueError", "sleep length must be non-negative")
	}
	t := time.NewTimer(time.Duration(secs * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Ctime is time.ctime() of now.
func (timeModule) Ctime() string { return time.Now().Format("Mon Jan _2 15:04:05 2006") }

// socketModule is Python's socket, for gethostname.
type socketModule struct{ module }

// Gethostname is socket.gethostname.
func (socketModule) Gethostname() (string, error) { return os.Hostname() }

// platformModule is Python's platform.
type platformModule struct{ module }

// System is platform.system ("Linux").
func (platformModule) System() string {
	s := runtime.GOOS
	return strings.ToUpper(s[:1]) + s[1:]
}

// Machine is platform.machine ("x86_64").
func (platformModule) Machine() string {
	if m, _ := uname(); m != "" {
		return m
	}
	return runtime.GOARCH
}

// Node is platform.node.
func (platformModule) Node() string { h, _ := os.Hostname(); return h }

// Release is platform.release (the kernel's).
func (platformModule) Release() string {
	_, r := uname()
	return r
}

// Platform is platform.platform.
func (p platformModule) Platform() string {
	return fmt.Sprintf("%s-%s-%s", p.System(), p.Release(), p.Machine())
}

// PythonImplementation is platform.python_implementation: this server's.
func (platformModule) PythonImplementation() string { return "rpyc-go" }

// PythonVersion is platform.python_version: the Python this server
// speaks for.
func (platformModule) PythonVersion() string { return "3.11.0" }

// GoVersion is the Go version that built this server (not in Python).
func (platformModule) GoVersion() string { return runtime.Version() }

// shutilModule is Python's shutil, its basics.
type shutilModule struct{ module }

// Rmtree is shutil.rmtree.
func (shutilModule) Rmtree(path string) error {
	if _, err := os.Lstat(path); err != nil {
		return err
	}
	return os.RemoveAll(path)
}

// Copyfile is shutil.copyfile: dst gets src's bytes.
func (shutilModule) Copyfile(src, dst string) (string, error) { return dst, copyFile(src, dst, false) }

// Copy is shutil.copy: bytes and permission bits; dst may be a directory.
func (shutilModule) Copy(src, dst string) (string, error) {
	if st, err := os.Stat(dst); err == nil && st.IsDir() {
		dst = filepath.Join(dst, filepath.Base(src))
	}
	return dst, copyFile(src, dst, true)
}

// Copytree is shutil.copytree: dst must not exist.
func (s shutilModule) Copytree(src, dst string) (string, error) {
	if _, err := os.Stat(dst); err == nil {
		return "", &fs.PathError{Op: "copytree", Path: dst, Err: fs.ErrExist}
	}
	return dst, os.CopyFS(dst, os.DirFS(src))
}

// Move is shutil.move: rename, or copy and remove across filesystems.
func (s shutilModule) Move(src, dst string) (string, error) {
	if st, err := os.Stat(dst); err == nil && st.IsDir() {
		dst = filepath.Join(dst, filepath.Base(src))
	}
	if err := os.Rename(src, dst); err == nil {
		return dst, nil
	}
	st, err := os.Stat(src)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
			return "", err
		}
	} else if err := copyFile(src, dst, true); err != nil {
		return "", err
	}
	return dst, os.RemoveAll(src)
}

// Which is shutil.which: the program's path, or None.
func (shutilModule) Which(name string) any {
	p, err := exec.LookPath(name)
	if err != nil {
		return nil
	}
	return p
}

func copyFile(src, dst string, mode bool) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
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

// importlibModule is Python's importlib: enough for classic clients.
type importlibModule struct {
	module
	// Util is importlib.util.
	Util *importlibUtil `rpyc:"util"`
}

// ImportModule is importlib.import_module.
func (m *importlibModule) ImportModule(name string) (any, error) { return m.Util.s.module(name) }

// importlibUtil is importlib.util. Python's classic client fetches it
// while connecting (its module namespace asks it whether a name can be
// imported, through a private function Go cannot expose).
type importlibUtil struct {
	module
	s *SlaveService
}

// FindSpec is importlib.util.find_spec: the name when getmodule can
// import it, else None.
func (u *importlibUtil) FindSpec(name string) any {
	if _, ok := moduleMakers[name]; ok {
		return name
	}
	return nil
}
