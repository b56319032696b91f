//go:build unix

package interop

import (
	"encoding/json"
	"net"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rpyc-go/rpyc/message"
)

// cliServer is a server the rpyc command is tried against.
type cliServer struct {
	name    string
	addr    string
	layout  string // what ping should report
	service string // get_service_name()
	version string // the start of the rpyc version info reports
}

// cliServers starts the Go conformance server and Python's ThreadedServer
// (py_server.py) under rpyc 5.3 and the 6.x layout.
func cliServers(t *testing.T) []cliServer {
	t.Helper()
	conf := startConformance(t)
	py5 := Start(t, PeerOptions{Script: "py_server.py"})
	py6 := Start(t, PeerOptions{Script: "py_server.py", Layout6: true})
	return []cliServer{
		{"go", conf.Addr, "v6", "CONFORMANCE", "6.0.1-go"},
		{"py53", py5.Addr, "v5", "INTEROP", "5.3.0"},
		{"py6layout", py6.Addr, "v6", "INTEROP", "5.3.0"},
	}
}

// TestCLIPingInfo: ping reports the layout and round trips; info the
// service name, aliases, version and the root's methods, as text and JSON.
func TestCLIPingInfo(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	for _, s := range cliServers(t) {
		t.Run(s.name, func(t *testing.T) {
			out := mustCLI(t, bin, "ping", s.addr, "-c", "3")
			wantLines(t, out, s.addr+": layout "+s.layout+", connected in ", "ping 1: ", "ping 3: ")

			var ping struct {
				Server string    `json:"server"`
				Layout string    `json:"layout"`
				RTT    []float64 `json:"rtt_ms"`
			}
			decodeJSON(t, mustCLI(t, bin, "ping", "-o", "json", "-c", "2", s.addr), &ping)
			if ping.Server != s.addr || ping.Layout != s.layout || len(ping.RTT) != 2 {
				t.Errorf("ping -o json = %+v, want server %s, layout %s, 2 round trips", ping, s.addr, s.layout)
			}

			out = mustCLI(t, bin, "info", s.addr)
			wantLines(t, out, "service: "+s.service+"\n", "layout:  "+s.layout+"\n", "version: "+s.version, "\n  echo  (", "\n  add  (")
			var info struct {
				Service string   `json:"service"`
				Aliases []string `json:"aliases"`
				Members []struct {
					Name string `json:"name"`
				} `json:"members"`
			}
			decodeJSON(t, mustCLI(t, bin, "info", "-o", "json", s.addr), &info)
			if info.Service != s.service || len(info.Aliases) == 0 || info.Aliases[0] != s.service {
				t.Errorf("info -o json: service %q aliases %q, want %s first", info.Service, info.Aliases, s.service)
			}
			for _, m := range info.Members {
				if strings.HasPrefix(m.Name, "_") || strings.HasPrefix(m.Name, "exposed_") {
					t.Errorf("info lists %q, which a client cannot call", m.Name)
				}
			}
		})
	}
}

