//go:build unix

package interop

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// SSHDPath is Debian's OpenSSH server (package openssh-server), which the
// README's test command installs.
const SSHDPath = "/usr/sbin/sshd"

// testSSHD is an sshd started by a test on a loopback port, with a
// generated host key and one authorized user key, all in a temp dir.
type testSSHD struct {
	addr       string // 127.0.0.1:PORT
	keyFile    string // the user's private key
	knownHosts string // a known_hosts file listing the host key
	hostKey    ssh.PublicKey
}

// startSSHD starts sshd in the foreground (-D) as the current user, who
// may log in with the generated key only. Cleanup stops it.
func startSSHD(t *testing.T) *testSSHD {
	t.Helper()
	if _, err := os.Stat(SSHDPath); err != nil {
		t.Fatalf("interop: %s is required (apt-get install -y openssh-server; the README's test command does it): %v", SSHDPath, err)
	}
	dir := t.TempDir()
	writeKey := func(name string) (ssh.PublicKey, string) {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		block, err := ssh.MarshalPrivateKey(priv, "")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		sp, err := ssh.NewPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return sp, path
	}
	hostPub, hostKeyFile := writeKey("host_ed25519")
	userPub, userKeyFile := writeKey("user_ed25519")
	authorized := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authorized, ssh.MarshalAuthorizedKey(userPub), 0o600); err != nil {
		t.Fatal(err)
	}
	// sshd refuses to start without its privilege separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("interop: sshd needs /run/sshd: %v", err)
	}
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	config := filepath.Join(dir, "sshd_config")
	conf := strings.Join([]string{
		"Port " + fmt.Sprint(port),
		"ListenAddress 127.0.0.1",
		"HostKey " + hostKeyFile,
		"AuthorizedKeysFile " + authorized,
		"PidFile " + filepath.Join(dir, "sshd.pid"),
		"StrictModes no",
		"UsePAM no",
		"PermitRootLogin prohibit-password",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"PubkeyAuthentication yes",
		"AllowTcpForwarding yes",
		"LogLevel ERROR",
		"",
	}, "\n")
	if err := os.WriteFile(config, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(SSHDPath, "-D", "-e", "-f", config)
	stderr := newOutputBuffer()
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("interop: start sshd: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("sshd stderr:\n%s", stderr.String())
		}
	})
	// Ready when it answers with its banner.
	deadline := time.Now().Add(ReadyTimeout)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			buf := make([]byte, 4)
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, _ := c.Read(buf)
			c.Close()
			if string(buf[:n]) == "SSH-" {
				break
			}
		}
		select {
		case <-exited:
			t.Fatalf("interop: sshd exited: %s", stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("interop: sshd not answering on %s after %v: %s", addr, ReadyTimeout, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	known := filepath.Join(dir, "known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(addr)}, hostPub)
	if err := os.WriteFile(known, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &testSSHD{addr: addr, keyFile: userKeyFile, knownHosts: known, hostKey: hostPub}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestSSHDial: DialSSH logs in to a real OpenSSH server with a key, checks
// its host key against known_hosts, and tunnels to a Python rpyc server
// on that host's loopback, in either layout (learnt through the tunnel).
func TestSSHDial(t *testing.T) {
	sshd := startSSHD(t)
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startFactoryServer(t, layout)
		c, err := rpyc.DialSSH(ctxT(t), sshd.addr, p.Addr, &rpyc.SSHOptions{
			User: "root", KeyFiles: []string{sshd.keyFile}, KnownHostsFile: sshd.knownHosts,
			NoLayoutCache: true,
		}, nil)
		if err != nil {
			t.Fatalf("DialSSH: %v", err)
		}
		if got := c.Layout(); got != layout {
			t.Errorf("Layout() = %v, want %v", got, layout)
		}
		callAdd(t, c)
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

// TestSSHRefusals: an unknown host key, a user key the server does not
// know, and a tunnel to a closed port fail with errors that say which.
func TestSSHRefusals(t *testing.T) {
	sshd := startSSHD(t)
	p := startFactoryServer(t, message.LayoutV5)
	ctx := ctxT(t)

	empty := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := rpyc.DialSSH(ctx, sshd.addr, p.Addr, &rpyc.SSHOptions{
		User: "root", KeyFiles: []string{sshd.keyFile}, KnownHostsFile: empty}, nil)
	if err == nil || !strings.Contains(err.Error(), "known_hosts") {
		t.Errorf("unknown host key: got %v, want an error about known_hosts", err)
	}

	_, other, _ := ed25519.GenerateKey(rand.Reader)
	signer, err := ssh.NewSignerFromKey(other)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rpyc.DialSSH(ctx, sshd.addr, p.Addr, &rpyc.SSHOptions{
		User: "root", Signers: []ssh.Signer{signer}, HostKeyCallback: ssh.FixedHostKey(sshd.hostKey)}, nil)
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("unknown user key: got %v, want a refused login", err)
	}

	closed := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	_, err = rpyc.DialSSH(ctx, sshd.addr, closed, &rpyc.SSHOptions{
		User: "root", KeyFiles: []string{sshd.keyFile}, KnownHostsFile: sshd.knownHosts}, nil)
	if err == nil || !strings.Contains(err.Error(), closed) {
		t.Errorf("tunnel to a closed port: got %v, want an error naming %s", err, closed)
	}

	_, err = rpyc.DialSSH(ctx, sshd.addr, p.Addr, &rpyc.SSHOptions{User: "root", KnownHostsFile: sshd.knownHosts,
		KeyFiles: []string{filepath.Join(t.TempDir(), "missing")}}, nil)
	if !errors.Is(err, rpyc.ErrSSHConfig) {
		t.Errorf("missing key file: got %v, want ErrSSHConfig", err)
	}
}
