//go:build unix

package interop

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/slave/deploy"
)

// multiSSHOptions logs in to every sshd given, with each one's key and
// host key.
func multiSSHOptions(t *testing.T, sshds ...*testSSHD) *rpyc.SSHOptions {
	t.Helper()
	o := &rpyc.SSHOptions{User: "root", KnownHostsFile: filepath.Join(t.TempDir(), "known_hosts")}
	var known []byte
	for _, s := range sshds {
		o.KeyFiles = append(o.KeyFiles, s.keyFile)
		b, err := os.ReadFile(s.knownHosts)
		if err != nil {
			t.Fatal(err)
		}
		known = append(known, b...)
	}
	if err := os.WriteFile(o.KnownHostsFile, known, 0o600); err != nil {
		t.Fatal(err)
	}
	return o
}

// TestDeployAll: the Go classic server deployed to two "machines" (two
// OpenSSH servers on loopback ports) at once; ConnectAll returns a
// connection to each, in order; Close removes both.
func TestDeployAll(t *testing.T) {
	a, b := startSSHD(t), startSSHD(t)
	bin := goClassicBinary(t)
	parent := t.TempDir()
	ctx := ctxT(t)
	m, err := deploy.DeployAll(ctx, []string{a.addr, b.addr},
		&deploy.Options{Binary: bin, SSH: multiSSHOptions(t, a, b), TempDir: parent})
	if err != nil {
		t.Fatalf("DeployAll: %v", err)
	}
	ds := m.Deployments()
	if m.Len() != 2 || ds[0].Host() != a.addr || ds[1].Host() != b.addr {
		t.Fatalf("deployments %d, hosts %q %q; want 2, in the order given", m.Len(), ds[0].Host(), ds[1].Host())
	}
	if ds[0].Dir() == ds[1].Dir() {
		t.Errorf("both deployments use %s", ds[0].Dir())
	}
	conns, err := m.ConnectAll(ctx, nil)
	if err != nil {
		t.Fatalf("ConnectAll: %v", err)
	}
	for i, c := range conns {
		if wd, err := c.Getcwd(ctx); err != nil || wd != ds[i].Dir() {
			t.Errorf("connection %d: Getcwd = %q, %v; want %q (its own deployment)", i, wd, err, ds[i].Dir())
		}
		if v, err := c.Eval(ctx, "6 * 7"); err != nil || v != int64(42) {
			t.Errorf("connection %d: Eval = %v, %v", i, v, err)
		}
		_ = c.Close()
	}
	dirs := []string{ds[0].Dir(), ds[1].Dir()}
	if err := m.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for _, dir := range dirs {
		waitNoLeftovers(t, parent, dir)
	}
}

// TestDeployAllOneHostDown: when one host cannot be reached, DeployAll
// fails naming it, and nothing is left on the host that worked.
func TestDeployAllOneHostDown(t *testing.T) {
	a := startSSHD(t)
	bin := goClassicBinary(t)
	parent := t.TempDir()
	dead := "127.0.0.1:" + strconv.Itoa(freePort(t))
	_, err := deploy.DeployAll(ctxT(t), []string{a.addr, dead},
		&deploy.Options{Binary: bin, SSH: sshOptions(a), TempDir: parent})
	if err == nil {
		t.Fatal("DeployAll with a dead host succeeded")
	}
	if !strings.Contains(err.Error(), dead) || strings.Contains(err.Error(), a.addr+":") {
		t.Errorf("error %q should name %s and only it", err, dead)
	}
	waitNoLeftovers(t, parent, "")
}
