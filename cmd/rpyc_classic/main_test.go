package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseAliases: short and long spellings (-m/--mode, -p/--port,
// -q/--quiet) set the same option, with Python's defaults (port 18812,
// 18821 with TLS; host 127.0.0.1, ::1 with --ipv6).
func TestParseAliases(t *testing.T) {
	cases := []struct {
		args       []string
		mode, host string
		port       int
		quiet      bool
	}{
		{nil, "threaded", "127.0.0.1", 18812, false},
		{[]string{"-m", "oneshot", "-p", "0", "-q"}, "oneshot", "127.0.0.1", 0, true},
		{[]string{"--mode", "stdio", "--port", "9", "--quiet"}, "stdio", "127.0.0.1", 9, true},
		{[]string{"--mode=forking", "--ipv6"}, "forking", "::1", 18812, false},
		{[]string{"--ssl-keyfile", "k", "--ssl-certfile", "c"}, "threaded", "127.0.0.1", 18821, false},
		{[]string{"--host", "0.0.0.0", "-p=1"}, "threaded", "0.0.0.0", 1, false},
	}
	for _, tc := range cases {
		o, err := parse(tc.args, &bytes.Buffer{})
		if err != nil {
			t.Errorf("parse(%q): %v", tc.args, err)
			continue
		}
		if o.mode != tc.mode || o.host != tc.host || o.port != tc.port || o.quiet != tc.quiet {
			t.Errorf("parse(%q) = mode %q host %q port %d quiet %v; want %q %q %d %v",
				tc.args, o.mode, o.host, o.port, o.quiet, tc.mode, tc.host, tc.port, tc.quiet)
		}
	}
}

// TestParseErrors: each mistake is refused with a message naming what
// the user wrote and pointing at the fix.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-m", "pool"}, `--mode "pool"`},
		{[]string{"--ssl-keyfile", "k"}, "give both"},
		{[]string{"--ssl-cafile", "ca"}, "--ssl-cafile needs"},
		{[]string{"-p", "70000"}, "--port 70000"},
		{[]string{"--register", "--registry-type", "TCP"}, "needs --registry-host"},
		{[]string{"--registry-type", "SCTP"}, `"SCTP"`},
		{[]string{"stray"}, `unexpected argument "stray"`},
		{[]string{"--bogus"}, "see --help"},
	}
	for _, tc := range cases {
		_, err := parse(tc.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parse(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}

// TestHelpGoesToStdout: --help and -h print the usage to stdout and
// report flag.ErrHelp (exit status 0 in main).
func TestHelpGoesToStdout(t *testing.T) {
	for _, h := range []string{"-h", "--help"} {
		var out bytes.Buffer
		_, err := parse([]string{h}, &out)
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "SECURITY") {
			t.Errorf("parse(%s) = %v, output %d bytes; want ErrHelp and the usage", h, err, out.Len())
		}
	}
	var out bytes.Buffer
	if _, err := parseDeploy([]string{"--help"}, &out); !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "rpyc-deploy") {
		t.Errorf("deploy --help = %v, %q", err, out.String())
	}
}

// TestParseDeploy: flags may follow the address; user@ in the address
// is the login user unless -l says otherwise.
func TestParseDeploy(t *testing.T) {
	o, err := parseDeploy([]string{"ci@box:2222", "-i", "key", "--local-port", "7"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.user != "ci" || o.target != "box:2222" || o.identity != "key" || o.localPort != 7 || o.localHost != "127.0.0.1" {
		t.Errorf("parseDeploy = %+v", o)
	}
	if o, _ := parseDeploy([]string{"-l", "root", "ci@box"}, &bytes.Buffer{}); o.user != "root" {
		t.Errorf("-l root ci@box: user %q, want root", o.user)
	}
	if _, err := parseDeploy(nil, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "want one") {
		t.Errorf("no address: %v", err)
	}
}

// TestLogfileAndQuiet: --logfile appends log lines to the file instead
// of standard error; --quiet keeps only errors, as Python's setup_logger.
func TestLogfileAndQuiet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "classic.log")
	var stderr bytes.Buffer
	o, err := parse([]string{"--logfile", path}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	logger, done, err := o.logger(&stderr)
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("server started on [127.0.0.1]:1")
	done()
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "server started") || stderr.Len() != 0 {
		t.Errorf("--logfile: file has %q, stderr %q", b, stderr.String())
	}
	o.logfile, o.quiet = "", true
	logger, done, _ = o.logger(&stderr)
	logger.Info("hidden")
	logger.Error("shown")
	done()
	if s := stderr.String(); strings.Contains(s, "hidden") || !strings.Contains(s, "shown") {
		t.Errorf("--quiet: stderr %q, want errors only", s)
	}
	if _, _, err := (&options{logfile: filepath.Join(path, "no", "dir")}).logger(&stderr); err == nil || !strings.Contains(err.Error(), "--logfile") {
		t.Errorf("unwritable --logfile: %v", err)
	}
}
