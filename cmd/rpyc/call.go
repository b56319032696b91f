package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// bareWord matches an argument that is a name, which a user most likely
// meant as a string.
var bareWord = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// keywordArg matches name=literal.
var keywordArg = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)

// runCall calls METHOD on the root with the arguments given as Python
// literals and prints the result.
func runCall(e *env, args []string) error {
	var cf connFlags
	fs := newFlagSet(e, "call", "HOST[:PORT] METHOD [ARG|KEY=ARG]...",
		"Call METHOD of the server's root (a dotted path such as counter.increment reaches\n"+
			"attributes) and print the result as Python's repr, or as JSON with -o json.\n"+
			"Each ARG is a Python literal, as ast.literal_eval reads it: 12, 0x40, -2.5, 1e400, 1+2j,\n"+
			"'text' (quote it for the shell: \"'text'\"), r'\\d', b'raw', [1, 2], (1,), {'k': 1}, {1, 2}\n"+
			"(sent as a frozenset), True, None; NAME=ARG passes a keyword argument.\n"+
			"Example: rpyc call 127.0.0.1:18870 concat \"'a'\" \"'b'\" sep=\"'-'\"")
	cf.add(fs)
	addr, rest, out, err := cf.parseTarget(fs, args, defaultServicePort, 1, -1, "METHOD and its arguments")
	if err != nil {
		return err
	}
	method := rest[0]
	callArgs, err := parseCallArgs(rest[1:])
	if err != nil {
		return err
	}
	return withRoot(e, &cf, addr, func(ctx context.Context, root *rpyc.Netref) error {
		v, err := rpyc.CallPath(ctx, root, method, callArgs...)
		if err != nil {
			return remoteErr(method+"()", err, cf.timeout)
		}
		return printResult(ctx, e, v, out)
	})
}

// withRoot connects, fetches the server's root and runs f with it under
// --timeout.
func withRoot(e *env, cf *connFlags, addr string, f func(ctx context.Context, root *rpyc.Netref) error) error {
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
		return cf.connectError(addr, err, false)
	}
	return f(cctx, root)
}

// remoteErr names what failed in a request's error: a Python exception
// does not name the method, a timeout says how long it waited.
func remoteErr(what string, err error, timeout time.Duration) error {
	var exc *vinegar.Exception
	switch {
	case errors.As(err, &exc):
		return fmt.Errorf("%s: %w", what, err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, rpyc.ErrTimeout):
		return noReply(what, timeout)
	}
	return fmt.Errorf("%s: %s", what, trimPrefixes(err.Error()))
}

// printResult prints a result as Python's repr, or as JSON.
func printResult(ctx context.Context, e *env, v any, out string) error {
	if out == "json" {
		jv, err := jsonValue(ctx, v)
		if err != nil {
			return err
		}
		return writeJSON(e.stdout, jv)
	}
	s, err := repr(ctx, v)
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
				return nil, &usageError{fmt.Sprintf("keyword %s (argument %d): %s", m[1], i+1, trimPrefixes(err.Error()))}
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
			if bareWord.MatchString(a) {
				// A string without its quotes (the shell took them).
				return nil, &usageError{fmt.Sprintf("argument %d: %s is not a Python literal; a string needs quotes, which the shell removes unless quoted: \"'%s'\"", i+1, a, a)}
			}
			return nil, &usageError{fmt.Sprintf("argument %d: %s", i+1, trimPrefixes(err.Error()))}
		}
		out = append(out, v)
	}
	if kw != nil {
		out = append(out, kw)
	}
	return out, nil
}
