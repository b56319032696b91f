package slave

import (
	"fmt"
	"reflect"
	"syscall"
)

// errnoModule is Python's errno: the error numbers of the server's
// system and errorcode (number to name).
type errnoModule struct {
	Module
	Errorcode     map[int]string `rpyc:"errorcode"`
	EPERM         int            `rpyc:"EPERM"`
	ENOENT        int            `rpyc:"ENOENT"`
	ESRCH         int            `rpyc:"ESRCH"`
	EINTR         int            `rpyc:"EINTR"`
	EIO           int            `rpyc:"EIO"`
	ENXIO         int            `rpyc:"ENXIO"`
	E2BIG         int            `rpyc:"E2BIG"`
	ENOEXEC       int            `rpyc:"ENOEXEC"`
	EBADF         int            `rpyc:"EBADF"`
	ECHILD        int            `rpyc:"ECHILD"`
	EAGAIN        int            `rpyc:"EAGAIN"`
	ENOMEM        int            `rpyc:"ENOMEM"`
	EACCES        int            `rpyc:"EACCES"`
	EFAULT        int            `rpyc:"EFAULT"`
	EBUSY         int            `rpyc:"EBUSY"`
	EEXIST        int            `rpyc:"EEXIST"`
	EXDEV         int            `rpyc:"EXDEV"`
	ENODEV        int            `rpyc:"ENODEV"`
	ENOTDIR       int            `rpyc:"ENOTDIR"`
	EISDIR        int            `rpyc:"EISDIR"`
	EINVAL        int            `rpyc:"EINVAL"`
	ENFILE        int            `rpyc:"ENFILE"`
	EMFILE        int            `rpyc:"EMFILE"`
	ENOTTY        int            `rpyc:"ENOTTY"`
	EFBIG         int            `rpyc:"EFBIG"`
	ENOSPC        int            `rpyc:"ENOSPC"`
	ESPIPE        int            `rpyc:"ESPIPE"`
	EROFS         int            `rpyc:"EROFS"`
	EMLINK        int            `rpyc:"EMLINK"`
	EPIPE         int            `rpyc:"EPIPE"`
	EDOM          int            `rpyc:"EDOM"`
	ERANGE        int            `rpyc:"ERANGE"`
	EDEADLK       int            `rpyc:"EDEADLK"`
	ENAMETOOLONG  int            `rpyc:"ENAMETOOLONG"`
	ENOSYS        int            `rpyc:"ENOSYS"`
	ENOTEMPTY     int            `rpyc:"ENOTEMPTY"`
	ELOOP         int            `rpyc:"ELOOP"`
	EWOULDBLOCK   int            `rpyc:"EWOULDBLOCK"`
	ENOTSOCK      int            `rpyc:"ENOTSOCK"`
	EADDRINUSE    int            `rpyc:"EADDRINUSE"`
	EADDRNOTAVAIL int            `rpyc:"EADDRNOTAVAIL"`
	ENETUNREACH   int            `rpyc:"ENETUNREACH"`
	ECONNABORTED  int            `rpyc:"ECONNABORTED"`
	ECONNRESET    int            `rpyc:"ECONNRESET"`
	ENOBUFS       int            `rpyc:"ENOBUFS"`
	EISCONN       int            `rpyc:"EISCONN"`
	ENOTCONN      int            `rpyc:"ENOTCONN"`
	ETIMEDOUT     int            `rpyc:"ETIMEDOUT"`
	ECONNREFUSED  int            `rpyc:"ECONNREFUSED"`
	EHOSTUNREACH  int            `rpyc:"EHOSTUNREACH"`
	EALREADY      int            `rpyc:"EALREADY"`
	EINPROGRESS   int            `rpyc:"EINPROGRESS"`
	ENOTSUP       int            `rpyc:"ENOTSUP"`
	EOPNOTSUPP    int            `rpyc:"EOPNOTSUPP"`
}

func newErrno() *errnoModule {
	m := &errnoModule{Module: newModule("errno"), Errorcode: map[int]string{}}
	rv := reflect.ValueOf(m).Elem()
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		if n, ok := errnoNumbers[f.Name]; ok && f.Type.Kind() == reflect.Int {
			rv.Field(i).SetInt(int64(n))
			if _, dup := m.Errorcode[n]; !dup || f.Name == "EAGAIN" || f.Name == "ENOTSUP" {
				m.Errorcode[n] = f.Name
			}
		}
	}
	return m
}

// statModule is Python's stat: mode bits and the S_IS* tests,
// filemode.
type statModule struct {
	Module
	SIFMTc  int `rpyc:"S_IFMT"`
	SIFDIR  int `rpyc:"S_IFDIR"`
	SIFREG  int `rpyc:"S_IFREG"`
	SIFLNK  int `rpyc:"S_IFLNK"`
	SIFIFO  int `rpyc:"S_IFIFO"`
	SIFCHR  int `rpyc:"S_IFCHR"`
	SIFBLK  int `rpyc:"S_IFBLK"`
	SIFSOCK int `rpyc:"S_IFSOCK"`
	SISUID  int `rpyc:"S_ISUID"`
	SISGID  int `rpyc:"S_ISGID"`
	SISVTX  int `rpyc:"S_ISVTX"`
	SIRWXU  int `rpyc:"S_IRWXU"`
	SIRUSR  int `rpyc:"S_IRUSR"`
	SIWUSR  int `rpyc:"S_IWUSR"`
	SIXUSR  int `rpyc:"S_IXUSR"`
	SIRWXG  int `rpyc:"S_IRWXG"`
	SIRGRP  int `rpyc:"S_IRGRP"`
	SIWGRP  int `rpyc:"S_IWGRP"`
	SIXGRP  int `rpyc:"S_IXGRP"`
	SIRWXO  int `rpyc:"S_IRWXO"`
	SIROTH  int `rpyc:"S_IROTH"`
	SIWOTH  int `rpyc:"S_IWOTH"`
	SIXOTH  int `rpyc:"S_IXOTH"`
	SIREAD  int `rpyc:"S_IREAD"`
	SIWRITE int `rpyc:"S_IWRITE"`
	SIEXEC  int `rpyc:"S_IEXEC"`
	STMODE  int `rpyc:"ST_MODE"`
	STINO   int `rpyc:"ST_INO"`
	STDEV   int `rpyc:"ST_DEV"`
	STNLINK int `rpyc:"ST_NLINK"`
	STUID   int `rpyc:"ST_UID"`
	STGID   int `rpyc:"ST_GID"`
	STSIZE  int `rpyc:"ST_SIZE"`
	STATIME int `rpyc:"ST_ATIME"`
	STMTIME int `rpyc:"ST_MTIME"`
	STCTIME int `rpyc:"ST_CTIME"`
}

