package slave_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc"
)

// TestRandomMatchesCPython seeds a generator with each seed of
// testdata/random.json (what CPython gives) and makes the same calls,
// in code on this server (import random: the Go module): every number,
// choice, shuffle and sample must be CPython's.
func TestRandomMatchesCPython(t *testing.T) {
	c, ctx := pair(t, nil)
	var calls []string
	f, err := os.Open("testdata/random.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var rec struct {
			Calls []string `json:"calls"`
			Seed  string   `json:"seed"`
			Draws []string `json:"draws"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Calls != nil {
			calls = rec.Calls
			continue
		}
		if len(rec.Draws) != len(calls) {
			t.Fatalf("seed %s: %d draws for %d calls", rec.Seed, len(rec.Draws), len(calls))
		}
		code := "import random\n" +
			"def shuffled(r, n):\n    x = list(range(n))\n    r.shuffle(x)\n    return x\n" +
			"r = random.Random(" + rec.Seed + ")\n" +
			"draws = [" + strings.Join(calls, ", ") + "]\n" +
			"draws = [repr(d) for d in draws]\n"
		if err := c.Execute(ctx, code); err != nil {
			t.Fatalf("seed %s: %v", rec.Seed, err)
		}
		got, err := rpyc.As[[]string](c.Eval(ctx, "draws"))
		if err != nil {
			t.Fatal(err)
		}
		for i := range calls {
			if got[i] != rec.Draws[i] {
				t.Errorf("seed %s, %s: got %s, want %s", rec.Seed, calls[i], got[i], rec.Draws[i])
			}
		}
		n++
	}
	if n < 10 {
		t.Fatalf("got %d seeds from testdata/random.json, want the whole table", n)
	}
}

// TestRandomTableIsCPython re-makes the table with CPython when there is
// one.
func TestRandomTableIsCPython(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3 to check the random table against")
	}
	out, err := exec.Command(py, "testdata/random_gen.py").Output()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/random.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("testdata/random.json is stale: regenerate with %s testdata/random_gen.py > testdata/random.json", py)
	}
}
