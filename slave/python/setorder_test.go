package python

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// randomSetProgram writes a program of random set operations on ints
// chosen to collide in small tables (multiples of 8, negatives, big
// values), printing the set after each step, so the test compares
// CPython's iteration order with ours step by step.
func randomSetProgram(r *rand.Rand) string {
	val := func() string {
		switch r.IntN(6) {
		case 0:
			return fmt.Sprint(r.IntN(8) * 8)
		case 1:
			return fmt.Sprint(-r.IntN(20) - 1)
		case 2:
			return fmt.Sprint(r.Int64N(1<<62) * int64(r.IntN(3)+1))
		case 3:
			return fmt.Sprintf("(%d, %d)", r.IntN(4), r.IntN(4))
		}
		return fmt.Sprint(r.IntN(64))
	}
	list := func() string {
		n := r.IntN(12)
		items := make([]string, n)
		for i := range items {
			items[i] = val()
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	var b strings.Builder
	b.WriteString("a = set(" + list() + ")\nb = set(" + list() + ")\n")
	for i := 0; i < 25; i++ {
		switch r.IntN(14) {
		case 0, 1, 2:
			fmt.Fprintf(&b, "a.add(%s)\n", val())
		case 3:
			fmt.Fprintf(&b, "a.discard(%s)\n", val())
		case 4:
			b.WriteString("if a: a.pop()\n")
		case 5:
			fmt.Fprintf(&b, "a.update(%s)\n", list())
		case 6:
			b.WriteString("a = a | b\n")
		case 7:
			b.WriteString("a = a & b if len(a & b) > 1 else a\n")
		case 8:
			b.WriteString("a = a - b if len(a - b) > 1 else a\n")
		case 9:
			b.WriteString("a = a ^ b\n")
		case 10:
			fmt.Fprintf(&b, "a.difference_update(%s)\n", list())
		case 11:
			fmt.Fprintf(&b, "b = {x for x in %s}\n", list())
		case 12:
			b.WriteString("a = set(a)\n")
		case 13:
			fmt.Fprintf(&b, "a |= set(%s)\n", list())
		}
		b.WriteString("print(a)\n")
	}
	return b.String()
}

// TestSetOrderMatchesCPython runs random set programs in CPython and
// here: every printed set must list its items in the same order.
func TestSetOrderMatchesCPython(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3 to compare set order with")
	}
	r := rand.New(rand.NewPCG(18, 1))
	var progs []string
	for i := 0; i < 200; i++ {
		progs = append(progs, randomSetProgram(r))
	}
	// One CPython process runs them all, each in a fresh namespace.
	var script strings.Builder
	script.WriteString("import sys\nprogs = sys.stdin.read().split('\\n#-#\\n')\nfor p in progs:\n    exec(p, {})\n    print('#-#')\n")
	cmd := exec.Command(py, "-c", script.String())
	cmd.Stdin = strings.NewReader(strings.Join(progs, "\n#-#\n"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(string(out), "#-#\n")
	for i, p := range progs {
		got := runCase(p)
		if got == want[i] {
			continue
		}
		gl, wl := strings.Split(got, "\n"), strings.Split(want[i], "\n")
		for j := range wl {
			if j >= len(gl) || gl[j] != wl[j] {
				g := ""
				if j < len(gl) {
					g = gl[j]
				}
				t.Errorf("program %d, print %d:\n%s\ngot  %s\nwant %s", i, j+1, p, g, wl[j])
				break
			}
		}
		return
	}
}