var statValues = map[string]int{"S_IFMT": 0o170000, "S_IFDIR": 0o040000, "S_IFREG": 0o100000, "S_IFLNK": 0o120000,
	"S_IFIFO": 0o010000, "S_IFCHR": 0o020000, "S_IFBLK": 0o060000, "S_IFSOCK": 0o140000, "S_ISUID": 0o4000,
	"S_ISGID": 0o2000, "S_ISVTX": 0o1000, "S_IRWXU": 0o700, "S_IRUSR": 0o400, "S_IWUSR": 0o200, "S_IXUSR": 0o100,
	"S_IRWXG": 0o70, "S_IRGRP": 0o40, "S_IWGRP": 0o20, "S_IXGRP": 0o10, "S_IRWXO": 0o7, "S_IROTH": 0o4,
	"S_IWOTH": 0o2, "S_IXOTH": 0o1, "S_IREAD": 0o400, "S_IWRITE": 0o200, "S_IEXEC": 0o100, "ST_MODE": 0,
	"ST_INO": 1, "ST_DEV": 2, "ST_NLINK": 3, "ST_UID": 4, "ST_GID": 5, "ST_SIZE": 6, "ST_ATIME": 7,
	"ST_MTIME": 8, "ST_CTIME": 9}

func newStatModule() *statModule {
	m := &statModule{Module: newModule("stat")}
	rv := reflect.ValueOf(m).Elem()
	for i := range rv.NumField() {
		if v, ok := statValues[rv.Type().Field(i).Tag.Get("rpyc")]; ok {
			rv.Field(i).SetInt(int64(v))
		}
	}
	return m
}

// RPyCNames serves the constants and functions under Python's names.
func (m *statModule) RPyCNames() map[string]string {
	out := map[string]string{"SISDIR": "S_ISDIR", "SISREG": "S_ISREG", "SISLNK": "S_ISLNK", "SISFIFO": "S_ISFIFO",
		"SISCHR": "S_ISCHR", "SISBLK": "S_ISBLK", "SISSOCK": "S_ISSOCK", "SIMODE": "S_IMODE", "SIFMTf": "S_IFMT"}
	return out
}

func (m *statModule) fmtIs(mode, kind int) bool { return mode&0o170000 == kind }

// SISDIR is stat.S_ISDIR.
func (m *statModule) SISDIR(mode int) bool { return m.fmtIs(mode, 0o040000) }

// SISREG is stat.S_ISREG.
func (m *statModule) SISREG(mode int) bool { return m.fmtIs(mode, 0o100000) }

// SISLNK is stat.S_ISLNK.
func (m *statModule) SISLNK(mode int) bool { return m.fmtIs(mode, 0o120000) }

// SISFIFO is stat.S_ISFIFO.
func (m *statModule) SISFIFO(mode int) bool { return m.fmtIs(mode, 0o010000) }

// SISCHR is stat.S_ISCHR.
func (m *statModule) SISCHR(mode int) bool { return m.fmtIs(mode, 0o020000) }

// SISBLK is stat.S_ISBLK.
func (m *statModule) SISBLK(mode int) bool { return m.fmtIs(mode, 0o060000) }

// SISSOCK is stat.S_ISSOCK.
func (m *statModule) SISSOCK(mode int) bool { return m.fmtIs(mode, 0o140000) }

// SIMODE is stat.S_IMODE.
func (m *statModule) SIMODE(mode int) int { return mode & 0o7777 }

// SIFMTf is stat.S_IFMT(mode).
func (m *statModule) SIFMTf(mode int) int { return mode & 0o170000 }

// Filemode is stat.filemode: "-rw-r--r--".
func (m *statModule) Filemode(mode int) string {
	kind := map[int]byte{0o040000: 'd', 0o100000: '-', 0o120000: 'l', 0o010000: 'p', 0o020000: 'c', 0o060000: 'b', 0o140000: 's'}[mode&0o170000]
	if kind == 0 {
		kind = '?'
	}
	b := []byte{kind}
	for i, c := range "rwxrwxrwx" {
		if mode&(1<<(8-i)) != 0 {
			b = append(b, byte(c))
		} else {
			b = append(b, '-')
		}
	}
	set := func(bit, pos int, on, off byte) {
		if mode&bit != 0 {
			if b[pos] == 'x' {
				b[pos] = on
			} else {
				b[pos] = off
			}
		}
	}
	set(0o4000, 3, 's', 'S')
	set(0o2000, 6, 's', 'S')
	set(0o1000, 9, 't', 'T')
	return string(b)
}

var _ = fmt.Sprint
var _ = syscall.EPERM
