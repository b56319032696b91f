package etcd

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// etcdBinary is Debian's etcd-server, which the test command installs.
const etcdBinary = "/usr/bin/etcd"

// etcdProc is a real single-member etcd on loopback ports with a
// temporary data directory, which a test can stop and start again.
type etcdProc struct {
	t          *testing.T
	dir        string
	clientPort int
	peerPort   int
	cmd        *exec.Cmd
	stderr     *syncBuf
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freePorts returns two distinct loopback TCP ports that were free a
// moment ago (both held open while picking, so they differ).
func freePorts(t *testing.T) (int, int) {
	t.Helper()
	var ports [2]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1]
}

func startEtcd(t *testing.T) *etcdProc {
	t.Helper()
	if _, err := os.Stat(etcdBinary); err != nil {
		t.Fatalf("%s is missing (%v): install Debian's etcd-server (apt-get install -y etcd-server), as test.sh does", etcdBinary, err)
	}
	e := &etcdProc{t: t, dir: t.TempDir(), stderr: &syncBuf{}}
	e.clientPort, e.peerPort = freePorts(t)
	e.start()
	t.Cleanup(func() {
		e.stop()
		if t.Failed() {
			t.Logf("etcd log (tail):\n%s", tail(e.stderr.String(), 3000))
		}
	})
	return e
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (e *etcdProc) endpoint() string { return "127.0.0.1:" + strconv.Itoa(e.clientPort) }

func (e *etcdProc) start() {
	e.t.Helper()
	client := "http://" + e.endpoint()
	peer := "http://127.0.0.1:" + strconv.Itoa(e.peerPort)
	e.cmd = exec.Command(etcdBinary,
		"--name", "rpyctest",
		"--data-dir", e.dir,
		"--listen-client-urls", client,
		"--advertise-client-urls", client,
		"--listen-peer-urls", peer,
		"--initial-advertise-peer-urls", peer,
		"--initial-cluster", "rpyctest="+peer,
		"--logger", "zap", "--log-level", "warn",
	)
	e.cmd.Stdout = e.stderr
	e.cmd.Stderr = e.stderr
	if err := e.cmd.Start(); err != nil {
		e.t.Fatalf("starting etcd: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	hc := &http.Client{Timeout: time.Second}
	for {
		resp, err := hc.Get(client + "/health")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && strings.Contains(string(body), `"true"`) {
				hc.CloseIdleConnections()
				return
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("etcd not healthy after 30 s (last: %v)\n%s", err, tail(e.stderr.String(), 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *etcdProc) stop() {
	if e.cmd == nil || e.cmd.Process == nil {
		return
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = e.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = e.cmd.Process.Kill()
		<-done
	}
	e.cmd = nil
}

// client returns an etcd client for e, closed at cleanup.
func (e *etcdProc) client(t *testing.T) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   []string{e.endpoint()},
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	return cli
}

// child is a server process started from this test binary (see
// TestMain), registered in etcd; the test can SIGKILL it.
type child struct {
	cmd  *exec.Cmd
	addr string
	out  *syncBuf
}

func startChild(t *testing.T, e *etcdProc, prefix, id string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join([]string{e.endpoint(), prefix, id}, ","))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, out: &syncBuf{}}
	cmd.Stderr = c.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("child %s stderr:\n%s", id, tail(c.out.String(), 2000))
		}
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		addr, ok := strings.CutPrefix(l, "listening on ")
		if !ok {
			t.Fatalf("child %s: no ready line (%q)\n%s", id, l, c.out.String())
		}
		c.addr = addr
	case <-time.After(30 * time.Second):
		t.Fatalf("child %s not ready in 30 s\n%s", id, c.out.String())
	}
	return c
}

// eventually retries cond every 50 ms until it holds or 30 s pass.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not true after 30 s; last state: %s", what, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func discoverStrings(d *Discoverer, name string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := d.Discover(ctx, name)
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	return out, err
}

func clientv3LeaseID(id int64) clientv3.LeaseID { return clientv3.LeaseID(id) }

// testLogger writes to the test's output: shown with -v or on failure.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}
