package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// member is one name the root offers.
type member struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Doc  string `json:"doc,omitempty"`
}

// serviceInfo is what info prints.
type serviceInfo struct {
	Server  string   `json:"server"`
	Service string   `json:"service"`
	Aliases []string `json:"aliases"`
	Layout  string   `json:"layout"`
	Version string   `json:"version"`
	Members []member `json:"members"`
}

// runInfo prints the service's name, aliases, layout, rpyc version and
// the names its root exposes with their first doc line.
func runInfo(e *env, args []string) error {
	var cf connFlags
	fs := newFlagSet(e, "info", "HOST[:PORT]",
		"Print the service's name and aliases, the message layout and rpyc version the server\n"+
			"speaks, and what its root exposes (dir(root)), with each method's first doc line\n"+
			"where the server offers one.")
	cf.add(fs)
	addr, _, out, err := cf.parseTarget(fs, args, defaultServicePort, 0, 0, "only HOST[:PORT]")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*cf.timeout)
	defer cancel()
	conn, err := cf.dial(ctx, addr, e.stderr)
	if err != nil {
		return err
	}
	defer conn.Close()
	root, err := conn.Root(ctx)
	if err != nil {
		return cf.connectError(addr, err, false)
	}
	info := serviceInfo{Server: cf.where(addr), Layout: conn.Layout().String()}
	if info.Service, err = rpyc.As[string](root.CallMethod(ctx, "get_service_name")); err != nil {
		return fmt.Errorf("get_service_name(): %w", err)
	}
	aliases, err := root.CallMethod(ctx, "get_service_aliases")
	if err == nil {
		info.Aliases, err = rpyc.Obtain[[]string](ctx, aliases)
	}
	if err != nil {
		return fmt.Errorf("get_service_aliases(): %w", err)
	}
	info.Version = remoteVersion(ctx, root)
	if info.Members, err = members(ctx, root); err != nil {
		return err
	}
	if out == "json" {
		return writeJSON(e.stdout, info)
	}
	w := e.stdout
	fmt.Fprintf(w, "server:  %s\nservice: %s\naliases: %s\nlayout:  %s\nversion: %s\nroot:\n",
		info.Server, info.Service, strings.Join(info.Aliases, ", "), info.Layout, info.Version)
	for _, m := range info.Members {
		line := "  " + m.Name
		if m.Type != "" {
			line += "  (" + m.Type + ")"
		}
		if m.Doc != "" {
			line += "  " + m.Doc
		}
		fmt.Fprintln(w, line)
	}
	return nil
}

// remoteVersion learns the server's rpyc version from the
// _remote_version that Python (and Go) servers attach to exceptions: it
// asks for an attribute no server exposes. "unknown" when the server
// withholds it.
func remoteVersion(ctx context.Context, root *rpyc.Netref) string {
	_, err := root.GetAttr(ctx, "rpyc_cli_version_probe")
	var exc *vinegar.Exception
	if errors.As(err, &exc) && exc.RemoteVersion != "" {
		return exc.RemoteVersion
	}
	return "unknown"
}

// members lists the names the root exposes: what dir(root) names (with
// Python's exposed_ prefix dropped), without private names, and only
// those the server lets this client read (a Python service lists methods
// it does not expose; a classic server exposes plain names).
func members(ctx context.Context, root *rpyc.Netref) ([]member, error) {
	names, err := root.Dir(ctx)
	if err != nil {
		return nil, fmt.Errorf("dir(root): %w", err)
	}
	var cands []string
	for _, n := range names {
		n = strings.TrimPrefix(n, "exposed_")
		if n != "" && !strings.HasPrefix(n, "_") {
			cands = append(cands, n)
		}
	}
	sort.Strings(cands)
	var out []member
	for i, n := range cands {
		if i > 0 && cands[i-1] == n {
			continue
		}
		m := member{Name: n}
		v, err := root.GetAttr(ctx, n)
		var exc *vinegar.Exception
		if errors.As(err, &exc) {
			continue // not reachable by clients
		}
		if err != nil {
			return nil, fmt.Errorf("getattr(root, %q): %w", n, err)
		}
		if r, ok := v.(*rpyc.Netref); ok {
			m.Type = r.TypeName()
			if d, err := r.GetAttr(ctx, "__doc__"); err == nil {
				if s, ok := d.(string); ok {
					m.Doc = strings.TrimSpace(strings.SplitN(strings.TrimSpace(s), "\n", 2)[0])
				}
			}
			r.Release()
		} else {
			m.Type = "value " + brine.Repr(v)
		}
		out = append(out, m)
	}
	return out, nil
}
