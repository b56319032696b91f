package slave

import "syscall"

// signalDescriptions are strsignal's texts (glibc's), by number.
var signalDescriptions = func() map[int]string {
	out := map[int]string{}
	texts := map[string]string{
		"SIGHUP": "Hangup", "SIGINT": "Interrupt", "SIGQUIT": "Quit", "SIGILL": "Illegal instruction",
		"SIGTRAP": "Trace/breakpoint trap", "SIGABRT": "Aborted", "SIGBUS": "Bus error",
		"SIGFPE": "Floating point exception", "SIGKILL": "Killed", "SIGUSR1": "User defined signal 1",
		"SIGSEGV": "Segmentation fault", "SIGUSR2": "User defined signal 2", "SIGPIPE": "Broken pipe",
		"SIGALRM": "Alarm clock", "SIGTERM": "Terminated", "SIGCHLD": "Child exited", "SIGCONT": "Continued",
		"SIGSTOP": "Stopped (signal)", "SIGTSTP": "Stopped", "SIGTTIN": "Stopped (tty input)",
		"SIGTTOU": "Stopped (tty output)", "SIGURG": "Urgent I/O condition", "SIGXCPU": "CPU time limit exceeded",
		"SIGXFSZ": "File size limit exceeded", "SIGVTALRM": "Virtual timer expired",
		"SIGPROF": "Profiling timer expired", "SIGWINCH": "Window changed", "SIGIO": "I/O possible",
		"SIGSYS": "Bad system call",
	}
	for name, n := range signalNumbers {
		if t, ok := texts[name]; ok {
			out[n] = t
		}
	}
	return out
}()

var _ = syscall.Signal(0)
