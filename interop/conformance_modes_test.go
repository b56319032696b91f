//go:build unix

package interop

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
)

// TestConformanceUnixOneshot: -unix serves on a Unix socket ("listening on
// unix:PATH"), -mode oneshot serves one client and exits, and SIGTERM
// stops a server cleanly, removing its socket.
func TestConformanceUnixOneshot(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "conf.sock")
	s := startConformance(t, "-unix", path, "-mode", "oneshot")
	s.mayExit = true
	if s.Addr != "unix:"+path {
		t.Fatalf("announced %q, want unix:%s", s.Addr, path)
	}
	c, err := rpyc.DialUnix(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	root, err := c.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := rpyc.As[int](root.CallMethod(ctx, "add", 20, 22)); err != nil || v != 42 {
		t.Fatalf("add over unix = %v, %v", v, err)
	}
	_ = c.Close()
	select {
	case <-s.done:
		if s.werr != nil {
			t.Errorf("oneshot server exited with %v", s.werr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("oneshot server still running after its client left")
	}

	s2 := startConformance(t)
	s2.mayExit = true
	if err := s2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s2.done:
		if s2.werr != nil {
			t.Errorf("server exited with %v after SIGTERM", s2.werr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server still running after SIGTERM")
	}
	if !strings.HasPrefix(s2.Addr, "127.0.0.1:") {
		t.Errorf("announced %q", s2.Addr)
	}
}
