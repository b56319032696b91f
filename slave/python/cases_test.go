package python

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The language cases in testdata/cases.py run here and in CPython
// (testdata/golden.py wrote testdata/cases.golden from CPython 3.11):
// what each prints must match, line for line.

// printHost is a Host whose sys.stdout is a buffer.
type printHost struct {
	noHost
	out bytes.Buffer
}

func (h *printHost) Write(_ context.Context, _ any, text string) error {
	h.out.WriteString(text)
	return nil
}

func (h *printHost) Stdout(context.Context) (any, error) { return &h.out, nil }

// splitCases reads "=== name" sections.
func splitCases(t *testing.T, path string) (names []string, bodies map[string]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bodies = map[string]string{}
	var name string
	var b strings.Builder
	flush := func() {
		if name != "" {
			names = append(names, name)
			bodies[name] = b.String()
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if strings.HasPrefix(line, "=== ") {
			flush()
			name = strings.TrimSpace(line[4:])
			continue
		}
		b.WriteString(line)
	}
	flush()
	return names, bodies
}

// runCase runs code in a new interpreter and returns what it printed,
// then "!! Class: message" if an exception escaped.
func runCase(code string) string {
	h := &printHost{}
	in := New(&Options{Host: h})
	if err := in.Exec(context.Background(), code); err != nil {
		var ve *vinegar.Exception
		if errors.As(err, &ve) {
			lines := strings.Split(strings.TrimRight(ve.Traceback, "\n"), "\n")
			h.out.WriteString("!! " + lines[len(lines)-1] + "\n")
		} else {
			h.out.WriteString("!! " + err.Error() + "\n")
		}
	}
	return h.out.String()
}

func TestLanguageCases(t *testing.T) {
	names, cases := splitCases(t, "testdata/cases.py")
	_, golden := splitCases(t, "testdata/cases.golden")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, ok := golden[name]
			if !ok {
				t.Fatalf("no golden output for %q: run testdata/golden.py", name)
			}
			got := runCase(cases[name])
			if got == want {
				return
			}
			gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
			for i := 0; i < len(gl) || i < len(wl); i++ {
				var g, w string
				if i < len(gl) {
					g = gl[i]
				}
				if i < len(wl) {
					w = wl[i]
				}
				if g != w {
					t.Errorf("line %d:\ngot  %s\nwant %s", i+1, g, w)
				}
			}
		})
	}
}

// TestGoldenIsCPython checks that cases.golden is what CPython prints,
// when a CPython is at hand.
func TestGoldenIsCPython(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3 to check the golden file against")
	}
	out, err := exec.Command(py, "testdata/golden.py", "testdata/cases.py").Output()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/cases.golden")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("testdata/cases.golden is stale: regenerate with %s testdata/golden.py testdata/cases.py > testdata/cases.golden", py)
	}
}

var _ rpyc.Object = (*exported)(nil)
