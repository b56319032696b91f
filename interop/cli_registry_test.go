//go:build unix

package interop

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/registry"
)

// TestCLIRegistry: rpyc list and discover against Go's and Python's
// registries, over UDP and TCP (always 127.0.0.1, never a broadcast),
// with a Go server (the conformance server, -register) and a Python
// server (auto_register) announced to each.
func TestCLIRegistry(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	for _, kind := range []string{"udp", "tcp"} {
		t.Run("go-"+kind, func(t *testing.T) {
			_, udp, tcp := startGoRegistry(t, "127.0.0.1", &registry.Config{AllowListing: true})
			port := udp
			if kind == "tcp" {
				port = tcp
			}
			testCLIRegistry(t, bin, kind, strconv.Itoa(port))
		})
		t.Run("py-"+kind, func(t *testing.T) {
			reg := Start(t, PeerOptions{Script: "registry_server.py", Args: []string{kind, "--listing"}})
			_, port, _ := net.SplitHostPort(reg.Addr)
			testCLIRegistry(t, bin, kind, port)
		})
	}
}

func testCLIRegistry(t *testing.T, bin, kind, port string) {
	reg := []string{"--registry-type", kind, "--registry-host", "127.0.0.1", "--registry-port", port}
	conf := startConformance(t, "-register", "-registry-type", strings.ToUpper(kind), "-registry-host", "127.0.0.1", "-registry-port", port)
	py := Start(t, PeerOptions{Script: "registry_pyserver.py", Args: []string{kind, port, "CLIPY"}})

	// Registration is asynchronous: wait until both are known.
	deadline := time.Now().Add(15 * time.Second)
	for {
		a := runCLI(t, bin, append([]string{"discover", "CONFORMANCE"}, reg...)...)
		b := runCLI(t, bin, append([]string{"discover", "clipy"}, reg...)...)
		if a.code == 0 && b.code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("servers not registered after 15 s:\n%v\n%v", a, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	out := mustCLI(t, bin, append([]string{"discover", "CONF"}, reg...)...)
	if got := strings.TrimSpace(out); got != conf.Addr {
		t.Errorf("discover CONF printed %q, want %s", got, conf.Addr)
	}
	out = mustCLI(t, bin, append([]string{"discover", "PYALIAS", "-o", "json"}, reg...)...)
	_, pyPort, _ := net.SplitHostPort(py.Addr)
	var addrs []struct {
		Host string `json:"host"`
		Port int    `json:"port"`
	}
	decodeJSON(t, out, &addrs)
	if len(addrs) != 1 || addrs[0].Host != "127.0.0.1" || strconv.Itoa(addrs[0].Port) != pyPort {
		t.Errorf("discover PYALIAS -o json = %+v, want [127.0.0.1:%s]", addrs, pyPort)
	}

	out = mustCLI(t, bin, append([]string{"list"}, reg...)...)
	names := strings.Fields(out)
	for _, want := range []string{"CONFORMANCE", "CONF", "CLIPY", "PYALIAS"} {
		if !contains(names, want) {
			t.Errorf("list printed %q, lacks %s", names, want)
		}
	}
	var jnames []string
	decodeJSON(t, mustCLI(t, bin, append([]string{"list", "-o", "json", "127.0.0.1"}, reg...)...), &jnames)
	if !contains(jnames, "CONFORMANCE") || !contains(jnames, "CLIPY") {
		t.Errorf("list -o json 127.0.0.1 = %q", jnames)
	}

	r := runCLI(t, bin, append([]string{"discover", "NO_SUCH_SERVICE"}, reg...)...)
	if r.code != 4 || !strings.Contains(r.stderr, `"NO_SUCH_SERVICE"`) {
		t.Errorf("discover of an unknown name: want exit 4 naming it, got %v", r)
	}
}

// TestCLIRegistryNoAnswer: a registry that does not answer is a
// connection failure (exit 3) naming where the command looked.
func TestCLIRegistryNoAnswer(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	port := strconv.Itoa(freePort(t))
	for _, kind := range []string{"udp", "tcp"} {
		r := runCLI(t, bin, "discover", "X", "--registry-type", kind, "--registry-host", "127.0.0.1", "--registry-port", port, "--timeout", "500ms")
		if r.code != 3 || !strings.Contains(r.stderr, "127.0.0.1:"+port) {
			t.Errorf("%s discover with no registry: want exit 3 naming 127.0.0.1:%s, got %v", kind, port, r)
		}
	}
}
