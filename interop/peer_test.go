//go:build unix

package interop

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestScriptPath(t *testing.T) {
	p := ScriptPath("echo_peer.py")
	if !filepath.IsAbs(p) {
		t.Errorf("ScriptPath(echo_peer.py) = %q, want an absolute path", p)
	}
	if _, err := os.Stat(p); err != nil {
		t.Errorf("ScriptPath(echo_peer.py): %v", err)
	}
	if got := ScriptPath("/abs/x.py"); got != "/abs/x.py" {
		t.Errorf("ScriptPath(/abs/x.py) = %q, want it unchanged", got)
	}
}

// TestRunLayoutRunner runs a script directly and through rpyc6_layout.py.
func TestRunLayoutRunner(t *testing.T) {
	for _, tc := range []struct {
		layout6 bool
		want    string
	}{
		{false, "layout 5.x\nargs a b c\n"},
		{true, "layout 6.x\nargs a b c\n"},
	} {
		if got := Run(t, "layout_probe.py", tc.layout6, "a", "b", "c"); got != tc.want {
			t.Errorf("Run(layout_probe.py, layout6=%v) = %q, want %q", tc.layout6, got, tc.want)
		}
	}
}

// TestPeerStdio talks to a peer over its stdin and stdout, and checks that
// cleanup ended the peer's whole process group, a child included.
func TestPeerStdio(t *testing.T) {
	var peerPid, childPid int
	t.Run("peer", func(t *testing.T) {
		p := Start(t, PeerOptions{Script: "stdio_peer.py", Args: []string{"--child"}, Stdin: true})
		if p.Addr != "" {
			t.Errorf("Addr = %q after a ready line, want empty", p.Addr)
		}
		peerPid = p.cmd.Process.Pid
		for _, line := range strings.Split(p.Output(), "\n") {
			if s, ok := strings.CutPrefix(line, "child "); ok {
				childPid, _ = strconv.Atoi(s)
			}
		}
		if childPid == 0 {
			t.Fatalf("no child pid in %q", p.Output())
		}
		if _, err := p.Stdin.Write([]byte("hello\n")); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(p.Stdout).ReadString('\n')
		if err != nil || line != "got: hello\n" {
			t.Errorf("reply = %q, %v; want %q", line, err, "got: hello\n")
		}
	})
	for _, pid := range []int{peerPid, childPid} {
		if pid != 0 && !gone(pid, 5*time.Second) {
			t.Errorf("process %d still running after cleanup", pid)
		}
	}
}

// gone waits for pid to disappear (or become a zombie nobody reaped yet).
func gone(pid int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		// The state follows the parenthesised command name.
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && strings.HasPrefix(string(stat[i+1:]), " Z") {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}
