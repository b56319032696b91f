// Command syscalls counts the system calls a server makes per synchronous
// call and per connection, for each pairing of bench/run.sh: Python rpyc's
// server and ours with Python's client, ours with our Go client, Go's
// net/rpc and a raw TCP ping-pong. A count of system calls does not move
// with machine noise the way a time does, so it shows what a change to the
// sync path really costs the server.
//
//	go run ./bench/syscalls [-n 20000] [-conns 300] [-pin none|split]
//
// Each server runs under `strace -f -c` (Debian's strace), first with no
// client (its own start and stop), then with one client making -n calls,
// then with -conns clients that each connect, fetch the root, ask
// get_service_name and close. The differences divided by -n (or -conns)
// are the figures. Servers are unpinned by default (-pin none: the
// configuration users run, GOMAXPROCS = all cores); -pin split puts the
// server on CPU 0 and the client on CPU 1 as bench/run.sh does.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/rpc"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

var (
	calls = flag.Int("n", 20000, "synchronous calls per measurement")
	conns = flag.Int("conns", 300, "connections per connect measurement")
	pin   = flag.String("pin", "none", "none: unpinned; split: server on CPU 0, client on CPU 1")
	py    = flag.String("py", "/usr/bin/python3", "a Python with rpyc")
	serve = flag.String("serve", "", "internal: run a server of this kind (netrpc) on -port")
	port  = flag.Int("port", 0, "internal: the port -serve listens on")
)

func main() {
	flag.Parse()
	if *serve != "" {
		if err := runServer(*serve, *port); err != nil {
			fmt.Fprintln(os.Stderr, "syscalls:", err)
			os.Exit(1)
		}
		return
	}
	if _, err := exec.LookPath("strace"); err != nil {
		fmt.Fprintln(os.Stderr, "syscalls: strace is needed (apt-get install strace)")
		os.Exit(1)
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "syscalls:", err)
		os.Exit(1)
	}
}

// pairing is one server and the clients measured against it.
type pairing struct {
	name    string
	server  func(port int) []string // argv of the server
	client  string                  // go, py, py-bound, netrpc, rawtcp
	connect string                  // client for the connect measurement, "" for none
}

func run() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "syscalls")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ours := filepath.Join(dir, "server")
	raw := filepath.Join(dir, "rawtcp")
	for bin, pkg := range map[string]string{ours: "./bench/server", raw: "./bench/rawtcp"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("building %s (run from the repository root): %v\n%s", pkg, err, out)
		}
	}
	goServer := func(p int) []string { return []string{ours, "-port", strconv.Itoa(p)} }
	pyServer := func(p int) []string { return []string{*py, "-c", pyServerScript(p)} }
	pairings := []pairing{
		{"Python server, Python client f(1, 2)", pyServer, "py-bound", "py"},
		{"Python server, Python client root.add(1, 2)", pyServer, "py", ""},
		{"our server, Python client f(1, 2)", goServer, "py-bound", "py"},
		{"our server, Python client root.add(1, 2)", goServer, "py", ""},
		{"our server, Go client CallMethod", goServer, "go", "go"},
		{"net/rpc server, its Go client", func(p int) []string { return []string{self, "-serve", "netrpc", "-port", strconv.Itoa(p)} }, "netrpc", ""},
		{"raw TCP 8-byte ping-pong", func(p int) []string { return []string{raw, "-serve", "-port", strconv.Itoa(p)} }, "rawtcp", ""},
	}
	fmt.Printf("Server system calls per synchronous call and per connection; -n %d, -conns %d, pin %s, %d CPUs\n\n", *calls, *conns, *pin, numCPU())
	fmt.Println("| server, client | syscalls per call | of which | per connection |")
	fmt.Println("| --- | --- | --- | --- |")
	for i, pr := range pairings {
		p := 19100 + i
		base, _, err := measure(dir, pr.server(p), p, func() error { return nil })
		if err != nil {
			return fmt.Errorf("%s: %w", pr.name, err)
		}
		total, byName, err := measure(dir, pr.server(p), p, func() error { return client(pr.client, p, *calls) })
		if err != nil {
			return fmt.Errorf("%s: %w", pr.name, err)
		}
		perConn := "–"
		if pr.connect != "" {
			ct, _, err := measure(dir, pr.server(p), p, func() error { return connects(pr.connect, p, *conns) })
			if err != nil {
				return fmt.Errorf("%s, connect: %w", pr.name, err)
			}
			perConn = fmt.Sprintf("%.1f", float64(ct-base)/float64(*conns))
		}
		fmt.Printf("| %s | **%.2f** | %s | %s |\n", pr.name, float64(total-base)/float64(*calls), top(byName, *calls), perConn)
	}
	return nil
}

// measure runs argv under strace until work is done, then stops it, and
// returns the server's system calls, in total and by name.
func measure(dir string, argv []string, port int, work func() error) (int, map[string]int, error) {
	out := filepath.Join(dir, "strace.out")
	os.Remove(out)
	if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 100*time.Millisecond); err == nil {
		c.Close()
		return 0, nil, fmt.Errorf("port %d is already in use", port)
	}
	args := append([]string{"-f", "-c", "-qq", "-o", out}, argv...)
	cmd := exec.Command("strace", args...)
	if *pin == "split" {
		cmd = exec.Command("taskset", append([]string{"-c", "0", "strace"}, args...)...)
	}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return 0, nil, err
	}
	defer cmd.Process.Kill()
	if err := waitPort(port); err != nil {
		return 0, nil, err
	}
	werr := work()
	// Stop the server itself (a signal to strace would only detach it):
	// strace prints its summary once the server exits.
	stopTraced(cmd.Process.Pid)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
	if werr != nil {
		return 0, nil, werr
	}
	return parse(out)
}

