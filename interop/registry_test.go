//go:build unix

package interop

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
)

// The registry's interop tests: Python's registry with Go servers and
// clients, and the Go registry with Python servers and clients, over UDP
// and TCP, with Python's rpyc in both message layouts. Every client names
// 127.0.0.1 or ::1; nothing is broadcast.

// regWho is the Go service registered in these tests: Python calls
// root.whoami() to see which server it reached.
type regWho struct{ name string }

// Whoami names the server.
func (w regWho) Whoami() string { return "go:" + w.name }

// startRegGoServer serves regWho{name} on 127.0.0.1 and returns its
// address.
func startRegGoServer(t *testing.T, name string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Service: regWho{name}}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	})
	return l.Addr().String()
}

// startGoRegistry runs a Go registry on host, UDP and TCP, and returns
// the UDP and TCP ports.
func startGoRegistry(t *testing.T, host string, cfg *registry.Config) (*registry.Server, int, int) {
	t.Helper()
	s := registry.NewServer(cfg)
	ctx := context.Background()
	pc, err := registry.ListenUDP(ctx, net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := registry.ListenTCP(ctx, net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = s.ServeUDP(pc) }()
	go func() { defer wg.Done(); _ = s.ServeTCP(l) }()
	t.Cleanup(func() { _ = s.Close(); wg.Wait() })
	return s, pc.LocalAddr().(*net.UDPAddr).Port, l.Addr().(*net.TCPAddr).Port
}

type regClient interface {
	registry.Registrar
	registry.Discoverer
	registry.Lister
}

func regClientFor(mode, host string, port int) regClient {
	if mode == "udp" {
		return &registry.UDPClient{Host: host, Port: port}
	}
	return &registry.TCPClient{Host: host, Port: port}
}

func portOfPeer(t *testing.T, p *Peer) int {
	t.Helper()
	i := strings.LastIndex(p.Addr, ":")
	n, err := strconv.Atoi(p.Addr[i+1:])
	if err != nil {
		t.Fatalf("peer address %q: %v", p.Addr, err)
	}
	return n
}

// waitDiscover polls d until name has want servers (Python servers
// register from a background thread, shortly after they listen).
func waitDiscover(t *testing.T, d registry.Discoverer, name string, want int) []registry.ServerAddr {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		got, err := d.Discover(ctx, name)
		cancel()
		if err == nil && len(got) == want {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("Discover(%q) = %v, %v; want %d servers", name, got, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func whoami(t *testing.T, c *rpyc.Conn) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := root.CallMethod(ctx, "whoami")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := v.(string)
	return s
}

// regModes runs f for UDP and TCP, each with Python in both layouts.
func regModes(t *testing.T, f func(t *testing.T, mode string, layout6 bool)) {
	for _, mode := range []string{"udp", "tcp"} {
		for _, l6 := range []bool{false, true} {
			name := mode + "/v5"
			if l6 {
				name = mode + "/v6"
			}
			t.Run(name, func(t *testing.T) { f(t, mode, l6) })
		}
	}
}

// TestRegistryPythonRegistry: Python's registry server, with a Go server
// registered by the Go client, a Python server registering itself, and
// the Go factory finding and connecting to both.
func TestRegistryPythonRegistry(t *testing.T) {
	regModes(t, func(t *testing.T, mode string, layout6 bool) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		reg := Start(t, PeerOptions{Script: "registry_server.py", Args: []string{mode, "--listing"}, Layout6: layout6})
		rport := portOfPeer(t, reg)
		c := regClientFor(mode, "127.0.0.1", rport)

		goAddr := startRegGoServer(t, "GOREG")
		if err := c.Register(ctx, []string{"GoReg", "GOALIAS"}, goAddr); err != nil {
			t.Fatalf("Register with Python's registry: %v", err)
		}
		got := waitDiscover(t, c, "goreg", 1)
		if got[0].String() != goAddr {
			t.Fatalf("Discover = %v, want %s", got, goAddr)
		}

		py := Start(t, PeerOptions{Script: "registry_pyserver.py", Args: []string{mode, strconv.Itoa(rport), "PYREG"}, Layout6: layout6})
		pyAddrs := waitDiscover(t, c, "pyreg", 1)
		if pyAddrs[0].String() != py.Addr {
			t.Fatalf("Python server found at %v, it listens on %s", pyAddrs, py.Addr)
		}

		names, err := registry.ListServices(ctx, c, "")
		if err != nil {
			t.Fatalf("ListServices: %v", err)
		}
		for _, want := range []string{"GOREG", "GOALIAS", "PYREG", "PYALIAS"} {
			if !slices.Contains(names, want) {
				t.Errorf("ListServices = %v, missing %s", names, want)
			}
		}
		if names, err := c.List(ctx, "192.0.2.9"); err != nil || len(names) != 0 {
			t.Errorf("List(filter other host) = %v, %v; want none", names, err)
		}

		for name, want := range map[string]string{"GOALIAS": "go:GOREG", "pyreg": "python:PYREG"} {
			conn, err := registry.ConnectByService(ctx, c, name, nil)
			if err != nil {
				t.Fatalf("ConnectByService(%s): %v", name, err)
			}
			if got := whoami(t, conn); got != want {
				t.Errorf("ConnectByService(%s) reached %q, want %q", name, got, want)
			}
			conn.Close()
		}

		if err := c.Unregister(ctx, goAddr); err != nil && mode == "tcp" {
			t.Fatalf("Unregister: %v", err)
		}
		waitDiscover(t, c, "goreg", 0)
	})
}

// TestRegistryGoRegistry: the Go registry, with a Python server
// registering itself, a Go server registered by the Go client, and
// Python's discover, connect_by_service and list_services finding them.
func TestRegistryGoRegistry(t *testing.T) {
	regModes(t, func(t *testing.T, mode string, layout6 bool) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		srv, uport, tport := startGoRegistry(t, "127.0.0.1", &registry.Config{AllowListing: true})
		rport := uport
		if mode == "tcp" {
			rport = tport
		}
		c := regClientFor(mode, "127.0.0.1", rport)
		py := Start(t, PeerOptions{Script: "registry_pyserver.py", Args: []string{mode, strconv.Itoa(rport), "PYREG"}, Layout6: layout6})
		if got := waitDiscover(t, c, "PYALIAS", 1); got[0].String() != py.Addr {
			t.Fatalf("Python server recorded as %v, it listens on %s", got, py.Addr)
		}
		conn, err := registry.ConnectByService(ctx, c, "pyreg", nil)
		if err != nil {
			t.Fatalf("ConnectByService(pyreg): %v", err)
		}
		if got := whoami(t, conn); got != "python:PYREG" {
			t.Errorf("reached %q", got)
		}
		conn.Close()

		goAddr := startRegGoServer(t, "GOREG")
		if err := c.Register(ctx, []string{"GOREG"}, goAddr); err != nil {
			t.Fatal(err)
		}
		pyrun := func(args ...string) string {
			all := append([]string{mode, "127.0.0.1", strconv.Itoa(rport)}, args...)
			return strings.TrimSpace(Run(t, "registry_client.py", layout6, all...))
		}
		if got := pyrun("discover", "goreg"); got != goAddr {
			t.Errorf("Python discover(goreg) = %q, want %s", got, goAddr)
		}
		if got := pyrun("connect", "GoReg"); got != "go:GOREG" {
			t.Errorf("Python connect_by_service(GoReg) reached %q", got)
		}
		list := strings.Fields(pyrun("list"))
		for _, want := range []string{"GOREG", "PYREG", "PYALIAS"} {
			if !slices.Contains(list, want) {
				t.Errorf("Python list_services() = %v, missing %s", list, want)
			}
		}
		if got := pyrun("missing", "NOSUCH"); got != "NOTFOUND" {
			t.Errorf("Python discover(NOSUCH) said %q", got)
		}
		if err := c.Unregister(ctx, goAddr); err != nil {
			t.Fatal(err)
		}
		if got := pyrun("missing", "GOREG"); got != "NOTFOUND" {
			t.Errorf("Python discover(GOREG) after Unregister said %q", got)
		}
		if len(srv.Query("GOREG")) != 0 {
			t.Errorf("registry still holds GOREG")
		}
	})
}

// TestRegistryListingOffForPython: listing is off by default, and Python's
// list_services gets the ForbiddenError it expects.
func TestRegistryListingOffForPython(t *testing.T) {
	_, uport, tport := startGoRegistry(t, "127.0.0.1", nil)
	for mode, port := range map[string]int{"udp": uport, "tcp": tport} {
		if got := strings.TrimSpace(Run(t, "registry_client.py", false, mode, "127.0.0.1", strconv.Itoa(port), "list")); got != "FORBIDDEN" {
			t.Errorf("%s: Python list_services against a registry without listing printed %q", mode, got)
		}
	}
}

// TestRegistryIPv6: registries on ::1, Go's and Python's (rpyc #90).
func TestRegistryIPv6(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	goAddr := startRegGoServer(t, "V6")
	_, port, tport := startGoRegistry(t, "::1", nil)
	for _, c := range []regClient{&registry.UDPClient{Host: "::1", Port: port}, &registry.TCPClient{Host: "::1", Port: tport}} {
		if err := c.Register(ctx, []string{"V6"}, goAddr); err != nil {
			t.Fatalf("%v: Register: %v", c, err)
		}
	}
	// Python's UDP client with ipv6=True finds it; the server is recorded
	// under the address the REGISTER came from.
	if got := strings.TrimSpace(Run(t, "registry_client.py", false, "udp", "::1", strconv.Itoa(port), "discover", "v6")); !strings.HasPrefix(got, "::1:") {
		t.Errorf("Python discover over IPv6 = %q, want ::1:PORT", got)
	}
	reg := Start(t, PeerOptions{Script: "registry_server.py", Args: []string{"udp", "--host", "::1"}})
	c := &registry.UDPClient{Host: "::1", Port: portOfPeer(t, reg)}
	if err := c.Register(ctx, []string{"V6"}, goAddr); err != nil {
		t.Fatalf("Register with Python's IPv6 registry: %v", err)
	}
	if got := waitDiscover(t, c, "V6", 1); got[0].Host != "::1" {
		t.Errorf("Python registry recorded %v", got)
	}
}

// TestRegistryGoServerPythonRegistry: a server.Server whose Registrar is
// a Go registry client announces itself to Python's registry; Python's
// discover and connect_by_service find it; after Shutdown Python's
// discover does not.
func TestRegistryGoServerPythonRegistry(t *testing.T) {
	regModes(t, func(t *testing.T, mode string, layout6 bool) {
		reg := Start(t, PeerOptions{Script: "registry_server.py", Args: []string{mode}, Layout6: layout6})
		rport := portOfPeer(t, reg)
		c := regClientFor(mode, "127.0.0.1", rport)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &server.Server{Service: regWho{"SRV"}, Registrar: c, Logger: quietRegLogger()}
		done := make(chan struct{})
		go func() { defer close(done); _ = srv.Serve(l) }()
		defer func() {
			_ = srv.Close()
			<-done
		}()
		waitDiscover(t, c, "REGWHO", 1)
		pyrun := func(args ...string) string {
			all := append([]string{mode, "127.0.0.1", strconv.Itoa(rport)}, args...)
			return strings.TrimSpace(Run(t, "registry_client.py", layout6, all...))
		}
		if got := pyrun("discover", "regwho"); got != l.Addr().String() {
			t.Fatalf("Python discover(regwho) = %q, server listens on %s", got, l.Addr())
		}
		if got := pyrun("connect", "REGWHO"); got != "go:SRV" {
			t.Fatalf("Python connect_by_service reached %q", got)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		if got := pyrun("missing", "REGWHO"); got != "NOTFOUND" {
			t.Fatalf("Python discover after Shutdown said %q", got)
		}
	})
}

func quietRegLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestRegistryBigQueryForPython: with more servers under one name than
// fit the 1500 bytes a Python client reads, the Go registry answers with
// the most recently registered ones that fit, and Python decodes it.
func TestRegistryBigQueryForPython(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, uport, _ := startGoRegistry(t, "127.0.0.1", nil)
	c := &registry.UDPClient{Host: "127.0.0.1", Port: uport}
	for p := 20001; p <= 20150; p++ {
		if err := c.Register(ctx, []string{"MANY"}, ":"+strconv.Itoa(p)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Query("MANY")); n != 150 {
		t.Fatalf("registry holds %d servers", n)
	}
	lines := strings.Fields(Run(t, "registry_client.py", false, "udp", "127.0.0.1", strconv.Itoa(uport), "discover", "many"))
	if len(lines) == 0 || len(lines) >= 150 {
		t.Fatalf("Python discover got %d servers, want some but fewer than 150", len(lines))
	}
	if !slices.Contains(lines, "127.0.0.1:20150") {
		t.Errorf("the most recent registration is missing from %v", lines)
	}
	t.Logf("Python read %d of 150 servers in one datagram", len(lines))
}
