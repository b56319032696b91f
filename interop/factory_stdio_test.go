//go:build unix

package interop

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// goChildEnv makes this test binary, started by a Python parent in
// TestFactoryStdPipesPythonParent, serve stdioCalc with ConnectStdPipes.
const goChildEnv = "RPYC_FACTORY_GO_STDIO_CHILD"

// stdioCalc is what the Go child serves.
type stdioCalc struct{}

// Add adds.
func (stdioCalc) Add(a, b int64) int64 { return a + b }

// init runs the Go child before any test when the binary was started as
// one, and exits when the parent closes the connection.
func init() {
	if os.Getenv(goChildEnv) != "1" {
		return
	}
	c, err := rpyc.ConnectStdPipes(stdioCalc{}, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go child:", err)
		os.Exit(2)
	}
	<-c.Done()
	os.Exit(0)
}

// TestFactoryStdPipesPythonParent: Python's connect_subproc starts a Go
// program serving with ConnectStdPipes; the Go side learns the parent's
// layout from its first message, in either layout.
func TestFactoryStdPipesPythonParent(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(goChildEnv, "1")
	for _, layout6 := range []bool{false, true} {
		out := Run(t, "factory_stdio_parent.py", layout6, exe)
		if out != "add 5\nbye\n" {
			t.Errorf("layout6=%v: Python parent printed %q, want \"add 5\\nbye\\n\"", layout6, out)
		}
	}
}

// stdioArgv is the command line of factory_server.py serving one
// connection on its stdin/stdout, in the given layout.
func stdioArgv(t *testing.T, layout message.Layout) []string {
	t.Helper()
	return command(t, "factory_server.py", layout == message.LayoutV6, []string{"--mode", "stdio"})
}

// TestFactorySubprocess: ConnectSubprocess starts a Python script that
// serves over stdin/stdout, in either layout, learns the layout by
// itself, routes the script's stderr to the given writer, and reaps the
// script on Close.
func TestFactorySubprocess(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		stderr := newOutputBuffer()
		c, err := rpyc.ConnectSubprocess(ctxT(t), stdioArgv(t, layout),
			&rpyc.SubprocessOptions{Stderr: stderr, NoLayoutCache: true, Env: pythonEnv(nil)}, nil)
		if err != nil {
			t.Fatalf("ConnectSubprocess: %v", err)
		}
		if got := c.Layout(); got != layout {
			t.Errorf("Layout() = %v, want %v", got, layout)
		}
		callAdd(t, c)
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if !strings.Contains(stderr.String(), "factory_server: serving on stdio") {
			t.Errorf("stderr %q lacks the script's line", stderr.String())
		}
	})
}

// TestFactorySubprocessMissing: a program that does not exist fails with
// an error naming it.
func TestFactorySubprocessMissing(t *testing.T) {
	_, err := rpyc.ConnectSubprocess(ctxT(t), []string{"/nonexistent/rpyc-server"}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/rpyc-server") {
		t.Fatalf("ConnectSubprocess(missing) = %v, want an error naming the program", err)
	}
}

// startStdioPython starts factory_server.py in stdio mode with pipes the
// test holds, for ConnectPipes; cleanup reaps it.
func startStdioPython(t *testing.T, layout message.Layout) *exec.Cmd {
	t.Helper()
	argv := stdioArgv(t, layout)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = pythonEnv(nil)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	t.Cleanup(func() {
		if cmd.Process == nil {
			return
		}
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	return cmd
}

// TestFactoryPipes: ConnectPipes over a Python process's pipes, with the
// layout given; with the wrong (default 6.x) layout to a 5.x peer, the
// error says which layout was tried and what to set.
func TestFactoryPipes(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		cmd := startStdioPython(t, layout)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		c, err := rpyc.ConnectPipes(ctxT(t), stdout, stdin, nil, &rpyc.Config{Layout: layout})
		if err != nil {
			t.Fatalf("ConnectPipes: %v", err)
		}
		callAdd(t, c)
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	t.Run("wrong-layout", func(t *testing.T) {
		cmd := startStdioPython(t, message.LayoutV5)
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		c, err := rpyc.ConnectPipes(ctxT(t), stdout, stdin, nil, nil)
		if err == nil {
			c.Close()
			t.Fatal("ConnectPipes in the 6.x layout to a 5.x peer succeeded")
		}
		var le *rpyc.LayoutError
		if !errors.As(err, &le) || le.Tried != message.LayoutV6 {
			t.Fatalf("error %v is not a *LayoutError for a 6.x attempt", err)
		}
		if !strings.Contains(err.Error(), "message.LayoutV5") {
			t.Errorf("error %q does not say to set message.LayoutV5", err)
		}
		if !errors.Is(err, rpyc.ErrClosed) {
			t.Errorf("error %v does not match ErrClosed", err)
		}
	})
}
