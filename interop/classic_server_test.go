//go:build unix

package interop

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/message"
)

// Python 5.3.0's rpyc.classic client and utilities drive the Go
// rpyc_classic unchanged, in both message layouts (the 6.x one through
// rpyc6_layout.py): connect, modules.os.getcwd, eval, execute, namespace,
// upload/download of a file and a tree with equal checksums,
// redirected_stdio, subprocess.run with a list passed by reference,
// ValueError and ModuleNotFoundError, stat's POSIX st_mode.

// TestClassicServerTCP: rpyc.classic.connect over TCP.
func TestClassicServerTCP(t *testing.T) {
	bin := goClassicBinary(t)
	layouts(t, func(t *testing.T, layout message.Layout) {
		srv := startGoClassic(t, bin)
		host, port := srv.hostPort()
		out := runPyClient(t, layout == message.LayoutV6, "tcp", host, port)
		if got, _ := filepath.EvalSymlinks(cwdOf(out)); got != mustEval(t, srv.Dir) {
			t.Errorf("os.getcwd() = %q, want the server's working directory %q", got, srv.Dir)
		}
	})
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestClassicServerIPv6: --ipv6 listens on ::1 by default, where
// rpyc.classic.connect(..., ipv6=True) reaches it.
func TestClassicServerIPv6(t *testing.T) {
	bin := goClassicBinary(t)
	srv := startGoClassic(t, bin, "--ipv6")
	host, port := srv.hostPort()
	if host != "::1" {
		t.Errorf("--ipv6 listens on %q, want ::1", host)
	}
	runPyClient(t, false, "tcp6", host, port)
}

// TestClassicServerTLS: rpyc.classic.ssl_connect with a client
// certificate to rpyc_classic --ssl-keyfile/--ssl-certfile/--ssl-cafile.
func TestClassicServerTLS(t *testing.T) {
	bin := goClassicBinary(t)
	pki := newTestPKI(t)
	layouts(t, func(t *testing.T, layout message.Layout) {
		srv := startGoClassic(t, bin, "--ssl-keyfile", pki.serverKey, "--ssl-certfile", pki.serverCert, "--ssl-cafile", pki.caFile)
		host, port := srv.hostPort()
		runPyClient(t, layout == message.LayoutV6, "tls", host, port, pki.clientKey, pki.clientCert, pki.caFile)
	})
}

// TestClassicServerStdio: --mode stdio started by Python, once as
// connect_subproc does (Popen with PIPE) and once over os.pipe pairs
// with connect_pipes; the server exits with status 0 when its client
// goes (the script checks).
func TestClassicServerStdio(t *testing.T) {
	bin := goClassicBinary(t)
	for _, mode := range []string{"subproc", "pipes"} {
		t.Run(mode, func(t *testing.T) {
			layouts(t, func(t *testing.T, layout message.Layout) {
				out := runPyClient(t, layout == message.LayoutV6, mode, bin)
				if !strings.Contains(out, "ok exit 0\n") {
					t.Errorf("stdio server did not exit 0:\n%s", out)
				}
			})
		})
	}
}

// TestClassicServerOneshot: --mode oneshot prints what Python's prints
// ("rpyc-oneshot", then HOST<TAB>PORT), serves one client, and exits 0.
func TestClassicServerOneshot(t *testing.T) {
	bin := goClassicBinary(t)
	layouts(t, func(t *testing.T, layout message.Layout) {
		srv := startGoClassic(t, bin, "-m", "oneshot")
		// The server is ready once it logs on stderr; its stdout may reach
		// us a moment later, through another pipe.
		for deadline := time.Now().Add(10 * time.Second); strings.Count(srv.stdout.String(), "\n") < 2 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		r := bufio.NewScanner(strings.NewReader(srv.stdout.String()))
		var lines []string
		for r.Scan() {
			lines = append(lines, r.Text())
		}
		host, port := srv.hostPort()
		if len(lines) < 2 || lines[0] != "rpyc-oneshot" || lines[1] != host+"\t"+port {
			t.Fatalf("oneshot stdout = %q, want \"rpyc-oneshot\" then %q", lines, host+"\t"+port)
		}
		runPyClient(t, layout == message.LayoutV6, "tcp", host, port)
		if err := srv.wait(t, 20*time.Second); err != nil {
			t.Errorf("oneshot server after its client: %v, want exit status 0", err)
		}
	})
}

// TestClassicServerConcurrent: 20 Python classic clients, all connected
// at once, upload and download 1 MiB each with equal checksums.
func TestClassicServerConcurrent(t *testing.T) {
	bin := goClassicBinary(t)
	layouts(t, func(t *testing.T, layout message.Layout) {
		srv := startGoClassic(t, bin)
		host, port := srv.hostPort()
		out := Run(t, "classic_server_many.py", layout == message.LayoutV6, host, port, t.TempDir(), "20")
		if !strings.Contains(out, "all ok 20") {
			t.Errorf("output %q, want all ok 20", out)
		}
	})
}

// TestClassicServerForking: --mode forking serves each client in its own
// process.
func TestClassicServerForking(t *testing.T) {
	bin := goClassicBinary(t)
	srv := startGoClassic(t, bin, "-m", "forking")
	host, port := srv.hostPort()
	runPyClient(t, false, "tcp", host, port)
}

// TestClassicServerGoClient: the Go classic client drives the Go
// rpyc_classic too.
func TestClassicServerGoClient(t *testing.T) {
	bin := goClassicBinary(t)
	srv := startGoClassic(t, bin)
	ctx := ctxT(t)
	c, err := classic.Connect(ctx, srv.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	wd, err := c.Getcwd(ctx)
	if err != nil || wd != mustEval(t, srv.Dir) {
		t.Errorf("Getcwd = %q, %v; want %q", wd, err, srv.Dir)
	}
	if err := c.Execute(ctx, "def sq(x):\n  return x*x\nn = sq(7)"); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Eval(ctx, "n + 1"); err != nil || v != int64(50) {
		t.Errorf("Eval = %v, %v; want 50", v, err)
	}
	names, err := c.ListDir(ctx, "/")
	if err != nil || len(names) == 0 {
		t.Errorf("ListDir(/) = %v, %v", names, err)
	}
}

// TestClassicServerHelp: --help says what the server is and that it is
// remote control bound to localhost; bad flags fail with status 2.
func TestClassicServerHelp(t *testing.T) {
	bin := goClassicBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--help").Output()
	if err != nil {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"SECURITY", "remote control", "127.0.0.1", "--mode", "--ssl-cafile", "--registry-type"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	cmd := exec.CommandContext(ctx, bin, "--mode", "bogus")
	msg, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(msg), `--mode "bogus"`) {
		t.Errorf("--mode bogus: %v, %q; want exit status 2 naming the mode", err, msg)
	}
}
