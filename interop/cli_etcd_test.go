//go:build unix

package interop

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/registry/etcd"
	"github.com/rpyc-go/rpyc/server"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// cliEtcdBinary is Debian's etcd-server, which test.sh installs.
const cliEtcdBinary = "/usr/bin/etcd"

// startCLIEtcd runs a one-member etcd on loopback ports and returns its
// client endpoint (HOST:PORT); it is stopped at cleanup.
func startCLIEtcd(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(cliEtcdBinary); err != nil {
		t.Fatalf("%s is missing (%v): install Debian's etcd-server (apt-get install -y etcd-server), as test.sh does", cliEtcdBinary, err)
	}
	// Two distinct free ports: both listeners are open while picking.
	var ls [2]net.Listener
	var ports [2]string
	for i := range ls {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls[i], ports[i] = l, strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	}
	ls[0].Close()
	ls[1].Close()
	endpoint := "127.0.0.1:" + ports[0]
	client, peer := "http://"+endpoint, "http://127.0.0.1:"+ports[1]
	out := newOutputBuffer()
	cmd := exec.Command(cliEtcdBinary, "--name", "rpyccli", "--data-dir", t.TempDir(),
		"--listen-client-urls", client, "--advertise-client-urls", client,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
		"--initial-cluster", "rpyccli="+peer, "--logger", "zap", "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start etcd: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		out.close()
		if t.Failed() {
			t.Logf("etcd log:\n%s", logTail(out.String(), 40))
		}
	})
	hc := &http.Client{Timeout: time.Second}
	defer hc.CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := hc.Get(client + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return endpoint
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("etcd not healthy after 30 s: %v\n%s", err, logTail(out.String(), 40))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCLIEtcd: rpyc list and discover read the registry kept in etcd by
// registry/etcd's Registrar.
func TestCLIEtcd(t *testing.T) {
	bin := buildGoTags(t, "./cmd/rpyc", "etcd")
	endpoint := startCLIEtcd(t)
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{endpoint}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	reg := etcd.NewRegistrar(cli, &etcd.Config{Prefix: "/cli/", TTL: 5 * time.Second})
	defer reg.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Service: regWho{"etcd"}, Registrar: reg}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-served
	}()

	flags := []string{"--registry-type", "etcd", "--etcd-endpoints", endpoint, "--etcd-prefix", "/cli/"}
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := runCLI(t, bin, append([]string{"discover", "REGWHO"}, flags...)...)
		if r.code == 0 {
			if got := strings.TrimSpace(r.stdout); got != l.Addr().String() {
				t.Errorf("discover REGWHO printed %q, want %s", got, l.Addr())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("discover REGWHO via etcd never found the server: %v", r)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if out := mustCLI(t, bin, append([]string{"list"}, flags...)...); !contains(strings.Fields(out), "REGWHO") {
		t.Errorf("list via etcd printed %q, want REGWHO", out)
	}
	if r := runCLI(t, bin, append([]string{"discover", "NOPE"}, flags...)...); r.code != 4 {
		t.Errorf("discover NOPE via etcd: want exit 4, got %v", r)
	}
}

// TestCLIEtcdNotBuiltIn: the default rpyc does not link the etcd client
// (half its size) and says how to get one that does.
func TestCLIEtcdNotBuiltIn(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	r := runCLI(t, bin, "list", "--registry-type", "etcd", "--etcd-endpoints", "127.0.0.1:1")
	if r.code != 2 || !strings.Contains(r.stderr, "go install -tags etcd github.com/rpyc-go/rpyc/cmd/rpyc@latest") {
		t.Errorf("list --registry-type etcd without the etcd build: got %v, want exit 2 and the install hint", r)
	}
	if r := runCLI(t, bin, "list", "--help"); !strings.Contains(r.stdout, "etcd needs an rpyc built with -tags etcd") {
		t.Errorf("list --help: got %q, want the -tags etcd note", r.stdout)
	}
}
