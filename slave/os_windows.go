package slave

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/windows"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The Windows side of os_unix.go: what Windows has (kill as
// TerminateProcess, access by the file's attributes) works, what it has
// not (uids, file descriptors of the C runtime, device nodes) raises
// NotImplementedError naming the function.

const lineSep = "\r\n"

// isDirErrno is what os.remove of a directory raises on Windows
// (PermissionError, as Python's WinError 5).
const isDirErrno = syscall.ERROR_ACCESS_DENIED

// sigTerm is the signal terminate sends (TerminateProcess here).
const sigTerm = syscall.SIGTERM

func notOnWindows(name string) error {
	return vinegar.New("NotImplementedError", fmt.Sprintf("%s is not available on Windows (this server runs on %s)", name, runtime.GOOS))
}

// shellArgv runs a command line in cmd.exe, as Python's shell=True.
func shellArgv() []string {
	if c := os.Getenv("COMSPEC"); c != "" {
		return []string{c, "/c"}
	}
	return []string{"cmd.exe", "/c"}
}

// newSession starts the program in a new process group
// (start_new_session).
func newSession(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// signalProcess ends p for SIGTERM and SIGKILL, as Python's
// send_signal does on Windows; other signals are a ValueError.
func signalProcess(p *os.Process, sig int) error {
	if sig != int(syscall.SIGTERM) && sig != int(syscall.SIGKILL) {
		return vinegar.New("ValueError", fmt.Sprintf("Unsupported signal: %d", sig))
	}
	err := p.Kill()
	if errors.Is(err, os.ErrProcessDone) {
		return nil
	}
	return err
}

// waitStatus is os.system's result on Windows: the exit code.
func waitStatus(ps *os.ProcessState) int { return ps.ExitCode() }

// uname is what Windows can say of itself.
func uname() (sysname, nodename, release, version, machine string) {
	host, _ := os.Hostname()
	arch := map[string]string{"amd64": "AMD64", "arm64": "ARM64", "386": "x86"}[runtime.GOARCH]
	return "Windows", host, "", "", arch
}

func fstat(fd int) (*StatResult, error) { return nil, notOnWindows("os.fstat") }

// Open is os.open (not available: Windows has no C runtime descriptors
// here).
func (m *osModule) Open(ctx context.Context, path any, flags, mode int, dirFd any) (int, error) {
	return 0, notOnWindows("os.open")
}

// Close is os.close.
func (m *osModule) Close(fd int) error { return notOnWindows("os.close") }

// Write is os.write.
func (m *osModule) Write(fd int, data []byte) (int, error) { return 0, notOnWindows("os.write") }

// Read is os.read.
func (m *osModule) Read(fd, n int) ([]byte, error) { return nil, notOnWindows("os.read") }

// Pwrite is os.pwrite.
func (m *osModule) Pwrite(fd int, data []byte, off int64) (int, error) {
	return 0, notOnWindows("os.pwrite")
}

// Pread is os.pread.
func (m *osModule) Pread(fd, n int, off int64) ([]byte, error) { return nil, notOnWindows("os.pread") }

// Lseek is os.lseek.
func (m *osModule) Lseek(fd int, pos int64, whence int) (int64, error) {
	return 0, notOnWindows("os.lseek")
}

// Fsync is os.fsync.
func (m *osModule) Fsync(fd int) error { return notOnWindows("os.fsync") }

// Kill is os.kill: on Windows, SIGTERM and SIGKILL end the process.
func (m *osModule) Kill(pid, sig int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return signalProcess(p, sig)
}

// Killpg is os.killpg.
func (m *osModule) Killpg(pgid, sig int) error { return notOnWindows("os.killpg") }

// Getpgid is os.getpgid.
func (m *osModule) Getpgid(pid int) (int, error) { return 0, notOnWindows("os.getpgid") }

// Getpgrp is os.getpgrp.
func (m *osModule) Getpgrp() (int, error) { return 0, notOnWindows("os.getpgrp") }

// Getuid is os.getuid.
func (m *osModule) Getuid() (int, error) { return 0, notOnWindows("os.getuid") }

// Geteuid is os.geteuid.
func (m *osModule) Geteuid() (int, error) { return 0, notOnWindows("os.geteuid") }

// Getgid is os.getgid.
func (m *osModule) Getgid() (int, error) { return 0, notOnWindows("os.getgid") }

// Getegid is os.getegid.
func (m *osModule) Getegid() (int, error) { return 0, notOnWindows("os.getegid") }

// Getgroups is os.getgroups.
func (m *osModule) Getgroups() ([]int, error) { return nil, notOnWindows("os.getgroups") }

// Uname is os.uname.
func (m *osModule) Uname() (*UnameResult, error) { return nil, notOnWindows("os.uname") }

// Umask is os.umask.
func (m *osModule) Umask(mask int) (int, error) { return 0, notOnWindows("os.umask") }

// Chown is os.chown.
func (m *osModule) Chown(ctx context.Context, path any, uid, gid int, dirFd any, followSymlinks bool) error {
	return notOnWindows("os.chown")
}

// Lchown is os.lchown.
func (m *osModule) Lchown(ctx context.Context, path any, uid, gid int) error {
	return notOnWindows("os.lchown")
}

// Mknod is os.mknod.
func (m *osModule) Mknod(ctx context.Context, path any, mode, device int, dirFd any) error {
	return notOnWindows("os.mknod")
}

// Mkfifo is os.mkfifo.
func (m *osModule) Mkfifo(ctx context.Context, path any, mode int) error {
	return notOnWindows("os.mkfifo")
}

// Access is os.access, from the file's attributes: everything exists,
// read and execute are allowed, write unless read-only.
func (m *osModule) Access(ctx context.Context, path any, mode int, dirFd any, effectiveIDs, followSymlinks bool) (bool, error) {
	p, err := fspath(ctx, path)
	if err != nil {
		return false, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return false, nil
	}
	if mode&2 != 0 && st.Mode().Perm()&0o200 == 0 {
		return false, nil
	}
	return true, nil
}

// Getloadavg is os.getloadavg.
func (m *osModule) Getloadavg() (brine.Tuple, error) {
	return nil, vinegar.New("OSError", "Load averages are unobtainable")
}

// Major is os.major.
func (m *osModule) Major(dev int64) (int64, error) { return 0, notOnWindows("os.major") }

// Minor is os.minor.
func (m *osModule) Minor(dev int64) (int64, error) { return 0, notOnWindows("os.minor") }

// Makedev is os.makedev.
func (m *osModule) Makedev(major, minor int64) (int64, error) { return 0, notOnWindows("os.makedev") }

// sysStat leaves the FileInfo's values on Windows.
func sysStat(fs.FileInfo, *StatResult) {}

// loadavg is not available on Windows.
func loadavg() (a, b, c float64, err error) { return 0, 0, 0, syscall.EWINDOWS }

// processTime is the time since the server started (Windows has no
// getrusage here).
func processTime() float64 { return time.Since(start).Seconds() }

// diskUsage is GetDiskFreeSpaceEx.
func diskUsage(path string) (total, free, avail int64, err error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, 0, 0, err
	}
	var a, t, f uint64
	if err := windows.GetDiskFreeSpaceEx(p, &a, &t, &f); err != nil {
		return 0, 0, 0, err
	}
	return int64(t), int64(f), int64(a), nil
}

// detachFd is not available on Windows (no C runtime descriptors here).
func detachFd(f *os.File) (int, error) {
	f.Close()
	return 0, notOnWindows("tempfile.mkstemp (file descriptors)")
}
