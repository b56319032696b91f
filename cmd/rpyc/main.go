// Command rpyc pokes at any RPyC server from the shell, Python's or Go's,
// as grpcurl does for gRPC: ping it, list what its service offers, call a
// method with Python-literal arguments, find servers in a registry, copy
// files to and from a classic server, or open a remote prompt.
//
// Usage:
//
//	rpyc ping     [flags] HOST[:PORT]
//	rpyc info     [flags] HOST[:PORT]
//	rpyc call     [flags] HOST[:PORT] METHOD [ARG|KEY=ARG]...
//	rpyc get      [flags] HOST[:PORT] ATTR
//	rpyc list     [flags] [FILTER_HOST]
//	rpyc discover [flags] NAME
//	rpyc upload   [flags] HOST[:PORT] LOCAL REMOTE
//	rpyc download [flags] HOST[:PORT] REMOTE LOCAL
//	rpyc shell    [flags] HOST[:PORT]
//
// Arguments of call are Python literals, as ast.literal_eval reads them:
// 1, 0x40, -2.5, 1+2j, 'text', b'raw', [1, 2], (1,), {'k': 1}, {1, 2},
// True, None, and name=literal for keywords.
// Results print as Python's repr, or as JSON with -o json.
//
// Default ports follow rpyc: 18861 (the port rpyc's documentation gives
// services) for ping, info, call and get; 18812 (rpyc_classic) for upload,
// download and shell, 18821 with TLS; 18811 for the registry.
//
// Exit codes, for scripts:
//
//	0  success
//	1  the server answered with an error (a Python exception, a failed
//	   transfer, an eval that raised)
//	2  usage: unknown command or flag, bad argument or literal
//	3  connection: cannot connect, TLS failure, timeout, connection lost
//	4  not found: discover found no server for the name
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rpyc-go/rpyc/internal/cmdversion"
)

// Exit codes; the package comment lists them for users.
const (
	exitOK       = 0
	exitRemote   = 1
	exitUsage    = 2
	exitConn     = 3
	exitNotFound = 4
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(env *env, args []string) error
}

var commands = []command{
	{"ping", "check a server answers: layout and round-trip time", runPing},
	{"info", "service name, aliases, layout, version and what the root offers", runInfo},
	{"call", "call a method of the root with Python-literal arguments", runCall},
	{"get", "read an attribute of the root", runGet},
	{"list", "list the services a registry knows", runList},
	{"discover", "list the servers a registry knows for a service", runDiscover},
	{"upload", "copy a local file or directory to a classic server", runUpload},
	{"download", "copy a file or directory from a classic server", runDownload},
	{"shell", "an interactive Python prompt on a classic server", runShell},
}

// env is what a subcommand reads and writes: the process's streams,
// replaced in tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func main() {
	os.Exit(run(os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}))
}

// run runs the command line args and returns the exit code.
func run(args []string, e *env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		usage(e.stdout)
		return exitOK
	case "--version", "-version", "version":
		cmdversion.Fprint(e.stdout, "rpyc")
		return exitOK
	}
	for _, c := range commands {
		if c.name == name {
			err := c.run(e, args[1:])
			if err == nil {
				return exitOK
			}
			code := exitCode(err)
			if code != exitOK {
				fmt.Fprintf(e.stderr, "rpyc %s: %v\n", name, err)
			}
			return code
		}
	}
	fmt.Fprintf(e.stderr, "rpyc: unknown command %q (one of %s; rpyc --help)\n", name, commandNames())
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `rpyc: talk to any RPyC server (Python's or Go's) from the shell.

Usage: rpyc COMMAND [flags] ARGS...   (rpyc COMMAND --help for its flags)
       rpyc --version

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Ports: 18861 for ping/info/call/get, 18812 (18821 with TLS) for upload/download/shell,
18811 for the registry. Arguments of call are Python literals ('text', 12, 0x40,
1.5, [1, 2], {'k': 1}, True, None) and key=literal keywords. --layout's default
comes from RPYC_LAYOUT (auto, 5 or 6); what auto learns is kept in the user's
cache directory (rpyc/layouts).

Exit codes: 0 ok, 1 the server answered with an error, 2 usage, 3 connection
(cannot connect, TLS, timeout, lost), 4 not found (discover).
`)
}

// commandNames lists the commands for messages.
func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}
