// Command rpyc_classic is a classic RPyC server in Go, for machines
// without Python: Python's rpyc.classic client and utilities (modules,
// eval, execute, namespace, upload, download, redirected_stdio,
// deliver/obtain) drive it unchanged. It serves the slave package's
// service: eval and execute run Python code in an interpreter built into
// the server (package slave/python), and getmodule gives Go
// implementations of the standard modules classic scripts use (os,
// subprocess, pathlib, shutil, json, re, datetime, socket, ...; --help
// and the README list them), with Python's names, arguments and
// exceptions.
//
//	rpyc_classic                         # threaded, 127.0.0.1:18812
//	rpyc_classic -m oneshot -p 0         # one client; prints its port
//	rpyc_classic -m stdio                # one client on stdin/stdout
//	rpyc_classic --ssl-keyfile k.pem --ssl-certfile c.pem --ssl-cafile ca.pem
//	rpyc_classic deploy root@host:22 -i key   # zero-deploy over SSH
//
// SECURITY: this is remote control by design. Anyone who can connect can
// read and write files and run programs as this user. It binds to
// 127.0.0.1 unless --host says otherwise; use TLS with client
// certificates or SSH to reach it from elsewhere.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	var err error
	if len(os.Args) > 1 && os.Args[1] == "deploy" {
		err = runDeploy(os.Args[2:], os.Stdout, os.Stderr)
	} else {
		err = run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "rpyc_classic:", err)
		os.Exit(2)
	}
}

// flagSet registers options under every name given (Go's flag package
// accepts -x and --x alike, so "-m" and "--mode" are both spelled here).
type flagSet struct{ *flag.FlagSet }

func newFlagSet(name string) flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, help goes to stdout
	fs.Usage = func() {}
	return flagSet{fs}
}

func (fs flagSet) str(p *string, def, usage string, names ...string) {
	for _, n := range names {
		fs.StringVar(p, n, def, usage)
	}
}

func (fs flagSet) boolean(p *bool, usage string, names ...string) {
	for _, n := range names {
		fs.BoolVar(p, n, false, usage)
	}
}

func (fs flagSet) integer(p *int, def int, usage string, names ...string) {
	for _, n := range names {
		fs.IntVar(p, n, def, usage)
	}
}

// parseArgs parses args, printing help to stdout on -h/--help.
func (fs flagSet) parseArgs(args []string, stdout io.Writer, help string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, help)
			return err
		}
		return fmt.Errorf("%w (see --help)", err)
	}
	return nil
}
