//go:build unix

package slave

import "syscall"

// errnoNumbers are this system's error numbers by name.
var errnoNumbers = map[string]int{
	"EPERM": int(syscall.EPERM), "ENOENT": int(syscall.ENOENT), "ESRCH": int(syscall.ESRCH), "EINTR": int(syscall.EINTR),
	"EIO": int(syscall.EIO), "ENXIO": int(syscall.ENXIO), "E2BIG": int(syscall.E2BIG), "ENOEXEC": int(syscall.ENOEXEC),
	"EBADF": int(syscall.EBADF), "ECHILD": int(syscall.ECHILD), "EAGAIN": int(syscall.EAGAIN), "ENOMEM": int(syscall.ENOMEM),
	"EACCES": int(syscall.EACCES), "EFAULT": int(syscall.EFAULT), "EBUSY": int(syscall.EBUSY), "EEXIST": int(syscall.EEXIST),
	"EXDEV": int(syscall.EXDEV), "ENODEV": int(syscall.ENODEV), "ENOTDIR": int(syscall.ENOTDIR), "EISDIR": int(syscall.EISDIR),
	"EINVAL": int(syscall.EINVAL), "ENFILE": int(syscall.ENFILE), "EMFILE": int(syscall.EMFILE), "ENOTTY": int(syscall.ENOTTY),
	"EFBIG": int(syscall.EFBIG), "ENOSPC": int(syscall.ENOSPC), "ESPIPE": int(syscall.ESPIPE), "EROFS": int(syscall.EROFS),
	"EMLINK": int(syscall.EMLINK), "EPIPE": int(syscall.EPIPE), "EDOM": int(syscall.EDOM), "ERANGE": int(syscall.ERANGE),
	"EDEADLK": int(syscall.EDEADLK), "ENAMETOOLONG": int(syscall.ENAMETOOLONG), "ENOSYS": int(syscall.ENOSYS),
	"ENOTEMPTY": int(syscall.ENOTEMPTY), "ELOOP": int(syscall.ELOOP), "EWOULDBLOCK": int(syscall.EWOULDBLOCK),
	"ENOTSOCK": int(syscall.ENOTSOCK), "EADDRINUSE": int(syscall.EADDRINUSE), "EADDRNOTAVAIL": int(syscall.EADDRNOTAVAIL),
	"ENETUNREACH": int(syscall.ENETUNREACH), "ECONNABORTED": int(syscall.ECONNABORTED), "ECONNRESET": int(syscall.ECONNRESET),
	"ENOBUFS": int(syscall.ENOBUFS), "EISCONN": int(syscall.EISCONN), "ENOTCONN": int(syscall.ENOTCONN),
	"ETIMEDOUT": int(syscall.ETIMEDOUT), "ECONNREFUSED": int(syscall.ECONNREFUSED), "EHOSTUNREACH": int(syscall.EHOSTUNREACH),
	"EALREADY": int(syscall.EALREADY), "EINPROGRESS": int(syscall.EINPROGRESS), "ENOTSUP": int(syscall.ENOTSUP),
	"EOPNOTSUPP": int(syscall.EOPNOTSUPP),
}