// TestCLICall: every literal kind goes to the server and comes back
// printed as Python's repr; keywords; JSON output; a remote exception.
func TestCLICall(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	literals := []struct{ arg, repr string }{
		{"12", "12"},
		{"-7", "-7"},
		{"1180591620717411303424", "1180591620717411303424"},
		{"2.5", "2.5"},
		{"-1e-05", "-1e-05"},
		{"'text'", "'text'"},
		{`"it's"`, `"it's"`},
		{`'\u00e9\n'`, `'é\n'`},
		{`b'\x00raw'`, `b'\x00raw'`},
		{"[1, 'a', [2.0]]", "[1, 'a', [2.0]]"},
		{"(1,)", "(1,)"},
		{"(1, (2, 'b'))", "(1, (2, 'b'))"},
		{"{'k': [1, 2], 'j': None}", "{'j': None, 'k': [1, 2]}"},
		{"True", "True"},
		{"False", "False"},
		{"None", "None"},
	}
	for _, s := range cliServers(t) {
		t.Run(s.name, func(t *testing.T) {
			for _, l := range literals {
				if got := strings.TrimSpace(mustCLI(t, bin, "call", s.addr, "echo", l.arg)); got != l.repr {
					t.Errorf("call echo %s printed %s, want %s", l.arg, got, l.repr)
				}
			}
			if got := strings.TrimSpace(mustCLI(t, bin, "call", s.addr, "add", "2", "40")); got != "42" {
				t.Errorf("call add 2 40 printed %s, want 42", got)
			}
			r := runCLI(t, bin, "call", s.addr, "add", "1", "'x'")
			if r.code != 1 || !strings.Contains(r.stderr, "TypeError") {
				t.Errorf("call add 1 'x': want exit 1 and a TypeError, got %v", r)
			}
			var got any
			decodeJSON(t, mustCLI(t, bin, "call", "-o", "json", s.addr, "echo", "{'a': [1, 2.5, 'x', None, True], 'b': (1,)}"), &got)
			want := map[string]any{"a": []any{1.0, 2.5, "x", nil, true}, "b": []any{1.0}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("call -o json echo: got %v, want %v", got, want)
			}
		})
	}
	servers := cliServers(t)
	t.Run("keywords-go", func(t *testing.T) {
		out := mustCLI(t, bin, "call", servers[0].addr, "concat", "'a'", "'b'", "sep='-'")
		if got := strings.TrimSpace(out); got != "'a-b'" {
			t.Errorf("concat 'a' 'b' sep='-' printed %s, want 'a-b'", got)
		}
		out = mustCLI(t, bin, "call", servers[0].addr, "make_counter", "start=5")
		if !strings.Contains(out, "Counter") {
			t.Errorf("make_counter start=5 printed %s, want a Counter", out)
		}
		var d map[string]int
		decodeJSON(t, mustCLI(t, bin, "call", "-o", "json", servers[0].addr, "get_dict"), &d)
		if !reflect.DeepEqual(d, map[string]int{"a": 1, "b": 2, "c": 3}) {
			t.Errorf("get_dict -o json = %v", d)
		}
	})
	for _, s := range servers[1:] {
		t.Run("keywords-"+s.name, func(t *testing.T) {
			out := mustCLI(t, bin, "call", s.addr, "kwargs", "1", "'a'", "sep='-'", "n={'x': (1, 2)}")
			if got, want := strings.TrimSpace(out), "((1, 'a'), (('n', {'x': (1, 2)}), ('sep', '-')))"; got != want {
				t.Errorf("kwargs 1 'a' sep='-' n=... printed %s, want %s", got, want)
			}
			out = mustCLI(t, bin, "call", s.addr, "get_list", "n=3")
			if got := strings.TrimSpace(out); got != "[0, 1, 2]" {
				t.Errorf("get_list n=3 printed %s, want [0, 1, 2]", got)
			}
			var d map[string]any
			decodeJSON(t, mustCLI(t, bin, "call", "-o", "json", s.addr, "get_dict"), &d)
			if want := map[string]any{"a": 1.0, "b": []any{2.0, 3.0}, "c": "three"}; !reflect.DeepEqual(d, want) {
				t.Errorf("get_dict -o json = %v, want %v", d, want)
			}
		})
	}
}

// TestCLIExitCodes: the documented exit codes.
func TestCLIExitCodes(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	conf := startConformance(t)
	free := "127.0.0.1:" + strconv.Itoa(freePort(t))
	for _, c := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"help", []string{"--help"}, 0, ""},
		{"sub-help", []string{"call", "--help"}, 0, ""},
		{"no-command", nil, 2, "Usage"},
		{"unknown-command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown-flag", []string{"ping", "--frob", conf.Addr}, 2, "frob"},
		{"bare-word", []string{"call", conf.Addr, "echo", "hello"}, 2, `"'hello'"`},
		{"keyword-first", []string{"call", conf.Addr, "echo", "x=1", "2"}, 2, "after a keyword"},
		{"bad-layout", []string{"ping", "--layout", "7", conf.Addr}, 2, "--layout"},
		{"no-host", []string{"ping"}, 2, "HOST[:PORT]"},
		{"refused", []string{"ping", free}, 3, free},
		{"remote-error", []string{"call", conf.Addr, "divide", "1", "0"}, 1, "ZeroDivisionError"},
		{"no-method", []string{"call", conf.Addr, "no_such_method"}, 1, "AttributeError"},
		{"timeout", []string{"call", "--timeout", "300ms", conf.Addr, "sleep", "1.5"}, 3, "sleep()"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, bin, c.args...)
			if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.says) {
				t.Errorf("rpyc %s: want exit %d saying %q, got %v", strings.Join(c.args, " "), c.code, c.says, r)
			}
		})
	}
	if out := mustCLI(t, bin, "call", "--help"); !strings.Contains(out, "-tls-ca") || !strings.Contains(out, "key=") && !strings.Contains(out, "NAME=ARG") {
		t.Errorf("call --help lacks the connection flags or keyword syntax:\n%s", out)
	}
}

