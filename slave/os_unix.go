//go:build unix

package slave

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The parts of os (and of the programs subprocess starts) that need a
// Unix system; os_windows.go has their Windows side.

const lineSep = "\n"

// isDirErrno is what os.remove of a directory raises (IsADirectoryError).
const isDirErrno = syscall.EISDIR

// sigTerm is the signal terminate sends.
const sigTerm = syscall.SIGTERM

// shellArgv runs a command line in the shell, as Python's shell=True.
func shellArgv() []string { return []string{"/bin/sh", "-c"} }

// newSession starts the program in a new session (start_new_session).
func newSession(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}

// signalProcess sends signal sig to p.
func signalProcess(p *os.Process, sig int) error {
	err := p.Signal(syscall.Signal(sig))
	if errors.Is(err, os.ErrProcessDone) {
		return nil
	}
	return err
}

// waitStatus is os.system's result: the raw wait status.
func waitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok {
		return int(ws)
	}
	return ps.ExitCode() << 8
}

// uname is the system's uname: sysname, nodename, release, version,
// machine.
func uname() (sysname, nodename, release, version, machine string) {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "", "", "", "", ""
	}
	return cString(u.Sysname[:]), cString(u.Nodename[:]), cString(u.Release[:]), cString(u.Version[:]), cString(u.Machine[:])
}

func cString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func fdError(op string, err error) error {
	if err == nil {
		return nil
	}
	var en syscall.Errno
	if errors.As(err, &en) {
		return en
	}
	return err
}

// Open is os.open: a file descriptor.
func (m *osModule) Open(ctx context.Context, path any, flags, mode int, dirFd any) (int, error) {
	p, err := fspath(ctx, path)
	if err != nil {
		return 0, err
	}
	fd, err := unix.Open(p, flags|unix.O_CLOEXEC, uint32(mode))
	if err != nil {
		return 0, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	return fd, nil
}

// Close is os.close.
func (m *osModule) Close(fd int) error { return fdError("close", unix.Close(fd)) }

// Write is os.write.
func (m *osModule) Write(fd int, data []byte) (int, error) {
	n, err := unix.Write(fd, data)
	return n, fdError("write", err)
}

// Read is os.read.
func (m *osModule) Read(fd, n int) ([]byte, error) {
	if n < 0 {
		return nil, vinegar.New("ValueError", "negative length")
	}
	buf := make([]byte, min(n, 1<<24))
	k, err := unix.Read(fd, buf)
	if err != nil {
		return nil, fdError("read", err)
	}
	return buf[:k], nil
}

// Pwrite is os.pwrite.
func (m *osModule) Pwrite(fd int, data []byte, off int64) (int, error) {
	n, err := unix.Pwrite(fd, data, off)
	return n, fdError("pwrite", err)
}

// Pread is os.pread.
func (m *osModule) Pread(fd, n int, off int64) ([]byte, error) {
	buf := make([]byte, min(max(n, 0), 1<<24))
	k, err := unix.Pread(fd, buf, off)
	if err != nil {
		return nil, fdError("pread", err)
	}
	return buf[:k], nil
}

// Lseek is os.lseek.
func (m *osModule) Lseek(fd int, pos int64, whence int) (int64, error) {
	off, err := unix.Seek(fd, pos, whence)
	return off, fdError("lseek", err)
}

// Fsync is os.fsync.
func (m *osModule) Fsync(fd int) error { return fdError("fsync", unix.Fsync(fd)) }

func fstat(fd int) (*StatResult, error) {
	f := os.NewFile(uintptr(fd), "fd "+strconv.Itoa(fd))
	fi, err := f.Stat()
	if err != nil {
		return nil, fdError("fstat", err)
	}
	return statOf(fi), nil
}

// Kill is os.kill: sends signal to pid.
func (m *osModule) Kill(pid, sig int) error { return fdError("kill", unix.Kill(pid, unix.Signal(sig))) }

// Killpg is os.killpg.
func (m *osModule) Killpg(pgid, sig int) error {
	return fdError("killpg", unix.Kill(-pgid, unix.Signal(sig)))
}

// Getpgid is os.getpgid.
func (m *osModule) Getpgid(pid int) (int, error) {
	g, err := unix.Getpgid(pid)
	return g, fdError("getpgid", err)
}

// Getpgrp is os.getpgrp.
func (m *osModule) Getpgrp() int { return unix.Getpgrp() }

// Getuid is os.getuid.
func (m *osModule) Getuid() int { return os.Getuid() }

// Geteuid is os.geteuid.
func (m *osModule) Geteuid() int { return os.Geteuid() }

// Getgid is os.getgid.
func (m *osModule) Getgid() int { return os.Getgid() }

// Getegid is os.getegid.
func (m *osModule) Getegid() int { return os.Getegid() }

// Getgroups is os.getgroups.
func (m *osModule) Getgroups() ([]int, error) { return os.Getgroups() }

// Uname is os.uname.
func (m *osModule) Uname() *UnameResult { return newUname() }

// Umask is os.umask: sets the mask, returns the old one.
func (m *osModule) Umask(mask int) int { return unix.Umask(mask) }

// Chown is os.chown (-1 leaves an id unchanged).
func (m *osModule) Chown(ctx context.Context, path any, uid, gid int, dirFd any, followSymlinks bool) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	if !followSymlinks {
		return os.Lchown(p, uid, gid)
	}
	return os.Chown(p, uid, gid)
}

