package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h")
	if err := os.WriteFile(path, []byte(strings.Repeat("old\n", maxHistory+5)+"last\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := openHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if h.Len() != maxHistory || h.At(0) != "last" {
		t.Errorf("loaded %d lines, newest %q; want %d and last", h.Len(), h.At(0), maxHistory)
	}
	h.Add("a")
	h.Add("a") // a repeat is not kept
	h.Add("")
	h.Add("b")
	if h.At(0) != "b" || h.At(1) != "a" || h.Len() != maxHistory {
		t.Errorf("after adds: %q %q (len %d)", h.At(0), h.At(1), h.Len())
	}
	h.Close()
	b, _ := os.ReadFile(path)
	if !strings.HasSuffix(string(b), "last\na\nb\n") {
		t.Errorf("file ends %q, want the new lines appended", string(b)[len(b)-20:])
	}
	if _, err := openHistory(filepath.Join(t.TempDir(), "no", "such", "dir", "h")); err == nil {
		t.Errorf("an unwritable history path gave no warning")
	}
}
