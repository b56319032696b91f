//go:build unix

package interop

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/slave/deploy"
)

// Zero-deploy against Debian's OpenSSH server on a loopback port with a
// generated key: the static rpyc_classic is copied to a temporary
// directory on the "remote" host, driven from Go and from Python through
// a forwarded local port, and nothing is left once it is closed.

// remoteLeftovers lists what is left in the remote temp parent, and any
// process still running a binary from dir.
func remoteLeftovers(t *testing.T, parent, dir string) []string {
	t.Helper()
	var left []string
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		left = append(left, filepath.Join(parent, e.Name()))
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && dir != "" && strings.Contains(string(b), dir+"/rpyc_classic") {
			left = append(left, "process "+p)
		}
	}
	return left
}

// waitNoLeftovers allows the remote shell a moment to finish after the
// session ended (Close already waits for it; this is belt and braces for
// the process table).
func waitNoLeftovers(t *testing.T, parent, dir string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := remoteLeftovers(t, parent, dir)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("left behind on the remote host after close: %v", left)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sshOptions(sshd *testSSHD) *rpyc.SSHOptions {
	return &rpyc.SSHOptions{User: "root", KeyFiles: []string{sshd.keyFile}, KnownHostsFile: sshd.knownHosts}
}

// TestDeployGoAPI: deploy.Deploy, then a Go classic connection through
// SSH (Getcwd, Execute, Eval, Upload, Download) and Python's classic
// client through Forward, in both layouts; Close removes the directory
// and stops the server.
func TestDeployGoAPI(t *testing.T) {
	sshd := startSSHD(t)
	bin := goClassicBinary(t)
	for _, stdio := range []bool{false, true} {
		name := "tunnel"
		if stdio {
			name = "stdio"
		}
		t.Run(name, func(t *testing.T) { testDeployGoAPI(t, sshd, bin, stdio) })
	}
}

// testDeployGoAPI is TestDeployGoAPI with one server on the remote
// loopback reached through TCP forwarding, or (stdio) one stdio server
// per connection over its own SSH session.
func testDeployGoAPI(t *testing.T, sshd *testSSHD, bin string, stdio bool) {
	parent := t.TempDir()
	ctx := ctxT(t)
	d, err := deploy.Deploy(ctx, sshd.addr, &deploy.Options{Binary: bin, SSH: sshOptions(sshd), TempDir: parent, Stdio: stdio})
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	dir := d.Dir()
	if filepath.Dir(dir) != parent {
		t.Errorf("Dir() = %q, want a directory in %q", dir, parent)
	}
	if st, err := os.Stat(filepath.Join(dir, "rpyc_classic")); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("deployed binary: %v, %v; want mode 0700", st, err)
	}

	c, err := d.Connect(ctx, nil)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if wd, err := c.Getcwd(ctx); err != nil || wd != dir {
		t.Errorf("remote Getcwd = %q, %v; want %q", wd, err, dir)
	}
	if err := c.Execute(ctx, "def f(x):\n  return x*2"); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Eval(ctx, "f(21)"); err != nil || v != int64(42) {
		t.Errorf("Eval(f(21)) = %v, %v; want 42", v, err)
	}
	local := filepath.Join(t.TempDir(), "payload")
	payload := []byte(strings.Repeat("zero-deploy ", 100000))
	if err := os.WriteFile(local, payload, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Upload(ctx, local, filepath.Join(dir, "payload"), nil); err != nil {
		t.Fatalf("Upload through the tunnel: %v", err)
	}
	if err := c.Download(ctx, filepath.Join(dir, "payload"), local+".back", nil); err != nil {
		t.Fatalf("Download through the tunnel: %v", err)
	}
	if got, err := os.ReadFile(local + ".back"); err != nil || string(got) != string(payload) {
		t.Errorf("Upload+Download changed the file (%d bytes, %v)", len(got), err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("classic Close: %v", err)
	}

	l, err := d.Forward(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatalf("Forward: %v", err)
	}
	host, port := splitAddr(t, l.Addr().String())
	layouts(t, func(t *testing.T, layout message.Layout) {
		runPyClient(t, layout == message.LayoutV6, "tcp", host, port)
	})

	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	waitNoLeftovers(t, parent, dir)
}

// TestDeployCommand: "rpyc_classic deploy" prints rpyc-deploy and the
// local port; Python's classic client works through it; SIGTERM stops
// it with status 0 and nothing is left on the remote host.
func TestDeployCommand(t *testing.T) {
	sshd := startSSHD(t)
	bin := goClassicBinary(t)
	t.Run("tunnel", func(t *testing.T) { testDeployCommand(t, sshd, bin) })
	t.Run("stdio", func(t *testing.T) { testDeployCommand(t, sshd, bin, "--stdio") })
}

func testDeployCommand(t *testing.T, sshd *testSSHD, bin string, extra ...string) {
	parent := t.TempDir()
	args := append([]string{"deploy", "--binary", bin, "-i", sshd.keyFile, "--known-hosts", sshd.knownHosts,
		"--tmpdir", parent}, extra...)
	cmd := exec.Command(bin, append(args, "root@"+sshd.addr)...)
	out, errb := newOutputBuffer(), newOutputBuffer()
	cmd.Stdout, cmd.Stderr = out, errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = ioGrace
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { err := cmd.Wait(); out.close(); errb.close(); done <- err }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			t.Logf("deploy stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
		}
	})
	line, _, err := out.waitLine(func(l string) bool { return strings.Contains(l, "\t") }, ReadyTimeout)
	if err != nil {
		t.Fatalf("no HOST<TAB>PORT line: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	sc.Scan()
	if sc.Text() != "rpyc-deploy" {
		t.Errorf("first line %q, want rpyc-deploy", sc.Text())
	}
	host, port, _ := strings.Cut(strings.TrimSpace(line), "\t")
	if host != "127.0.0.1" {
		t.Errorf("local host %q, want 127.0.0.1", host)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Fatalf("remote temp parent holds %d entries, want the one deployment", len(entries))
	}
	dir := filepath.Join(parent, entries[0].Name())
	layouts(t, func(t *testing.T, layout message.Layout) {
		runPyClient(t, layout == message.LayoutV6, "tcp", host, port)
	})

	_ = syscall.Kill(cmd.Process.Pid, syscall.SIGTERM)
	select {
	case err := <-done:
		stopped = true
		if err != nil {
			t.Errorf("deploy after SIGTERM: %v, want exit status 0", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("deploy did not stop within 20s of SIGTERM")
	}
	waitNoLeftovers(t, parent, dir)
}

func splitAddr(t testing.TB, addr string) (string, string) {
	t.Helper()
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		t.Fatalf("address %q has no port", addr)
	}
	return addr[:i], addr[i+1:]
}
