//go:build unix

package interop

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/rpyc-go/rpyc/message"
)

// TestCLITransfer: rpyc upload and download of a file and of a tree
// against Python's rpyc_classic (5.3 and the 6.x layout) and ours; every file's
// SHA-256 matches after the round trip, and a bad path exits 1.
func TestCLITransfer(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	cliClassicLayouts(t, func(t *testing.T, addr string) {
		src := t.TempDir()
		writeRandom(t, filepath.Join(src, "big.bin"), 700_000)
		writeRandom(t, filepath.Join(src, "sub", "small.bin"), 1000)
		if err := os.WriteFile(filepath.Join(src, "sub", "empty.txt"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		remote := filepath.Join(t.TempDir(), "remote") // the server runs on this machine
		out := mustCLI(t, bin, "upload", addr, src, remote)
		wantLines(t, out, "uploaded "+src+" to "+remote)
		sameTree(t, src, remote)

		back := filepath.Join(t.TempDir(), "back")
		var res struct {
			Bytes int64 `json:"bytes"`
		}
		decodeJSON(t, mustCLI(t, bin, "download", "-o", "json", addr, remote, back), &res)
		if res.Bytes != 701_000 {
			t.Errorf("download -o json reports %d bytes, want 701000", res.Bytes)
		}
		sameTree(t, src, back)

		one := filepath.Join(t.TempDir(), "one.bin")
		mustCLI(t, bin, "download", addr, filepath.Join(remote, "big.bin"), one)
		if a, b := sum(t, one), sum(t, filepath.Join(src, "big.bin")); a != b {
			t.Errorf("downloaded file's sha256 %s, want %s", a, b)
		}
		r := runCLI(t, bin, "download", addr, "/no/such/file", filepath.Join(t.TempDir(), "x"))
		if r.code != 1 || !strings.Contains(r.stderr, "/no/such/file") {
			t.Errorf("download of a missing file: want exit 1 naming it, got %v", r)
		}
		if r.stdout != "" {
			t.Errorf("no progress bar or output when not a terminal; got %q", r.stdout)
		}

		// On a terminal, a progress bar.
		cmd := exec.Command(bin, "upload", addr, filepath.Join(src, "big.bin"), filepath.Join(remote, "again.bin"))
		cmd.Env = cliEnv(t)
		tty, err := pty.Start(cmd)
		if err != nil {
			t.Fatal(err)
		}
		var term bytes.Buffer
		_, _ = io.Copy(&term, tty) // ends with EIO when the program exits
		if err := cmd.Wait(); err != nil {
			t.Errorf("upload on a terminal: %v\n%q", err, term.String())
		}
		_ = tty.Close()
		if s := term.String(); !strings.Contains(s, "100%") || !strings.Contains(s, "[#####") {
			t.Errorf("no progress bar on a terminal:\n%q", s)
		}
	})
}

func writeRandom(t *testing.T, path string, n int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, n)
	_, _ = rand.Read(b)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// sameTree checks that every file under want is under got with the same
// SHA-256, and that got has nothing more.
func sameTree(t *testing.T, want, got string) {
	t.Helper()
	sums := func(root string) map[string]string {
		m := map[string]string{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				rel, _ := filepath.Rel(root, p)
				m[rel] = sum(t, p)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("walk %s: %v", root, err)
		}
		return m
	}
	w, g := sums(want), sums(got)
	if len(w) != len(g) {
		t.Errorf("%s has %d files, want %d (%v vs %v)", got, len(g), len(w), g, w)
	}
	for rel, s := range w {
		if g[rel] != s {
			t.Errorf("%s: sha256 %q, want %q", filepath.Join(got, rel), g[rel], s)
		}
	}
}

// ptyOutput collects what the program writes to the terminal.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (p *ptyOutput) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.Write(b)
}

func (p *ptyOutput) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

// waitCount waits until s occurs n times in the output.
func (p *ptyOutput) waitCount(t *testing.T, s string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(p.String(), s) < n {
		if time.Now().After(deadline) {
			t.Fatalf("terminal never showed %q %d times; it shows:\n%q", s, n, p.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ptyShell is `rpyc shell` running on a pseudo-terminal.
type ptyShell struct {
	t      *testing.T
	tty    *os.File
	out    *ptyOutput
	exited chan error
}

// startPTYShell starts `rpyc shell args...` on a pseudo-terminal; it is
// killed at cleanup if still running.
func startPTYShell(t *testing.T, bin string, args ...string) *ptyShell {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"shell"}, args...)...)
	cmd.Env = cliEnv(t)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
	if err != nil {
		t.Fatal(err)
	}
	s := &ptyShell{t: t, tty: tty, out: &ptyOutput{}, exited: make(chan error, 1)}
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(s.out, tty); close(copied) }()
	go func() { s.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		err := <-s.exited
		s.exited <- err
		_ = tty.Close()
		<-copied
	})
	return s
}

