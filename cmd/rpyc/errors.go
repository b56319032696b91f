package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc/message"

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

// connectError explains a failed connection in the command's terms: who
// did not answer, and what to try. forced is set when the layout came
// from --layout or RPYC_LAYOUT rather than from the server.
func (c *connFlags) connectError(addr string, err error, forced bool) error {
	where := c.where(addr)
	var le *rpyc.LayoutError
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &le) && forced:
		speaks := "it may speak"
		if le.Peer != 0 && le.Peer != le.Tried {
			speaks = "it speaks"
		}
		other := message.LayoutV5
		if le.Tried == message.LayoutV5 {
			other = message.LayoutV6
		}
		return &connError{fmt.Errorf("%s hung up on the first request, sent in the rpyc %s.x layout; %s rpyc %s.x: use --layout %s (or --layout auto)",
			where, layoutFlag(le.Tried), speaks, layoutFlag(other), layoutFlag(other))}
	case errors.As(err, &dns):
		return &connError{fmt.Errorf("cannot connect to %s: unknown host %q (%v)", where, dns.Name, dns.Err)}
	case errors.As(err, &op) && op.Op == "dial":
		switch {
		case op.Timeout():
			return &connError{fmt.Errorf("cannot connect to %s: no answer within %s (is the host up? a firewall in the way?)", where, seconds(c.timeout))}
		case errors.Is(err, syscall.ECONNREFUSED):
			return &connError{fmt.Errorf("cannot connect to %s: connection refused (is a server listening there?)", where)}
		}
		return &connError{fmt.Errorf("cannot connect to %s: %v", where, op.Err)}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, rpyc.ErrTimeout):
		return &connError{fmt.Errorf("no RPyC answer from %s within %s (is it an RPyC server?)", where, seconds(c.timeout))}
	}
	return &connError{fmt.Errorf("cannot connect to %s: %s", where, trimPrefixes(err.Error()))}
}

// trimPrefixes drops the package prefixes the library puts before its
// messages ("classic: connect HOST: ", "rpyc: "): the command says where
// it failed itself.
func trimPrefixes(s string) string {
	for {
		switch {
		case strings.HasPrefix(s, "rpyc: "):
			s = s[len("rpyc: "):]
		case strings.HasPrefix(s, "classic: ") && !strings.HasPrefix(s, "classic: connect "):
			s = s[len("classic: "):]
		case strings.HasPrefix(s, "classic: connect "):
			rest := s[len("classic: connect "):]
			j := strings.Index(rest, ": ")
			if j < 0 {
				return s
			}
			s = rest[j+2:]
		default:
			return s
		}
	}
}

// noReply explains a call that outlived --timeout: "add(): no reply
// within 10 s".
func noReply(what string, timeout time.Duration) error {
	return &connError{fmt.Errorf("%s: no reply within %s (--timeout; give a longer one to wait more)", what, seconds(timeout))}
}

// seconds formats a duration for messages: "10 s", or Go's form ("1.5s",
// "300ms") when it is not whole seconds.
func seconds(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return fmt.Sprintf("%d s", d/time.Second)
	}
	return d.String()
}

// checkClassic makes sure the server is a classic one (its root has eval
// and execute, as Python's SlaveService does) before a classic command
// goes on, so that a shell does not open on a server where every line
// would fail.
func checkClassic(ctx context.Context, root *rpyc.Netref, where string) error {
	for _, name := range []string{"eval", "execute", "getmodule"} {
		_, err := root.GetAttr(ctx, name)
		var exc *vinegar.Exception
		if errors.As(err, &exc) {
			service := "a service"
			if s, err := rpyc.As[string](root.CallMethod(ctx, "get_service_name")); err == nil && s != "" {
				service = "service " + s
			}
			return &usageError{fmt.Sprintf("%s serves %s, not a classic server (its root has no %s): "+
				"upload, download and shell need rpyc_classic (Python's or cmd/rpyc_classic); rpyc call and rpyc get work with any service",
				where, service, name)}
		}
		if err != nil {
			return &connError{fmt.Errorf("%s: getattr(root, %q): %s", where, name, trimPrefixes(err.Error()))}
		}
	}
	return nil
}

// tidy is err with the library's package prefixes dropped from its text
// (trimPrefixes); errors.Is and errors.As see err.
func tidy(err error) error { return &tidied{err} }

type tidied struct{ err error }

func (t *tidied) Error() string { return trimPrefixes(t.err.Error()) }
func (t *tidied) Unwrap() error { return t.err }
