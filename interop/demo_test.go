//go:build unix

package interop

import (
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// demoLayouts runs f for Python's rpyc as installed (5.3 layout) and
// through rpyc6_layout.py (6.x layout).
func demoLayouts(t *testing.T, f func(t *testing.T, layout6 bool)) {
	for _, l := range []struct {
		name    string
		layout6 bool
	}{{"py53", false}, {"py6layout", true}} {
		t.Run(l.name, func(t *testing.T) { f(t, l.layout6) })
	}
}

// runDemoClient runs one of our demo_*.py clients and returns its output.
func runDemoClient(t *testing.T, script string, layout6 bool, args ...string) string {
	t.Helper()
	out, errOut, err := runScript(t, 90*time.Second, script, layout6, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", script, strings.Join(args, " "), err, out, errOut)
	}
	return out
}

func hostPort(t *testing.T, addr string) (string, string) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}

func wantLines(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q; got:\n%s", w, got)
		}
	}
}

// TestDemoEcho: the one-shot echo server answers a Python client, then
// exits as Python's OneShotServer does.
func TestDemoEcho(t *testing.T) {
	bin := buildGo(t, "./examples/demos/echo")
	demoLayouts(t, func(t *testing.T, layout6 bool) {
		p := startGoProc(t, bin, "--port", "0")
		h, port := hostPort(t, p.Addr)
		if h != "127.0.0.1" {
			t.Errorf("listens on %s, want 127.0.0.1 by default", h)
		}
		out := runDemoClient(t, "demo_echo.py", layout6, h, port)
		if want := "Echo Reply\nParameter Problem\n"; out != want {
			t.Errorf("client printed %q, want %q", out, want)
		}
		if !p.exited(10 * time.Second) {
			t.Errorf("one-shot echo server still running after its client left")
		}
	})
}

// TestDemoTime: the time server registers TIME with a registry (Go's and
// Python's, UDP, never broadcast) and Python's connect_by_service finds it.
func TestDemoTime(t *testing.T) {
	bin := buildGo(t, "./examples/demos/time")
	demoLayouts(t, func(t *testing.T, layout6 bool) {
		t.Run("go-registry", func(t *testing.T) {
			_, udpPort, _ := startGoRegistry(t, "127.0.0.1", nil)
			port := strconv.Itoa(udpPort)
			startGoProc(t, bin, "--port", "0", "--registry-host", "127.0.0.1", "--registry-port", port)
			out := runDemoClient(t, "demo_time.py", layout6, "127.0.0.1", port)
			wantLines(t, out, "server's time is ", "utc is a float near ours: True")
		})
		t.Run("py-registry", func(t *testing.T) {
			reg := Start(t, PeerOptions{Script: "registry_server.py", Args: []string{"udp"}})
			_, port := hostPort(t, reg.Addr)
			startGoProc(t, bin, "--port", "0", "--registry-host", "127.0.0.1", "--registry-port", port)
			out := runDemoClient(t, "demo_time.py", layout6, "127.0.0.1", port)
			wantLines(t, out, "server's time is ", "utc is a float near ours: True")
		})
	})
}

// TestDemoFilemon and TestDemoBoilerplate: the client's callback hears
// both changes of the file with os.stat_result-like stats, and stop()
// ends the watch.
func TestDemoFilemon(t *testing.T) { testFileWatchDemo(t, "./examples/demos/filemon", "FileMonitor") }

func TestDemoBoilerplate(t *testing.T) {
	testFileWatchDemo(t, "./examples/demos/boilerplate", "MyService")
}

func testFileWatchDemo(t *testing.T, pkg, factory string) {
	bin := buildGo(t, pkg)
	demoLayouts(t, func(t *testing.T, layout6 bool) {
		p := startGoProc(t, bin, "--port", "0")
		h, port := hostPort(t, p.Addr)
		file := filepath.Join(t.TempDir(), "watched.txt")
		out := runDemoClient(t, "demo_filemon.py", layout6, h, port, factory, file)
		wantLines(t, out, "sizes [(0, 6), (6, 11)]", "str starts os.stat_result")
	})
}

// TestDemoChat: two users log in, hear each other through async
// callbacks, and a logged-out token is stale.
func TestDemoChat(t *testing.T) {
	bin := buildGo(t, "./examples/demos/chat")
	demoLayouts(t, func(t *testing.T, layout6 bool) {
		p := startGoProc(t, bin, "--port", "0")
		h, port := hostPort(t, p.Addr)
		out := runDemoClient(t, "demo_chat.py", layout6, h, port)
		wantLines(t, out, "bad password: wrong username or password", "stale: User token is stale",
			"foo heard: ['* Hello foo *', '* Hello spam *', '[spam] hi there', '* Goodbye spam *']")
	})
}

// TestDemoSharing: four client processes, three connections each, get
// distinct consecutive sequence ids (the shared component's lock holds).
func TestDemoSharing(t *testing.T) {
	bin := buildGo(t, "./examples/demos/sharing")
	demoLayouts(t, func(t *testing.T, layout6 bool) {
		p := startGoProc(t, bin, "--port", "0", "--sleep", "20ms")
		h, port := hostPort(t, p.Addr)
		out := runDemoClient(t, "demo_sharing.py", layout6, h, port, "4", "3")
		wantLines(t, out, "replies 12", "unique ids True", "Parameter Problem 13")
	})
}

// TestDemoAsyncClient: an async call whose server side calls the client's
// event (wait, then set) asynchronously, then the stored value.
func TestDemoAsyncClient(t *testing.T) {
	bin := buildGo(t, "./examples/demos/async_client")
	demoLayouts(t, func(t *testing.T, layout6 bool) {
		p := startGoProc(t, bin, "--port", "0")
		h, port := hostPort(t, p.Addr)
		out := runDemoClient(t, "demo_async_client.py", layout6, h, port)
		wantLines(t, out, "function returned None", "event set True", "calls ['wait', 'set']",
			"value 6465616462656566", "blocking variant returned None ['wait', 'set']")
	})
}