func (s *ptyShell) send(keys string) {
	s.t.Helper()
	if _, err := s.tty.WriteString(keys); err != nil {
		s.t.Fatalf("write to the terminal: %v", err)
	}
}

// quit sends Ctrl-D and checks the shell exits 0.
func (s *ptyShell) quit() {
	s.t.Helper()
	s.send("\x04")
	select {
	case err := <-s.exited:
		s.exited <- err
		if err != nil {
			s.t.Errorf("shell exited with %v after Ctrl-D, want 0; terminal:\n%q", err, s.out.String())
		}
	case <-time.After(20 * time.Second):
		s.t.Fatalf("shell still running 20 s after Ctrl-D; terminal:\n%q", s.out.String())
	}
}

// TestCLIShell drives rpyc shell through a pseudo-terminal against
// Python's rpyc_classic and ours: expressions and statements run remotely,
// the server's prints show here, line editing (backspace, Ctrl-A) and
// history (up arrow, also from an earlier session through --history)
// work, an exception is printed and the shell lives on, a block runs, and
// Ctrl-D leaves with exit 0.
func TestCLIShell(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	cliClassicLayouts(t, func(t *testing.T, addr string) {
		hist := filepath.Join(t.TempDir(), "history")
		sh := startPTYShell(t, bin, addr, "--history", hist)
		out := sh.out
		out.waitCount(t, ">>> ", 1)
		sh.send("x = 6*7\r")
		out.waitCount(t, ">>> ", 2)
		sh.send("x\r")
		out.waitCount(t, "42\r\n", 1)
		sh.send("x + 1\x7f2\r") // backspace: x + 2
		out.waitCount(t, "44\r\n", 1)
		sh.send("+ 3\x01x \r") // Ctrl-A, then type at the start: x + 3
		out.waitCount(t, "45\r\n", 1)
		sh.send("\x1b[A\r") // up arrow: x + 3 again
		out.waitCount(t, "45\r\n", 2)
		sh.send("print('pid', x > 0, 'h' + 'i')\r")
		out.waitCount(t, "pid True hi", 1)
		sh.send("1/0\r")
		out.waitCount(t, "ZeroDivisionError", 1)
		sh.send("for i in range(2):\r")
		out.waitCount(t, "... ", 1)
		sh.send("    print('n%d' % (i + x))\r\r")
		out.waitCount(t, "n43", 1)
		sh.send("s = 'abc'\r")
		out.waitCount(t, "s = 'abc'\r\n>>> ", 1)
		sh.send("s.upp\t()\r") // Tab completes from dir(s) on the server
		out.waitCount(t, "'ABC'\r\n", 1)
		if !strings.Contains(t.Name(), "go-rpyc_classic") { // Starlark has no globals()
			sh.send("some_long_name = 5\r")
			out.waitCount(t, "some_long_name = 5\r\n>>> ", 1)
			sh.send("some_lo\t + 1\r") // Tab completes a bare name of the session
			out.waitCount(t, "6\r\n", 1)
		}
		sh.send("21 * 5\r")
		out.waitCount(t, "105\r\n", 1)
		sh.quit()
		if s := out.String(); !strings.Contains(s, "n42") {
			t.Errorf("block output lacks n42:\n%q", s)
		}

		// A new session recalls the last line of the first.
		sh2 := startPTYShell(t, bin, addr, "--history", hist)
		sh2.out.waitCount(t, ">>> ", 1)
		sh2.send("\x1b[A\r")
		sh2.out.waitCount(t, "105\r\n", 1)
		sh2.quit()
		if b, err := os.ReadFile(hist); err != nil || !strings.Contains(string(b), "x = 6*7\n") {
			t.Errorf("history file: %v\n%s", err, b)
		}
	})
}

