package tutorial_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeSnippetsAreExamples checks that every Go block in README.md
// is, line for line (indentation and alignment aside), a run of lines of the examples in
// tutorial_test.go, so that the page shows only code the tests compile and
// run.
func TestReadmeSnippetsAreExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("tutorial_test.go")
	if err != nil {
		t.Fatal(err)
	}
	code := "\n" + strings.Join(trimmed(string(src)), "\n") + "\n"
	blocks := goBlocks(string(readme))
	if len(blocks) < 6 {
		t.Fatalf("README.md has %d Go blocks, want at least one per step", len(blocks))
	}
	for i, b := range blocks {
		if want := "\n" + strings.Join(trimmed(b), "\n") + "\n"; !strings.Contains(code, want) {
			t.Errorf("README Go block %d is not in tutorial_test.go:\n%s", i+1, b)
		}
	}
}

// goBlocks returns the bodies of the ```go fences.
func goBlocks(md string) []string {
	var out []string
	var cur []string
	in := false
	for _, line := range strings.Split(md, "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "```go":
			in, cur = true, nil
		case in && strings.TrimSpace(line) == "```":
			in = false
			out = append(out, strings.Join(cur, "\n"))
		case in:
			cur = append(cur, line)
		}
	}
	return out
}

// trimmed is the text's non-empty lines with runs of spaces and tabs
// made one space (gofmt's alignment aside).
func trimmed(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}
