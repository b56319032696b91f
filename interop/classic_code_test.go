//go:build unix

package interop

import (
	"strings"
	"testing"
)

// Python statements sent with conn.execute and conn.eval by Python's own
// rpyc.classic client (classic_code_client.py): imports in every form,
// try/except/else/finally with builtin and module exceptions caught in
// code, raise forms, with (files and classes), classes with methods,
// properties, static and class methods, super() and dunders, global and
// nonlocal, loops with else, del, f-strings, operators, generators, the
// builtins, values by value and by reference, namespace functions and
// callbacks, print under redirected_stdio, rpyc.classic.interact,
// teleport_function and syntax errors. The same script runs against the
// Go rpyc_classic and Python's rpyc_classic in one test; every check must
// pass on both.

// codeChecks are the checks the script runs, in its order.
var codeChecks = []string{
	"imports", "import_star", "modules_are_conn_modules", "try_except_else_finally",
	"exceptions_from_module_calls", "subprocess_errors", "subprocess_error_attributes",
	"exception_reaches_client", "custom_exception_class", "raise_forms", "with_statement", "classes",
	"scopes", "loops_and_del", "expressions", "generators", "builtins_in_code",
	"values_by_value_and_reference", "namespace_and_callbacks", "print_redirected", "interact",
	"teleport", "syntax_errors",
}

// goSkips are checks the Go server may skip, with why: they need
// module attributes another change adds.
var goSkips = map[string]string{
	"subprocess_error_attributes": "subprocess.CalledProcessError as a module attribute",
}

func TestClassicCodeFromPython(t *testing.T) {
	bin := goClassicBinary(t)
	for _, kind := range []string{"go", "py"} {
		t.Run(kind, func(t *testing.T) {
			var host, port string
			if kind == "go" {
				host, port = startGoClassic(t, bin).hostPort()
			} else {
				p := Start(t, PeerOptions{Script: "classic_rpyc_classic.py"})
				i := strings.LastIndexByte(p.Addr, ':')
				host, port = p.Addr[:i], p.Addr[i+1:]
			}
			out := Run(t, "classic_code_client.py", false, kind, host, port, t.TempDir())
			results := map[string]string{}
			for _, l := range strings.Split(out, "\n") {
				switch {
				case strings.HasPrefix(l, "ok "):
					results[strings.TrimPrefix(l, "ok ")] = "ok"
				case strings.HasPrefix(l, "skip "), strings.HasPrefix(l, "FAIL "):
					name, _, _ := strings.Cut(l[5:], ":")
					results[name] = l
				}
			}
			for _, c := range codeChecks {
				got := results[c]
				switch {
				case got == "ok":
				case kind == "go" && strings.HasPrefix(got, "skip ") && goSkips[c] != "":
					t.Logf("%s skipped on the Go server: needs %s", c, goSkips[c])
				default:
					t.Errorf("check %s on the %s server: %q, want ok\n%s", c, kind, got, out)
				}
			}
			if !strings.Contains(out, "\ndone\n") {
				t.Errorf("script did not finish:\n%s", out)
			}
		})
	}
}
