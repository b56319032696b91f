package slave

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc/vinegar"
)

// signalModule is Python's signal: the signal numbers of the server's
// system (plain ints: Python's are IntEnum members, equal to the same
// ints), strsignal and valid_signals. Installing handlers
// (signal.signal) is refused: the handler would run in this server for
// a client's signal, which Python's server allows and this one does not.
type signalModule struct {
	Module
	// SigDfl and SigIgn are SIG_DFL and SIG_IGN.
	SigDfl int `rpyc:"SIG_DFL"`
	SigIgn int `rpyc:"SIG_IGN"`
	// The signal numbers of this system (0 for those it lacks).
	SigHup    int `rpyc:"SIGHUP"`
	SigInt    int `rpyc:"SIGINT"`
	SigQuit   int `rpyc:"SIGQUIT"`
	SigIll    int `rpyc:"SIGILL"`
	SigTrap   int `rpyc:"SIGTRAP"`
	SigAbrt   int `rpyc:"SIGABRT"`
	SigBus    int `rpyc:"SIGBUS"`
	SigFpe    int `rpyc:"SIGFPE"`
	SigKill   int `rpyc:"SIGKILL"`
	SigUsr1   int `rpyc:"SIGUSR1"`
	SigSegv   int `rpyc:"SIGSEGV"`
	SigUsr2   int `rpyc:"SIGUSR2"`
	SigPipe   int `rpyc:"SIGPIPE"`
	SigAlrm   int `rpyc:"SIGALRM"`
	SigTerm   int `rpyc:"SIGTERM"`
	SigChld   int `rpyc:"SIGCHLD"`
	SigCont   int `rpyc:"SIGCONT"`
	SigStop   int `rpyc:"SIGSTOP"`
	SigTstp   int `rpyc:"SIGTSTP"`
	SigTtin   int `rpyc:"SIGTTIN"`
	SigTtou   int `rpyc:"SIGTTOU"`
	SigUrg    int `rpyc:"SIGURG"`
	SigXcpu   int `rpyc:"SIGXCPU"`
	SigXfsz   int `rpyc:"SIGXFSZ"`
	SigVtalrm int `rpyc:"SIGVTALRM"`
	SigProf   int `rpyc:"SIGPROF"`
	SigWinch  int `rpyc:"SIGWINCH"`
	SigIo     int `rpyc:"SIGIO"`
	SigSys    int `rpyc:"SIGSYS"`
}

func newSignal() *signalModule {
	m := &signalModule{Module: newModule("signal"), SigIgn: 1}
	rv := reflect.ValueOf(m).Elem()
	for i := range rv.NumField() {
		if tag := rv.Type().Field(i).Tag.Get("rpyc"); strings.HasPrefix(tag, "SIG") && tag != "SIG_DFL" && tag != "SIG_IGN" {
			rv.Field(i).SetInt(int64(signalNumbers[tag]))
		}
	}
	return m
}

// Strsignal is signal.strsignal.
func (m *signalModule) Strsignal(sig int) (any, error) {
	if d, ok := signalDescriptions[sig]; ok {
		return d, nil
	}
	if sig < 1 || sig >= 65 {
		return nil, vinegar.New("ValueError", "signal number out of range")
	}
	return nil, nil
}

// ValidSignals is signal.valid_signals: the numbers, as a list.
func (m *signalModule) ValidSignals() []any {
	nums := []int{}
	for _, n := range signalNumbers {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	out := make([]any, len(nums))
	for i, n := range nums {
		out[i] = int64(n)
	}
	return out
}

// Signal is signal.signal: refused here (see the type's doc).
func (m *signalModule) Signal(signalnum int, handler any) error {
	return vinegar.New("NotImplementedError", fmt.Sprintf("signal.signal(%d, ...): installing signal handlers in the server is not supported by this server", signalnum))
}

// Getsignal is signal.getsignal: SIG_DFL, as handlers are never set.
func (m *signalModule) Getsignal(signalnum int) int { return 0 }
