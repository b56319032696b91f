//go:build unix

package interop

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestClassicServerRegister: rpyc_classic --register announces "SLAVE"
// to Python's registry server (UDP and TCP), where Python's discover
// finds it; after SIGTERM it has unregistered.
func TestClassicServerRegister(t *testing.T) {
	bin := goClassicBinary(t)
	for _, mode := range []string{"udp", "tcp"} {
		t.Run(mode, func(t *testing.T) {
			reg := Start(t, PeerOptions{Script: "registry_server.py", Args: []string{mode}})
			rhost, rport := splitAddr(t, reg.Addr)
			srv := startGoClassic(t, bin, "--register", "--registry-type", strings.ToUpper(mode),
				"--registry-host", rhost, "--registry-port", rport)
			deadline := time.Now().Add(20 * time.Second)
			for {
				got := strings.TrimSpace(Run(t, "registry_client.py", false, mode, rhost, rport, "discover", "SLAVE"))
				if got == srv.Addr {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("Python discover(SLAVE) = %q, want %s", got, srv.Addr)
				}
				time.Sleep(200 * time.Millisecond)
			}
			if err := syscall.Kill(srv.cmd.Process.Pid, syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := srv.wait(t, 15*time.Second); err != nil {
				t.Fatalf("rpyc_classic after SIGTERM: %v, want exit status 0", err)
			}
			if got := strings.TrimSpace(Run(t, "registry_client.py", false, mode, rhost, rport, "missing", "SLAVE")); got != "NOTFOUND" {
				t.Errorf("Python discover(SLAVE) after SIGTERM said %q, want NOTFOUND", got)
			}
		})
	}
}

// TestClassicServerRegistryGone: a normal stop is not a failure even
// when the registry went away meanwhile: rpyc_classic --register exits 0
// on SIGTERM every time (the unregister it cannot deliver is logged),
// UDP and TCP.
func TestClassicServerRegistryGone(t *testing.T) {
	bin := goClassicBinary(t)
	for _, mode := range []string{"UDP", "TCP"} {
		t.Run(mode, func(t *testing.T) {
			for i := range 4 {
				reg := Start(t, PeerOptions{Script: "registry_server.py", Args: []string{strings.ToLower(mode)}})
				rhost, rport := splitAddr(t, reg.Addr)
				srv := startGoClassic(t, bin, "--register", "--registry-type", mode, "--registry-host", rhost, "--registry-port", rport)
				reg.stop(t) // the registry goes away
				<-reg.Done()
				start := time.Now()
				if err := syscall.Kill(srv.cmd.Process.Pid, syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				if err := srv.wait(t, 15*time.Second); err != nil {
					t.Fatalf("run %d: rpyc_classic after SIGTERM with the registry gone: %v, want exit status 0\nstderr:\n%s", i+1, err, srv.stderr.String())
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("run %d: stopping took %v", i+1, d)
				}
			}
		})
	}
}
