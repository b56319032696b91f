//go:build !plan9 && !wasip1

package vinegar

import "syscall"

// Errno names that WASI's table lacks.
var (
	extraBlockingErrnos   = []syscall.Errno{syscall.EWOULDBLOCK}
	extraBrokenPipeErrnos = []syscall.Errno{syscall.ESHUTDOWN}
)
