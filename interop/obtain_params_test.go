//go:build unix

package interop

import (
	"net"
	"sort"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/server"
)

// paramService takes Python lists, dicts and sets as Go slices and maps.
type paramService struct{}

func (paramService) SumList(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}

func (paramService) Keys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (paramService) Nested(m map[string][]int) int {
	n := 0
	for _, v := range m {
		n += len(v)
	}
	return n
}

func (paramService) SetLen(s []int) int { return len(s) }

type point struct {
	X     int      `rpyc:"x"`
	Label string   `rpyc:"label"`
	Tags  []string `rpyc:"tags"`
	note  string
}

func (paramService) Data() map[string]any {
	return map[string]any{"n": 1, "f": 2.5, "s": "str", "b": []byte("by"), "l": []int{1, 2}, "none": nil, "big": uint64(1 << 63)}
}

func (paramService) Numbers() []int64 { return []int64{3, 1, 2} }

func (paramService) Point() *point {
	return &point{X: 7, Label: "p", Tags: []string{"a"}, note: "hidden"}
}

// serveGo serves svc on a loopback port until the test ends.
func serveGo(t *testing.T, svc any, cfg *rpyc.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	startGoServer(t, &server.Server{Service: svc, Config: cfg}, ln)
	return ln.Addr().String()
}

func parseLines(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			m[k] = v
		}
	}
	return m
}

// TestObtainParams: Python passes lists, dicts and sets to Go []T and
// map[K]V parameters; Python's rpyc.classic.obtain pickles Go values when
// AllowPickle is on, and gets ValueError when it is off. Both layouts.
func TestObtainParams(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		cfg := rpyc.DefaultConfig()
		cfg.AllowPickle = true
		out := parseLines(Run(t, "classic_pyclient.py", layout == message.LayoutV6, serveGo(t, paramService{}, cfg), "pickle"))
		want := map[string]string{
			"sum_list":     "10",
			"sum_list_big": "4999950000",
			"sum_tuple":    "11",
			"keys":         "['a', 'b', 'c']",
			"nested":       "2",
			"set_len":      "3",
			"obtain_data":  "[('b', b'by'), ('big', 9223372036854775808), ('f', 2.5), ('l', [1, 2]), ('n', 1), ('none', None), ('s', 'str')]",
			"obtain_list":  "[3, 1, 2]",
			"obtain_point": "[('label', 'p'), ('tags', ['a']), ('x', 7)]",
		}
		for k, v := range want {
			if out[k] != v {
				t.Errorf("%s: got %q, want %q", k, out[k], v)
			}
		}
		if !strings.HasPrefix(out["bad_item"], "TypeError") {
			t.Errorf("bad_item: %q, want a TypeError", out["bad_item"])
		}
		t.Logf("bad item error: %s", out["bad_item"])

		off := parseLines(Run(t, "classic_pyclient.py", layout == message.LayoutV6, serveGo(t, paramService{}, nil), "nopickle"))
		if !strings.HasPrefix(off["obtain_disabled"], "ValueError pickling is disabled") {
			t.Errorf("obtain with AllowPickle off: %q", off["obtain_disabled"])
		}
	})
}
