package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/registry"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// buildCmd compiles rpyc_registry into the test's temp dir (after the
// first build, the build cache makes it a link).
func buildCmd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "rpyc_registry")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startCmd runs the command and returns the address from its ready line.
func startCmd(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("rpyc_registry stderr:\n%s", stderr.String())
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line, ok := <-lines:
		addr, found := strings.CutPrefix(line, "listening on ")
		if !ok || !found {
			t.Fatalf("no ready line, got %q", line)
		}
		return cmd, addr
	case <-time.After(20 * time.Second):
		t.Fatal("no ready line within 20 s")
	}
	return nil, ""
}

func TestCommand(t *testing.T) {
	bin := buildCmd(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	logfile := filepath.Join(t.TempDir(), "reg.log")
	for _, mode := range []string{"UDP", "tcp"} {
		t.Run(mode, func(t *testing.T) {
			cmd, addr := startCmd(t, bin, "--mode", mode, "--host", "127.0.0.1", "-p", "0", "-l", "-t", "30", "-v", "-f", logfile)
			port := addr[strings.LastIndex(addr, ":")+1:]
			var c interface {
				registry.Registrar
				registry.Discoverer
				registry.Lister
			}
			if mode == "UDP" {
				c = &registry.UDPClient{Host: "127.0.0.1", Port: atoi(t, port)}
			} else {
				c = &registry.TCPClient{Host: "127.0.0.1", Port: atoi(t, port)}
			}
			if err := c.Register(ctx, []string{"CMDTEST"}, "0.0.0.0:4242"); err != nil {
				t.Fatalf("Register: %v", err)
			}
			got, err := c.Discover(ctx, "cmdtest")
			if err != nil || len(got) != 1 || got[0].String() != "127.0.0.1:4242" {
				t.Fatalf("Discover = %v, %v", got, err)
			}
			if names, err := c.List(ctx, ""); err != nil || len(names) != 1 {
				t.Fatalf("List with -l = %v, %v", names, err)
			}
			// Garbage is dropped with a log line; the registry goes on.
			g, err := net.Dial(strings.ToLower(mode), addr)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = g.Write([]byte("\x12\x08\x0dRPYX garbage"))
			if mode == "tcp" {
				_ = g.(*net.TCPConn).CloseWrite()
			}
			g.Close()
			if got, err := c.Discover(ctx, "CMDTEST"); err != nil || len(got) != 1 {
				t.Fatalf("Discover after garbage = %v, %v", got, err)
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("exit after SIGTERM: %v, want status 0", err)
			}
		})
	}
	log, err := os.ReadFile(logfile)
	if err != nil || !strings.Contains(string(log), "register") || !strings.Contains(string(log), "dropped request") {
		t.Fatalf("logfile: %v\n%s", err, log)
	}
}

func TestCommandDefaultsAndSIGINT(t *testing.T) {
	bin := buildCmd(t)
	cmd, addr := startCmd(t, bin, "--host", "127.0.0.1", "--port", "0", "--quiet")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := &registry.UDPClient{Host: "127.0.0.1", Port: atoi(t, addr[strings.LastIndex(addr, ":")+1:])}
	if _, err := c.List(ctx, ""); !errors.Is(err, registry.ErrListingDisabled) {
		t.Fatalf("List without -l = %v, want ErrListingDisabled", err)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGINT: %v", err)
	}
}

func TestCommandFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--mode", "SCTP"}, {"-p", "70000"}, {"-t", "0"}, {"extra"}, {"--nope"},
	} {
		var sb strings.Builder
		if err := run(args, &sb, &sb); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
	var sb strings.Builder
	if err := run([]string{"--help"}, &sb, &sb); !errors.Is(err, flag.ErrHelp) || !strings.Contains(sb.String(), "--listing") {
		t.Errorf("--help: %v\n%s", err, sb.String())
	}
}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("port %q", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func TestPythonStyleListing(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"-l"}, true},
		{[]string{"--listing"}, true},
		{[]string{"-l", "True"}, true},
		{[]string{"--listing", "false", "-p", "1"}, false},
		{[]string{"-l=false"}, false},
		{nil, false},
	} {
		o, err := parse(tc.args, io.Discard)
		if err != nil || o.listing != tc.want {
			t.Errorf("parse(%q): listing %v, %v; want %v", tc.args, o.listing, err, tc.want)
		}
	}
}

// TestPythonStyleQuiet: Python's rpyc_registry (5.3 and 6.0.1) takes a
// value after -q/--quiet, and any value means quiet; -lTrue attaches
// --listing's value. Go's spellings keep their meaning.
func TestPythonStyleQuiet(t *testing.T) {
	for _, tc := range []struct {
		args           []string
		quiet, listing bool
	}{
		{[]string{"-q"}, true, false},
		{[]string{"--quiet"}, true, false},
		{[]string{"-q", "1"}, true, false},
		{[]string{"-q", "yes", "-p", "1"}, true, false},
		{[]string{"--quiet=yes"}, true, false},
		{[]string{"--quiet", "on", "-l", "true"}, true, true},
		{[]string{"-qx"}, true, false},
		{[]string{"-q=false"}, false, false},
		{[]string{"-q", "-l"}, true, true},
		{[]string{"-lTrue"}, false, true},
		{[]string{"-logfile", "/dev/null"}, false, false},
	} {
		o, err := parse(tc.args, io.Discard)
		if err != nil || o.quiet != tc.quiet || o.listing != tc.listing {
			t.Errorf("parse(%q): quiet %v listing %v, %v; want quiet %v listing %v", tc.args, o.quiet, o.listing, err, tc.quiet, tc.listing)
		}
	}
}

// TestCommandPythonSpelling: the binary started as Python's
// rpyc_registry documentation spells it (-q VALUE, -l VALUE) serves, is
// quiet (no info lines) and lists; --version prints the version.
func TestCommandPythonSpelling(t *testing.T) {
	bin := buildCmd(t)
	for _, args := range [][]string{{"-q", "1", "-l", "true"}, {"--quiet=yes", "-lTrue"}} {
		logfile := filepath.Join(t.TempDir(), "reg.log")
		cmd, addr := startCmd(t, bin, append([]string{"--host", "127.0.0.1", "-p", "0", "--logfile", logfile}, args...)...)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		c := &registry.UDPClient{Host: "127.0.0.1", Port: atoi(t, addr[strings.LastIndex(addr, ":")+1:])}
		if err := c.Register(ctx, []string{"PYSPELL"}, "0.0.0.0:4242"); err != nil {
			t.Fatalf("%q: Register: %v", args, err)
		}
		if names, err := c.List(ctx, ""); err != nil || len(names) != 1 {
			t.Errorf("%q: List = %v, %v; want the one name (listing on)", args, names, err)
		}
		cancel()
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%q: exit after SIGTERM: %v", args, err)
		}
		if log, _ := os.ReadFile(logfile); strings.Contains(string(log), "level=INFO") {
			t.Errorf("%q: quiet, yet the log has info lines:\n%s", args, log)
		}
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "rpyc_registry ") || !strings.Contains(string(out), "6.0.1-go") {
		t.Errorf("--version: %v\n%s", err, out)
	}
}
