package main

import (
	"context"
	"errors"
	"flag"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// usageError is a mistake on the command line (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// connError is a failure to reach or keep the server (exit 3).
type connError struct{ err error }

func (e *connError) Error() string { return e.err.Error() }
func (e *connError) Unwrap() error { return e.err }

// notFoundError is a lookup that found nothing (exit 4).
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

// errHelpShown means --help was asked for and printed (exit 0).
var errHelpShown = errors.New("help shown")

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var ue *usageError
	var ce *connError
	var nf *notFoundError
	var exc *vinegar.Exception
	switch {
	case err == nil, errors.Is(err, errHelpShown), errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &nf):
		return exitNotFound
	case errors.As(err, &exc):
		return exitRemote
	case errors.As(err, &ce), errors.Is(err, rpyc.ErrTimeout), errors.Is(err, rpyc.ErrClosed),
		errors.Is(err, context.DeadlineExceeded):
		return exitConn
	}
	return exitRemote
}