// Lchown is os.lchown.
func (m *osModule) Lchown(ctx context.Context, path any, uid, gid int) error {
	return m.Chown(ctx, path, uid, gid, nil, false)
}

// Mknod is os.mknod: a file system node (regular file, FIFO, device).
func (m *osModule) Mknod(ctx context.Context, path any, mode, device int, dirFd any) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	if err := unix.Mknod(p, uint32(mode), device); err != nil {
		return &fs.PathError{Op: "mknod", Path: p, Err: err}
	}
	return nil
}

// Mkfifo is os.mkfifo.
func (m *osModule) Mkfifo(ctx context.Context, path any, mode int) error {
	p, err := fspath(ctx, path)
	if err != nil {
		return err
	}
	if err := unix.Mkfifo(p, uint32(mode)); err != nil {
		return &fs.PathError{Op: "mkfifo", Path: p, Err: err}
	}
	return nil
}

// Access is os.access: whether the server's user may use path so.
func (m *osModule) Access(ctx context.Context, path any, mode int, dirFd any, effectiveIDs, followSymlinks bool) (bool, error) {
	p, err := fspath(ctx, path)
	if err != nil {
		return false, err
	}
	return unix.Access(p, uint32(mode)) == nil, nil
}

// Getloadavg is os.getloadavg: the 1, 5 and 15 minute load averages.
func (m *osModule) Getloadavg() (brine.Tuple, error) {
	a, b, c, err := loadavg()
	if err != nil {
		return nil, vinegar.New("OSError", "Load averages are unobtainable")
	}
	return brine.Tuple{a, b, c}, nil
}

// Major is os.major.
func (m *osModule) Major(dev int64) int64 { return int64(unix.Major(uint64(dev))) }

// Minor is os.minor.
func (m *osModule) Minor(dev int64) int64 { return int64(unix.Minor(uint64(dev))) }

// Makedev is os.makedev.
func (m *osModule) Makedev(major, minor int64) int64 {
	return int64(unix.Mkdev(uint32(major), uint32(minor)))
}

// processTime is the CPU time the server process used, in seconds.
func processTime() float64 {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// diskUsage is statvfs: total, free (to root) and available bytes.
func diskUsage(path string) (total, free, avail int64, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, 0, 0, err
	}
	bs := int64(st.Bsize)
	return int64(st.Blocks) * bs, int64(st.Bfree) * bs, int64(st.Bavail) * bs, nil
}

// detachFd hands f's descriptor to the client (mkstemp): it stays open
// after f is dropped.
func detachFd(f *os.File) (int, error) {
	fd, err := unix.Dup(int(f.Fd()))
	f.Close()
	return fd, err
}