// TestCLITLSAndUnix: the shared connection flags: mutual TLS and a Unix
// socket, against the Go server.
func TestCLITLSAndUnix(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	pki := newTestPKI(t)
	conf := startConformance(t, "-ssl-keyfile", pki.serverKey, "-ssl-certfile", pki.serverCert, "-ssl-cafile", pki.caFile)
	out := mustCLI(t, bin, "call", "--tls-ca", pki.caFile, "--tls-cert", pki.clientCert, "--tls-key", pki.clientKey, conf.Addr, "add", "1", "2")
	if strings.TrimSpace(out) != "3" {
		t.Errorf("call over TLS printed %q, want 3", out)
	}
	r := runCLI(t, bin, "call", "--tls-ca", pki.caFile, conf.Addr, "add", "1", "2")
	if r.code != 3 {
		t.Errorf("call over TLS without a client certificate: want exit 3, got %v", r)
	}
	sock := filepath.Join(t.TempDir(), "conf.sock")
	startConformance(t, "-unix", sock)
	out = mustCLI(t, bin, "ping", "--unix", sock)
	wantLines(t, out, "unix:"+sock+": layout v6")
	if got := strings.TrimSpace(mustCLI(t, bin, "call", "--unix", sock, "concat", "'x'", "'y'")); got != "'xy'" {
		t.Errorf("call over a Unix socket printed %s, want 'xy'", got)
	}
	// Forcing the 5.x layout works against a Go server too.
	out = mustCLI(t, bin, "ping", "--unix", sock, "--layout", "5")
	wantLines(t, out, "layout v5")
}

func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("output is not the JSON expected (%v): %s", err, s)
	}
}

// cliClassicLayouts runs f against Debian's rpyc_classic in both layouts
// and against the Go rpyc_classic (cmd/rpyc_classic).
func cliClassicLayouts(t *testing.T, f func(t *testing.T, addr string)) {
	for _, l := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		t.Run("rpyc_classic-"+l.String(), func(t *testing.T) {
			f(t, startRPyCClassic(t, l).Addr)
		})
	}
	t.Run("go-rpyc_classic", func(t *testing.T) {
		f(t, startGoClassic(t, goClassicBinary(t)).Addr)
	})
}

// TestCLIInfoDocs: info shows the first line of each method's docstring
// (where Python servers write the signature), lists only exposed names,
// and gives the aliases; in both layouts.
func TestCLIInfoDocs(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	for _, layout6 := range []bool{false, true} {
		p := Start(t, PeerOptions{Script: "cli_service.py", Layout6: layout6})
		out := mustCLI(t, bin, "info", p.Addr)
		wantLines(t, out, "service: DOCUMENTED\n", "aliases: DOCUMENTED, DOCS\n",
			"  scale  (builtins.method)  scale(x, factor=2) -> x * factor\n", "  undocumented  (builtins.method)\n")
		if strings.Contains(out, "not_exposed") || strings.Contains(out, "on_connect") {
			t.Errorf("info lists names a client cannot call:\n%s", out)
		}
		if got := strings.TrimSpace(mustCLI(t, bin, "call", p.Addr, "scale", "'ab'", "factor=3")); got != "'ababab'" {
			t.Errorf("call scale 'ab' factor=3 printed %s, want 'ababab'", got)
		}
	}
}

// TestCLIBadPeers: a peer that is not RPyC, or that never answers, ends
// the command with exit 3 and a message naming the address, within the
// timeout, for service and classic commands alike.
func TestCLIBadPeers(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	garbage := fakePeer(t, []byte("HTTP/1.0 200 OK\r\n\r\nnot rpyc at all"), true)
	silent := fakePeer(t, nil, true)
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"ping", "--timeout", "2s", garbage}, "does not speak RPyC"},
		{[]string{"call", "--timeout", "2s", garbage, "add", "1", "2"}, "does not speak RPyC"},
		{[]string{"ping", "--timeout", "500ms", silent}, silent},
		{[]string{"shell", "--timeout", "500ms", silent}, silent},
		{[]string{"upload", "--timeout", "500ms", silent, "/etc/hostname", "/tmp/never"}, silent},
	} {
		r := runCLI(t, bin, c.args...)
		if r.code != 3 || !strings.Contains(r.stderr, c.says) {
			t.Errorf("rpyc %s: want exit 3 saying %q, got %v", strings.Join(c.args, " "), c.says, r)
		}
	}
}

// fakePeer accepts connections on loopback and writes greeting (nothing
// if nil) to each, then holds it open until the test ends, or closes it
// at once unless hold.
func fakePeer(t *testing.T, greeting []byte, hold bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if greeting != nil {
				_, _ = c.Write(greeting)
			}
			if !hold {
				_ = c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}
