package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/message"
)

// TestLayoutCacheFile: what remember saves, a later load reads; a
// changed layout replaces the entry; the file stays bounded, oldest out.
func TestLayoutCacheFile(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	c := loadLayoutCache()
	if c.path == "" {
		t.Skip("no user cache directory on this system")
	}
	if err := c.remember("tcp a:1", message.LayoutV5); err != nil {
		t.Fatal(err)
	}
	if err := c.remember("unix /s", message.LayoutV6); err != nil {
		t.Fatal(err)
	}
	if got := loadLayoutCache().get("tcp a:1"); got != message.LayoutV5 {
		t.Errorf("reloaded tcp a:1 = %v, want v5", got)
	}
	if err := loadLayoutCache().remember("tcp a:1", message.LayoutV6); err != nil {
		t.Fatal(err)
	}
	c = loadLayoutCache()
	if c.get("tcp a:1") != message.LayoutV6 || c.get("unix /s") != message.LayoutV6 || len(c.order) != 2 {
		t.Errorf("after a change: %v (order %q), want both v6, two entries", c.byKey, c.order)
	}
	for i := range maxLayoutEntries + 10 {
		c.put("tcp h:"+string(rune('0'+i%10))+strings.Repeat("x", i), message.LayoutV5)
	}
	if err := c.remember("tcp last:1", message.LayoutV5); err != nil {
		t.Fatal(err)
	}
	c = loadLayoutCache()
	if len(c.order) != maxLayoutEntries || c.get("tcp a:1") != 0 || c.get("tcp last:1") != message.LayoutV5 {
		t.Errorf("bounded cache: %d entries (want %d), oldest %v (want gone), newest %v", len(c.order), maxLayoutEntries, c.get("tcp a:1"), c.get("tcp last:1"))
	}
	// A damaged file is an empty cache, not an error.
	if err := os.WriteFile(c.path, []byte("garbage\n7 tcp x:1\n5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c := loadLayoutCache(); len(c.order) != 0 {
		t.Errorf("damaged file read as %v, want nothing", c.byKey)
	}
}

func TestParseLayout(t *testing.T) {
	for in, want := range map[string]message.Layout{"auto": 0, "": 0, "5": message.LayoutV5, "v5": message.LayoutV5,
		"6.x": message.LayoutV6, " 6 ": message.LayoutV6} {
		if got, ok := parseLayout(in); !ok || got != want {
			t.Errorf("parseLayout(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := parseLayout("7"); ok {
		t.Errorf("parseLayout(7) accepted")
	}
	t.Setenv(layoutEnv, "5")
	if defaultLayout() != "5" {
		t.Errorf("defaultLayout with %s=5 = %q", layoutEnv, defaultLayout())
	}
}

func TestMessageHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"rpyc: getroot: x": "getroot: x",
		"classic: connect 1.2.3.4:5: rpyc: dial x: y":   "dial x: y",
		"classic: connect unix /a b: rpyc: tls: failed": "tls: failed",
		"other: x": "other: x",
	} {
		if got := trimPrefixes(in); got != want {
			t.Errorf("trimPrefixes(%q) = %q, want %q", in, got, want)
		}
	}
	for d, want := range map[time.Duration]string{10 * time.Second: "10 s", 1500 * time.Millisecond: "1.5s", 300 * time.Millisecond: "300ms"} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%v) = %q, want %q", d, got, want)
		}
	}
}
