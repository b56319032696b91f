package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// keywordArg matches name=literal.
var keywordArg = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)

// runCall calls METHOD on the root with the arguments given as Python
// literals and prints the result.
func runCall(e *env, args []string) error {
	var cf connFlags
	fs := newFlagSet(e, "call", "HOST[:PORT] METHOD [ARG|KEY=ARG]...",
		"Call METHOD of the server's root (a dotted path such as counter.increment reaches\n"+
			"attributes) and print the result as Python's repr, or as JSON with -o json.\n"+
			"Each ARG is a Python literal: 12, -2.5, 'text' (quote it for the shell: \"'text'\"),\n"+
			"b'raw', [1, 2], (1,), {'k': 1}, True, None; NAME=ARG passes a keyword argument.\n"+
			"Example: rpyc call 127.0.0.1:18870 concat \"'a'\" \"'b'\" sep=\"'-'\"")
	cf.add(fs)
	pos, out, err := parseWithOutput(fs, args)
	if err != nil {
		return err
	}
	addr, rest, err := cf.target(fs, pos, defaultServicePort)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 1, -1, "METHOD and its arguments"); err != nil {
		return err
	}
	method := rest[0]
	callArgs, err := parseCallArgs(rest[1:])
	if err != nil {
		return err
	}
	ctx := context.Background()
	conn, err := cf.dial(ctx, addr, e.stderr)
	if err != nil {
		return err
	}
	defer conn.Close()
	cctx, cancel := context.WithTimeout(ctx, cf.timeout)
	defer cancel()
	root, err := conn.Root(cctx)
	if err != nil {
		return &connError{fmt.Errorf("fetching the root of %s: %w", cf.where(addr), err)}
	}
	v, err := rpyc.CallPath(cctx, root, method, callArgs...)
	var exc *vinegar.Exception
	if errors.As(err, &exc) {
		return fmt.Errorf("%s(): %w", method, err) // the exception does not name the method
	}
	if err != nil {
		return err
	}
	if out == "json" {
		jv, err := jsonValue(cctx, v)
		if err != nil {
			return err
		}
		return writeJSON(e.stdout, jv)
	}
	s, err := repr(cctx, v)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, s)
	return nil
}

// parseCallArgs reads positional literals and trailing name=literal
// keywords into CallMethod's arguments.
func parseCallArgs(args []string) ([]any, error) {
	var out []any
	var kw rpyc.Kwargs
	for i, a := range args {
		if m := keywordArg.FindStringSubmatch(a); m != nil {
			v, err := rpyc.ParseLiteral(m[2])
			if err != nil {
				return nil, &usageError{fmt.Sprintf("keyword %s (argument %d): %v", m[1], i+1, err)}
			}
			if kw == nil {
				kw = rpyc.Kwargs{}
			}
			kw[m[1]] = v
			continue
		}
		if kw != nil {
			return nil, &usageError{fmt.Sprintf("argument %d %q comes after a keyword argument: put positional arguments first, as in Python", i+1, a)}
		}
		v, err := rpyc.ParseLiteral(a)
		if err != nil {
			hint := ""
			if !strings.ContainsAny(a, "'\"") {
				hint = fmt.Sprintf(" (a string needs quotes: \"'%s'\")", a)
			}
			return nil, &usageError{fmt.Sprintf("argument %d: %v%s", i+1, err, hint)}
		}
		out = append(out, v)
	}
	if kw != nil {
		out = append(out, kw)
	}
	return out, nil
}
