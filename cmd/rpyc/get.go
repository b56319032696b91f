package main

import (
	"context"

	"github.com/rpyc-go/rpyc"
)

// runGet reads an attribute of the root (a dotted path) and prints it.
func runGet(e *env, args []string) error {
	var cf connFlags
	fs := newFlagSet(e, "get", "HOST[:PORT] ATTR",
		"Read ATTR of the server's root (a dotted path such as config.version reaches\n"+
			"further) and print it as Python's repr, or as JSON with -o json: what call is\n"+
			"for methods, get is for values (rpyc get HOST version, not rpyc call HOST version).")
	cf.add(fs)
	addr, rest, out, err := cf.parseTarget(fs, args, defaultServicePort, 1, 1, "ATTR")
	if err != nil {
		return err
	}
	attr := rest[0]
	return withRoot(e, &cf, addr, func(ctx context.Context, root *rpyc.Netref) error {
		v, err := rpyc.GetPath(ctx, root, attr)
		if err != nil {
			return remoteErr(attr, err, cf.timeout)
		}
		return printResult(ctx, e, v, out)
	})
}
