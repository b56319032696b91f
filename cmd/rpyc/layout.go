package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rpyc-go/rpyc/message"
)

// The message layout, across runs. rpyc 5.x and 6.x servers cannot be
// told apart before the first message, and the library learns a server's
// layout by trying 6.x first, which a 5.x Python server logs as two
// tracebacks. A library program learns once per process; the command
// runs once per process, so it keeps what it learnt in a small file
// under the user's cache directory (layoutCachePath), and a lab of 5.x
// servers can say so once in the environment: RPYC_LAYOUT=5.

// layoutEnv names the environment variable that sets --layout's default.
const layoutEnv = "RPYC_LAYOUT"

// maxLayoutEntries bounds the cache file: the oldest entries go first.
const maxLayoutEntries = 512

// parseLayout reads a --layout or RPYC_LAYOUT value: 0 for auto.
func parseLayout(s string) (message.Layout, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "":
		return 0, true
	case "5", "v5", "5.x":
		return message.LayoutV5, true
	case "6", "v6", "6.x":
		return message.LayoutV6, true
	}
	return 0, false
}

// defaultLayout is --layout's default: RPYC_LAYOUT, else auto.
func defaultLayout() string {
	if v := os.Getenv(layoutEnv); v != "" {
		return v
	}
	return "auto"
}

// layoutFlag is the number a user types for a layout.
func layoutFlag(l message.Layout) string {
	if l == message.LayoutV5 {
		return "5"
	}
	return "6"
}

// layoutCachePath is the file that remembers each server's layout:
// rpyc/layouts under os.UserCacheDir ($XDG_CACHE_HOME or ~/.cache on
// Linux, ~/Library/Caches on macOS, %LocalAppData% on Windows). Empty
// when there is no cache directory.
func layoutCachePath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "rpyc", "layouts")
}

// layoutCache is the cache file's contents: "tcp host:port" (or "tls
// ...", "unix /path") -> layout, in the order of the file (oldest
// first).
type layoutCache struct {
	path  string
	order []string
	byKey map[string]message.Layout
}

// loadLayoutCache reads the cache; a missing or unreadable file is an
// empty cache (the layout is then learnt again, which is only slower).
func loadLayoutCache() *layoutCache {
	c := &layoutCache{path: layoutCachePath(), byKey: map[string]message.Layout{}}
	if c.path == "" {
		return c
	}
	f, err := os.Open(c.path)
	if err != nil {
		return c
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n, key, ok := strings.Cut(sc.Text(), " ")
		l, valid := parseLayout(n)
		if !ok || !valid || l == 0 || key == "" {
			continue
		}
		c.put(key, l)
	}
	return c
}

func (c *layoutCache) get(key string) message.Layout { return c.byKey[key] }

func (c *layoutCache) put(key string, l message.Layout) {
	if _, ok := c.byKey[key]; ok {
		for i, k := range c.order {
			if k == key {
				c.order = append(c.order[:i], c.order[i+1:]...)
				break
			}
		}
	}
	c.byKey[key] = l
	c.order = append(c.order, key)
	for len(c.order) > maxLayoutEntries {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
}

// remember records key's layout and saves the file when it changed: a
// temporary file renamed over the old one, so a reader never sees half.
func (c *layoutCache) remember(key string, l message.Layout) error {
	if c.path == "" || c.byKey[key] == l {
		return nil
	}
	c.put(key, l)
	if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.path), "layouts.*")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(tmp)
	fmt.Fprintln(w, "# rpyc command: the RPyC message layout each server answered in (5 or 6). Safe to delete.")
	for _, k := range c.order { // oldest first

		fmt.Fprintf(w, "%s %s\n", layoutFlag(c.byKey[k]), k)
	}
	err = w.Flush()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}
