//go:build unix

package interop

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rpyc-go/rpyc/registry"
)

// TestRegistryHooksPythonClient: Python's registry clients (UDP and TCP)
// register and unregister with the Go registry, whose OnServiceAdded and
// OnServiceRemoved hooks (Python 6's on_service_added/removed) see each
// change once.
func TestRegistryHooksPythonClient(t *testing.T) {
	regModes(t, func(t *testing.T, mode string, layout6 bool) {
		var mu sync.Mutex
		var calls []string
		record := func(sign string) func(string, registry.ServerAddr) {
			return func(name string, s registry.ServerAddr) {
				mu.Lock()
				calls = append(calls, sign+name+" "+s.String())
				mu.Unlock()
			}
		}
		_, uport, tport := startGoRegistry(t, "127.0.0.1", &registry.Config{
			OnServiceAdded: record("+"), OnServiceRemoved: record("-"),
		})
		rport := uport
		if mode == "tcp" {
			rport = tport
		}
		py := func(args ...string) string {
			all := append([]string{mode, "127.0.0.1", strconv.Itoa(rport)}, args...)
			return strings.TrimSpace(Run(t, "registry_client.py", layout6, all...))
		}
		if got := py("register", "hooked", "4242"); got != "True" {
			t.Fatalf("Python register said %q, want True", got)
		}
		py("register", "hooked", "4242") // a keepalive: no news
		if got := py("unregister", "", "4242"); got != "True" && got != "None" {
			t.Fatalf("Python unregister said %q", got)
		}
		mu.Lock()
		defer mu.Unlock()
		want := []string{"+HOOKED 127.0.0.1:4242", "-HOOKED 127.0.0.1:4242"}
		if strings.Join(calls, ",") != strings.Join(want, ",") {
			t.Errorf("hooks saw %q, want %q", calls, want)
		}
	})
}
