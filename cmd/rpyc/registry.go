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

	"github.com/rpyc-go/rpyc/registry"
)

// regFlags choose the registry.
type regFlags struct {
	kind      string
	host      string
	port      int
	endpoints string
	prefix    string
	timeout   time.Duration
}

func (r *regFlags) add(fs *flag.FlagSet) {
	kinds := "udp, tcp (Python's rpyc_registry and ours) or etcd"
	if !etcdBuilt {
		kinds += " (etcd needs an rpyc built with -tags etcd)"
	}
	fs.StringVar(&r.kind, "registry-type", "udp", kinds)
	fs.StringVar(&r.host, "registry-host", "", "registry address (udp default: broadcast to 255.255.255.255 as Python does; tcp default: 127.0.0.1)")
	fs.IntVar(&r.port, "registry-port", registry.DefaultPort, "registry port (udp and tcp)")
	fs.StringVar(&r.endpoints, "etcd-endpoints", "127.0.0.1:2379", "comma-separated etcd endpoints (etcd)")
	fs.StringVar(&r.prefix, "etcd-prefix", etcdDefaultPrefix, "key prefix the servers register under (etcd)")
	fs.DurationVar(&r.timeout, "timeout", 5*time.Second, "bound on the registry's answer")
}

// registryClient is what list and discover need.
type registryClient interface {
	registry.Discoverer
	registry.Lister
}

// open returns the registry client and a function that releases it.
func (r *regFlags) open(ctx context.Context) (registryClient, func(), error) {
	switch strings.ToLower(r.kind) {
	case "udp":
		return &registry.UDPClient{Host: r.host, Port: r.port, Timeout: r.timeout}, func() {}, nil
	case "tcp":
		host := r.host
		if host == "" {
			host = "127.0.0.1"
		}
		return &registry.TCPClient{Host: host, Port: r.port, Timeout: r.timeout}, func() {}, nil
	case "etcd":
		return r.openEtcd()
	}
	return nil, nil, &usageError{fmt.Sprintf("--registry-type %q: use udp, tcp or etcd", r.kind)}
}

// where names the registry for messages.
func (r *regFlags) where() string {
	switch strings.ToLower(r.kind) {
	case "etcd":
		return "etcd " + r.endpoints
	case "tcp":
		if r.host == "" {
			return fmt.Sprintf("tcp registry 127.0.0.1:%d", r.port)
		}
	case "udp":
		if r.host == "" {
			return fmt.Sprintf("udp registry (broadcast, port %d)", r.port)
		}
	}
	return fmt.Sprintf("%s registry %s:%d", strings.ToLower(r.kind), r.host, r.port)
}

// runList prints the service names a registry knows.
func runList(e *env, args []string) error {
	var rf regFlags
	fs := newFlagSet(e, "list", "[FILTER_HOST]",
		"Print the service names a registry knows (Python's rpyc.list_services), one a line;\n"+
			"with FILTER_HOST only those with a server on that host.")
	rf.add(fs)
	pos, out, err := parseWithOutput(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, pos, 0, 1, "at most FILTER_HOST"); err != nil {
		return err
	}
	filter := ""
	if len(pos) == 1 {
		filter = pos[0]
	}
	ctx, cancel := context.WithTimeout(context.Background(), rf.timeout)
	defer cancel()
	cl, done, err := rf.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	names, err := registry.ListServices(ctx, cl, filter)
	if err != nil {
		return registryErr(&rf, err)
	}
	if names == nil {
		names = []string{}
	}
	if out == "json" {
		return writeJSON(e.stdout, names)
	}
	for _, n := range names {
		fmt.Fprintln(e.stdout, n)
	}
	return nil
}

// runDiscover prints the servers a registry knows for a service.
func runDiscover(e *env, args []string) error {
	var rf regFlags
	fs := newFlagSet(e, "discover", "NAME",
		"Print HOST:PORT of every server the registry knows for service NAME (Python's\n"+
			"rpyc.discover), one a line. Exit code 4 when there is none.")
	rf.add(fs)
	pos, out, err := parseWithOutput(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, pos, 1, 1, "NAME"); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), rf.timeout)
	defer cancel()
	cl, done, err := rf.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	addrs, err := cl.Discover(ctx, pos[0])
	if err != nil {
		return registryErr(&rf, err)
	}
	if len(addrs) == 0 {
		if out == "json" {
			_ = writeJSON(e.stdout, []string{})
		}
		return &notFoundError{fmt.Sprintf("%s knows no server for service %q (rpyc list shows the names it knows)", rf.where(), pos[0])}
	}
	if out == "json" {
		list := make([]map[string]any, len(addrs))
		for i, a := range addrs {
			list[i] = map[string]any{"host": a.Host, "port": a.Port}
		}
		return writeJSON(e.stdout, list)
	}
	for _, a := range addrs {
		fmt.Fprintln(e.stdout, a.String())
	}
	return nil
}

// registryErr classifies a registry failure: no reply is a connection
// problem (exit 3).
func registryErr(rf *regFlags, err error) error {
	const hint = "(is a registry running there? set --registry-host, --registry-port or --registry-type)"
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &connError{fmt.Errorf("the %s refused the connection %s", rf.where(), hint)}
	case errors.Is(err, registry.ErrNoReply), errors.Is(err, context.DeadlineExceeded):
		return &connError{fmt.Errorf("no answer from the %s within %s %s", rf.where(), seconds(rf.timeout), hint)}
	case errors.As(err, &op):
		return &connError{fmt.Errorf("the %s: %v %s", rf.where(), op.Err, hint)}
	case errors.Is(err, registry.ErrListingDisabled):
		return fmt.Errorf("the %s does not allow listing (start it with listing allowed: rpyc_registry --listing)", rf.where())
	}
	return fmt.Errorf("the %s: %w", rf.where(), err)
}