// TestCLIShellPiped: without a terminal the shell reads lines from its
// input, so scripts can pipe code to it (TestCLIShellScript has what a
// failing line does).
func TestCLIShellPiped(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	cliClassicLayouts(t, func(t *testing.T, addr string) {
		cmd := exec.Command(bin, "shell", addr)
		cmd.Env = cliEnv(t)
		cmd.Stdin = strings.NewReader("y = [1, 2]\ny + [3]\nprint('printed', len(y))\nexit()\nprint('after exit')\n")
		got, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("shell: %v\n%s", err, got)
		}
		wantLines(t, string(got), "[1, 2, 3]\n", "printed 2\n")
		if strings.Contains(string(got), "after exit") {
			t.Errorf("a line after exit() ran:\n%s", got)
		}
	})
}

// TestCLIClassicTransports: the connection flags on the classic commands:
// upload and download over mutual TLS to Python's rpyc_classic
// (--ssl-cafile makes it require a client certificate), and over a Unix
// socket, with the files' SHA-256 checked; the piped shell over both.
func TestCLIClassicTransports(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	src := filepath.Join(t.TempDir(), "data.bin")
	writeRandom(t, src, 200_000)
	check := func(t *testing.T, conn ...string) {
		t.Helper()
		remote := filepath.Join(t.TempDir(), "remote.bin")
		back := filepath.Join(t.TempDir(), "back.bin")
		mustCLI(t, bin, append(append([]string{"upload"}, conn...), src, remote)...)
		mustCLI(t, bin, append(append([]string{"download"}, conn...), remote, back)...)
		if a, b := sum(t, back), sum(t, src); a != b {
			t.Errorf("sha256 after the round trip %s, want %s", a, b)
		}
		cmd := exec.Command(bin, append([]string{"shell"}, conn...)...)
		cmd.Env = cliEnv(t)
		cmd.Stdin = strings.NewReader("6 * 7\n")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), ">>> 42\n") {
			t.Errorf("piped shell: %v\n%s", err, out)
		}
	}
	t.Run("tls", func(t *testing.T) {
		pki := newTestPKI(t)
		for _, l := range []message.Layout{message.LayoutV5, message.LayoutV6} {
			p := startRPyCClassic(t, l, "--ssl-keyfile", pki.serverKey, "--ssl-certfile", pki.serverCert, "--ssl-cafile", pki.caFile)
			check(t, "--tls-ca", pki.caFile, "--tls-cert", pki.clientCert, "--tls-key", pki.clientKey, p.Addr)
			r := runCLI(t, bin, "shell", "--tls-ca", pki.caFile, p.Addr)
			if r.code != 3 {
				t.Errorf("shell without the client certificate: want exit 3, got %v", r)
			}
		}
	})
	t.Run("unix", func(t *testing.T) {
		for _, l := range []message.Layout{message.LayoutV5, message.LayoutV6} {
			sock := filepath.Join(t.TempDir(), "classic.sock")
			Start(t, PeerOptions{Script: "classic_server.py", Args: []string{"slave", sock}, Layout6: l == message.LayoutV6})
			check(t, "--unix", sock)
		}
	})
}
