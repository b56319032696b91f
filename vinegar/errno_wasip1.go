package vinegar

import "syscall"

// WASI has no EWOULDBLOCK (it is EAGAIN) and no ESHUTDOWN.
var (
	extraBlockingErrnos   []syscall.Errno
	extraBrokenPipeErrnos []syscall.Errno
)
