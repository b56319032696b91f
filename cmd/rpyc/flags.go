package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet makes a subcommand's flag set; its usage names the
// positional arguments and what the command does.
func newFlagSet(e *env, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("rpyc "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := e.stdout
		fmt.Fprintf(w, "Usage: rpyc %s [flags] %s\n\n%s\n\nFlags:\n", name, args, about)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseArgs parses flags wherever they stand among the positional
// arguments (rpyc call HOST add 1 2 -o json), so a command line reads in
// any order. An argument that reads as a negative number (-1, -2.5, -inf)
// is positional, and "--" ends the flags. It returns the positional
// arguments, or errHelpShown after printing the usage for -h/--help.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' || isNegativeNumber(a) {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // Parse reports it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	if err := fs.Parse(flags); err != nil {
		if err == flag.ErrHelp {
			return nil, errHelpShown // Parse printed the usage
		}
		return nil, &usageError{fmt.Sprintf("%v (rpyc %s --help lists the flags)", err, strings.TrimPrefix(fs.Name(), "rpyc "))}
	}
	return pos, nil
}

// isNegativeNumber reports whether a reads as a negative number literal.
func isNegativeNumber(a string) bool {
	if len(a) < 2 || a[0] != '-' {
		return false
	}
	c := a[1]
	return c >= '0' && c <= '9' || c == '.' || strings.HasPrefix(a, "-inf")
}

// parseWithOutput adds -o text|json to fs, parses args as parseArgs
// does and checks the -o value.
func parseWithOutput(fs *flag.FlagSet, args []string) (pos []string, out string, err error) {
	fs.StringVar(&out, "o", "text", "output format: text (Python's repr) or json")
	if pos, err = parseArgs(fs, args); err != nil {
		return nil, "", err
	}
	if out != "text" && out != "json" {
		return nil, "", &usageError{fmt.Sprintf("-o %q: use -o text or -o json", out)}
	}
	return pos, out, nil
}

// wantArgs checks the number of positional arguments.
func wantArgs(fs *flag.FlagSet, pos []string, min, max int, what string) error {
	if len(pos) < min || (max >= 0 && len(pos) > max) {
		return &usageError{fmt.Sprintf("expects %s, got %d argument(s) %q (%s --help)", what, len(pos), pos, fs.Name())}
	}
	return nil
}

// parseTarget parses a server command's line: the flags (with -o)
// wherever they stand, then HOST[:PORT] (port when it has none) and
// between min and max more arguments (max < 0: any number), what names
// them for the error. It returns the address, those arguments and the
// output format.
func (c *connFlags) parseTarget(fs *flag.FlagSet, args []string, port, min, max int, what string) (addr string, rest []string, out string, err error) {
	pos, out, err := parseWithOutput(fs, args)
	if err != nil {
		return "", nil, "", err
	}
	if addr, rest, err = c.target(fs, pos, port); err != nil {
		return "", nil, "", err
	}
	if err := wantArgs(fs, rest, min, max, what); err != nil {
		return "", nil, "", err
	}
	return addr, rest, out, nil
}
