package slave

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// platformModule is Python's platform, describing the machine from the
// kernel's uname. The Python version functions answer with the language
// version this server's modules and statements follow (see sys.version);
// python_implementation says what actually runs: "rpyc-go".
type platformModule struct{ Module }

// System is platform.system ("Linux", "Darwin", "Windows").
func (platformModule) System() string {
	if s, _, _, _, _ := uname(); s != "" {
		return s
	}
	s := runtime.GOOS
	return strings.ToUpper(s[:1]) + s[1:]
}

// Machine is platform.machine ("x86_64").
func (platformModule) Machine() string {
	if _, _, _, _, m := uname(); m != "" {
		return m
	}
	return runtime.GOARCH
}

// Node is platform.node.
func (platformModule) Node() string { _, n, _, _, _ := uname(); return n }

// Release is platform.release (the kernel's).
func (platformModule) Release() string { _, _, r, _, _ := uname(); return r }

// Version is platform.version (the kernel's build).
func (platformModule) Version() string { _, _, _, v, _ := uname(); return v }

// Processor is platform.processor: "" on Linux, as Python gives there.
func (p platformModule) Processor() string {
	if runtime.GOOS == "darwin" {
		return map[string]string{"arm64": "arm", "amd64": "i386"}[runtime.GOARCH]
	}
	return ""
}

// Platform is platform.platform.
func (p platformModule) Platform() string {
	return fmt.Sprintf("%s-%s-%s-with-rpyc-go", p.System(), p.Release(), p.Machine())
}

// Architecture is platform.architecture: ('64bit', 'ELF') and the like.
func (platformModule) Architecture() brine.Tuple {
	bits := "64bit"
	if strings.HasSuffix(runtime.GOARCH, "32") || runtime.GOARCH == "386" || runtime.GOARCH == "arm" {
		bits = "32bit"
	}
	linkage := map[string]string{"linux": "ELF", "windows": "WindowsPE", "darwin": ""}[runtime.GOOS]
	return brine.Tuple{bits, linkage}
}

// Uname is platform.uname.
func (p platformModule) Uname() *PlatformUname {
	s, n, r, v, m := uname()
	if s == "" {
		s = p.System()
	}
	u := &PlatformUname{System: s, Node: n, Release: r, Version: v, Machine: m, Processor: p.Processor()}
	u.structSeq = newStructSeq("uname_result", []string{"system", "node", "release", "version", "machine"}, s, n, r, v, m)
	return u
}

// PythonImplementation is platform.python_implementation: this server's.
func (platformModule) PythonImplementation() string { return "rpyc-go" }

// PythonVersion is platform.python_version: the language version this
// server follows (not a CPython that runs here).
func (platformModule) PythonVersion() string { return pyVersion }

// PythonVersionTuple is platform.python_version_tuple.
func (platformModule) PythonVersionTuple() brine.Tuple {
	return brine.Tuple{fmt.Sprint(pyMajor), fmt.Sprint(pyMinor), fmt.Sprint(pyMicro)}
}

// GoVersion is the Go version that built this server (not in Python).
func (platformModule) GoVersion() string { return runtime.Version() }

// PlatformUname is platform.uname()'s uname_result.
type PlatformUname struct {
	*structSeq
	System    string `rpyc:"system"`
	Node      string `rpyc:"node"`
	Release   string `rpyc:"release"`
	Version   string `rpyc:"version"`
	Machine   string `rpyc:"machine"`
	Processor string `rpyc:"processor"`
}
