package slave

import (
	"context"
	"iter"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// globModule is Python's glob, and fnmatchModule Python's fnmatch: shell
// patterns (*, ?, [seq], [!seq]) matched per path component, ** across
// directories with recursive=True, names starting with a dot only by
// patterns that start with one (unless include_hidden). Results are
// sorted (Python gives them in directory order, which is arbitrary).
type globModule struct{ Module }

// RPyCParams gives the functions Python's keyword arguments.
func (globModule) RPyCParams() map[string]string {
	p := "pathname, root_dir=None, dir_fd=None, recursive=False, include_hidden=False"
	return map[string]string{"Glob": p, "Iglob": p}
}

// Glob is glob.glob.
func (g globModule) Glob(ctx context.Context, pathname, rootDir, dirFd any, recursive, includeHidden bool) ([]any, error) {
	pat, err := fspath(ctx, pathname)
	if err != nil {
		return nil, err
	}
	root := ""
	if rootDir != nil {
		if root, err = fspath(ctx, rootDir); err != nil {
			return nil, err
		}
	}
	var out []any
	for _, m := range globPaths(root, pat, recursive, includeHidden) {
		out = append(out, pathResult(pathname, m))
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}

// Iglob is glob.iglob: the same, as an iterator.
func (g globModule) Iglob(ctx context.Context, pathname, rootDir, dirFd any, recursive, includeHidden bool) (iter.Seq[any], error) {
	items, err := g.Glob(ctx, pathname, rootDir, dirFd, recursive, includeHidden)
	return seqOf(items), err
}

// Escape is glob.escape.
func (globModule) Escape(pathname string) string {
	var b strings.Builder
	for _, c := range pathname {
		if c == '*' || c == '?' || c == '[' {
			b.WriteString("[" + string(c) + "]")
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// HasMagic is glob.has_magic.
func (globModule) HasMagic(s string) bool { return hasMagic(s) }

func hasMagic(s string) bool { return strings.ContainsAny(s, "*?[") }

// globPaths expands pattern (relative to root when relative), as
// glob.glob: the results keep the pattern's own prefix.
func globPaths(root, pattern string, recursive, hidden bool) []string {
	if !hasMagic(pattern) {
		p := pattern
		if root != "" && !strings.HasPrefix(p, "/") {
			p = joinPath(root, p)
		}
		if _, err := os.Lstat(p); err == nil || (strings.HasSuffix(pattern, "/") && isDirPath(p)) {
			return []string{pattern}
		}
		return nil
	}
	prefix := ""
	rest := pattern
	if strings.HasPrefix(pattern, "/") {
		prefix, rest = "/", strings.TrimLeft(pattern, "/")
	}
	parts := strings.Split(rest, "/")
	var out []string
	var walk func(dir string, i int)
	walk = func(dir string, i int) {
		if i == len(parts) {
			out = append(out, dir)
			return
		}
		part := parts[i]
		real := func(d string) string {
			full := prefix + d
			if prefix == "" && root != "" {
				full = joinPath(root, d)
			}
			if full == "" {
				return "."
			}
			return full
		}
		join := func(d, name string) string {
			if d == "" {
				return name
			}
			return joinPath(d, name)
		}
		switch {
		case part == "" && i == len(parts)-1:
			// A trailing slash: directories only.
			if isDirPath(real(dir)) {
				out = append(out, dir+"/")
			}
		case part == "**" && recursive:
			// Zero or more directories.
			walk(dir, i+1)
			for _, sub := range subdirs(real(dir), hidden) {
				walkRecursive(join(dir, sub), real, join, hidden, func(d string) { walk(d, i+1) })
			}
		case !hasMagic(part):
			next := join(dir, part)
			if i == len(parts)-1 {
				if _, err := os.Lstat(real(next)); err == nil {
					out = append(out, next)
				}
				return
			}
			if isDirPath(real(next)) {
				walk(next, i+1)
			}
		default:
			re := fnmatchRegexp(part)
			entries, err := os.ReadDir(real(dir))
			if err != nil {
				return
			}
			for _, e := range entries {
				name := e.Name()
				if strings.HasPrefix(name, ".") && !hidden && !strings.HasPrefix(part, ".") {
					continue
				}
				if !re.MatchString(name) {
					continue
				}
				if i == len(parts)-1 {
					out = append(out, join(dir, name))
				} else if isDirPath(real(join(dir, name))) {
					walk(join(dir, name), i+1)
				}
			}
		}
	}
	walk(strings.TrimSuffix(prefix, "/"), 0)
	if prefix == "/" {
		for i, o := range out {
			if !strings.HasPrefix(o, "/") {
				out[i] = "/" + o
			}
		}
	}
	sort.Strings(out)
	return dedupe(out)
}

func walkRecursive(dir string, real func(string) string, join func(string, string) string, hidden bool, visit func(string)) {
	visit(dir)
	for _, sub := range subdirs(real(dir), hidden) {
		walkRecursive(join(dir, sub), real, join, hidden, visit)
	}
}

func subdirs(dir string, hidden bool) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && !hidden {
			continue
		}
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// fnmatchModule is Python's fnmatch.
type fnmatchModule struct{ Module }

// Fnmatch is fnmatch.fnmatch (case-sensitive on POSIX).
func (fnmatchModule) Fnmatch(name, pat string) bool { return fnmatchRegexp(pat).MatchString(name) }

// Fnmatchcase is fnmatch.fnmatchcase.
func (fnmatchModule) Fnmatchcase(name, pat string) bool { return fnmatchRegexp(pat).MatchString(name) }

// Filter is fnmatch.filter.
func (fnmatchModule) Filter(ctx context.Context, names any, pat string) ([]any, error) {
	items, err := listOf(ctx, names)
	if err != nil {
		return nil, err
	}
	re := fnmatchRegexp(pat)
	out := []any{}
	for _, it := range items {
		if s, ok := it.(string); ok && re.MatchString(s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Translate is fnmatch.translate: the regular expression of a pattern.
func (fnmatchModule) Translate(pat string) string { return "(?s:" + fnmatchText(pat) + `)\Z` }

var fnmatchCache sync.Map // pattern -> *regexp.Regexp

// fnmatchRegexp compiles a shell pattern as Python's fnmatch does.
func fnmatchRegexp(pat string) *regexp.Regexp {
	if re, ok := fnmatchCache.Load(pat); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(`(?s)\A(?:` + fnmatchText(pat) + `)\z`)
	fnmatchCache.Store(pat, re)
	return re
}

func fnmatchText(pat string) string {
	var b strings.Builder
	rs := []rune(pat)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := i + 1
			if j < len(rs) && rs[j] == '!' {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			stuff := string(rs[i+1 : j])
			i = j
			neg := strings.HasPrefix(stuff, "!")
			if neg {
				stuff = stuff[1:]
			}
			stuff = strings.ReplaceAll(stuff, `\`, `\\`)
			stuff = strings.ReplaceAll(stuff, "[", `\[`)
			if neg {
				b.WriteString("[^" + stuff + "]")
			} else if stuff == "" {
				b.WriteString(`[^\x00-\x{10FFFF}]`)
			} else {
				b.WriteString("[" + stuff + "]")
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}
