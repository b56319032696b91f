package registry

import (
	"fmt"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
)

// Request is one decoded registry request.
type Request struct {
	// Command is CmdRegister, CmdUnregister, CmdQuery or CmdList, upper
	// case whatever the sender wrote (Python matches it case-insensitively).
	Command string
	// Names are the aliases of a REGISTER.
	Names []string
	// Name is the service name of a QUERY.
	Name string
	// Port is the server's TCP port in a REGISTER or UNREGISTER.
	Port int
	// FilterHost restricts a LIST to services with a server on that host;
	// empty means every service.
	FilterHost string
}

// Limits on what one request may carry. A datagram already bounds the
// size; these keep a TCP request, and the table, to sensible shapes.
const (
	// MaxNames is the most aliases one REGISTER may carry.
	MaxNames = 64
	// MaxNameLen is the longest service name, in bytes.
	MaxNameLen = 255
)

var decoder = brine.Decoder{MaxDepth: 8, MaxIntDigits: 20}

// ParseRequest decodes a request: the brine encoding of
// ("RPYC", command, args) as Python's registry clients send it. Anything
// else, including a wrong magic, an unknown command, or arguments of the
// wrong shape, is an error wrapping ErrMalformed.
func ParseRequest(data []byte) (Request, error) {
	if len(data) > MaxDatagramSize {
		return Request{}, fmt.Errorf("%w: request of %d bytes exceeds %d", ErrMalformed, len(data), MaxDatagramSize)
	}
	v, err := decoder.Decode(data)
	if err != nil {
		return Request{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	t, ok := v.(brine.Tuple)
	if !ok || len(t) != 3 {
		return Request{}, fmt.Errorf("%w: want a 3-tuple (magic, command, args), got %s", ErrMalformed, short(v))
	}
	if m, ok := t[0].(string); !ok || m != magic {
		return Request{}, fmt.Errorf("%w: wrong magic %s, want 'RPYC'", ErrMalformed, short(t[0]))
	}
	cmd, ok := t[1].(string)
	if !ok {
		return Request{}, fmt.Errorf("%w: command %s is not a str", ErrMalformed, short(t[1]))
	}
	args, ok := t[2].(brine.Tuple)
	if !ok {
		return Request{}, fmt.Errorf("%w: arguments %s are not a tuple", ErrMalformed, short(t[2]))
	}
	r := Request{Command: strings.ToUpper(cmd)}
	switch r.Command {
	case CmdRegister:
		return r, r.parseRegister(args)
	case CmdUnregister:
		if len(args) != 1 {
			return r, fmt.Errorf("%w: UNREGISTER takes (port,), got %d arguments", ErrMalformed, len(args))
		}
		r.Port, err = parsePort(args[0])
		return r, err
	case CmdQuery:
		if len(args) != 1 {
			return r, fmt.Errorf("%w: QUERY takes (name,), got %d arguments", ErrMalformed, len(args))
		}
		r.Name, err = parseName(args[0])
		return r, err
	case CmdList:
		return r, r.parseList(args)
	}
	return r, fmt.Errorf("%w: unknown command %s", ErrMalformed, short(cmd))
}

func (r *Request) parseRegister(args brine.Tuple) error {
	if len(args) != 2 {
		return fmt.Errorf("%w: REGISTER takes (aliases, port), got %d arguments", ErrMalformed, len(args))
	}
	names, ok := args[0].(brine.Tuple)
	if !ok {
		return fmt.Errorf("%w: REGISTER aliases %s are not a tuple", ErrMalformed, short(args[0]))
	}
	if len(names) == 0 || len(names) > MaxNames {
		return fmt.Errorf("%w: REGISTER with %d aliases, want 1 to %d", ErrMalformed, len(names), MaxNames)
	}
	r.Names = make([]string, len(names))
	for i, n := range names {
		name, err := parseName(n)
		if err != nil {
			return err
		}
		r.Names[i] = name
	}
	var err error
	r.Port, err = parsePort(args[1])
	return err
}

// parseList takes Python's LIST arguments, ((filter_host,),): one tuple
// whose first item is a host or None.
func (r *Request) parseList(args brine.Tuple) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: LIST takes ((filter_host,),), got %d arguments", ErrMalformed, len(args))
	}
	f, ok := args[0].(brine.Tuple)
	if !ok || len(f) == 0 {
		return fmt.Errorf("%w: LIST filter %s is not a non-empty tuple", ErrMalformed, short(args[0]))
	}
	switch h := f[0].(type) {
	case nil:
	case string:
		if len(h) > MaxNameLen {
			return fmt.Errorf("%w: LIST filter host of %d bytes", ErrMalformed, len(h))
		}
		r.FilterHost = h
	default:
		return fmt.Errorf("%w: LIST filter host %s is neither a str nor None", ErrMalformed, short(h))
	}
	return nil
}

func parseName(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: service name %s is not a str", ErrMalformed, short(v))
	}
	if s == "" || len(s) > MaxNameLen {
		return "", fmt.Errorf("%w: service name of %d bytes, want 1 to %d", ErrMalformed, len(s), MaxNameLen)
	}
	return s, nil
}

func parsePort(v any) (int, error) {
	p, ok := v.(int64)
	if !ok || p < 1 || p > 65535 {
		return 0, fmt.Errorf("%w: port %s is not an int from 1 to 65535", ErrMalformed, short(v))
	}
	return int(p), nil
}

// short is a value's Python repr, cut to a length fit for a log line.
func short(v any) string {
	s := brine.Repr(v)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// Encode returns the request's wire form, exactly what Python's registry
// clients send.
func (r Request) Encode() ([]byte, error) {
	var args brine.Tuple
	switch strings.ToUpper(r.Command) {
	case CmdRegister:
		names := make(brine.Tuple, len(r.Names))
		for i, n := range r.Names {
			names[i] = n
		}
		args = brine.Tuple{names, r.Port}
	case CmdUnregister:
		args = brine.Tuple{r.Port}
	case CmdQuery:
		args = brine.Tuple{r.Name}
	case CmdList:
		var h any
		if r.FilterHost != "" {
			h = r.FilterHost
		}
		args = brine.Tuple{brine.Tuple{h}}
	default:
		return nil, fmt.Errorf("registry: cannot encode unknown command %q: use one of REGISTER, UNREGISTER, QUERY, LIST", r.Command)
	}
	b, err := brine.Encode(brine.Tuple{magic, strings.ToUpper(r.Command), args})
	if err != nil {
		return nil, fmt.Errorf("registry: encoding %s request: %w", r.Command, err)
	}
	return b, nil
}
