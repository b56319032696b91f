package tutorial_test

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/interop"
	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
)

// OpenGate is step 4's gate with an open() a Python client can call.
type OpenGate struct {
	Gate
	once sync.Once
}

// Open lets the waiting calls return.
func (g *OpenGate) Open() { g.once.Do(func() { close(g.open) }) }

// RPyCServiceName keeps the name of the gate the README shows.
func (g *OpenGate) RPyCServiceName() string { return "GATE" }

// TestPythonClients runs the Python side of steps 2 to 5 (testdata/step*.py,
// what the README shows next to the Go) against the Go servers of the
// examples, under rpyc 5.3 and the 6.x layout.
func TestPythonClients(t *testing.T) {
	for _, layout6 := range []bool{false, true} {
		name := "py53"
		if layout6 {
			name = "py6layout"
		}
		t.Run(name, func(t *testing.T) {
			run := func(script string, args ...string) string {
				t.Helper()
				path, err := filepath.Abs(filepath.Join("testdata", script))
				if err != nil {
					t.Fatal(err)
				}
				return interop.Run(t, path, layout6, args...)
			}
			hostPort := func(addr string) (string, string) {
				h, p, _ := net.SplitHostPort(addr)
				return h, p
			}
			want := func(step, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s: Python printed %q, want %q", step, got, want)
				}
			}

			addr, stop := serveOn(&server.Server{Service: MyService{}})
			h, p := hostPort(addr)
			want("step 2", run("step2_client.py", h, p), "42 MY\nwhat is the airspeed velocity of an unladen swallow?\n")
			stop()

			addr, stop = serveOn(&server.Server{Service: Calculator{}})
			h, p = hostPort(addr)
			want("step 3", run("step3_client.py", h, p), "[1, 4, 9]\nhello python\n")
			stop()

			addr, stop = serveOn(&server.Server{Service: &OpenGate{Gate: Gate{open: make(chan struct{})}}})
			h, p = hostPort(addr)
			want("step 4", run("step4_client.py", h, p), "ready: False\nopened ready: True\n")
			stop()

			ctx := context.Background()
			reg := registry.NewServer(nil)
			pc, err := registry.ListenUDP(ctx, "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			regDone := make(chan struct{})
			go func() { defer close(regDone); _ = reg.ServeUDP(pc) }()
			regPort := pc.LocalAddr().(*net.UDPAddr).Port
			regAddr := &registry.UDPClient{Host: "127.0.0.1", Port: regPort}
			_, stop = serveOn(&server.Server{Service: MyService{}, Registrar: regAddr})
			for deadline := time.Now().Add(10 * time.Second); ; {
				if addrs, _ := regAddr.Discover(ctx, "MY"); len(addrs) > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the Go server never appeared in the registry")
				}
				time.Sleep(10 * time.Millisecond)
			}
			want("step 5", run("step5_client.py", "127.0.0.1", strconv.Itoa(regPort)), "42\n1\n")
			stop()
			_ = reg.Close()
			<-regDone
		})
	}
}
