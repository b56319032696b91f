package slave

// signalNumbers are the signals Python's signal module has on Windows.
var signalNumbers = map[string]int{
	"SIGINT": 2, "SIGILL": 4, "SIGFPE": 8, "SIGSEGV": 11, "SIGTERM": 15, "SIGABRT": 22, "SIGBREAK": 21,
	"CTRL_C_EVENT": 0, "CTRL_BREAK_EVENT": 1,
}
