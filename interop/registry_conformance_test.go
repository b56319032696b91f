//go:build unix

package interop

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRegistryConformanceRegister: examples/conformance -register is
// found by Python's rpyc.discover("CONFORMANCE") (a registrar naming
// 127.0.0.1, over UDP and TCP), and is gone once SIGTERM stopped it.
func TestRegistryConformanceRegister(t *testing.T) {
	for _, mode := range []string{"udp", "tcp"} {
		t.Run(mode, func(t *testing.T) {
			srv, uport, tport := startGoRegistry(t, "127.0.0.1", nil)
			port := uport
			if mode == "tcp" {
				port = tport
			}
			s := startConformance(t, "-port", "0", "-register",
				"-registry-type", strings.ToUpper(mode), "-registry-host", "127.0.0.1", "-registry-port", strconv.Itoa(port))
			s.mayExit = true
			deadline := time.Now().Add(20 * time.Second)
			for len(srv.Query("CONFORMANCE")) == 0 {
				if time.Now().After(deadline) {
					t.Fatal("conformance server never registered")
				}
				time.Sleep(20 * time.Millisecond)
			}
			got := strings.TrimSpace(Run(t, "registry_client.py", false, mode, "127.0.0.1", strconv.Itoa(port), "discover", "CONFORMANCE"))
			if got != s.Addr {
				t.Fatalf("Python discover(CONFORMANCE) = %q, server listens on %s", got, s.Addr)
			}
			if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case <-s.done:
				if s.werr != nil {
					t.Fatalf("conformance exited with %v after SIGTERM", s.werr)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("conformance still running after SIGTERM")
			}
			if got := strings.TrimSpace(Run(t, "registry_client.py", false, mode, "127.0.0.1", strconv.Itoa(port), "missing", "CONFORMANCE")); got != "NOTFOUND" {
				t.Fatalf("Python discover(CONFORMANCE) after SIGTERM said %q", got)
			}
		})
	}
}