// stopTraced sends SIGTERM to the processes strace (pid) started, found
// through /proc (through taskset, which execs strace, the pid is the same).
func stopTraced(pid int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return
	}
	for _, f := range strings.Fields(string(b)) {
		if child, err := strconv.Atoi(f); err == nil {
			_ = syscall.Kill(child, syscall.SIGTERM)
		}
	}
}

// parse reads strace -c's table: "% time seconds usecs/call calls errors
// syscall", then a total line.
func parse(path string) (int, map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	byName := map[string]int{}
	total := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 || strings.HasPrefix(fields[0], "%") || strings.HasPrefix(fields[0], "-") {
			continue
		}
		name := fields[len(fields)-1]
		// calls is the 4th column; the errors column may be empty.
		n, err := strconv.Atoi(fields[3])
		if err != nil {
			continue
		}
		if name == "total" {
			total = n
			continue
		}
		byName[name] = n
	}
	if total == 0 {
		return 0, nil, fmt.Errorf("no strace summary in %s", path)
	}
	return total, byName, sc.Err()
}

// top names the system calls that make most of the count, per call.
func top(byName map[string]int, n int) string {
	type kv struct {
		name string
		n    int
	}
	var all []kv
	for k, v := range byName {
		if float64(v)/float64(n) >= 0.05 {
			all = append(all, kv{k, v})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n })
	var parts []string
	for _, e := range all {
		parts = append(parts, fmt.Sprintf("%s %.2f", e.name, float64(e.n)/float64(n)))
	}
	return strings.Join(parts, ", ")
}

func waitPort(port int) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for range 200 {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no server on %s", addr)
}

func numCPU() int {
	out, err := exec.Command("nproc").Output()
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

// client makes n synchronous calls the way kind says.
func client(kind string, port, n int) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	switch kind {
	case "go":
		ctx := context.Background()
		c, err := rpyc.Dial(ctx, addr, &rpyc.Config{Layout: message.LayoutV6, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return err
		}
		defer c.Close()
		root, err := c.Root(ctx)
		if err != nil {
			return err
		}
		for range n {
			if _, err := root.CallMethod(ctx, "add", 1, 2); err != nil {
				return err
			}
		}
		return nil
	case "py", "py-bound":
		call := "root.add(1, 2)"
		if kind == "py-bound" {
			call = "f(1, 2)"
		}
		script := fmt.Sprintf("import rpyc\nc = rpyc.connect('127.0.0.1', %d)\nroot = c.root\nf = root.add\nfor _ in range(%d):\n    %s\nc.close()\n", port, n, call)
		return pyRun(script)
	case "netrpc":
		c, err := rpc.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		var reply int
		for range n {
			if err := c.Call("Bench.Add", [2]int{1, 2}, &reply); err != nil {
				return err
			}
		}
		return nil
	case "rawtcp":
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		c.(*net.TCPConn).SetNoDelay(true)
		var b [8]byte
		for i := range n {
			binary.BigEndian.PutUint64(b[:], uint64(i))
			if _, err := c.Write(b[:]); err != nil {
				return err
			}
			if _, err := io.ReadFull(c, b[:]); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown client %q", kind)
}

// connects makes n connections that each fetch the root, ask for the
// service name and close.
func connects(kind string, port, n int) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	switch kind {
	case "go":
		ctx := context.Background()
		for range n {
			c, err := rpyc.Dial(ctx, addr, &rpyc.Config{Layout: message.LayoutV6, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				return err
			}
			root, err := c.Root(ctx)
			if err == nil {
				_, err = root.CallMethod(ctx, "get_service_name")
			}
			c.Close()
			if err != nil {
				return err
			}
		}
		return nil
	case "py":
		script := fmt.Sprintf("import rpyc\nfor _ in range(%d):\n    c = rpyc.connect('127.0.0.1', %d)\n    c.root.get_service_name()\n    c.close()\n", n, port)
		return pyRun(script)
	}
	return fmt.Errorf("unknown connect client %q", kind)
}

func pyRun(script string) error {
	argv := []string{*py, "-c", script}
	if *pin == "split" {
		argv = append([]string{"taskset", "-c", "1"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// Bench is the net/rpc service: Add, as the others serve it.
type Bench struct{}

// Add sets reply to the sum of the pair.
func (Bench) Add(args [2]int, reply *int) error { *reply = args[0] + args[1]; return nil }

// runServer serves kind on port until SIGINT or SIGTERM.
func runServer(kind string, port int) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	switch kind {
	case "netrpc":
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		srv := rpc.NewServer()
		if err := srv.Register(Bench{}); err != nil {
			return err
		}
		go srv.Accept(l)
		waitSignal()
		return nil
	}
	return fmt.Errorf("unknown server %q", kind)
}

// pyServerScript is Python's own ThreadedServer with an add method, as
// the BENCH service has it.
func pyServerScript(port int) string {
	return fmt.Sprintf("import rpyc\nfrom rpyc.utils.server import ThreadedServer\nclass S(rpyc.Service):\n    def exposed_add(self, a, b):\n        return a + b\nThreadedServer(S, hostname='127.0.0.1', port=%d).start()\n", port)
}

func waitSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	<-ch
}
