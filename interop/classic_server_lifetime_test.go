//go:build unix

package interop

import (
	"regexp"
	"strings"
	"testing"
)

// Issue 18's data-losing race: Python's client drops its netref to a
// file right after fetching a bound method (open(p).read(),
// open(p, "w").write(x)) or the iterator (for line in open(p)). Each
// idiom runs 200 times from Python's real client against our
// rpyc_classic: no failure, no empty file.
func TestClassicServerLifetimeIdioms(t *testing.T) {
	bin := goClassicBinary(t)
	srv := startGoClassic(t, bin)
	host, port := srv.hostPort()
	out := Run(t, "classic_lifetime_idioms.py", false, host, port, t.TempDir(), "200")
	if !strings.Contains(out, "done\n") {
		t.Fatalf("the idioms script did not finish:\n%s", out)
	}
	count := regexp.MustCompile(`(?m)^(\S+) (failures|empty)=(\d+)`)
	seen := 0
	for _, m := range count.FindAllStringSubmatch(out, -1) {
		seen++
		if m[3] != "0" {
			t.Errorf("%s: %s=%s, want 0\n%s", m[1], m[2], m[3], out)
		}
	}
	if seen < 9 {
		t.Errorf("got %d idiom counts, want 9:\n%s", seen, out)
	}
}
