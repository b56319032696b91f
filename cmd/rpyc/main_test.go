package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The layout cache goes to a scratch directory, not the user's.
	dir, err := os.MkdirTemp("", "rpyc-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	os.Setenv("HOME", dir)
	os.Unsetenv(layoutEnv)
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// runIn runs the command in-process and returns its output and code.
func runIn(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(args, &env{stdin: strings.NewReader(""), stdout: &o, stderr: &e})
	return o.String(), e.String(), code
}

func TestParseArgsInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("rpyc x", flag.ContinueOnError)
	o := fs.String("o", "text", "")
	v := fs.Bool("v", false, "")
	pos, err := parseArgs(fs, []string{"host", "-o", "json", "add", "-1", "-2.5", "-v", "-inf", "--", "-o"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"host", "add", "-1", "-2.5", "-inf", "-o"}; !reflect.DeepEqual(pos, want) {
		t.Errorf("positional %q, want %q", pos, want)
	}
	if *o != "json" || !*v {
		t.Errorf("flags o=%q v=%v, want json true", *o, *v)
	}
	_, err = parseArgs(fs, []string{"--nope"})
	var ue *usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown flag: got %v, want a usage error naming it", err)
	}
}

func TestParseCallArgs(t *testing.T) {
	got, err := parseCallArgs([]string{"1", "'a'", "[1, (2,)]", "sep='-'", "n=1180591620717411303424"})
	if err != nil {
		t.Fatal(err)
	}
	big, _ := new(big.Int).SetString("1180591620717411303424", 10)
	want := []any{int64(1), "a", []any{int64(1), brine.Tuple{int64(2)}}, rpyc.Kwargs{"sep": "-", "n": big}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	for _, bad := range [][]string{{"x=1", "2"}, {"hello"}, {"k=[1,"}} {
		_, err := parseCallArgs(bad)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("parseCallArgs(%q): got %v, want a usage error", bad, err)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
	}{
		{nil, 0},
		{errHelpShown, 0},
		{&usageError{"x"}, 2},
		{fmt.Errorf("call: %w", vinegar.New("ValueError", "x")), 1},
		{&connError{errors.New("refused")}, 3},
		{fmt.Errorf("add(): %w", rpyc.ErrTimeout), 3},
		{fmt.Errorf("x: %w", rpyc.ErrClosed), 3},
		{fmt.Errorf("sleep(): %w", context.DeadlineExceeded), 3},
		{&notFoundError{"none"}, 4},
		{errors.New("other"), 1},
	} {
		if got := exitCode(c.err); got != c.code {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.code)
		}
	}
}

func TestWithPort(t *testing.T) {
	for in, want := range map[string]string{
		"host": "host:18861", "host:1": "host:1", "::1": "[::1]:18861", "[::1]": "[::1]:18861", "[::1]:5": "[::1]:5",
	} {
		if got := withPort(in, 18861); got != want {
			t.Errorf("withPort(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReprAndJSONOfLocalValues(t *testing.T) {
	ctx := context.Background()
	v := brine.Tuple{[]any{int64(1), "a"}, map[any]any{"k": []byte{0}, int64(2): nil}, brine.Tuple{1.5}}
	got, err := repr(ctx, v)
	if want := "([1, 'a'], {'k': b'\\x00', 2: None}, (1.5,))"; err != nil || got != want {
		t.Errorf("repr = %q, %v; want %q", got, err, want)
	}
	j, err := jsonValue(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := writeJSON(&b, j); err != nil {
		t.Fatal(err)
	}
	if want := `[[1,"a"],{"2":null,"k":"AA=="},[1.5]]` + "\n"; b.String() != want {
		t.Errorf("json = %s, want %s", b.String(), want)
	}
}

// calc is an in-process service for the run tests.
type calc struct{}

func (calc) Add(a, b int) int                         { return a + b }
func (calc) Greet(name string, kw rpyc.Kwargs) string { return fmt.Sprint(kw["greeting"], " ", name) }
func (calc) RPyCParams() map[string]string            { return map[string]string{"Greet": "name, **kw"} }

func TestRunAgainstGoServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Service: calc{}}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	defer func() { _ = srv.Close(); <-done }()
	addr := l.Addr().String()

	if out, errOut, code := runIn("call", addr, "add", "40", "2"); code != 0 || out != "42\n" {
		t.Errorf("call add: code %d out %q err %q", code, out, errOut)
	}
	if out, errOut, code := runIn("call", addr, "greet", "'bob'", "greeting='hi'"); code != 0 || out != "'hi bob'\n" {
		t.Errorf("call greet: code %d out %q err %q", code, out, errOut)
	}
	if out, _, code := runIn("info", addr); code != 0 || !strings.Contains(out, "service: CALC\n") || !strings.Contains(out, "  greet  (") {
		t.Errorf("info: code %d out %q", code, out)
	}
	if out, _, code := runIn("ping", "-c", "2", addr); code != 0 || !strings.Contains(out, "ping 2: ") {
		t.Errorf("ping: code %d out %q", code, out)
	}
	if _, errOut, code := runIn("call", addr, "add", "1"); code != 1 || !strings.Contains(errOut, "TypeError") {
		t.Errorf("call add 1: code %d err %q, want 1 and a TypeError", code, errOut)
	}
	if out, _, code := runIn("call", "--help"); code != 0 || !strings.Contains(out, "Usage: rpyc call") {
		t.Errorf("call --help: code %d out %q", code, out)
	}
	if _, errOut, code := runIn("nope"); code != 2 || !strings.Contains(errOut, `unknown command "nope"`) {
		t.Errorf("unknown command: code %d err %q", code, errOut)
	}
}
